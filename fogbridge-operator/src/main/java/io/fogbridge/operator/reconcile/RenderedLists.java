package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fogbridge.operator.model.DeviceSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The Device reconciler's cache of the Gateways' registry Secrets, which keeps of each only its
 * {@value DeviceSet#RENDERED_LIST} key (what the Device reconciler reads): the registry, the key file and the twin map
 * are the Gateway's business, and held in full for 100 Gateways they would cost the operator megabytes of heap for
 * nothing. The Secret handed in is trimmed in place: it is this informer's own copy.
 */
final class RenderedLists extends BasicItemStore<Secret> {

    RenderedLists() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Secret put(String key, Secret secret) {
        secret.setData(only(secret.getData()));
        secret.setStringData(only(secret.getStringData()));
        return super.put(key, secret);
    }

    private static Map<String, String> only(Map<String, String> data) {
        if (data == null || !data.containsKey(DeviceSet.RENDERED_LIST)) {
            return null;
        }
        Map<String, String> kept = new HashMap<>();
        kept.put(DeviceSet.RENDERED_LIST, data.get(DeviceSet.RENDERED_LIST));
        return kept;
    }
}
