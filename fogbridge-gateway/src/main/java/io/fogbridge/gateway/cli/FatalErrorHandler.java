package io.fogbridge.gateway.cli;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's answer to a throwable no thread caught, installed for every thread by {@link Main}, and again by
 * {@code run} once the gateway is up (the embedded HiveMQ's start replaces it with a handler that only logs).
 *
 * <p><b>An {@link Error} ends the process at once</b>: one line saying what and where (logged, or printed to stderr
 * if logging itself fails, as it may when the heap is gone), then {@link Runtime#halt} with {@value #EXIT_CODE}.
 * After an {@link OutOfMemoryError}, a {@link StackOverflowError} or a {@link LinkageError} no stage can be trusted
 * to work, and a gateway with a dead forwarder or spool writer that still holds its ports is worse than none: a
 * supervisor (systemd, Kubernetes) restarts a process that exited, and the spool is crash-safe, so nothing
 * acknowledged is lost. Halt, not exit: shutdown hooks would close the stages, and that may hang in a broken
 * process. (An OutOfMemoryError on a thread that catches everything, such as a library's worker, never gets here;
 * the launcher's {@code -XX:+ExitOnOutOfMemoryError} covers those.)
 *
 * <p>Any other throwable ends only its thread, logged with its stack trace, as the JVM's default handler would.
 *
 * <p>Thread-safe; stateless apart from where it writes and how it halts (parameters, so tests see both).
 */
public final class FatalErrorHandler implements Thread.UncaughtExceptionHandler {

    /** {@code EX_SOFTWARE} of sysexits.h; the JVM's own {@code -XX:+ExitOnOutOfMemoryError} exits with 3. */
    static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(FatalErrorHandler.class);

    private final PrintStream stderr;
    private final IntConsumer halt;

    FatalErrorHandler(PrintStream stderr, IntConsumer halt) {
        this.stderr = stderr;
        this.halt = halt;
    }

    /** Makes this the handler of every thread that has none of its own. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(
                new FatalErrorHandler(System.err, code -> Runtime.getRuntime().halt(code)));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        if (!(failure instanceof Error)) {
            log.error("uncaught exception on thread {}; that thread ends", thread.getName(), failure);
            return;
        }
        try {
            log.error(
                    "FATAL {} on thread {}: halting the process (exit code {}) for its supervisor to restart it",
                    failure,
                    thread.getName(),
                    EXIT_CODE,
                    failure);
        } catch (Throwable loggingFailed) {
            stderr.println("FATAL " + failure + " on thread " + thread.getName() + ": halting the process (exit code "
                    + EXIT_CODE + ") for its supervisor to restart it");
            stderr.flush();
        } finally {
            halt.accept(EXIT_CODE);
        }
    }
}
