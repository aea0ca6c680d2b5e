import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decision 0002's load: N MQTT 3.1.1 clients (HiveMQ's client, the e2e benchmark's) connected to one broker, RATE
 * QoS 1 PUBLISHes of 200 bytes a second spread over them, for SECONDS. Usage:
 * {@code FootprintClients PORT N RATE SECONDS}. Prints what was acknowledged; exits 1 if a PUBLISH failed.
 */
public final class FootprintClients {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Mqtt3AsyncClient client = MqttClient.builder()
                    .useMqttVersion3()
                    .identifier("probe-" + i)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildAsync();
            client.connectWith().keepAlive(60).send().join();
            clients.add(client);
        }
        System.out.println("connected " + n);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        byte[] payload = new byte[200];
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
        int[] next = {0};
        if (periodNanos > 0) {
            timer.scheduleAtFixedRate(
                    () -> {
                        int i = next[0]++ % n;
                        clients.get(i)
                                .publishWith()
                                .topic("probe/" + i)
                                .qos(MqttQos.AT_LEAST_ONCE)
                                .payload(payload)
                                .send()
                                .whenComplete((ack, error) -> (error == null ? acked : failed).incrementAndGet());
                    },
                    0,
                    periodNanos,
                    TimeUnit.NANOSECONDS);
        }
        Thread.sleep(seconds * 1000L);
        timer.shutdownNow();
        for (Mqtt3AsyncClient client : clients) {
            client.disconnect().join();
        }
        System.out.println("acknowledged " + acked.get() + ", failed " + failed.get());
        System.exit(failed.get() == 0 ? 0 : 1);
    }
}
