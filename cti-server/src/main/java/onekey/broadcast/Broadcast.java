package onekey.broadcast;

import java.util.List;
import java.util.Map;

/**
 * One voice broadcast (issue 9): a message for one elder, rendered from a template in the elder's language and
 * synthesised when it was scheduled, delivered by attempts. {@code state}: scheduled → calling → confirmed |
 * transferred | failed | cancelled (see {@link State}). Times in epoch ms.
 */
public record Broadcast(long id, long elderId, String template, String kind, Map<String, String> fields, String language,
                        String message, String prompt, long promptMs, boolean urgent, String state, long createdAt,
                        String createdBy, Long accountId, long dueAt, Long parentId, Long endedAt, String outcome,
                        List<Attempt> attempts, Long campaignId, Task task) {

    /**
     * The agents' task a failed booking or reminder leaves (null: none): {@code state} open → done, and once done
     * who did it, when, and their note.
     */
    public record Task(String state, String by, Long at, String note) {
        public boolean open() {
            return "open".equals(state);
        }
    }

    /** One call to the elder; {@code state} planned → dialing → done, {@code result} once known. */
    public record Attempt(long id, long broadcastId, int seq, String phone, long dueAt, String state, Long startedAt,
                          Long endedAt, String result, String digits, String recording, String detail) {
        public boolean done() {
            return "done".equals(state);
        }
    }

    /** The broadcast's states and the moves allowed between them, in one place. */
    public enum State {
        SCHEDULED, CALLING, CONFIRMED, TRANSFERRED, FAILED, CANCELLED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State of(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }

        public boolean closed() {
            return this == CONFIRMED || this == TRANSFERRED || this == FAILED || this == CANCELLED;
        }

        /** scheduled ⇄ calling (an attempt is placed / the next one is planned); either → a closed state. */
        public boolean canMoveTo(State next) {
            return !closed() && next != this;
        }
    }

    public State stateEnum() {
        return State.of(state);
    }

    public boolean open() {
        return endedAt == null;
    }

    /** This broadcast as it is once closed {@code state} with {@code outcome} at {@code at} (what was just written). */
    public Broadcast closed(State state, String outcome, long at) {
        return new Broadcast(id, elderId, template, kind, fields, language, message, prompt, promptMs, urgent, state.wire(),
                createdAt, createdBy, accountId, dueAt, parentId, at, outcome, attempts, campaignId, task);
    }
}
