package onekey.calls;

import onekey.lines.Service;

/**
 * A call as stored: one row per linkedid. Times are epoch milliseconds; null when it has not happened.
 * waitMs = answeredAt (or endedAt if never answered) - arrivedAt; talkMs = endedAt - answeredAt.
 * {@code outcome}: "queued", "ringing", "answered", "completed", "abandoned".
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
        String outcome,
        String disposition,
        String notes,
        boolean failOpen,
        Long recordingId) {

    /** This call with its recording set (everything else unchanged). */
    public CallRecord withRecordingId(Long recording) {
        return new CallRecord(id, linkedid, callerChannel, callerNumber, dnis, line, priority, elderId, agentId, agentName,
                arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome, disposition, notes, failOpen, recording);
    }
}
