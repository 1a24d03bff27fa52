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
        REGISTRATION("registration", "booking", List.of("hospital", "department", "doctor", "time"), List.of("visitNumber")),
        /**
         * A taxi booking: where from, where to, when; the car (its plate, the driver's phone, minutes away) and how many
         * ride when they are known (a taxi order booked ahead is confirmed before a car is assigned, issue 21).
         */
        TAXI("taxi", "booking", List.of("from", "to", "time"), List.of("passengers", "car", "plate", "driverPhone", "eta")),
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
                        : fields.containsKey("plate") || fields.containsKey("from") ? Service.TAXI : Service.GENERAL;
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
        if (t == Template.TAXI && out.containsKey("eta") && !out.get("eta").matches("[0-9]{1,3}")) {
            throw new Invalid("fields.eta", "field 'eta' is the driver's arrival in minutes (1 to 3 digits), got '"
                    + out.get("eta") + "'");
        }
        if (t == Template.TAXI && out.containsKey("passengers") && !out.get("passengers").matches("[1-9]")) {
            throw new Invalid("fields.passengers", "field 'passengers' is how many ride (1 to 9), got '"
                    + out.get("passengers") + "'");
        }
        if (t == Template.REMINDER && !out.containsKey("what") && !out.containsKey("hospital") && !out.containsKey("plate")
                && !out.containsKey("from")) {
            throw new Invalid("fields.what", "missing field 'what' for template reminder (what the elder is reminded of),"
                    + " or the booking's fields (hospital, department, doctor / from, to, plate)");
        }
        return out;
    }

    /**
     * The message in {@code language} ("zh" or "en"; the dialect "wuu" is written in Mandarin) for the elder called
     * {@code name}: the full text, stored with the broadcast and shown to agents. {@link #segments} gives it in pieces.
     */
    public static String render(Template t, String language, String name, Map<String, String> f) {
        return text(segments(t, language, name, f));
    }

    /**
     * A piece of a rendered message: a fixed phrase of the template ({@code phrase} its id, e.g. "keys.booking", the
     * same id in every language, which a recording is filed under: onekey.tts.RecordedPrompts), a field value or the
     * elder's name ({@code phrase} null), or the glue between them (punctuation, short words; {@code phrase} null).
     */
    public record Segment(String phrase, String text) {}

    /** The phrase ids the templates use (docs/operations.md lists them with their text). */
    public static final List<String> PHRASES = List.of("greeting.hello", "greeting.centre", "registration.booked",
            "registration.doctor", "taxi.booked", "taxi.passengers", "taxi.car", "taxi.plate", "taxi.driverPhone", "taxi.eta",
            "taxi.minutes",
            "reminder.intro", "reminder.goTo", "reminder.doctor", "reminder.taxi", "reminder.pickUp", "reminder.goingTo",
            "checkin.body", "keys.booking", "keys.reminder", "keys.checkin");

    /** Collects segments; {@link #text()} is what {@link #render} returns. */
    private static final class Message {
        final java.util.ArrayList<Segment> segments = new java.util.ArrayList<>();

        Message fixed(String phrase, String text) {
            segments.add(new Segment(phrase, text));
            return this;
        }

        Message value(String text) {
            if (text != null && !text.isEmpty()) {
                segments.add(new Segment(null, text));
            }
            return this;
        }

        Message glue(String text) {
            segments.add(new Segment(null, text));
            return this;
        }
    }

    /**
     * The message in {@code language} ("zh" or "en"; anything else, e.g. the dialect "wuu", is written in Mandarin)
     * as its pieces, in order; their texts joined are {@link #render}.
     */
    public static List<Segment> segments(Template t, String language, String name, Map<String, String> f) {
        boolean zh = !"en".equals(language);
        String time = f.containsKey("time") ? LocalDateTime.parse(f.get("time")).format(zh ? ZH_TIME : EN_TIME) : "";
        Message m = new Message();
        if (zh) {
            m.value(name);
        } else {
            m.fixed("greeting.hello", "Hello ").value(name);
        }
        switch (t) {
            case REGISTRATION -> {
                if (zh) {
                    m.fixed("greeting.centre", "您好，这里是一键通服务中心。").fixed("registration.booked", "我们为您预约了")
                            .value(f.get("hospital")).value(f.get("department")).glue("，").value(f.get("doctor"))
                            .fixed("registration.doctor", "医生的门诊，时间是").value(time).glue("。");
                } else {
                    m.fixed("greeting.centre", ", this is the OneKey service centre. ")
                            .fixed("registration.booked", "We have booked your hospital appointment at ")
                            .value(f.get("hospital")).glue(", ").value(f.get("department"))
                            .fixed("registration.doctor", ", with doctor ").value(f.get("doctor")).glue(", on ")
                            .value(time).glue(". ");
                }
                keys(m, zh);
            }
            case TAXI -> {
                // the car's clauses only when known (a taxi booked ahead is confirmed before a car is assigned); the
                // phrases keep their texts (a recording may be filed under one): the last, "minutes", ends the sentence
                List<Runnable> car = new java.util.ArrayList<>();
                if (zh) {
                    m.fixed("greeting.centre", "您好，这里是一键通服务中心。").fixed("taxi.booked", "我们为您预约了出租车，")
                            .value(time).glue("从").value(f.get("from")).glue("到").value(f.get("to")).glue("。");
                    if (f.containsKey("passengers")) {
                        m.fixed("taxi.passengers", "乘车人数").value(f.get("passengers")).glue("人。");
                    }
                    if (f.containsKey("car")) {
                        car.add(() -> m.fixed("taxi.car", "车型").value(f.get("car")));
                    }
                    if (f.containsKey("plate")) {
                        car.add(() -> m.fixed("taxi.plate", "车牌号").value(spaced(f.get("plate"))));
                    }
                    if (f.containsKey("driverPhone")) {
                        car.add(() -> m.fixed("taxi.driverPhone", "司机电话").value(spaced(f.get("driverPhone"))));
                    }
                    if (f.containsKey("eta")) {
                        car.add(() -> m.fixed("taxi.eta", "司机大约").value(f.get("eta")).fixed("taxi.minutes", "分钟后到。"));
                    }
                    clauses(m, car, "，", f.containsKey("eta") ? "" : "。");
                } else {
                    m.fixed("greeting.centre", ", this is the OneKey service centre. ")
                            .fixed("taxi.booked", "We have booked a taxi for you on ").value(time).glue(", from ")
                            .value(f.get("from")).glue(" to ").value(f.get("to")).glue(". ");
                    if (f.containsKey("passengers")) {
                        m.fixed("taxi.passengers", "Passengers: ").value(f.get("passengers")).glue(". ");
                    }
                    if (f.containsKey("car")) {
                        m.fixed("taxi.car", "The car is ").value(f.get("car")).glue(". ");
                    }
                    if (f.containsKey("plate")) {
                        car.add(() -> m.fixed("taxi.plate", "The plate is ").value(spaced(f.get("plate"))));
                    }
                    if (f.containsKey("driverPhone")) {
                        car.add(() -> m.fixed("taxi.driverPhone", "the driver's phone is ").value(spaced(f.get("driverPhone"))));
                    }
                    if (f.containsKey("eta")) {
                        car.add(() -> m.fixed("taxi.eta", "arriving in about ").value(f.get("eta"))
                                .fixed("taxi.minutes", " minutes. "));
                    }
                    clauses(m, car, ", ", f.containsKey("eta") ? "" : ". ");
                }
                keys(m, zh);
            }
            case REMINDER -> {
                if (zh) {
                    m.fixed("reminder.intro", "您好，这里是一键通服务中心，提醒您：").value(time).glue("，");
                    reminderWhat(m, f, true);
                    m.glue("。").fixed("keys.reminder", "知道了请按1，再听一遍请按2，转人工服务请按0。");
                } else {
                    m.fixed("reminder.intro", ", this is a reminder from the OneKey service centre: ").glue("on ").value(time)
                            .glue(", ");
                    reminderWhat(m, f, false);
                    m.glue(". ").fixed("keys.reminder", "If you have got it, press 1. To hear this again, press 2. "
                            + "To talk to an agent, press 0.");
                }
            }
            case CHECK_IN -> {
                if (zh) {
                    m.fixed("checkin.body", "您好，这里是一键通关怀热线，我们来问候您。")
                            .fixed("keys.checkin", "如果您一切都好，请按1。再听一遍请按2，需要帮助请按0。");
                } else {
                    m.fixed("checkin.body", ", this is the OneKey care line calling to see how you are. ")
                            .fixed("keys.checkin", "If you are well, press 1. To hear this again, press 2. If you need help, "
                                    + "press 0.");
                }
            }
        }
        return List.copyOf(m.segments);
    }

    /** Writes each clause, {@code between} them and {@code end} after the last (none when there is none). */
    private static void clauses(Message m, List<Runnable> clauses, String between, String end) {
        for (int i = 0; i < clauses.size(); i++) {
            clauses.get(i).run();
            String after = i == clauses.size() - 1 ? end : between;
            if (!after.isEmpty()) {
                m.glue(after);
            }
        }
    }

    private static void keys(Message m, boolean zh) {
        m.fixed("keys.booking", zh ? "确认请按1，再听一遍请按2，转人工服务请按0。"
                : "To confirm, press 1. To hear this again, press 2. To talk to an agent, press 0.");
    }

    private static void reminderWhat(Message m, Map<String, String> f, boolean zh) {
        if (f.containsKey("what")) {
            m.value(f.get("what"));
        } else if (f.containsKey("hospital")) {
            if (zh) {
                m.fixed("reminder.goTo", "您要去").value(f.get("hospital")).value(f.getOrDefault("department", "")).glue("看")
                        .value(f.getOrDefault("doctor", "")).fixed("reminder.doctor", "医生");
            } else {
                m.fixed("reminder.goTo", "your appointment at ").value(f.get("hospital")).glue(", ")
                        .value(f.getOrDefault("department", "")).fixed("reminder.doctor", ", with doctor ")
                        .value(f.getOrDefault("doctor", ""));
            }
        } else if (zh) {
            m.fixed("reminder.taxi", "出租车").value(spaced(f.get("plate"))).glue("来").value(f.getOrDefault("from", ""))
                    .fixed("reminder.pickUp", "接您去").value(f.getOrDefault("to", ""));
        } else {
            m.fixed("reminder.taxi", "taxi ").value(spaced(f.get("plate"))).fixed("reminder.pickUp", " picks you up at ")
                    .value(f.getOrDefault("from", "")).fixed("reminder.goingTo", " to go to ").value(f.getOrDefault("to", ""));
        }
    }

    /** The segments' texts joined. */
    public static String text(List<Segment> segments) {
        StringBuilder b = new StringBuilder();
        for (Segment s : segments) {
            b.append(s.text());
        }
        return b.toString();
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
