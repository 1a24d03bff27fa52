package onekey.rescue;

/**
 * A follow-up call that belongs to no incident (issue 18 item 5): an answered SOS call ({@code reason} sos-call) or
 * an answered consultation ({@code consult}, asking satisfaction). {@code state} open → done; "not reached" keeps it
 * open with {@code result} not-reached and one more attempt. Incidents keep theirs as a step of kind follow-up.
 */
public record FollowUp(long id, String linkedid, Long callId, Long elderId, String number, Long agentId, String reason,
                       long createdAt, long dueAt, String state, int attempts, String result, String detail, Long endedAt) {

    public boolean open() {
        return "open".equals(state);
    }

    /** Audit rows name the elder, or for an unregistered caller the call. */
    public String auditType() {
        return elderId != null ? "elder" : "call";
    }

    public String auditId() {
        return elderId != null ? elderId.toString() : callId == null ? linkedid : callId.toString();
    }
}
