package io.fogbridge.kafka;

import io.fogbridge.api.Spool;
import java.nio.file.Path;

/**
 * Opens the real {@code SegmentedSpool} when its jar is on the test classpath with an
 * implementation, else the in-memory fake. Reflective so this module compiles while the spool
 * module is being written; the ITs log which one they use.
 */
final class TestSpools {

    private TestSpools() {}

    static Spool open(Path dir) {
        try {
            Class<?> optionsClass = Class.forName("io.fogbridge.spool.SpoolOptions");
            Object builder = optionsClass.getMethod("builder", Path.class).invoke(null, dir);
            Object options = builder.getClass().getMethod("build").invoke(builder);
            Class<?> spoolClass = Class.forName("io.fogbridge.spool.SegmentedSpool");
            return (Spool) spoolClass.getMethod("open", optionsClass).invoke(null, options);
        } catch (ClassNotFoundException e) {
            System.err.println("TestSpools: SegmentedSpool not on the classpath, using InMemorySpool");
            return new InMemorySpool();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot open SegmentedSpool in " + dir, e);
        }
    }

    static boolean real(Spool spool) {
        return !(spool instanceof InMemorySpool);
    }
}
