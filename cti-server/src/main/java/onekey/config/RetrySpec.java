package onekey.config;

import java.util.Locale;

/**
 * A retry setting as the configuration writes it, {@code "3x600"}: 3 attempts, 600 s apart (attempts 1..10, seconds
 * 1..86400). A plain value the configuration owns; the feature that retries adapts it to its own plan.
 */
public record RetrySpec(int attempts, int intervalSeconds) {

    public static RetrySpec parse(String spec) {
        String[] p = spec == null ? new String[0] : spec.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            RetrySpec r = new RetrySpec(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            if (p.length == 2 && r.attempts >= 1 && r.attempts <= 10 && r.intervalSeconds >= 1 && r.intervalSeconds <= 86_400) {
                return r;
            }
        } catch (RuntimeException ignored) {
            // falls through
        }
        throw new IllegalArgumentException("expected <attempts>x<seconds apart>, attempts 1..10, seconds 1..86400 "
                + "(e.g. 3x600), got '" + spec + "'");
    }
}
