package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * How a connecting device proves who it is: a bcrypt hash of its password and/or a DTLS pre-shared key, each in a
 * Secret, and/or the subject of its client certificate (issued by the tenant's CA). The hash and the key are copied
 * into the gateway's rendered registry Secret; a plain password is never accepted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceCredentials {

    @JsonPropertyDescription("A Secret key holding a bcrypt hash ($2a$/$2b$/$2y$) of the device's password.")
    public SecretKeyRef bcryptHash;

    @JsonPropertyDescription(
            "A Secret key holding the CoAP DTLS pre-shared key (raw bytes); the identity is `<device>@<tenant>`.")
    public SecretKeyRef psk;

    @JsonPropertyDescription("Subject DN of the device's client certificate, such as `CN=lathe-7,O=acme`.")
    public String certificateSubject;

    @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*$")
    @JsonPropertyDescription("The credentials stop working at this RFC 3339 instant.")
    public String notAfter;

    /** A key of a Secret in the Device's namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretKeyRef {
        @Required
        public String name;

        @Required
        public String key;

        public SecretKeyRef() {}

        public SecretKeyRef(String name, String key) {
            this.name = name;
            this.key = key;
        }
    }
}
