package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

/**
 * The gateway's reduction stage for this device's records, with the keys of gateway.yaml's {@code reduction[]}
 * ({@code route}, {@code topic} and {@code device} are implied): rendered as one rule named {@code device-<id>}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceReduction {

    @JsonPropertyDescription("Per JSON field: absolute (`0.5`) or percent (`2%`) band; only records that leave it go.")
    public Map<String, String> deadband;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("At most one record per topic per interval (latest wins).")
    public String minInterval;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("With a deadband: send an unchanged record after this long.")
    public String maxSilence;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("Tumbling window; one record with the `aggregate`s per window.")
    public String window;

    @JsonPropertyDescription("With a window, per JSON field: `min,max,avg,count,last`.")
    public Map<String, String> aggregate;
}
