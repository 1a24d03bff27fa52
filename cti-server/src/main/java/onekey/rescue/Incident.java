package onekey.rescue;

import java.util.List;

/**
 * A no-response incident (issue 8): opened when an elder on an SOS call does not respond.
 * {@code state}: redialling → escalating (two redials without a response: seat A / seat B) → resolved or
 * cancelled. Times in epoch ms.
 */
public record Incident(long id, long elderId, Long callId, Long agentId, long openedAt, String openedBy, String reason,
                       String state, Long closedAt, String outcome, List<Step> steps) {

    /** One planned call; {@code state} planned → dialing → done, {@code result} once done. */
    public record Step(long id, long incidentId, int seq, String kind, String target, long dueAt, String state,
                       Long startedAt, Long endedAt, String result, String detail) {}

    public boolean open() {
        return closedAt == null;
    }
}
