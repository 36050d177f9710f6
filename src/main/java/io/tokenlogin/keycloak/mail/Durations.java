package io.tokenlogin.keycloak.mail;

import java.util.Map;

/**
 * Durations as pages and mails show them (issue #12): whole days when the seconds are a multiple of a day and at
 * least two days, else whole hours when a multiple of an hour (so 86400 s is "24 hours"), else minutes rounded up
 * (at least one). The wording is the theme's: the message {@code tokenLogin.duration.<unit>} formats the amount
 * (with its plural forms), and the sentence takes that text as a plain argument.
 */
public final class Durations {

    public static final String MINUTES = "minutes";
    public static final String HOURS = "hours";
    public static final String DAYS = "days";

    /** The message key prefix: {@code tokenLogin.duration.minutes}, {@code .hours}, {@code .days}. */
    public static final String MESSAGE_PREFIX = "tokenLogin.duration.";

    private static final long MINUTE = 60;
    private static final long HOUR = 3600;
    private static final long DAY = 86400;

    /** A whole amount of one unit ({@link #MINUTES}, {@link #HOURS} or {@link #DAYS}). */
    public record Humane(long amount, String unit) {

        /** The message that formats this amount: {@code tokenLogin.duration.<unit>}, one argument, the amount. */
        public String messageKey() {
            return MESSAGE_PREFIX + unit;
        }
    }

    private Durations() {
    }

    /** How {@code seconds} is shown; zero or less is one minute (nothing we show lasts less). */
    public static Humane of(long seconds) {
        if (seconds <= 0) {
            return new Humane(1, MINUTES);
        }
        if (seconds % DAY == 0 && seconds >= 2 * DAY) {
            return new Humane(seconds / DAY, DAYS);
        }
        if (seconds % HOUR == 0) {
            return new Humane(seconds / HOUR, HOURS);
        }
        return new Humane(Math.max(1, (seconds + MINUTE - 1) / MINUTE), MINUTES);
    }

    /**
     * Puts a duration into a template model: {@code <prefix>Seconds} (exact, e.g. for a countdown),
     * {@code <prefix>Amount} and {@code <prefix>Unit} (what to show, through {@code tokenLogin.duration.<unit>}), and,
     * for themes that override our templates, the former {@code <prefix>Minutes} (whole minutes, at least one).
     */
    public static void put(Map<String, Object> model, String prefix, long seconds) {
        Humane humane = of(seconds);
        model.put(prefix + "Seconds", seconds);
        model.put(prefix + "Amount", humane.amount());
        model.put(prefix + "Unit", humane.unit());
        model.put(prefix + "Minutes", Math.max(1, seconds / MINUTE));
    }
}
