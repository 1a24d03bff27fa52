package onekey.calls;

import java.util.List;
import onekey.elders.Elder;
import onekey.events.DomainEvent;

/** What the call model tells agents and supervisors; published by {@link CallNotifier} only. */
public sealed interface CallEvents extends DomainEvent {

    /** The call joined (or re-joined) the queue: to every supervisor. */
    record Queued(CallRecord call, String queue, int position) implements CallEvents {}

    /**
     * The screen pop, while the agent's phone rings: the call, the elder's record and last calls (newest first), or
     * why the record is missing ({@code recordUnavailable}: not read within the lookup deadline). Each delivery of it
     * shows an elder's personal data and is audited.
     */
    record Offered(CallRecord call, Elder elder, List<CallRecord> lastCalls, boolean recordUnavailable, String agent,
                   long amiEventAt) implements CallEvents {
        public Offered {
            lastCalls = lastCalls == null ? List.of() : List.copyOf(lastCalls);
        }
    }

    /** The agent answered. */
    record Answered(CallRecord call) implements CallEvents {}

    /** The call ended for this agent: it hung up, or the agent transferred it ({@code transferredTo}, else null). */
    record Ended(CallRecord call, String transferredTo) implements CallEvents {}

    /** Any call ended: to every supervisor. */
    record Finished(CallRecord call) implements CallEvents {}

    /**
     * RULE (ARCHITECTURE "Faults": nobody ready): an SOS call waits and no agent is ready. {@code call} is null for
     * the SOS calls learned after a reconnect.
     */
    record NoAgentReady(CallRecord call, long waiting, String message) implements CallEvents {}

    /** A call waited its line's limit and is dialled out to the backup number; {@code call} null when not followed. */
    record Overflow(String linkedid, CallRecord call, String waitedSeconds, String backupNumber, String message)
            implements CallEvents {}

    /** An elder was left alone in a seat's conference room. */
    record ConferenceAlone(String linkedid, String room, String message) implements CallEvents {}
}
