package io.fogbridge.registry;

import io.fogbridge.api.DeviceId;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** The device id an onboarded certificate claims: the CN of its subject. Stateless. */
final class CommonName {

    private CommonName() {}

    /** The subject's CN when there is exactly one and it is a valid device id; else null. */
    static String of(X500Principal subject) {
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(subject.getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    if (cn != null) {
                        return null; // two CNs: which one is the id is anyone's guess
                    }
                    cn = String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return cn != null && DeviceId.isValidId(cn) ? cn : null;
    }
}
