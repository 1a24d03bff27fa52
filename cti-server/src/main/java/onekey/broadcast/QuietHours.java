package onekey.broadcast;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import onekey.config.DailyWindow;

/**
 * The hours in which no non-urgent broadcast call is placed (issue 9: default 21:00–08:00, local time of the
 * centre). A window may cross midnight; start == end means none.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    public static QuietHours none(ZoneId zone) {
        return new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, zone);
    }

    /** "21:00-08:00"; empty or "none": no quiet hours (the configuration's grammar, {@link DailyWindow}). */
    public static QuietHours parse(String spec, ZoneId zone) {
        DailyWindow w = DailyWindow.parse(spec);
        return new QuietHours(w.start(), w.end(), zone);
    }

    public boolean isNone() {
        return start.equals(end);
    }

    public boolean contains(Instant t) {
        if (isNone()) {
            return false;
        }
        LocalTime lt = t.atZone(zone).toLocalTime();
        return start.isBefore(end) ? !lt.isBefore(start) && lt.isBefore(end) : !lt.isBefore(start) || lt.isBefore(end);
    }

    /** {@code t} itself when outside the quiet hours, else the moment they end. */
    public Instant next(Instant t) {
        if (!contains(t)) {
            return t;
        }
        ZonedDateTime z = t.atZone(zone);
        LocalDate day = z.toLocalDate();
        // inside a window that crosses midnight, before midnight: it ends tomorrow
        if (start.isAfter(end) && !z.toLocalTime().isBefore(start)) {
            day = day.plusDays(1);
        }
        return day.atTime(end).atZone(zone).toInstant();
    }

    @Override
    public String toString() {
        return isNone() ? "none" : start + "-" + end;
    }
}
