package io.fogbridge.gateway.config;

import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.config.ConfigKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The device adapters on the class path, found through {@link ServiceLoader}: adding a protocol is a module with a
 * registered {@link AdapterFactory}, and no list here or elsewhere in the gateway names it.
 */
public final class AdapterFactories {

    private AdapterFactories() {}

    /**
     * The names of the registered adapters whose factories allow a running gateway to replace them ({@link
     * AdapterFactory#replaceableWhileRunning()}), in class path order.
     */
    public static List<String> replaceableWhileRunning() {
        return load().stream()
                .filter(AdapterFactory::replaceableWhileRunning)
                .map(AdapterFactory::name)
                .toList();
    }

    /**
     * Every registered factory, in class path order.
     *
     * @throws IllegalStateException a factory's name is taken, or its section or keys are not under {@code
     *     adapters.<name>}: a packaging error, found at start
     */
    static List<AdapterFactory<?>> load() {
        List<AdapterFactory<?>> factories = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (AdapterFactory<?> factory :
                ServiceLoader.load(AdapterFactory.class, AdapterFactories.class.getClassLoader())) {
            String section = "adapters." + factory.name();
            if (!names.add(factory.name()) || !factory.section().name().equals(section)) {
                throw new IllegalStateException(
                        "adapter factory " + factory.getClass().getName() + ": name '" + factory.name()
                                + "' is taken, or its section is not named " + section);
            }
            for (ConfigKey<?> key : factory.section().keys()) {
                if (!key.path().startsWith(section + ".")) {
                    throw new IllegalStateException(
                            "adapter factory " + factory.getClass().getName() + ": key " + key.path()
                                    + " is outside its section " + section);
                }
            }
            factories.add(factory);
        }
        return List.copyOf(factories);
    }
}
