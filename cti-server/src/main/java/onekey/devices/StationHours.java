package onekey.devices;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A 驿站's opening hours, as the register holds them: {@code "24h"}; {@code "08:00-20:00"} (every day);
 * {@code "mon-fri 08:00-18:00; sat 09:00-12:00"} (days as mon…sun, a range or a comma list); an end before the start
 * runs past midnight ({@code "20:00-08:00"}: the night shift, counted from the day it starts). Read in the centre's time
 * zone by whoever asks {@link #openAt}.
 */
public record StationHours(String text, List<Span> spans) {

    /** Open on {@code days} from {@code from} until {@code to} (exclusive; to ≤ from: until {@code to} the next day). */
    public record Span(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        boolean covers(DayOfWeek day, LocalTime t) {
            if (from.equals(to)) { // 00:00-00:00 / 24:00: the whole day
                return days.contains(day);
            }
            if (from.isBefore(to)) {
                return days.contains(day) && !t.isBefore(from) && t.isBefore(to);
            }
            return days.contains(day) && !t.isBefore(from) || days.contains(day.minus(1)) && t.isBefore(to);
        }
    }

    private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    /** Parses the text; IllegalArgumentException "hours: …" naming what is wrong. */
    public static StationHours parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("hours: required, e.g. 08:00-20:00 or mon-fri 08:00-18:00; sat 09:00-12:00 or 24h");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.length() > 120) {
            throw new IllegalArgumentException("hours: at most 120 characters");
        }
        List<Span> spans = new ArrayList<>();
        for (String part : t.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
            String time = p;
            int sp = p.lastIndexOf(' ');
            if (sp > 0) {
                days = days(p.substring(0, sp).trim());
                time = p.substring(sp + 1).trim();
            }
            if (time.equals("24h")) {
                spans.add(new Span(days, LocalTime.MIDNIGHT, LocalTime.MIDNIGHT));
                continue;
            }
            String[] ft = time.split("-");
            if (ft.length != 2) {
                throw new IllegalArgumentException("hours: '" + p + "' is not HH:MM-HH:MM (or 24h), with days before it");
            }
            spans.add(new Span(days, time(ft[0], p), ft[1].equals("24:00") ? LocalTime.MIDNIGHT : time(ft[1], p)));
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("hours: no opening hours given");
        }
        return new StationHours(text.trim(), List.copyOf(spans));
    }

    /** Open at this moment (given in the centre's zone). */
    public boolean openAt(ZonedDateTime at) {
        LocalTime t = at.toLocalTime();
        for (Span s : spans) {
            if (s.covers(at.getDayOfWeek(), t)) {
                return true;
            }
        }
        return false;
    }

    private static LocalTime time(String s, String part) {
        if (!s.matches("\\d{1,2}:\\d{2}")) {
            throw new IllegalArgumentException("hours: '" + part + "': times are HH:MM");
        }
        String[] hm = s.split(":");
        int h = Integer.parseInt(hm[0]);
        int m = Integer.parseInt(hm[1]);
        if (h > 23 || m > 59) {
            throw new IllegalArgumentException("hours: '" + part + "': " + s + " is not a time of day");
        }
        return LocalTime.of(h, m);
    }

    private static Set<DayOfWeek> days(String spec) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",")) {
            String[] range = item.trim().split("-");
            if (range.length == 1) {
                out.add(day(range[0]));
            } else if (range.length == 2) {
                DayOfWeek a = day(range[0]);
                DayOfWeek b = day(range[1]);
                for (DayOfWeek d = a; ; d = d.plus(1)) {
                    out.add(d);
                    if (d == b) {
                        break;
                    }
                }
            } else {
                throw new IllegalArgumentException("hours: '" + spec + "': days are mon…sun, a range (mon-fri) or a list");
            }
        }
        return out;
    }

    private static DayOfWeek day(String s) {
        String d = s.trim();
        for (int i = 0; i < DAYS.length; i++) {
            if (DAYS[i].equals(d)) {
                return DayOfWeek.of(i + 1);
            }
        }
        throw new IllegalArgumentException("hours: '" + d + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
    }
}
