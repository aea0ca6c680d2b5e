package io.fogbridge.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.lang.reflect.Method;

/**
 * Objects of the embedded HiveMQ CE that its extension SDK does not offer, taken from its Guice injector by
 * reflection: HiveMQ's internals are not a dependency of ours, so a HiveMQ version without one makes {@link #instance}
 * throw, and each caller falls back to working without it (and says so).
 */
final class BrokerInternals {

    private BrokerInternals() {}

    /**
     * The injector's instance of {@code className}, bound with the annotation {@code qualifier} if that is not null.
     *
     * @throws ReflectiveOperationException when this HiveMQ version has no such binding or class
     */
    static Object instance(EmbeddedHiveMQ broker, String className, String qualifier)
            throws ReflectiveOperationException {
        Method getInjector = broker.getClass().getDeclaredMethod("getInjector");
        getInjector.setAccessible(true);
        Object injector = getInjector.invoke(broker);
        ClassLoader loader = broker.getClass().getClassLoader();
        Class<?> type = Class.forName(className, false, loader);
        Class<?> injectorType = Class.forName("com.google.inject.Injector", false, loader);
        if (qualifier == null) {
            return injectorType.getMethod("getInstance", Class.class).invoke(injector, type);
        }
        Class<?> keyType = Class.forName("com.google.inject.Key", false, loader);
        Object key = keyType.getMethod("get", Class.class, Class.class)
                .invoke(null, type, Class.forName(qualifier, false, loader));
        return injectorType.getMethod("getInstance", keyType).invoke(injector, key);
    }
}
