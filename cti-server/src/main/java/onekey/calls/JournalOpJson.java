package onekey.calls;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The journal's three ops of every call — a call's state, its timeline events, a pop's audit row — written as JSON by
 * hand, the very text Jackson's databind writes for them (JournalOpJsonTest compares the two), which the journal reads
 * back after a crash as before. Issue 23: the call model's thread spent 42 % of its samples in the journal's append,
 * nine tenths of that in databind's polymorphic bean serializer (a reflective call for each enum's {@code @JsonValue});
 * the other ops are rare and still go through databind ({@link #encode} answers null for them).
 */
final class JournalOpJson {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private JournalOpJson() {
    }

    /** The op's JSON, or null: not one of the ops written here. */
    static String encode(JournalOp op) {
        if (op instanceof JournalOp.CallState s) {
            return call(s.call());
        }
        if (op instanceof JournalOp.Events e) {
            return events(e);
        }
        if (op instanceof JournalOp.Audit a) {
            return audit(a);
        }
        return null;
    }

    private static String call(CallRecord c) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"op\":\"call\",\"call\":{\"id\":").append(c.id());
        str(b, "linkedid", c.linkedid());
        str(b, "callerChannel", c.callerChannel());
        str(b, "callerNumber", c.callerNumber());
        str(b, "dnis", c.dnis());
        str(b, "line", c.line() == null ? null : c.line().name());
        b.append(",\"priority\":").append(c.priority());
        num(b, "elderId", c.elderId());
        num(b, "agentId", c.agentId());
        str(b, "agentName", c.agentName());
        b.append(",\"arrivedAt\":").append(c.arrivedAt());
        num(b, "queuedAt", c.queuedAt());
        num(b, "answeredAt", c.answeredAt());
        num(b, "endedAt", c.endedAt());
        num(b, "waitMs", c.waitMs());
        num(b, "talkMs", c.talkMs());
        str(b, "outcome", c.outcome() == null ? null : c.outcome().wire());
        str(b, "disposition", c.disposition());
        str(b, "notes", c.notes());
        b.append(",\"failOpen\":").append(c.failOpen());
        num(b, "recordingId", c.recordingId());
        return b.append("}}").toString();
    }

    private static String events(JournalOp.Events e) {
        StringBuilder b = new StringBuilder(64 + 96 * (e.events() == null ? 0 : e.events().size()));
        b.append("{\"op\":\"events\"");
        str(b, "linkedid", e.linkedid());
        b.append(",\"events\":");
        if (e.events() == null) {
            b.append("null");
        } else {
            b.append('[');
            boolean first = true;
            for (JournalOp.Ev ev : e.events()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                if (ev == null) {
                    b.append("null");
                    continue;
                }
                b.append("{\"at\":").append(ev.at());
                str(b, "type", ev.type());
                str(b, "detail", ev.detail());
                b.append('}');
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    private static String audit(JournalOp.Audit a) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"op\":\"audit\",\"at\":").append(a.at());
        num(b, "accountId", a.accountId());
        str(b, "username", a.username());
        str(b, "action", a.action());
        str(b, "targetType", a.targetType());
        str(b, "targetId", a.targetId());
        str(b, "detail", a.detail());
        return b.append('}').toString();
    }

    /** {@code ,"name":"value"} (JSON's escapes, as Jackson's generator writes them), or {@code ,"name":null}. */
    private static void str(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            b.append('"');
            QUOTE.quoteAsString(value, b);
            b.append('"');
        }
    }

    private static void num(StringBuilder b, String name, Long value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            b.append(value.longValue());
        }
    }
}
