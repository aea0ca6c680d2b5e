package io.fogbridge.pipeline.reduction;

/**
 * The values of a rule's fields in one record, indexed like {@link ReductionRule#fields()}: a {@link Double}, a
 * {@link String} (anything that is not a number, as JSON text), or null (missing). See {@link FieldReader}.
 */
record Sample(Object[] values) {

    /** Whether the record holds none of the rule's fields: then the rule has nothing to decide on. */
    boolean empty() {
        for (Object value : values) {
            if (value != null) {
                return false;
            }
        }
        return true;
    }
}
