package onekey.config;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * A window of the day as the configuration writes it, {@code "21:00-08:00"} (it may cross midnight); empty or
 * {@code none}: no window ({@code start == end}). A plain value the configuration owns; a feature adapts it (the
 * broadcasts' quiet hours add the centre's time zone).
 */
public record DailyWindow(LocalTime start, LocalTime end) {

    public static DailyWindow none() {
        return new DailyWindow(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);
    }

    public static DailyWindow parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return none();
        }
        String[] p = spec.trim().split("\\s*-\\s*");
        if (p.length != 2) {
            throw new IllegalArgumentException("expected HH:MM-HH:MM (e.g. 21:00-08:00) or none, got '" + spec + "'");
        }
        try {
            return new DailyWindow(LocalTime.parse(p[0]), LocalTime.parse(p[1]));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected HH:MM-HH:MM (e.g. 21:00-08:00) or none, got '" + spec + "'");
        }
    }
}
