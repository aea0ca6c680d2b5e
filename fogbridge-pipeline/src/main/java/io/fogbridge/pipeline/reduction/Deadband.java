package io.fogbridge.pipeline.reduction;

/**
 * How far a numeric field must move from the value last sent before a record is worth sending again.
 *
 * <p>A move equal to the band is still inside it: {@code 0.5} suppresses 20.0 → 20.5 and sends 20.0 → 20.51. A percent
 * band is relative to the value last sent, so around 0 it shrinks to nothing: from 0 every change is sent, and only
 * 0 → 0 is suppressed (a percent of zero is zero; choose an absolute band for signals that sit at 0). NaN is a state
 * of its own: a number → NaN and NaN → a number are changes, NaN → NaN is not; so is an infinity. Immutable.
 *
 * @param amount  not negative, finite
 * @param percent whether {@code amount} is a percentage of the last sent value
 */
public record Deadband(double amount, boolean percent) {

    public Deadband {
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("a deadband is a finite amount >= 0, got " + amount);
        }
    }

    /**
     * {@code 0.5} (absolute, in the field's unit) or {@code 2%} (of the value last sent).
     *
     * @throws IllegalArgumentException with a message for the config error
     */
    public static Deadband parse(String text) {
        String trimmed = text.trim();
        boolean percent = trimmed.endsWith("%");
        String number = percent ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed;
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "expected a deadband such as 0.5 (absolute) or 2% (of the last sent value), got '" + text + "'");
        }
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("a deadband must be a finite amount >= 0, got '" + text + "'");
        }
        return new Deadband(amount, percent);
    }

    /** Whether moving from {@code last} (sent) to {@code value} leaves the band. */
    public boolean exceeded(double last, double value) {
        boolean lastNaN = Double.isNaN(last);
        if (lastNaN || Double.isNaN(value)) {
            return lastNaN != Double.isNaN(value);
        }
        if (last == value) {
            return false;
        }
        if (Double.isInfinite(last) || Double.isInfinite(value)) { // no band is wide enough to reach or leave one
            return true;
        }
        double band = percent ? Math.abs(last) * amount / 100.0 : amount;
        return !(Math.abs(value - last) <= band);
    }

    @Override
    public String toString() {
        return percent ? amount + "%" : Double.toString(amount);
    }
}
