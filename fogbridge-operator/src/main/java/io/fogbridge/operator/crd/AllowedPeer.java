package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

/**
 * Who may reach the gateway: pods by label (in this namespace, or in the namespaces a namespace selector picks), or
 * an address range (devices outside the cluster). Set one of {@code podSelector}/{@code namespaceSelector}, or
 * {@code cidr}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AllowedPeer {

    public Map<String, String> podSelector;

    public Map<String, String> namespaceSelector;

    @Pattern("^[0-9a-fA-F:.]+/[0-9]{1,3}$")
    public String cidr;
}
