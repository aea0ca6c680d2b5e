package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's CRUD mock API server with its objects also indexed by name, so that reading, writing and creating one named
 * object costs the same with 10 objects stored as with 10,000.
 *
 * <p>Why: the stock {@link KubernetesCrudDispatcher} keeps every object in one map keyed by its attributes (kind,
 * namespace, name, labels) and answers every request by testing every stored key: a GET of one object, and before each
 * POST, PUT and PATCH the look-up of the current object ({@code findResource}). It does so on the mock server's single
 * Vert.x event loop, so with 12,000 objects stored (10,000 Devices, 100 Gateways and their 900 owned objects) each
 * request costs a full scan, and a profile of the 10,000-Device bench put 87 % of that thread's samples in those scans
 * (70 % in {@code findResource}, 17 % in GETs): 6 requests a second on the loaded machine (BENCHMARKS.md "Devices").
 *
 * <p>What stays the stock server's: the stored JSON, every answer's body and code, resource versions, generations,
 * status subresources, watches and their events, and every list (a list still tests every key: the bench lists
 * seldom). Only the search for a named object goes through the index, and it applies the stock matching rule to the
 * few keys stored under that name, so it finds exactly what the full scan would. The index follows every change
 * through {@link #processEvent}, the one place where the stock dispatcher stores and removes objects. Each new key is
 * checked against the store; if it is not there (a change in the stock dispatcher's key rules), the index is rebuilt
 * from the store and the rebuild counted ({@link #rebuilds()}), so the index can be slow but never wrong.
 *
 * <p>Lists are also paged as an API server pages them ({@link ListPages}); the stock store answers every list whole.
 *
 * <p>Thread-safety: the index's reads and writes hold its own lock, and a write holds it across the stock store's
 * change, so a GET never sees an object between its old and new key.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String NAME = KubernetesAttributesExtractor.NAME;
    private static final String ANY = "*";

    /** Name to the store's keys with that name, in the order they were stored. */
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

    private final AtomicInteger rebuilds = new AtomicInteger();

    private final ListPages pages = new ListPages();

    /** How often the index had to be rebuilt from the store (0 unless the stock key rules changed). */
    int rebuilds() {
        return rebuilds.get();
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        String name = nameOf(query);
        if (name == null) {
            return super.findResource(query);
        }
        synchronized (byName) {
            for (AttributeSet key : byName.getOrDefault(name, Set.of())) {
                String body = map.get(key);
                if (body != null && key.matches(query)) {
                    return Map.entry(key, body);
                }
            }
            return null;
        }
    }

    @Override
    public MockResponse handleGet(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        if (path.contains("watch=true")) {
            return super.handleGet(path);
        }
        if (nameOf(query) == null) {
            return pages.list(path, super::handleGet);
        }
        Map.Entry<AttributeSet, String> found = findResource(query);
        return found == null
                ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
    }

    @Override
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            AttributeSet oldAttributes,
            GenericKubernetesResource resource,
            String newState) {
        synchronized (byName) {
            super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
            if (oldAttributes != null) {
                forget(oldAttributes);
            }
            if (newState != null) {
                AttributeSet stored = storedKey(pathAttributes, resource, newState);
                if (map.containsKey(stored)) {
                    remember(stored);
                } else {
                    rebuild();
                }
            }
        }
    }

    @Override
    public void reset() {
        synchronized (byName) {
            super.reset();
            byName.clear();
        }
    }

    /** The key the stock dispatcher stores a new state under: its attributes, with the path's when it has no plural. */
    private AttributeSet storedKey(AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
        KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
        AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
        return key.containsKey(KubernetesAttributesExtractor.PLURAL) ? key : AttributeSet.merge(pathAttributes, key);
    }

    private void remember(AttributeSet key) {
        String name = nameOf(key);
        if (name != null) {
            byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
        }
    }

    private void forget(AttributeSet key) {
        String name = nameOf(key);
        Set<AttributeSet> keys = name == null ? null : byName.get(name);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                byName.remove(name);
            }
        }
    }

    private void rebuild() {
        rebuilds.incrementAndGet();
        byName.clear();
        synchronized (map) {
            map.keySet().forEach(this::remember);
        }
    }

    /**
     * The one name a query or key asks for, or null when the index cannot answer it: no name, another operator than
     * equality, several values, or the stock wildcard {@code *} (which matches every name).
     */
    private static String nameOf(AttributeSet attributes) {
        Attribute name = attributes.getAttribute(NAME);
        if (name == null
                || name.getType() != AttributeType.WITH
                || name.getValues().size() != 1) {
            return null;
        }
        String value = name.getValues().get(0).toString();
        return value == null || value.equals(ANY) ? null : value;
    }
}
