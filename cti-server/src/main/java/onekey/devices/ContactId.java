package onekey.devices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ademco Contact ID (SIA DC-05) messages as an alarm panel sends them in DTMF: {@code ACCT MT Q EEE GG ZZZ S}, 16
 * digits — account (4), message type (18 or 98), qualifier (1 new event, 3 restore, 6 status), event code (3), group
 * or partition (2), zone or user (3), checksum (1). The checksum rule: the sum of all 16 digits, with 0 counted as 10
 * and B–F as 11–15, is a multiple of 15 (Asterisk's AlarmReceiver applies the same rule before it acknowledges).
 */
public final class ContactId {

    /** A decoded message. {@code kind}: OneKey's alarm kind for the event code and qualifier. */
    public record Event(String raw, String account, String messageType, char qualifier, String code, String group,
                        String zone, String kind, String description) {
        /** A restore or a test report: recorded, never escalated. */
        public boolean quiet() {
            return Alarm.quiet(kind);
        }
    }

    /** Why a message was refused. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ContactId() {
    }

    /** Digit weight in the checksum: 0 → 10, 1–9 as such, B–F → 11–15 (A is not used). */
    static int weight(char c) {
        return switch (Character.toUpperCase(c)) {
            case '0' -> 10;
            case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> c - '0';
            case 'B', '*' -> 11;
            case 'C', '#' -> 12;
            case 'D' -> 13;
            case 'E' -> 14;
            case 'F' -> 15;
            default -> -1;
        };
    }

    public static boolean checksumOk(String digits) {
        if (digits == null || digits.length() != 16) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 16; i++) {
            int w = weight(digits.charAt(i));
            if (w < 0) {
                return false;
            }
            sum += w;
        }
        return sum % 15 == 0;
    }

    /** The checksum digit that completes 15 digits (for tests and tools that make messages). */
    public static char checksumFor(String first15) {
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            sum += weight(first15.charAt(i));
        }
        int need = (15 - sum % 15) % 15;
        return need == 0 ? 'F' : need == 10 ? '0' : need < 10 ? (char) ('0' + need) : (char) ('B' + need - 11);
    }

    /** Decodes 16 digits; {@link Refused} for a bad length, a bad digit, a wrong message type or a bad checksum. */
    public static Event decode(String raw) throws Refused {
        String d = raw == null ? "" : raw.trim().toUpperCase(java.util.Locale.ROOT);
        if (d.length() != 16) {
            throw new Refused("not 16 digits: " + d.length());
        }
        if (!checksumOk(d)) {
            throw new Refused("bad checksum");
        }
        String mt = d.substring(4, 6);
        if (!mt.equals("18") && !mt.equals("98")) {
            throw new Refused("not a Contact ID message type: " + mt);
        }
        char q = d.charAt(6);
        if (q != '1' && q != '3' && q != '6') {
            throw new Refused("unknown qualifier: " + q);
        }
        String code = d.substring(7, 10);
        String[] kd = kind(code, q);
        return new Event(d, d.substring(0, 4), mt, q, code, d.substring(10, 12), d.substring(12, 15), kd[0], kd[1]);
    }

    /** OneKey's alarm kind and a description for an event code (SIA DC-05 groups; the telecare ones by name). */
    static String[] kind(String code, char qualifier) {
        if (qualifier == '3') {
            return new String[] {"restore", "restore of " + code};
        }
        return switch (code) {
            case "100" -> new String[] {"medical", "medical alarm"};
            case "101" -> new String[] {"personal-emergency", "personal emergency (pendant)"};
            case "102" -> new String[] {"fail-to-report", "fail to report in"};
            case "110" -> new String[] {"fire", "fire alarm"};
            case "111" -> new String[] {"smoke", "smoke detector"};
            case "114" -> new String[] {"heat", "heat detector"};
            case "120", "121", "122" -> new String[] {"panic", "panic / duress"};
            case "602" -> new String[] {"test", "periodic test report"};
            case "601" -> new String[] {"test", "manual test report"};
            case "603" -> new String[] {"test", "periodic RF transmission"};
            // the rest of the medical group (103-109) is where telecare fall detectors report; 13x door / intrusion
            default -> code.compareTo("103") >= 0 && code.compareTo("109") <= 0 ? new String[] {"fall", "fall detected (" + code + ")"}
                    : code.startsWith("11") ? new String[] {"fire", "fire group " + code}
                    : code.startsWith("13") ? new String[] {"door", "door / intrusion " + code}
                    : code.startsWith("1") ? new String[] {"alarm", "alarm " + code}
                    : code.startsWith("3") ? new String[] {"trouble", "system trouble " + code}
                    : new String[] {"other", "event " + code};
        };
    }

    /** A file AlarmReceiver wrote: its metadata and its event lines (grouped or "event=" lines). */
    public record EventFile(String protocol, String callingFrom, String timestamp, List<String> events) {}

    /** Parses an AlarmReceiver event file (either layout: [metadata]/[events] sections, or no_group_meta). */
    public static EventFile parseFile(String text) {
        String protocol = null;
        String from = null;
        String ts = null;
        List<String> events = new ArrayList<>();
        boolean inEvents = false;
        for (String line : text.split("\\R")) {
            String l = line.trim();
            if (l.isEmpty()) {
                continue;
            }
            if (l.equals("[events]")) {
                inEvents = true;
            } else if (l.startsWith("[")) {
                inEvents = false;
            } else if (l.startsWith("PROTOCOL=")) {
                protocol = l.substring(9);
            } else if (l.startsWith("CALLINGFROM=")) {
                from = l.substring(12);
            } else if (l.startsWith("TIMESTAMP=")) {
                ts = l.substring(10);
            } else if (l.startsWith("event=")) {
                events.add(l.substring(6));
            } else if (inEvents) {
                events.add(l);
            }
        }
        return new EventFile(protocol, from, ts, events);
    }

    public static Optional<Event> tryDecode(String raw) {
        try {
            return Optional.of(decode(raw));
        } catch (Refused e) {
            return Optional.empty();
        }
    }
}
