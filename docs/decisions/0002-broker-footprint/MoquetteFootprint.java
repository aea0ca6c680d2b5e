import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.util.Properties;

/**
 * Decision 0002's other broker: Moquette 0.17 embedded with the same duties as HiveMqFootprint's (a loopback
 * listener, anonymous clients allowed, sessions in memory) and its telemetry off. Usage:
 * {@code MoquetteFootprint PORT DIR}; prints "ready" and runs until killed.
 */
public final class MoquetteFootprint {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("port", args[0]);
        props.setProperty("host", "127.0.0.1");
        props.setProperty("allow_anonymous", "true");
        props.setProperty("persistence_enabled", "false");
        props.setProperty("data_path", args[1]);
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("websocket_port", "disabled");
        Server server = new Server();
        server.startServer(new MemoryConfig(props));
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
