package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FatalErrorHandlerTest {

    private final List<Integer> halts = new ArrayList<>();
    private final FatalErrorHandler handler =
            new FatalErrorHandler(new PrintStream(new ByteArrayOutputStream()), halts::add);

    @Test
    void anErrorHaltsTheProcess() {
        handler.uncaughtException(new Thread("fogbridge-forwarder"), new OutOfMemoryError("Java heap space"));
        assertThat(halts).containsExactly(FatalErrorHandler.EXIT_CODE);
    }

    @Test
    void anExceptionEndsOnlyItsThread() {
        handler.uncaughtException(new Thread("worker"), new IllegalStateException("bug"));
        assertThat(halts).isEmpty();
    }
}
