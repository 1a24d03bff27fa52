package onekey.broadcast;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import onekey.lines.Service;

/**
 * The broadcast templates (issue 9) in Mandarin and English with {@code {fields}}: a hospital registration, a taxi
 * booking, a reminder before an appointment and the periodic care check-in ("press 1 if you are well"). Each
 * ends with the keys: 1 confirm, 2 hear again, 0 an agent.
 */
public final class Templates {

    private Templates() {}

    /** A bad request: which field, and why. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** "2026-11-25T09:30" (local time of the centre). */
    static final DateTimeFormatter ZH_TIME = DateTimeFormatter.ofPattern("M月d日H点mm分", Locale.CHINA);
    static final DateTimeFormatter EN_TIME = DateTimeFormatter.ofPattern("EEEE, MMMM d, 'at' H:mm", Locale.ENGLISH);
    private static final int MAX_FIELD = 100;

    public enum Template {
        REGISTRATION("registration", "booking", List.of("hospital", "department", "doctor", "time"), List.of()),
        TAXI("taxi", "booking", List.of("from", "to", "time", "plate", "driverPhone", "eta"), List.of()),
        /** Either {@code what} (free text), or the booking's own fields (what a booking's reminders carry). */
        REMINDER("reminder", "reminder", List.of("time"),
                List.of("what", "hospital", "department", "doctor", "from", "to", "plate", "driverPhone", "eta")),
        CHECK_IN("check-in", "check-in", List.of(), List.of());

        public final String id;
        public final String kind;
        public final List<String> required;
        public final List<String> optional;

        Template(String id, String kind, List<String> required, List<String> optional) {
            this.id = id;
            this.kind = kind;
            this.required = required;
            this.optional = optional;
        }

        public static Optional<Template> of(String id) {
            for (Template t : values()) {
                if (t.id.equals(id)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }

        public static List<String> ids() {
            return java.util.Arrays.stream(values()).map(t -> t.id).toList();
        }

        /** The line an elder who presses 0 is queued on. */
        public Service service(Map<String, String> fields) {
            return switch (this) {
                case REGISTRATION -> Service.REGISTRATION;
                case TAXI -> Service.TAXI;
                case REMINDER -> fields.containsKey("hospital") ? Service.REGISTRATION
                        : fields.containsKey("plate") ? Service.TAXI : Service.GENERAL;
                case CHECK_IN -> Service.GENERAL;
            };
        }

        /** The appointment a booking is for (its "time"), or empty. */
        public Optional<LocalDateTime> appointment(Map<String, String> fields) {
            return fields.containsKey("time") ? Optional.of(LocalDateTime.parse(fields.get("time"))) : Optional.empty();
        }
    }

    /**
     * Checks {@code fields} against the template: every required field present and non-blank, no unknown field,
     * at most 100 characters each, "time" an ISO local date-time; returns them trimmed, in a stable order.
     */
    public static Map<String, String> validate(Template t, Map<String, String> fields) {
        Map<String, String> in = fields == null ? Map.of() : fields;
        Set<String> known = new java.util.LinkedHashSet<>(t.required);
        known.addAll(t.optional);
        for (String k : in.keySet()) {
            if (!known.contains(k)) {
                throw new Invalid("fields." + k, "unknown field '" + k + "' for template " + t.id
                        + (known.isEmpty() ? " (it takes no fields)" : "; its fields: " + String.join(", ", known)));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : known) {
            String v = in.get(k);
            if (v == null || v.isBlank()) {
                if (t.required.contains(k)) {
                    throw new Invalid("fields." + k, "missing field '" + k + "' for template " + t.id + " (required: "
                            + String.join(", ", t.required) + ")");
                }
                continue;
            }
            v = v.trim();
            if (v.length() > MAX_FIELD) {
                throw new Invalid("fields." + k, "field '" + k + "' is longer than " + MAX_FIELD + " characters");
            }
            out.put(k, v);
        }
        if (out.containsKey("time")) {
            try {
                LocalDateTime.parse(out.get("time"));
            } catch (DateTimeParseException e) {
                throw new Invalid("fields.time", "field 'time' must be a local date and time like 2026-11-25T09:30, got '"
                        + out.get("time") + "'");
            }
        }
        if (t == Template.TAXI && !out.get("eta").matches("[0-9]{1,3}")) {
            throw new Invalid("fields.eta", "field 'eta' is the driver's arrival in minutes (1 to 3 digits), got '"
                    + out.get("eta") + "'");
        }
        if (t == Template.REMINDER && !out.containsKey("what") && !out.containsKey("hospital") && !out.containsKey("plate")) {
            throw new Invalid("fields.what", "missing field 'what' for template reminder (what the elder is reminded of),"
                    + " or the booking's fields (hospital, department, doctor / from, to, plate)");
        }
        return out;
    }

    /** The message in {@code language} ("zh" or "en") for the elder called {@code name}. */
    public static String render(Template t, String language, String name, Map<String, String> f) {
        boolean zh = !"en".equals(language);
        String time = f.containsKey("time") ? LocalDateTime.parse(f.get("time")).format(zh ? ZH_TIME : EN_TIME) : "";
        String keys = zh ? "确认请按1，再听一遍请按2，转人工服务请按0。"
                : "To confirm, press 1. To hear this again, press 2. To talk to an agent, press 0.";
        return switch (t) {
            case REGISTRATION -> zh
                    ? name + "您好，这里是一键通服务中心。我们为您预约了" + f.get("hospital") + f.get("department") + "，"
                            + f.get("doctor") + "医生的门诊，时间是" + time + "。" + keys
                    : "Hello " + name + ", this is the OneKey service centre. We have booked your hospital appointment at "
                            + f.get("hospital") + ", " + f.get("department") + ", with doctor " + f.get("doctor") + ", on "
                            + time + ". " + keys;
            case TAXI -> zh
                    ? name + "您好，这里是一键通服务中心。我们为您预约了出租车，" + time + "从" + f.get("from") + "到"
                            + f.get("to") + "。车牌号" + spaced(f.get("plate")) + "，司机电话" + spaced(f.get("driverPhone"))
                            + "，司机大约" + f.get("eta") + "分钟后到。" + keys
                    : "Hello " + name + ", this is the OneKey service centre. We have booked a taxi for you on " + time
                            + ", from " + f.get("from") + " to " + f.get("to") + ". The plate is " + spaced(f.get("plate"))
                            + ", the driver's phone is " + spaced(f.get("driverPhone")) + ", arriving in about "
                            + f.get("eta") + " minutes. " + keys;
            case REMINDER -> zh
                    ? name + "您好，这里是一键通服务中心，提醒您：" + time + "，" + reminderWhat(f, true) + "。"
                            + "知道了请按1，再听一遍请按2，转人工服务请按0。"
                    : "Hello " + name + ", this is a reminder from the OneKey service centre: on " + time + ", "
                            + reminderWhat(f, false) + ". If you have got it, press 1. To hear this again, press 2. "
                            + "To talk to an agent, press 0.";
            case CHECK_IN -> zh
                    ? name + "您好，这里是一键通关怀热线，我们来问候您。如果您一切都好，请按1。再听一遍请按2，需要帮助请按0。"
                    : "Hello " + name + ", this is the OneKey care line calling to see how you are. If you are well, press 1. "
                            + "To hear this again, press 2. If you need help, press 0.";
        };
    }

    private static String reminderWhat(Map<String, String> f, boolean zh) {
        if (f.containsKey("what")) {
            return f.get("what");
        }
        if (f.containsKey("hospital")) {
            return zh ? "您要去" + f.get("hospital") + f.getOrDefault("department", "") + "看" + f.getOrDefault("doctor", "")
                    + "医生" : "your appointment at " + f.get("hospital") + ", " + f.getOrDefault("department", "")
                    + ", with doctor " + f.getOrDefault("doctor", "");
        }
        return zh ? "出租车" + spaced(f.get("plate")) + "来" + f.getOrDefault("from", "") + "接您去" + f.getOrDefault("to", "")
                : "taxi " + spaced(f.get("plate")) + " picks you up at " + f.getOrDefault("from", "") + " to go to "
                        + f.getOrDefault("to", "");
    }

    /** Plates and phone numbers are read character by character ("沪A 1 2 3 4 5"), not as one big number. */
    static String spaced(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128) {
                if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
                b.append(c);
            } else if (c != ' ' && c != '-') {
                b.append(c);
            }
        }
        return b.toString().trim();
    }
}
