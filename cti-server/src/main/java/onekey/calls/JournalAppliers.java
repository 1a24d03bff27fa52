package onekey.calls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import onekey.auth.AuditLog;
import onekey.elders.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the journal's ops to the database, one applier per op type, in the journal's order (the journal's writer
 * calls {@link #apply}). Audit rows go straight to the audit log: they are no business of the call model's. The call
 * model hears only what it needs: the stored id of a call's row, and that a late link is written.
 */
public final class JournalAppliers {
    private static final Logger log = LoggerFactory.getLogger(JournalAppliers.class);

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
    /** The seats' own calls (registered by SeatCalls before the journal starts: ops from an earlier run may be seat calls). */
    private volatile SeatCalls seatCalls;
    /** linkedid → stored id, for writes after the live call is gone (bounded, oldest dropped). */
    private final Map<String, Long> storedIds = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    });

    /**
     * linkedid → the last state written of the call (bounded as {@link #storedIds}): the recording's op takes the call
     * from here instead of reading its row (issue 23: one statement a call less); its id is always {@link #storedIds}'.
     */
    private final Map<String, CallRecord> lastStates = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CallRecord> eldest) {
            return size() > 10_000;
        }
    });

    JournalAppliers(CallRepository calls, AuditLog audit, CallTracker.RecordingSink recordings, Model model) {
        this.calls = calls;
        this.audit = audit;
        this.recordings = recordings;
        this.model = model;
    }

    void setSeatCalls(SeatCalls seatCalls) {
        this.seatCalls = seatCalls;
    }

    /** A row the resync found stored already. */
    void knownStored(String linkedid, long id) {
        storedIds.put(linkedid, id);
    }

    /** Runs writes in one database transaction (onekey.store.Database#inOneTransaction). */
    public interface Transaction {
        void run(onekey.store.Database.Work work) throws Exception;
    }

    /** While {@link #applyAll} runs on the writer: the rows it stored, told to the model only once committed. */
    private List<Object[]> batchStored;
    /** While {@link #applyAll} runs: the linkedids whose stored id it learned (forgotten when it rolls back). */
    private java.util.Set<String> batchLearned;

    /**
     * Writes several ops (see CallJournal#batchable) in one transaction, in order; the model hears of stored rows only
     * after the commit, and nothing learned from a batch that rolled back is kept (the writer then writes each op again
     * on its own).
     */
    public void applyAll(List<CallJournal.Entry> entries, Transaction tx) throws Exception {
        List<Object[]> stored = new ArrayList<>();
        java.util.Set<String> learned = new java.util.HashSet<>();
        batchStored = stored;
        batchLearned = learned;
        try {
            tx.run(() -> applyBatch(entries));
        } catch (Exception | Error e) {
            learned.forEach(storedIds::remove);
            throw e;
        } finally {
            batchStored = null;
            batchLearned = null;
        }
        for (Object[] s : stored) {
            model.stored((String) s[0], (Long) s[1]);
        }
    }

    /**
     * A batch's ops with fewer statements, the same rows as one at a time (issue 23: a call's states and timeline were
     * a statement each). A batch holds only states, timelines and audit rows ({@link CallJournal#batchable}), so:
     * <ul>
     * <li>a call's states: only its last one in the batch is written, where its first was (a state is the call's whole
     * state columns, each write replacing the one before; the elder is never cleared by one);</li>
     * <li>timelines: one insert per call of all its events in the batch, after the states (their ids come from them),
     * in order.</li>
     * </ul>
     */
    private void applyBatch(List<CallJournal.Entry> entries) {
        Map<String, JournalOp.CallState> lastState = new java.util.HashMap<>();
        Map<String, Long> elders = new java.util.HashMap<>();
        for (CallJournal.Entry e : entries) {
            if (e.op() instanceof JournalOp.CallState s) {
                CallRecord c = s.call();
                if (c.elderId() != null) {
                    elders.put(c.linkedid(), c.elderId());
                }
                // a state without the elder an earlier one had would not clear it (updateState keeps it): nor here
                Long elder = elders.get(c.linkedid());
                lastState.put(c.linkedid(), c.elderId() == null && elder != null
                        ? new JournalOp.CallState(c.withElderId(elder)) : s);
            }
        }
        Map<Long, List<CallRepository.KeyedEvent>> events = new LinkedHashMap<>();
        for (CallJournal.Entry e : entries) {
            switch (e.op()) {
                case JournalOp.CallState s -> {
                    JournalOp.CallState last = lastState.remove(s.call().linkedid());
                    if (last != null) {
                        callState(last); // the call's later states in this batch: written by this one
                    }
                }
                case JournalOp.Events ev -> {
                    List<CallRepository.KeyedEvent> rows = events.computeIfAbsent(storedId(ev.linkedid()),
                            k -> new ArrayList<>());
                    for (int i = 0; i < ev.events().size(); i++) {
                        JournalOp.Ev x = ev.events().get(i);
                        rows.add(new CallRepository.KeyedEvent(x.at(), x.type(), x.detail(), e.key() + "#" + i));
                    }
                }
                default -> apply(e);
            }
        }
        events.forEach(calls::addKeyedEvents);
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
            case JournalOp.SeatCallStarted sc -> seatCallStarted(e.key(), sc);
            case JournalOp.SeatCallEnded se -> seatCallEnded(e.key(), se);
        }
    }

    private void callState(JournalOp.CallState s) {
        CallRecord c = s.call();
        Long id = storedIds.get(c.linkedid());
        boolean current = false;
        if (id == null) {
            CallRecord row = calls.insertIfAbsent(c);
            id = row.id();
            learn(c.linkedid(), id);
            // issue 23: a row inserted now (or found, on a replay, as this op left it) holds this state already: the
            // update would change nothing, and was one statement more for every new call
            current = sameState(row, c);
        }
        if (!current) {
            calls.updateState(id, c);
        }
        lastStates.put(c.linkedid(), c);
        if (batchStored != null) {
            batchStored.add(new Object[] {c.linkedid(), id});
        } else {
            model.stored(c.linkedid(), id);
        }
    }

    /** Whether {@code row} holds every column {@link CallRepository#updateState} would write from {@code c}. */
    static boolean sameState(CallRecord row, CallRecord c) {
        return Objects.equals(row.callerChannel(), c.callerChannel()) && Objects.equals(row.callerNumber(), c.callerNumber())
                && Objects.equals(row.dnis(), c.dnis()) && row.line() == c.line() && row.priority() == c.priority()
                // updateState keeps a stored elder when the state has none
                && (c.elderId() == null || c.elderId().equals(row.elderId()))
                && Objects.equals(row.agentId(), c.agentId()) && Objects.equals(row.agentName(), c.agentName())
                && Objects.equals(row.arrivedAt(), c.arrivedAt()) && Objects.equals(row.queuedAt(), c.queuedAt())
                && Objects.equals(row.answeredAt(), c.answeredAt()) && Objects.equals(row.endedAt(), c.endedAt())
                && Objects.equals(row.waitMs(), c.waitMs()) && Objects.equals(row.talkMs(), c.talkMs())
                && row.outcome() == c.outcome() && row.failOpen() == c.failOpen();
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
        // the indexer reads the call's id, linkedid and arrival only: the state written last has them
        CallRecord known = lastStates.get(d.linkedid());
        CallRecord row = known != null ? known.withId(id)
                : calls.get(id).orElseThrow(() -> new IllegalStateException("call row " + id + " vanished"));
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

    private SeatCalls seatCalls() {
        SeatCalls s = seatCalls;
        if (s == null) {
            throw new IllegalStateException("seat calls are not wired to the journal");
        }
        return s;
    }

    /**
     * A seat's call started: the row unless the linkedid is an elder's call (its row is written first, the journal keeps
     * the order), marked as the seat's, linked; idempotent (a replay finds its own row: same channel, same start).
     */
    private void seatCallStarted(String key, JournalOp.SeatCallStarted s) {
        SeatCalls sc = seatCalls();
        CallRecord c = s.call();
        Long incidentId = s.incidentId();
        if (!s.linked()) {
            // the database could not answer when the call started; it answers now
            SeatCalls.Links l = sc.linksNow(s.agentExtension(), s.number(), s.stepId());
            c = new CallRecord(c.id(), c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                    l.elderId(), l.agentId(), l.agentName(), c.arrivedAt(), c.queuedAt(), c.answeredAt(), c.endedAt(),
                    c.waitMs(), c.talkMs(), c.outcome(), c.disposition(), c.notes(), c.failOpen(), c.recordingId());
            incidentId = l.incidentId();
            log.info("seat-call.linked-late call={} elder={} incident={} step={}", c.linkedid(), c.elderId(), incidentId,
                    s.stepId());
        }
        CallRecord known = calls.byLinkedid(c.linkedid()).orElse(null);
        long id;
        if (known == null) {
            id = calls.insertIfAbsent(c).id();
        } else {
            boolean ours = Objects.equals(known.callerChannel(), c.callerChannel()) && known.arrivedAt() == c.arrivedAt();
            if (!ours) {
                // an elder's call (a consult leg on it), or a start made up from the end after the real one was stored
                return;
            }
            id = known.id();
        }
        sc.repository().markSeat(id, incidentId, s.stepId());
        calls.addKeyedEvents(id, List.of(new CallRepository.KeyedEvent(c.arrivedAt(), "seat-call", "agent="
                + s.agentExtension() + " number=" + PhoneNumbers.mask(s.number())
                + (incidentId == null ? "" : " incident=" + incidentId) + (s.stepId() == null ? "" : " step=" + s.stepId()),
                key + "#0")));
        log.info("seat-call.stored call={} id={} agent={} elder={} incident={} step={}", c.linkedid(), id,
                s.agentExtension(), c.elderId(), incidentId, s.stepId());
    }

    /** A seat's call ended: times and outcome, its event, the recording to the indexer. Idempotent. */
    private void seatCallEnded(String key, JournalOp.SeatCallEnded s) {
        SeatCalls sc = seatCalls();
        CallRecord row = calls.byLinkedid(s.linkedid()).orElse(null);
        if (row == null || sc.repository().link(row.id()).isEmpty()) {
            return; // an elder's call: not a seat's
        }
        if (row.endedAt() != null && row.endedAt() != s.at()) {
            return; // closed otherwise (the resync)
        }
        String status = s.dialStatus() == null ? "UNKNOWN" : s.dialStatus().toUpperCase(Locale.ROOT);
        boolean answered = status.equals("ANSWER");
        long talk = answered && s.answeredSeconds() != null ? s.answeredSeconds() * 1000 : 0;
        Long answeredAt = answered ? Math.max(row.arrivedAt(), s.at() - talk) : null;
        CallRecord done = new CallRecord(row.id(), row.linkedid(), row.callerChannel(), row.callerNumber(), row.dnis(),
                row.line(), row.priority(), row.elderId(), row.agentId(), row.agentName(), row.arrivedAt(), null, answeredAt,
                s.at(), (answeredAt == null ? s.at() : answeredAt) - row.arrivedAt(), answeredAt == null ? null : s.at() - answeredAt,
                CallOutcome.ofDialStatus(status), row.disposition(), row.notes(), false, row.recordingId());
        calls.updateState(row.id(), done);
        calls.addKeyedEvents(row.id(), List.of(new CallRepository.KeyedEvent(s.at(), "seat-call-ended",
                "dialStatus=" + status + (answered ? " talkMs=" + talk : ""), key + "#0")));
        recordings.callEnded(done, s.recordingFile());
    }

    private long storedId(String linkedid) {
        Long id = storedIds.get(linkedid);
        if (id != null) {
            return id;
        }
        long found = calls.byLinkedid(linkedid).orElseThrow(() ->
                new IllegalStateException("no call row for linkedid " + linkedid)).id();
        learn(linkedid, found);
        return found;
    }

    private void learn(String linkedid, long id) {
        storedIds.put(linkedid, id);
        if (batchLearned != null) {
            batchLearned.add(linkedid);
        }
    }
}
