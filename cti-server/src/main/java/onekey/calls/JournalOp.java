package onekey.calls;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A write the call model owes the database, as it is kept in the journal file. Every op is
 * idempotent, because the journal writes at least once (again after a crash or an outage):
 * a call's state is an upsert by linkedid, events and audit rows carry the journal's key.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JournalOp.CallState.class, name = "call"),
        @JsonSubTypes.Type(value = JournalOp.Events.class, name = "events"),
        @JsonSubTypes.Type(value = JournalOp.Audit.class, name = "audit"),
        @JsonSubTypes.Type(value = JournalOp.RecordingDue.class, name = "recording"),
        @JsonSubTypes.Type(value = JournalOp.ElderLinked.class, name = "elder-linked"),
        @JsonSubTypes.Type(value = JournalOp.SeatCallStarted.class, name = "seat-call"),
        @JsonSubTypes.Type(value = JournalOp.SeatCallEnded.class, name = "seat-call-ended")})
public sealed interface JournalOp {

    /** The call's state columns as the call model knows them now (never disposition, notes, recording). */
    record CallState(CallRecord call) implements JournalOp {}

    /** Timeline events of a call. */
    record Events(String linkedid, List<Ev> events) implements JournalOp {}

    record Ev(long at, String type, String detail) {}

    /** An audit row (a screen pop showed an elder's record to an agent). */
    record Audit(long at, Long accountId, String username, String action, String targetType, String targetId,
                 String detail) implements JournalOp {}

    /** The call ended: its recording is to be indexed and linked. */
    record RecordingDue(String linkedid, String file) implements JournalOp {}

    /**
     * The call's caller was looked up again once the database answered and is linked to this elder late, by the system
     * (only while the row has no elder): the column, a timeline event {@code elder.linked} and an audit row.
     */
    record ElderLinked(String linkedid, long elderId, long at, String detail) implements JournalOp {}

    /**
     * A seat's phone placed a call (issue 18 item 7; {@link SeatCalls}): the row, unless this linkedid is an elder's call,
     * marked as the seat's and linked to the elder, incident and step, and its {@code seat-call} event. {@code linked}
     * says whether the agent, elder and incident in it were looked up when the call started; when the database could not
     * answer then, they are looked up when the op is written (the database answers again by then).
     */
    record SeatCallStarted(CallRecord call, String agentExtension, String number, Long stepId, Long incidentId,
                           boolean linked) implements JournalOp {}

    /** The seat's channel hung up: times and outcome (from the row's start), the {@code seat-call-ended} event, the recording. */
    record SeatCallEnded(String linkedid, long at, String dialStatus, Long answeredSeconds, String recordingFile)
            implements JournalOp {}
}
