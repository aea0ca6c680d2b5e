package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fogbridge.operator.reconcile.CompactDevices;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Both Device informers (the Device reconciler's and the Gateway reconciler's) list in pages, so the operator's peak at
 * start is one page, not every Device at once. The mock server answers a paged list whole, so what is checked is the
 * request: every initial LIST of Devices asks for {@link CompactDevices#LIST_PAGE}.
 */
class DeviceListPagingTest {

    @Test
    void everyInitialListOfDevicesAsksForOnePage() throws Exception {
        KubernetesMockServer server = OperatorFixture.mockServer();
        try (KubernetesClient client = server.createClient()) {
            Operator operator = OperatorFixture.startOperator(client);
            try {
                List<String> lists = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
                    while (request != null) {
                        String path = request.getPath();
                        if (request.getMethod().equals("GET")
                                && path.contains("/devices?")
                                && !path.contains("watch=true")) {
                            lists.add(path);
                        }
                        request = server.takeRequest(10, TimeUnit.MILLISECONDS);
                    }
                    return lists.size() >= 2;
                });
                assertThat(lists).as("the two Device informers' LISTs").allSatisfy(path -> assertThat(path)
                        .contains("limit=" + CompactDevices.LIST_PAGE));
            } finally {
                operator.stop();
            }
        } finally {
            server.destroy();
        }
    }
}
