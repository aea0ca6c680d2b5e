package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.KafkaSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client properties for a Gateway's TLS and SCRAM Secrets. Secret values never enter the ConfigMap: the
 * clients read them from the mounted files through Kafka's {@code DirectoryConfigProvider} ({@code ${dir:<dir>:<file>}}),
 * which the pod allows with the system property {@link #ALLOW_PROVIDER}.
 */
final class KafkaClientProperties {

    static final String DIRECTORY_PROVIDER = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
    /** JVM option that lets Kafka clients use the directory provider (and nothing else) automatically. */
    static final String ALLOW_PROVIDER = "-Dorg.apache.kafka.automatic.config.providers=" + DIRECTORY_PROVIDER;

    private final PodPaths paths;

    KafkaClientProperties(PodPaths paths) {
        this.paths = paths;
    }

    Map<String, String> of(KafkaSpec kafka) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (kafka.tls == null && kafka.scram == null) {
            return properties;
        }
        properties.put("config.providers", "dir");
        properties.put("config.providers.dir.class", DIRECTORY_PROVIDER);
        properties.put("security.protocol", kafka.scram == null ? "SSL" : "SASL_SSL");
        if (kafka.tls != null) {
            String dir = paths.kafkaTlsDir().toString();
            properties.put("ssl.truststore.type", "PEM");
            properties.put(
                    "ssl.truststore.location",
                    paths.kafkaTlsDir().resolve("ca.crt").toString());
            if (!Boolean.FALSE.equals(kafka.tls.clientCertificate)) {
                properties.put("ssl.keystore.type", "PEM");
                properties.put("ssl.keystore.certificate.chain", "${dir:" + dir + ":tls.crt}");
                properties.put("ssl.keystore.key", "${dir:" + dir + ":tls.key}");
            }
        }
        if (kafka.scram != null) {
            KafkaSpec.Mechanism mechanism =
                    kafka.scram.mechanism == null ? KafkaSpec.Mechanism.SCRAM_SHA_512 : kafka.scram.mechanism;
            properties.put("sasl.mechanism", mechanism.value);
            properties.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + kafka.scram.username + "\" password=\"${dir:" + paths.kafkaScramDir() + ":password}\";");
        }
        return properties;
    }
}
