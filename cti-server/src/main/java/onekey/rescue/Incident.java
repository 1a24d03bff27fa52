package onekey.rescue;

import java.util.List;

/**
 * A no-response incident (issue 8): opened when an elder on an SOS call does not respond. {@code elderId} is null
 * when the silent caller is not a registered elder (issue 16): then {@code callerNumber} (normalized) is the number
 * redialled and given to 110.
 * {@code state}: redialling → escalating (two redials without a response: seat A / seat B) → resolved or
 * cancelled. Times in epoch ms. {@code detail}: what opened it beyond the reason (an alarm's kind and device,
 * issue 24), null for most.
 */
public record Incident(long id, Long elderId, Long callId, Long agentId, long openedAt, String openedBy, String reason,
                       String state, Long closedAt, String outcome, List<Step> steps, String callerNumber,
                       String detail) {

    /** An incident without a detail (every reason but {@code device-alarm}, whose detail names the alarm). */
    public Incident(long id, Long elderId, Long callId, Long agentId, long openedAt, String openedBy, String reason,
                    String state, Long closedAt, String outcome, List<Step> steps, String callerNumber) {
        this(id, elderId, callId, agentId, openedAt, openedBy, reason, state, closedAt, outcome, steps, callerNumber, null);
    }

    /** One planned call; {@code state} planned → dialing → done, {@code result} once done. */
    public record Step(long id, long incidentId, int seq, String kind, String target, long dueAt, String state,
                       Long startedAt, Long endedAt, String result, String detail) {}

    public boolean open() {
        return closedAt == null;
    }

    /** The audit rows of the incident name its elder, or for an unregistered caller the call it was raised on. */
    public String auditType() {
        return elderId != null ? "elder" : "call";
    }

    public String auditId() {
        return elderId != null ? elderId.toString() : callId == null ? null : callId.toString();
    }

    /**
     * The seats given one of the incident's tasks other than the incident's own agent (seat B of an emergency, issue
     * 18 item 2): they see the incident and follow its events as its agent does.
     */
    public List<Long> taskSeats() {
        return steps.stream().filter(s -> s.kind().startsWith("task-") && s.target() != null && s.target().startsWith("agent:"))
                .map(s -> {
                    try {
                        return Long.valueOf(s.target().substring(6));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }).filter(id -> id != null && !id.equals(agentId)).distinct().toList();
    }

    /** Whether the account holds the incident or one of its tasks. */
    public boolean involves(long accountId) {
        return agentId != null && agentId == accountId || taskSeats().contains(accountId);
    }
}
