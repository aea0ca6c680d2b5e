import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decision 0002's broker under test: HiveMQ CE embedded as the gateway embeds it (in-memory persistence, no usage
 * statistics, a loopback listener, the receive maximum and packet size of BrokerWorkDir) with one embedded extension
 * that lets every client in. Usage: {@code HiveMqFootprint PORT DIR}; prints "ready" and runs until killed.
 */
public final class HiveMqFootprint {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address><name>probe</name></tcp-listener>
                  </listeners>
                  <mqtt>
                    <packets><max-packet-size>65536</max-packet-size></packets>
                    <receive-maximum><server-receive-maximum>1024</server-receive-maximum></receive-maximum>
                  </mqtt>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("probe")
                        .withName("probe")
                        .withVersion("1")
                        .withExtensionMain(new AllowAll())
                        .build())
                .build();
        hivemq.start().join();
        System.out.println("ready");
        Thread.currentThread().join();
    }

    static final class AllowAll implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry()
                    .setAuthenticatorProvider(in -> (SimpleAuthenticator) (connect, out) -> out.authenticateSuccessfully());
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
    }
}
