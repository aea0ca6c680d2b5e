package io.fogbridge.api.pipeline;

import java.util.Objects;

/**
 * What a {@link UplinkStage} decided about one record. Going on is the common case and costs nothing: the stage
 * returns the record itself, which is why {@link UplinkRecord} is a verdict. The other three end the message before
 * the append.
 */
public sealed interface Verdict permits UplinkRecord, Verdict.Stay, Verdict.Refuse, Verdict.Suppress {

    /** Keep the message on the local bus: answered {@code Outcome.LOCAL}, counted as unrouted. */
    record Stay() implements Verdict {}

    /**
     * End the message with an error answer: {@code Outcome.Rejected(status, detail, retriable)}.
     *
     * @param reason    a short, stable metric tag ({@code too-large}, {@code invalid-topic}); names a kind of
     *                  refusal, never a value from the message
     * @param status    HTTP-like: 400 malformed, 403 not allowed, 413 too large, 503 unavailable …
     * @param detail    for the sender and the log
     * @param retriable whether sending the same message later may work
     */
    record Refuse(String reason, int status, String detail, boolean retriable) implements Verdict {
        public Refuse {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status " + status + " is not an error status");
            }
        }
    }

    /**
     * Drop the message on purpose (a reduction: the value adds nothing). The sender is answered {@code
     * Outcome.Accepted(lane, -1)} at once, for any QoS: it was taken, and not forwarded.
     *
     * @param reason a short, stable metric tag ({@code deadband}, {@code sampling})
     */
    record Suppress(String reason) implements Verdict {
        public Suppress {
            Objects.requireNonNull(reason, "reason");
        }
    }

    Stay STAY = new Stay();

    /** A refusal that sending the same message again cannot fix. */
    static Refuse refuse(String reason, int status, String detail) {
        return new Refuse(reason, status, detail, false);
    }

    static Suppress suppress(String reason) {
        return new Suppress(reason);
    }
}
