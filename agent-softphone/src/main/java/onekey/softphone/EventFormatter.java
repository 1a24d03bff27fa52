package onekey.softphone;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Turns the cti-server's WebSocket frames into text for a console: a SCREEN POP block for
 * {@code call.offered}, one line for everything else. Pure functions of the JSON, so they are unit tested.
 */
public final class EventFormatter {

    static final String RULE = "=".repeat(64);
    private static final int LABEL = 12;

    private EventFormatter() {}

    /** Text for one frame (never null; unknown frame types are shown as their JSON). */
    public static String format(JsonNode ev) {
        String type = text(ev, "type");
        if (type == null) {
            return "? " + ev;
        }
        return switch (type) {
            case "call.offered" -> screenPop(ev);
            case "call.answered" -> callAnswered(ev.path("call"));
            case "call.ended" -> callEnded(ev.path("call"));
            case "agent.state" -> agentState(ev.path("agent"));
            case "hello" -> hello(ev);
            case "ack" -> "ack " + orDash(text(ev, "command")) + " -> state " + orDash(text(ev, "state"));
            case "error" -> "ERROR" + (text(ev, "command") == null ? "" : " (" + text(ev, "command") + ")") + ": "
                    + orDash(text(ev, "message"));
            case "resumed" -> "resumed after seq " + ev.path("afterSeq").asLong()
                    + (ev.path("complete").asBoolean(true) ? "" : " (some events were lost; state may be stale)");
            case "pong" -> "pong";
            default -> type + " " + ev;
        };
    }

    /** "SOS" for the SOS line (it must stand out), the wire name for the others, "?" when unknown. */
    public static String lineLabel(String line) {
        if (line == null || line.isBlank()) {
            return "?";
        }
        return "sos".equalsIgnoreCase(line) ? "SOS" : line.toLowerCase(Locale.ROOT);
    }

    /** The screen pop: what the agent must see before saying a word. */
    public static String screenPop(JsonNode ev) {
        JsonNode call = ev.path("call");
        JsonNode elder = ev.path("elder");
        String caller = text(ev, "callerNumber");
        if (caller == null) {
            caller = text(call, "callerNumber");
        }
        String line = lineLabel(text(call, "line"));
        StringBuilder b = new StringBuilder();
        String title = "SOS".equals(line) ? " SCREEN POP  !!! SOS !!! " : " SCREEN POP ";
        b.append(center(title)).append('\n');
        row(b, "Line", line + (text(call, "dnis") == null ? "" : "  (dialled " + text(call, "dnis") + ")"));
        row(b, "Caller", orDash(caller));
        if (ev.path("recordUnavailable").asBoolean(false)) {
            // the database could not answer in time: the caller may well be registered, so do not say otherwise
            b.append("  RECORD UNAVAILABLE ").append(orDash(caller)).append('\n');
            b.append("  (the elder's record cannot be read now: ask name and address; the call is linked to the record"
                    + " when the database is back)\n");
        } else if (elder.isMissingNode() || elder.isNull() || !ev.path("registered").asBoolean(true)) {
            b.append("  UNREGISTERED CALLER ").append(orDash(caller)).append('\n');
            b.append("  (no elder record for this number: ask name and address)\n");
        } else {
            String name = orDash(text(elder, "name"));
            JsonNode age = elder.path("age");
            row(b, "Elder", name + (age.isNumber() ? ", " + age.asInt() : "")
                    + (text(elder, "gender") == null ? "" : " (" + text(elder, "gender") + ")"));
            row(b, "Address", orDash(text(elder, "address")));
            row(b, "Landmarks", orDash(text(elder, "landmarks")));
            row(b, "District", orDash(text(elder, "district")));
            row(b, "Language", orDash(text(elder, "language")));
            row(b, "Health", orDash(text(elder, "healthConditions")));
            row(b, "Medications", orDash(text(elder, "medications")));
            row(b, "Allergies", orDash(text(elder, "allergies")));
            row(b, "Mobility", orDash(text(elder, "mobility")));
            JsonNode contacts = elder.path("contacts");
            if (!contacts.isArray() || contacts.isEmpty()) {
                row(b, "Contacts", "-");
            } else {
                int i = 1;
                for (JsonNode c : contacts) {
                    String s = i + ". " + orDash(text(c, "name"))
                            + (text(c, "relation") == null ? "" : " (" + text(c, "relation") + ")")
                            + "  " + orDash(text(c, "phone"));
                    row(b, i == 1 ? "Contacts" : "", s);
                    i++;
                }
            }
            row(b, "Device", orDash(text(elder, "device")));
            if (text(elder, "notes") != null) {
                row(b, "Notes", text(elder, "notes"));
            }
        }
        if (call.has("id")) {
            row(b, "Call", "#" + call.path("id").asText());
        }
        b.append(RULE);
        return b.toString();
    }

    static String callAnswered(JsonNode call) {
        return "call #" + call.path("id").asText("?") + " ANSWERED (" + lineLabel(text(call, "line")) + ", caller "
                + orDash(text(call, "callerNumber")) + ")";
    }

    static String callEnded(JsonNode call) {
        return "call #" + call.path("id").asText("?") + " ENDED: " + orDash(text(call, "outcome"))
                + ", waited " + seconds(call.path("waitMs")) + ", talked " + seconds(call.path("talkMs"));
    }

    static String agentState(JsonNode agent) {
        String s = "agent " + orDash(text(agent, "username")) + " is " + orDash(text(agent, "state"));
        return text(agent, "reason") == null ? s : s + " (" + text(agent, "reason") + ")";
    }

    static String hello(JsonNode ev) {
        JsonNode acc = ev.path("account");
        JsonNode agent = ev.path("agent");
        return "connected as " + orDash(text(acc, "username")) + " (" + orDash(text(acc, "role")) + ")"
                + (agent.isObject() ? ", state " + orDash(text(agent, "state")) : "");
    }

    /** "12.3 s" from milliseconds, "-" when null. */
    static String seconds(JsonNode ms) {
        if (ms == null || !ms.isNumber()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f s", ms.asLong() / 1000.0);
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append("  ").append(label.isEmpty() ? "" : label.toUpperCase(Locale.ROOT));
        b.append(" ".repeat(Math.max(1, LABEL - label.length()))).append(value).append('\n');
    }

    private static String center(String title) {
        int left = Math.max(0, (RULE.length() - title.length()) / 2);
        int right = Math.max(0, RULE.length() - title.length() - left);
        return "=".repeat(left) + title + "=".repeat(right);
    }

    static String text(JsonNode n, String field) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
