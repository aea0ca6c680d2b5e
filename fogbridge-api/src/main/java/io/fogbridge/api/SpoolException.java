package io.fogbridge.api;

/** Why an append was not accepted. The subtype says whether retrying can help. */
public abstract sealed class SpoolException extends RuntimeException {

    protected SpoolException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same append may succeed later (space frees up, the disk recovers). */
    public abstract boolean retriable();

    /** The spool is at its bound and the policy refused the record. Retriable: space frees as the uplink drains. */
    public static final class Full extends SpoolException {
        public Full(String message) {
            super(message, null);
        }

        @Override
        public boolean retriable() {
            return true;
        }
    }

    /** The spool was closed. Not retriable on this instance. */
    public static final class Closed extends SpoolException {
        public Closed() {
            super("spool is closed", null);
        }

        @Override
        public boolean retriable() {
            return false;
        }
    }

    /** Writing or syncing failed. Retriable: the record was not acknowledged and may be sent again. */
    public static final class Io extends SpoolException {
        public Io(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean retriable() {
            return true;
        }
    }
}
