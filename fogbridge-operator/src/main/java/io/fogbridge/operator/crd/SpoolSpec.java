package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** The spool's volume and policy ({@code spool} of gateway.yaml). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpoolSpec {

    /** A duration with a unit, as gateway.yaml writes them. */
    static final String DURATION = "^(0|[0-9]+(ms|s|m|h|d))$";

    @Pattern("^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$")
    @JsonPropertyDescription("Size of the spool's PersistentVolumeClaim (default 1Gi); the spool keeps to 90 % of it.")
    public String size;

    @Pattern("^(group|interval:[0-9]+)$")
    @JsonPropertyDescription("`group` (fsync before acknowledging, default) or `interval:<ms>`.")
    public String fsync;

    public WhenFull whenFull;

    @Pattern(DURATION)
    @JsonPropertyDescription("Records older than this are dropped; 0 = no limit.")
    public String maxAge;

    @JsonPropertyDescription("StorageClass of the spool volume; default the cluster's.")
    public String storageClassName;

    /** {@code spool.whenFull}. */
    public enum WhenFull {
        @JsonProperty("block")
        BLOCK("block"),
        @JsonProperty("drop-oldest")
        DROP_OLDEST("drop-oldest"),
        @JsonProperty("drop-newest")
        DROP_NEWEST("drop-newest");

        public final String value;

        WhenFull(String value) {
            this.value = value;
        }
    }
}
