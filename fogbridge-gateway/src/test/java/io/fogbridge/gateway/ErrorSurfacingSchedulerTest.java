package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ErrorSurfacingSchedulerTest {

    @Test
    void anErrorInAScheduledTaskReachesTheUncaughtExceptionHandler() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> seen.complete(failure));
        ErrorSurfacingScheduler scheduler = new ErrorSurfacingScheduler("test-timer");
        try {
            scheduler.schedule(
                    () -> {
                        throw new StackOverflowError("from a timer task");
                    },
                    1,
                    TimeUnit.MILLISECONDS);
            assertThat(seen.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(StackOverflowError.class)
                    .hasMessage("from a timer task");
        } finally {
            scheduler.shutdownNow();
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void anExceptionStaysInTheFuture() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> seen.complete(failure));
        ErrorSurfacingScheduler scheduler = new ErrorSurfacingScheduler("test-timer");
        try {
            java.util.concurrent.Future<?> future = scheduler.schedule(
                    () -> {
                        throw new IllegalStateException("the owner's business");
                    },
                    1,
                    TimeUnit.MILLISECONDS);
            assertThat((java.util.concurrent.Future<?>) future).failsWithin(10, TimeUnit.SECONDS);
            // the same thread runs the next task: it was not killed
            assertThat(scheduler.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(seen).isNotDone();
        } finally {
            scheduler.shutdownNow();
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
