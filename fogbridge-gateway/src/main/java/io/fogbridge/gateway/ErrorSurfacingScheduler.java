package io.fogbridge.gateway;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A one-thread scheduler on a daemon thread whose tasks' {@link Error}s are rethrown on that thread, so they reach the
 * uncaught-exception handler (which halts the gateway, see {@code FatalErrorHandler}). A plain scheduler keeps a
 * task's throwable in its future, where nobody looks: the task, and for a periodic one every later run, would be gone
 * without a word. Exceptions stay in the future as usual (the task's owner decides about those).
 *
 * <p>Thread-safe, as any executor.
 */
final class ErrorSurfacingScheduler extends ScheduledThreadPoolExecutor {

    ErrorSurfacingScheduler(String threadName) {
        super(1, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void afterExecute(Runnable task, Throwable thrown) {
        super.afterExecute(task, thrown);
        if (thrown == null && task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
            } catch (CancellationException e) {
                // cancelled meanwhile: nothing was thrown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
