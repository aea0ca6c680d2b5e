package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import java.util.ArrayList;
import java.util.List;

/**
 * The refusals {@link TopicAuthorizer} decided for one SUBSCRIBE, kept in the connection's attribute store until its
 * SUBACK goes out. Stored as text: a line of reason-code names by filter position, comma-separated (empty = not
 * refused by us), then one line per refusal with its reason. Reason texts are ours and never contain a newline.
 * Immutable; pure.
 */
record SubackVerdicts(List<Verdict> verdicts) {

    private static final String SHARED = "$share/";

    /** Our refusal of one filter. */
    record Verdict(SubackReasonCode code, String reason) {}

    /** Null when nothing was refused (the SUBACK is left alone), else the text to store. */
    static String encode(List<Verdict> verdicts) {
        if (verdicts.stream().allMatch(v -> v == null)) {
            return null;
        }
        StringBuilder codes = new StringBuilder();
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict verdict = verdicts.get(i);
            if (i > 0) {
                codes.append(',');
            }
            if (verdict != null) {
                codes.append(verdict.code().name());
                reasons.append(verdict.reason()).append('\n');
            }
        }
        return codes.append('\n').append(reasons).toString();
    }

    static SubackVerdicts decode(String text) {
        String[] lines = text.split("\n", -1);
        String[] codes = lines[0].split(",", -1);
        List<Verdict> verdicts = new ArrayList<>(codes.length);
        int reason = 1;
        for (String code : codes) {
            verdicts.add(code.isEmpty() ? null : new Verdict(SubackReasonCode.valueOf(code), lines[reason++]));
        }
        return new SubackVerdicts(verdicts);
    }

    /**
     * The broker's codes with ours where we refused. The broker refused those too (its code there is an error), so
     * only which error changes; a position the broker did not refuse keeps its code.
     */
    List<SubackReasonCode> apply(List<SubackReasonCode> broker) {
        List<SubackReasonCode> codes = new ArrayList<>(broker);
        for (int i = 0; i < codes.size() && i < verdicts.size(); i++) {
            if (verdicts.get(i) != null && isError(codes.get(i))) {
                codes.set(i, verdicts.get(i).code());
            }
        }
        return codes;
    }

    /** As HiveMQ joins the reasons of refused filters: each followed by ". ". */
    String reasonString() {
        StringBuilder joined = new StringBuilder();
        for (Verdict verdict : verdicts) {
            if (verdict != null) {
                joined.append(verdict.reason()).append(". ");
            }
        }
        return joined.isEmpty() ? null : joined.toString();
    }

    /**
     * Whether HiveMQ could accept {@code filter} at all. A filter that fails here (empty, a NUL, a wildcard that is
     * not a whole level, '#' not last, a shared subscription without a share name or with a wildcard in it) is one
     * HiveMQ disconnects the client for, so it is left as sent rather than rewritten. The test errs towards "well
     * formed": a refused filter it passes is rewritten, so at worst a malformed one gets SUBACK 0x87 where HiveMQ
     * would have disconnected, and a filter HiveMQ would store is never left through.
     */
    static boolean wellFormed(String filter) {
        if (filter.indexOf('\0') >= 0) {
            return false;
        }
        if (filter.startsWith(SHARED)) {
            int end = filter.indexOf('/', SHARED.length());
            String shareName = end < 0 ? "" : filter.substring(SHARED.length(), end);
            if (shareName.isEmpty() || shareName.contains("+") || shareName.contains("#")) {
                return false;
            }
        }
        try {
            TopicAcl.checkFilter(filter);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isError(SubackReasonCode code) {
        return switch (code) {
            case GRANTED_QOS_0, GRANTED_QOS_1, GRANTED_QOS_2 -> false;
            default -> true;
        };
    }
}
