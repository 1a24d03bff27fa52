package onekey.calls;

import onekey.lines.Service;

/**
 * A call as stored: one row per linkedid. Times are epoch milliseconds; null when it has not happened.
 * waitMs = answeredAt (or endedAt if never answered) - arrivedAt; talkMs = endedAt - answeredAt.
 * Changed with its withers (each returns a copy with that field changed).
 */
public record CallRecord(
        long id,
        String linkedid,
        String callerChannel,
        String callerNumber,
        String dnis,
        Service line,
        int priority,
        Long elderId,
        Long agentId,
        String agentName,
        long arrivedAt,
        Long queuedAt,
        Long answeredAt,
        Long endedAt,
        Long waitMs,
        Long talkMs,
        CallOutcome outcome,
        String disposition,
        String notes,
        boolean failOpen,
        Long recordingId) {

    /** A call that has just arrived: nothing else has happened to it yet. */
    public static CallRecord arrived(String linkedid, String callerChannel, String callerNumber, String dnis, Service line,
                                     int priority, long arrivedAt, boolean failOpen) {
        return new CallRecord(0, linkedid, callerChannel, callerNumber, dnis, line, priority, null, null, null, arrivedAt,
                null, null, null, null, null, CallOutcome.ARRIVED, null, null, failOpen, null);
    }

    public CallRecord withId(long id) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withPriority(int priority) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withFailOpen(boolean failOpen) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withElderId(Long elderId) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    /** The agent who has the call (id and username). */
    public CallRecord withAgent(Long agentId, String agentName) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withQueuedAt(Long queuedAt) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withAnsweredAt(Long answeredAt) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    public CallRecord withOutcome(CallOutcome outcome) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    /** The call ended at {@code at}: its end, wait and talk times (from its arrival and answer). */
    public CallRecord withEnd(long at) {
        long wait = (answeredAt != null ? answeredAt : at) - arrivedAt;
        Long talk = answeredAt == null ? null : at - answeredAt;
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, at, wait, talk, outcome, disposition, notes, failOpen, recordingId);
    }

    /** The end only (an end OneKey did not see: wait and talk times stay as they were). */
    public CallRecord withEndedAt(Long endedAt) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recordingId);
    }

    /** This call with its recording set (everything else unchanged). */
    public CallRecord withRecordingId(Long recording) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recording);
    }
}
