package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.crd.Gateway;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a Gateway's objects, owned by it (deleting the Gateway deletes them), and only when what the operator wants
 * changed. An API server fills defaults into what it stores, so comparing stored and wanted objects field by field
 * would find a difference every time; instead each object carries the hash of what the operator last wanted
 * ({@value #DESIRED_HASH}), and an object whose hash matches is left alone. The cost: a hand edit of an owned object
 * stays until the Gateway changes. Plain create and update, no server-side apply, so fabric8's mock server can
 * stand in for the API server.
 */
final class OwnedObjects {

    static final String DESIRED_HASH = Gateway.GROUP + "/desired-hash";

    private final KubernetesClient client;

    OwnedObjects(KubernetesClient client) {
        this.client = client;
    }

    /** Creates or updates {@code desired}; returns the object as stored. */
    <T extends HasMetadata> T apply(T desired, Gateway owner) {
        desired.getMetadata().setOwnerReferences(List.of(ownerReference(owner)));
        String hash = hash(desired);
        if (desired.getMetadata().getAnnotations() == null) {
            desired.getMetadata().setAnnotations(new HashMap<>());
        }
        desired.getMetadata().getAnnotations().put(DESIRED_HASH, hash);
        T existing = client.resource(desired).get();
        if (existing == null) {
            return client.resource(desired).create();
        }
        var annotations = existing.getMetadata().getAnnotations();
        if (annotations != null && hash.equals(annotations.get(DESIRED_HASH))) {
            return existing;
        }
        if (desired instanceof StatefulSet wanted && existing instanceof StatefulSet stored) {
            // Claim templates cannot change on a StatefulSet: a new spool size applies to new claims only.
            wanted.getSpec().setVolumeClaimTemplates(stored.getSpec().getVolumeClaimTemplates());
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        return client.resource(desired).update();
    }

    private static OwnerReference ownerReference(Gateway owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private String hash(HasMetadata desired) {
        String json = client.getKubernetesSerialization().asJson(desired);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
