package onekey.sms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One text (issue 20), a row before it is handed to the SMSC. {@code state}: see {@link State}. {@code smscIds}:
 * the SMSC's message id of each part once submitted. Times epoch ms.
 */
public record SmsMessage(long id, long createdAt, String to, String text, String template, String reason,
                         String language, Long elderId, Long incidentId, Long incidentStep, String ref, String byUser,
                         String state, int parts, List<String> smscIds, String errorCode, String errorText, int attempts,
                         long dueAt, Long sendingAt, Long submittedAt, Long doneAt, Long broadcastId, Long campaignId) {

    /**
     * A text's states and the moves between them, in one place. queued → sending (the submit is in flight) →
     * submitted (the SMSC took it) → delivered | failed | expired (its receipt). sending → queued (a transient
     * refusal: retried per plan), → failed (a permanent refusal, the code in the row), → unknown (no answer came:
     * the SMSC may have it; never submitted again — as calls, "unknown"). A receipt may still resolve an unknown one.
     */
    public enum State {
        QUEUED, SENDING, SUBMITTED, DELIVERED, FAILED, EXPIRED, UNKNOWN;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State of(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }

        public boolean last() {
            return this == DELIVERED || this == FAILED || this == EXPIRED;
        }

        /** The allowed moves. */
        public Set<State> next() {
            return switch (this) {
                case QUEUED -> Set.of(SENDING, FAILED);
                case SENDING -> Set.of(QUEUED, SUBMITTED, FAILED, UNKNOWN);
                case SUBMITTED, UNKNOWN -> Set.of(DELIVERED, FAILED, EXPIRED);
                case DELIVERED, FAILED, EXPIRED -> Set.of();
            };
        }

        public boolean canMoveTo(State to) {
            return next().contains(to);
        }
    }

    public State stateEnum() {
        return State.of(state);
    }

    /** The JSON shape of GET /api/sms and the sms.* events; the number in full (who may read it is role-checked). */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("createdAt", createdAt);
        m.put("to", to);
        m.put("text", text);
        m.put("template", template);
        m.put("reason", reason);
        m.put("language", language);
        m.put("elderId", elderId);
        m.put("incidentId", incidentId);
        m.put("by", byUser);
        m.put("state", state);
        m.put("parts", parts);
        m.put("smscIds", smscIds);
        m.put("errorCode", errorCode);
        m.put("errorText", errorText);
        m.put("attempts", attempts);
        m.put("dueAt", dueAt);
        m.put("broadcastId", broadcastId);
        m.put("campaignId", campaignId);
        m.put("submittedAt", submittedAt);
        m.put("doneAt", doneAt);
        return m;
    }
}
