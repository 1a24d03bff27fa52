package onekey.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A stored supervisors' alert (issue 19 item 1): one {@code queue.alert} or {@code system.alert} the server raised,
 * kept with an id so it is seen by a supervisor who signs in later and handled once ({@link #ackedAt} set by the
 * supervisor who acknowledged it, with a note).
 *
 * @param type     the event it came from: {@code queue.alert} or {@code system.alert}
 * @param kind     {@code no-agent-ready}, {@code overflow}, {@code task-not-taken}, … (docs/api.md, Events)
 * @param urgent   one of {@link #URGENT_KINDS}: the supervisor's softphone sounds a cue
 * @param body     the event's fields as raised
 */
public record Alert(long id, long raisedAt, String type, String kind, boolean urgent, Long callId, String linkedid,
                    Long incidentId, String message, Map<String, Object> body, Long ackedAt, String ackedBy,
                    String ackNote) {

    /**
     * The kinds a supervisor must act on at once (issue 19: no agent ready, SOS overflow, task not taken, incident
     * escalated; ARCHITECTURE "Faults": nobody ready, or an SOS call unanswered too long).
     */
    public static final Set<String> URGENT_KINDS = Set.of("no-agent-ready", "overflow", "task-not-taken",
            "incident-escalated", "emergency-no-seat-b");

    public boolean open() {
        return ackedAt == null;
    }

    /** The JSON shape of {@code GET /api/alerts} and the {@code alert.raised} / {@code alert.ack} events. */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("raisedAt", raisedAt);
        m.put("type", type);
        m.put("kind", kind);
        m.put("urgent", urgent);
        m.put("callId", callId);
        m.put("linkedid", linkedid);
        m.put("incidentId", incidentId);
        m.put("message", message);
        m.put("body", body);
        if (ackedAt == null) {
            m.put("ack", null);
        } else {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("at", ackedAt);
            a.put("by", ackedBy);
            a.put("note", ackNote);
            m.put("ack", a);
        }
        return m;
    }
}
