package io.fogbridge.pipeline;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;

/**
 * The first stage: refuses a payload over the configured size with {@code 413} (reason {@code too-large}), before
 * any routing work is spent on it. Immutable and thread-safe.
 */
public final class PayloadLimit implements UplinkStage {

    private final long maxBytes;

    public PayloadLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Verdict apply(UplinkRecord record) {
        int size = record.payload().length;
        if (size > maxBytes) {
            return Verdict.refuse("too-large", 413, "payload of " + size + " bytes exceeds " + maxBytes);
        }
        return record;
    }
}
