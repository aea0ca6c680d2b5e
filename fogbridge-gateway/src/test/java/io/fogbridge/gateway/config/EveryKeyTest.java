package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.config.ConfigKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad value for each key is reported with the file, the line and the key. */
class EveryKeyTest {

    private static final String BAD_VALUES = """
            gateway.id                 | "bad id"        | expected letters, digits
            gateway.dataDir            | "a\\0b"         | not a valid path
            gateway.labels             | plant-1         | expected a mapping
            mqtt.listeners             | 0.0.0.0:1883    | expected a list
            mqtt.maxPayload            | 1 parsec        | expected a size
            mqtt.maxPayload            | 1GiB            | expected a size between 1 and 255MiB
            mqtt.ackTimeout            | "0"             | must be longer than 0
            mqtt.registry              | "a\\0b"         | not a valid path
            devices.registry           | "a\\0b"         | not a valid path
            devices.maxPayload         | 1 parsec        | expected a size
            devices.maxPayload         | 1GiB            | expected a size between 1 and 255MiB
            devices.ackTimeout         | "0"             | must be longer than 0
            devices.pipelinedAcks      | maybe           | expected true or false
            devices.reportNewcomers    | maybe           | expected true or false
            devices.directory          | pigeon          | expected one of file, kubernetes
            devices.secret             | lathe-devices   | is not namespace/name
            devices.apiServer          | ftp://x         | is not an http(s) URL
            devices.tokenFile          | "a\\0b"         | not a valid path
            devices.caFile             | "a\\0b"         | not a valid path
            mqtt.roles                 | everything      | expected a list
            mqtt.maxConnections        | "0"             | expected a whole number 1-1000000
            mqtt.maxConnectionsPerAddress | "-1"         | expected a whole number 0-1000000
            mqtt.external.uri          | ftp://x         | expected tcp://host:port
            mqtt.external.caFile       | "a\\0b"         | not a valid path
            mqtt.external.certFile     | "a\\0b"         | not a valid path
            mqtt.external.keyFile      | "a\\0b"         | not a valid path
            mqtt.external.verifyHostname | maybe         | expected true or false
            mqtt.external.clientId     | "a b"           | expected letters, digits
            mqtt.external.username     | '""'            | must not be empty
            mqtt.external.password     | '""'            | must not be empty
            mqtt.external.passwordFile | "a\\0b"         | not a valid path
            mqtt.external.sharedGroup  | a/b             | expected letters, digits
            kafka.bootstrapServers     | nohost          | expected host:port
            kafka.properties           | "[a, b]"        | expected a mapping
            kafka.maxInFlight          | "6"             | expected an integer 1-5
            kafka.delivery             | twice           | expected at-least-once or exactly-once
            spool.maxBytes             | 1KiB            | expected a size between 1MiB and
            spool.maxAge               | forever         | expected a duration
            spool.fsync                | sometimes       | expected 'group' or 'interval:<ms>', got 'sometimes'
            spool.fsync                | interval:0      | expected 'interval:<ms>' with 1 to 60000 ms
            spool.whenFull             | explode         | expected one of block, drop-oldest, drop-newest
            spool.segmentBytes         | 2GiB            | expected a size between 64KiB and 1GiB
            spool.groupCommitDelay     | 1s              | at most 100 ms: it is added to every acknowledgement at moderate loads
            spool.groupCommitDelay     | soon            | got 'soon'
            http.host                  | "a b"           | expected host name or IP address
            http.port                  | "-1"            | expected a port 0-65535
            http.tokenFile             | "a\\0b"         | not a valid path
            http.token                 | short           | at least 16 characters
            http.allowUnauthenticated  | maybe           | expected true or false
            commands.enabled           | yes             | expected true or false
            commands.tenants           | "a b"           | is not a tenant id
            commands.maxPending        | "0"             | expected 1-1000000, got '0'
            commands.maxPendingBytes   | 1000            | expected a size between 1KiB and 1TiB
            commands.maxPayload        | 1GiB            | expected a size between 0 and 63MiB
            commands.unknownDevices    | drop            | expected one of reject, ignore
            adapters.http.enabled      | yes             | expected true or false
            adapters.http.host         | "a b"           | expected host name or IP address
            adapters.http.port         | "70000"         | expected a port 0-65535
            adapters.http.anonymous    | maybe           | expected true or false
            adapters.http.keyStore     | "a\\0b"         | not a valid path
            adapters.http.keyStorePassword | '""'        | must not be empty
            adapters.http.clientCaFile | "a\\0b"         | not a valid path
            adapters.http.maxTtdWaiting | "0"            | expected a whole number 1-100000, got '0'
            adapters.http.maxConnections | "0"           | expected a whole number 1-1000000, got '0'
            adapters.coap.enabled      | yes             | expected true or false
            adapters.coap.host         | "a b"           | expected host name or IP address
            adapters.coap.port         | "-1"            | expected a port 0-65535
            adapters.coap.anonymous    | maybe           | expected true or false
            adapters.coap.dtlsPort     | "-1"            | expected a port 0-65535
            adapters.coap.pskFile      | "a\\0b"         | not a valid path
            adapters.coap.sourceRate   | "0"             | expected requests per second, 1-1000000
            adapters.coap.sourceBurst  | "1k"            | expected requests, 1-1000000
            adapters.coap.maxSources   | "0"             | expected sources, 1-1000000
            adapters.coap.totalRate    | "-5"            | expected requests per second, 1-10000000
            adapters.coap.maxPeers     | "0"             | expected peers, 1-1000000
            adapters.coap.maxExchanges | "8"             | expected exchanges, 16-1000000
            adapters.coap.maxTtdWaiting | "0"            | expected requests, 1-1000000
            adapters.coap.maxBlockwiseUploads | "0"      | expected uploads, 1-100000
            adapters.maxTtd            | "0"             | must be longer than 0
            adapters.modbus.enabled    | yes             | expected true or false
            adapters.modbus.maxGap     | "125"           | expected 0-124
            adapters.modbus.reconnectDelay | "0"         | must be longer than 0
            adapters.modbus.reconnectMax | forever       | expected a duration
            adapters.modbus.devices    | plc-1           | expected a list
            adapters.opcua.enabled     | yes             | expected true or false
            adapters.opcua.reconnectDelay | "0"          | must be longer than 0
            adapters.opcua.reconnectMax | forever        | expected a duration
            adapters.opcua.requestTimeout | "0"          | must be longer than 0
            adapters.opcua.resumeWindow | forever        | expected a duration
            adapters.opcua.endpoints   | plc-1           | expected a list
            adapters.fake.enabled      | yes             | expected true or false
            adapters.fake.device       | "a b"           | expected letters, digits
            adapters.fake.interval     | forever         | expected a duration
            routes                     | everything      | expected a list
            reduction                  | everything      | expected a list
            twin.enabled               | yes             | expected true or false
            twin.target                | pigeon          | expected one of kubernetes, kafka
            twin.devicesFile           | "a\\0b"         | not a valid path
            twin.apiServer             | ftp://x         | is not an http(s) URL
            twin.tokenFile             | "a\\0b"         | not a valid path
            twin.caFile                | "a\\0b"         | not a valid path
            twin.reportInterval        | "0"             | must be longer than 0
            discovery                  | everything      | expected a list
            """;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = BAD_VALUES)
    void badValueNamesFileLineAndKey(String path, String value, String message) {
        boolean needsExternal = path.startsWith("mqtt.external.") && !path.equals("mqtt.external.uri");
        String yaml = (path.equals("kafka.bootstrapServers") ? "" : "kafka: {bootstrapServers: k:9092}\n")
                + "# a comment line\n"
                + path + ": " + value + "\n";
        int line = path.equals("kafka.bootstrapServers") ? 2 : 3;
        Map<String, String> env = needsExternal ? Map.of("FOGBRIDGE_MQTT_EXTERNAL_URI", "tcp://h:1883") : Map.of();
        assertThat(ConfigLoaderTest.problems(yaml, env))
                .singleElement()
                .asString()
                .startsWith("config.yaml:" + line + ": " + path + ": ")
                .contains(message);
    }

    @Test
    void everyKeyIsInTheTable() {
        Set<String> tested =
                BAD_VALUES.lines().map(l -> l.split("\\|")[0].strip()).collect(Collectors.toSet());
        List<String> keys = ConfigSections.keys().stream().map(ConfigKey::path).toList();
        assertThat(tested).containsAll(keys);
    }
}
