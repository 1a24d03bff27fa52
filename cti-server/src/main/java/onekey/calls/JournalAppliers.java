package onekey.calls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.auth.AuditLog;

/**
 * Writes the journal's ops to the database, one applier per op type, in the journal's order (the journal's writer
 * calls {@link #apply}). Audit rows go straight to the audit log: they are no business of the call model's. The call
 * model hears only what it needs: the stored id of a call's row, and that a late link is written.
 */
public final class JournalAppliers {

    /** What the call model is told by the writes. Must not block. */
    interface Model {
        /** The call's row is stored under {@code id}. */
        void stored(String linkedid, long id);

        /** The late link of this call is in the database (another sweep may link it again if it must). */
        void linkWritten(String linkedid);
    }

    private final CallRepository calls;
    private final AuditLog audit;
    private final Model model;
    private final CallTracker.RecordingSink recordings;
    /** linkedid → stored id, for writes after the live call is gone (bounded, oldest dropped). */
    private final Map<String, Long> storedIds = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    });

    JournalAppliers(CallRepository calls, AuditLog audit, CallTracker.RecordingSink recordings, Model model) {
        this.calls = calls;
        this.audit = audit;
        this.recordings = recordings;
        this.model = model;
    }

    /** A row the resync found stored already. */
    void knownStored(String linkedid, long id) {
        storedIds.put(linkedid, id);
    }

    /** Writes one journalled op to the database (the journal's writer calls this, in order). */
    public void apply(CallJournal.Entry e) {
        switch (e.op()) {
            case JournalOp.CallState s -> callState(s);
            case JournalOp.Events ev -> events(e.key(), ev);
            case JournalOp.Audit a -> audit.recordOnce(e.key(), a.at(), a.accountId(), a.username(), a.action(),
                    a.targetType(), a.targetId(), a.detail());
            case JournalOp.RecordingDue d -> recordingDue(d);
            case JournalOp.ElderLinked l -> elderLinked(e.key(), l);
        }
    }

    private void callState(JournalOp.CallState s) {
        CallRecord c = s.call();
        Long id = storedIds.get(c.linkedid());
        if (id == null) {
            id = calls.insertIfAbsent(c).id();
            storedIds.put(c.linkedid(), id);
        }
        calls.updateState(id, c);
        model.stored(c.linkedid(), id);
    }

    private void events(String key, JournalOp.Events ev) {
        long id = storedId(ev.linkedid());
        List<CallRepository.KeyedEvent> rows = new ArrayList<>(ev.events().size());
        for (int i = 0; i < ev.events().size(); i++) {
            JournalOp.Ev x = ev.events().get(i);
            rows.add(new CallRepository.KeyedEvent(x.at(), x.type(), x.detail(), key + "#" + i));
        }
        calls.addKeyedEvents(id, rows);
    }

    private void recordingDue(JournalOp.RecordingDue d) {
        long id = storedId(d.linkedid());
        CallRecord row = calls.get(id).orElseThrow(() -> new IllegalStateException("call row " + id + " vanished"));
        recordings.callEnded(row, d.file());
    }

    private void elderLinked(String key, JournalOp.ElderLinked l) {
        long id = storedId(l.linkedid());
        // only while the row has no elder; a replay (the row has this elder already) writes the same keyed rows
        boolean linked = calls.setElder(id, l.elderId())
                || calls.get(id).map(r -> Long.valueOf(l.elderId()).equals(r.elderId())).orElse(false);
        if (linked) {
            calls.addKeyedEvents(id, List.of(new CallRepository.KeyedEvent(l.at(), "elder.linked", l.detail(), key + "#0")));
            audit.recordOnce(key, l.at(), null, "system", "call.elder-linked", "call", Long.toString(id), l.detail());
        }
        model.linkWritten(l.linkedid());
    }

    private long storedId(String linkedid) {
        Long id = storedIds.get(linkedid);
        if (id != null) {
            return id;
        }
        long found = calls.byLinkedid(linkedid).orElseThrow(() ->
                new IllegalStateException("no call row for linkedid " + linkedid)).id();
        storedIds.put(linkedid, found);
        return found;
    }
}
