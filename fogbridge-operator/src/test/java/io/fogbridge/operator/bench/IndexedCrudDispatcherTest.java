package io.fogbridge.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.OperatorFixture;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The indexed mock store answers a sequence of requests exactly as fabric8's stock CRUD store does. */
class IndexedCrudDispatcherTest {

    @Test
    void answersEveryRequestAsTheStockStoreDoes() {
        IndexedCrudDispatcher indexed = new IndexedCrudDispatcher();
        List<String> stock = run(new KubernetesCrudDispatcher());
        List<String> withIndex = run(indexed);

        assertThat(withIndex).containsExactlyElementsOf(stock);
        assertThat(stock).anyMatch(answer -> answer.contains("\"generation\":2"));
        assertThat(indexed.rebuilds()).isZero();
    }

    /** A list with a limit comes in pages of one snapshot, as from an API server; a spent token is 410 Gone. */
    @Test
    void pagesAListAsAnApiServerDoes() {
        KubernetesMockServer server = OperatorFixture.mockServer(new IndexedCrudDispatcher());
        try (KubernetesClient client = server.createClient()) {
            for (int i = 1; i <= 5; i++) {
                client.resource(Devices.modbus("a", "d-" + i, "gw", "10.0.0.1", 502))
                        .create();
            }
            var devices = client.resources(Device.class).inNamespace("a");
            var first = devices.list(new ListOptionsBuilder().withLimit(2L).build());
            // created after the first page: not in this listing's snapshot
            client.resource(Devices.modbus("a", "d-6", "gw", "10.0.0.1", 502)).create();
            List<String> names = new ArrayList<>();
            List<Long> remaining = new ArrayList<>();
            var page = first;
            String spent = null;
            while (true) {
                page.getItems().forEach(d -> names.add(d.getMetadata().getName()));
                remaining.add(page.getMetadata().getRemainingItemCount());
                String token = page.getMetadata().getContinue();
                if (token == null || token.isEmpty()) {
                    break;
                }
                spent = token;
                page = devices.list(new ListOptionsBuilder()
                        .withLimit(2L)
                        .withContinue(token)
                        .build());
            }
            assertThat(names).containsExactly("d-1", "d-2", "d-3", "d-4", "d-5");
            assertThat(remaining).containsExactly(3L, 1L, null);
            String again = spent;
            assertThatThrownBy(() -> devices.list(new ListOptionsBuilder()
                            .withLimit(2L)
                            .withContinue(again)
                            .build()))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                            .isEqualTo(410));
            assertThat(devices.list().getItems()).as("no limit: the whole list").hasSize(6);
        } finally {
            server.destroy();
        }
    }

    /** The same requests against a fresh server on {@code store}; each answer with its server-made ids left out. */
    private static List<String> run(KubernetesCrudDispatcher store) {
        KubernetesMockServer server = OperatorFixture.mockServer(store);
        List<String> answers = new ArrayList<>();
        try (KubernetesClient client = server.createClient()) {
            Function<String, Device> get = name -> client.resources(Device.class)
                    .inNamespace("a")
                    .withName(name)
                    .get();
            for (String ns : List.of("a", "b")) {
                for (String name : List.of("d-1", "d-2")) {
                    answers.add(json(client.resource(Devices.modbus(ns, name, "gw", "10.0.0.1", 502))
                            .create()));
                }
            }
            answers.add(json(client.configMaps()
                    .resource(new ConfigMapBuilder()
                            .withMetadata(new ObjectMetaBuilder()
                                    .withNamespace("a")
                                    .withName("d-1")
                                    .build())
                            .withData(Map.of("k", "v"))
                            .build())
                    .create()));
            answers.add(json(get.apply("d-1")));
            answers.add(json(get.apply("missing")));
            answers.add(json(client.resources(Device.class)
                    .inNamespace("a")
                    .withName("d-1")
                    .edit(d -> {
                        d.getSpec().modbus.port = 1502;
                        d.getMetadata().setLabels(Map.of("line", "4"));
                        return d;
                    })));
            Device withStatus = get.apply("d-1");
            withStatus.setStatus(new DeviceStatus());
            withStatus.getStatus().conditions = List.of(new Condition("Registered", Condition.Status.TRUE, "R", "m"));
            answers.add(json(client.resource(withStatus).updateStatus()));
            answers.add(json(client.resources(Device.class)
                    .inNamespace("a")
                    .withName("d-2")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"line\":\"5\"}}}")));
            answers.add(json(client.resources(Device.class)
                    .inNamespace("a")
                    .withLabel("line", "4")
                    .list()
                    .getItems()));
            answers.add(
                    json(client.resources(Device.class).inAnyNamespace().list().getItems()));
            answers.add(json(client.resources(Device.class)
                    .inNamespace("a")
                    .withName("d-2")
                    .delete()
                    .size()));
            answers.add(json(get.apply("d-2")));
            answers.add(json(get.apply("d-1")));
            answers.add(
                    json(client.configMaps().inNamespace("a").withName("d-1").get()));
            answers.add(json(client.resources(Device.class)
                    .inNamespace("b")
                    .withName("d-2")
                    .get()));
        } finally {
            server.destroy();
        }
        return answers;
    }

    private static String json(Object answer) {
        return Serialization.asJson(answer)
                .replaceAll("\"uid\":\"[^\"]*\"", "\"uid\":\"-\"")
                .replaceAll("\"creationTimestamp\":\"[^\"]*\"", "\"creationTimestamp\":\"-\"");
    }
}
