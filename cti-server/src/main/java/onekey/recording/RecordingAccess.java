package onekey.recording;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.calls.CallRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may hear a recording and put it on legal hold, and the audit rows of it: agents only the recordings of calls
 * they took ({@link SecurityException}); every play and every hold or release audited; a removed recording cannot
 * be held ({@link IllegalStateException}).
 */
public final class RecordingAccess {
    private static final Logger log = LoggerFactory.getLogger(RecordingAccess.class);

    private final RecordingRepository recordings;
    private final CallRepository calls;
    private final AuditLog audit;
    private final Clock clock;

    public RecordingAccess(RecordingRepository recordings, CallRepository calls, AuditLog audit, Clock clock) {
        this.recordings = recordings;
        this.calls = calls;
        this.audit = audit;
        this.clock = clock;
    }

    private boolean tookCall(Account by, Long callId) {
        return by.role() != Role.AGENT || callId != null && calls.get(callId)
                .map(c -> c.agentId() != null && c.agentId() == by.id()).orElse(false);
    }

    /** The recordings of call {@code callId} (the latest one). */
    public List<Recording> ofCall(Account by, long callId) {
        if (!tookCall(by, callId)) {
            throw new SecurityException("agents may list only the recordings of calls they took");
        }
        return recordings.byCall(callId).stream().toList();
    }

    /** The recording {@code by} may play, or {@link NoSuchElementException} / {@link SecurityException}. */
    public Recording forPlay(Account by, long id) {
        Recording rec = recordings.get(id).orElseThrow(() -> new NoSuchElementException("no such recording: " + id));
        if (!tookCall(by, rec.callId())) {
            throw new SecurityException("agents may play only the recordings of calls they took");
        }
        return rec;
    }

    /** A play audited before the audio leaves the server; {@code bytes} the range asked for, or null for all. */
    public void played(Account by, Recording rec, String bytes) {
        audit.record(by, "recording.play", "recording", Long.toString(rec.id()),
                "call=" + rec.callId() + (bytes == null ? "" : " bytes=" + bytes));
    }

    /**
     * Puts recordings on legal hold (never removed by retention) or releases them; audited one row each. A removed
     * recording cannot be held: nothing is changed then.
     */
    public List<Recording> hold(Account by, List<Recording> recs, boolean hold, String reason) {
        for (Recording rec : recs) {
            if (hold && rec.removed()) {
                throw new IllegalStateException("recording " + rec.id() + " was already removed by " + rec.removedReason()
                        + "; its audio cannot be held");
            }
        }
        long now = clock.millis();
        List<Recording> out = new ArrayList<>();
        for (Recording rec : recs) {
            recordings.setHold(rec.id(), hold, by.username(), now, reason);
            audit.record(by, hold ? "recording.hold" : "recording.release", "recording", Long.toString(rec.id()),
                    "call=" + rec.callId() + (reason == null ? "" : " reason=" + reason));
            log.info("api.recording-hold recording={} call={} hold={} by={}", rec.id(), rec.callId(), hold, by.username());
            out.add(recordings.get(rec.id()).orElse(rec));
        }
        return out;
    }
}
