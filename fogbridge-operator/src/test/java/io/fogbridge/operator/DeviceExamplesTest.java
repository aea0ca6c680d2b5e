package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.model.DeviceCheck;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.RenderedDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/examples/plant-1-devices.yaml} parses strictly into Devices (a misspelled field fails), each checks
 * out with the gateway's own loaders, and together they render a registry and a Modbus section.
 */
class DeviceExamplesTest {

    private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "plant-1-devices.yaml");

    @Test
    void theDeviceExampleParsesStrictlyAndEveryDeviceChecksOut() throws Exception {
        ObjectMapper strict =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<Device> devices;
        try (var parser = strict.getFactory().createParser(Files.readString(EXAMPLE))) {
            devices = strict.readValues(parser, Device.class).readAll();
        }
        assertThat(devices).extracting(Device::deviceId).containsExactly("lathe-7", "press-1");

        List<RenderedDevice> rendered = new ArrayList<>();
        for (Device device : devices) {
            rendered.add(DeviceCheck.check(device, name -> Devices.credentials("plant-1", "lathe-7", "pw")));
        }
        DeviceSet set = DeviceSet.of(rendered);
        assertThat(set.registryYaml()).contains("lathe-7:", "press-1:", "hashed-password");
    }
}
