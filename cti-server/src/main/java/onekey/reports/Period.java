package onekey.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * A report's period [{@code from}, {@code to}) in epoch milliseconds, read in the centre's {@code zone} (issue 22:
 * {@code from}/{@code to} as ISO-8601 or epoch ms). A date alone is that day's start for {@code from} and, for
 * {@code to}, the end of that day (the day is included, as the call history reads it).
 */
public record Period(long from, long to, ZoneId zone) {

    public Period {
        if (to <= from) {
            throw new IllegalArgumentException("\"to\" must be after \"from\"");
        }
    }

    /** The calendar month of {@code day} in {@code zone}. */
    public static Period month(LocalDate day, ZoneId zone) {
        LocalDate first = day.withDayOfMonth(1);
        return new Period(first.atStartOfDay(zone).toInstant().toEpochMilli(),
                first.plusMonths(1).atStartOfDay(zone).toInstant().toEpochMilli(), zone);
    }

    /** One day in {@code zone}. */
    public static Period day(LocalDate day, ZoneId zone) {
        return new Period(day.atStartOfDay(zone).toInstant().toEpochMilli(),
                day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli(), zone);
    }

    /**
     * {@code text} as epoch ms, an ISO-8601 instant or offset date-time, a local date-time (in {@code zone}) or a date;
     * {@code end}: a date means the end of that day. {@link IllegalArgumentException} naming the expected forms.
     */
    public static long parse(String text, ZoneId zone, boolean end) {
        String t = text.trim();
        if (t.matches("-?[0-9]{1,15}")) {
            return Long.parseLong(t);
        }
        try {
            if (t.length() == 10) {
                LocalDate d = LocalDate.parse(t);
                return (end ? d.plusDays(1) : d).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            if (t.endsWith("Z")) {
                return Instant.parse(t).toEpochMilli();
            }
            if (t.matches(".*[+-][0-9]{2}:?[0-9]{2}$")) {
                return OffsetDateTime.parse(t).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected epoch milliseconds or ISO-8601 (2026-06-01, 2026-06-01T08:00,"
                    + " 2026-06-01T08:00:00+08:00, 2026-06-01T00:00:00Z)");
        }
    }

    /** {@code at} as ISO-8601 with the zone's offset (the report's {@code from}/{@code to}). */
    public String iso(long at) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), zone).toOffsetDateTime().toString();
    }

    public LocalDate firstDay() {
        return Instant.ofEpochMilli(from).atZone(zone).toLocalDate();
    }

    /** The last day touched by the period (to is exclusive). */
    public LocalDate lastDay() {
        return Instant.ofEpochMilli(to - 1).atZone(zone).toLocalDate();
    }
}
