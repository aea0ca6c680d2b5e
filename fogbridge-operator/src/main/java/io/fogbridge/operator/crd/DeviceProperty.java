package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Where one twin property is found in the device's telemetry. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceProperty {

    @Pattern("^\\$(\\.[A-Za-z0-9_-]+)+$")
    @JsonPropertyDescription("JSON path into the record's payload, such as `$.temp` or `$.values.rpm`. For Modbus and"
            + " OPC UA devices the default is `$.values.<property>` (the tag or item of that name).")
    public String jsonPath;
}
