package onekey.calls;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.CALL_EVENTS;

import java.util.List;
import java.util.Optional;
import onekey.lines.Service;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.Prepared;
import onekey.store.jooq.tables.records.CallEventsRecord;
import onekey.store.jooq.tables.records.CallsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/** Calls (one row per linkedid) and their timelines, tables calls and call_events. */
public final class JooqCallRepository implements CallRepository {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JooqCallRepository.class);
    private static final String UQ_OP_KEY = "uq_call_events_op_key";
    private static final int TEXT_MAX = 4000;

    /**
     * The writes every call makes, rendered once (issue 23: jOOQ's rendering was the larger part of their CPU). The
     * values come in the order the parameters appear.
     */
    /** The columns a call's state writes, in the order their values are given. */
    private static final List<org.jooq.TableField<onekey.store.jooq.tables.records.CallsRecord, ?>> STATE = List.of(
            CALLS.CALLER_CHANNEL, CALLS.CALLER_NUMBER, CALLS.DNIS, CALLS.SERVICE, CALLS.PRIORITY, CALLS.ELDER_ID,
            CALLS.AGENT_ID, CALLS.AGENT_NAME, CALLS.ARRIVED_AT, CALLS.QUEUED_AT, CALLS.ANSWERED_AT, CALLS.ENDED_AT,
            CALLS.WAIT_MS, CALLS.TALK_MS, CALLS.OUTCOME, CALLS.FAIL_OPEN);

    /** A new call's row: id, linkedid, {@link #STATE}, disposition, notes, recording. */
    static final Prepared INSERT = new Prepared(DSL.insertInto(CALLS).set(Prepared.params(java.util.stream.Stream.of(
            List.of(CALLS.ID, CALLS.LINKEDID), STATE, List.of(CALLS.DISPOSITION, CALLS.NOTES, CALLS.RECORDING_ID))
            .flatMap(List::stream).toList())));

    /** {@link #STATE}, then the id. */
    static final Prepared UPDATE_STATE;

    static {
        java.util.Map<org.jooq.Field<?>, org.jooq.Field<?>> set = Prepared.params(STATE);
        // an elder linked by an agent's form (setElder) is never undone by a stale state write
        set.put(CALLS.ELDER_ID, DSL.coalesce(Prepared.param(CALLS.ELDER_ID), CALLS.ELDER_ID));
        UPDATE_STATE = new Prepared(DSL.update(CALLS).set(set).where(CALLS.ID.eq(Prepared.param(CALLS.ID))));
    }

    /** A call's timeline rows from the journal (a dozen or so a call, a few statements). */
    static final Prepared INSERT_KEYED_EVENTS = Prepared.rows(n -> {
        var insert = DSL.insertInto(CALL_EVENTS, CALL_EVENTS.CALL_ID, CALL_EVENTS.AT_MS, CALL_EVENTS.EVENT_TYPE,
                CALL_EVENTS.DETAIL, CALL_EVENTS.OP_KEY);
        for (int i = 0; i < n; i++) {
            insert = insert.values(DSL.param("callId" + i, CALL_EVENTS.CALL_ID), DSL.param("at" + i, CALL_EVENTS.AT_MS),
                    DSL.param("type" + i, CALL_EVENTS.EVENT_TYPE), DSL.param("detail" + i, CALL_EVENTS.DETAIL),
                    DSL.param("opKey" + i, CALL_EVENTS.OP_KEY));
        }
        return insert;
    });

    /** One timeline row without an op key (a recording's "recorded", an agent's note): call, at, type, detail. */
    static final Prepared INSERT_EVENT = new Prepared(DSL.insertInto(CALL_EVENTS).set(Prepared.params(List.of(
            CALL_EVENTS.CALL_ID, CALL_EVENTS.AT_MS, CALL_EVENTS.EVENT_TYPE, CALL_EVENTS.DETAIL))));

    static final Prepared SET_RECORDING = new Prepared(DSL.update(CALLS)
            .set(CALLS.RECORDING_ID, Prepared.param(CALLS.RECORDING_ID))
            .where(CALLS.ID.eq(Prepared.param(CALLS.ID))));

    private final DSLContext dsl;
    private final CallIds ids;

    public JooqCallRepository(Database db) {
        this.dsl = db.dsl();
        this.ids = new CallIds(db.dataSource());
    }

    @Override
    public long newId() {
        return ids.take();
    }

    @Override
    public CallRecord insertIfAbsent(CallRecord call) {
        if (call == null || call.linkedid() == null || call.linkedid().isBlank()) {
            throw new IllegalArgumentException("linkedid is required");
        }
        // issue 23: the insert first (a new call's row is the usual case): no look-up before it and no read after it;
        // the row is what was inserted. A row there already (a replay after a restart, two writers racing) is read.
        // Its id is the one the model gave it from a reserved block (newId), or one reserved now: never the table's
        // own counter, which knows nothing of the blocks.
        long id;
        try {
            id = call.id() != 0 ? call.id() : ids.takeNow();
        } catch (java.sql.SQLException e) {
            throw new DataAccessException("no call id reserved: " + e.getMessage(), e);
        }
        try {
            return insert(call, id);
        } catch (DataAccessException e) {
            // a replay's row holds its linkedid (and its id: which of the two the database names first varies)
            Optional<CallRecord> there;
            boolean idTaken;
            try {
                there = byLinkedid(call.linkedid());
                idTaken = there.isEmpty() && call.id() != 0 && get(id).isPresent();
            } catch (DataAccessException x) {
                e.addSuppressed(x);
                throw e;
            }
            if (there.isPresent()) {
                return there.get();
            }
            if (!idTaken) {
                throw e;
            }
            // the id is taken by another row: only a row inserted without a block's id (by hand) can hold it
            long other;
            try {
                other = ids.takeNow();
            } catch (java.sql.SQLException x) {
                e.addSuppressed(x);
                throw e;
            }
            log.error(
                    "call={}: id {} held by another row (inserted without a reserved id): stored as {}", call.linkedid(),
                    id, other);
            return insert(call, other);
        }
    }

    private CallRecord insert(CallRecord call, long id) {
        INSERT.execute(dsl, id, call.linkedid(), call.callerChannel(), call.callerNumber(), call.dnis(),
                call.line() == null ? null : call.line().wire(), call.priority(), call.elderId(), call.agentId(),
                call.agentName(), call.arrivedAt(), call.queuedAt(), call.answeredAt(), call.endedAt(), call.waitMs(),
                call.talkMs(), call.outcome() == null ? null : call.outcome().wire(), call.failOpen(), call.disposition(),
                clip(call.notes()), call.recordingId());
        onekey.reports.CallSummaries.invalidate(dsl, call.arrivedAt(), System.currentTimeMillis());
        return new CallRecord(id, call.linkedid(), call.callerChannel(), call.callerNumber(), call.dnis(), call.line(),
                call.priority(), call.elderId(), call.agentId(), call.agentName(), call.arrivedAt(), call.queuedAt(),
                call.answeredAt(), call.endedAt(), call.waitMs(), call.talkMs(), call.outcome(), call.disposition(),
                clip(call.notes()), call.failOpen(), call.recordingId());
    }

    @Override
    public void updateState(long id, CallRecord c) {
        UPDATE_STATE.execute(dsl, c.callerChannel(), c.callerNumber(), c.dnis(), c.line() == null ? null : c.line().wire(),
                c.priority(), c.elderId(), c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), c.answeredAt(),
                c.endedAt(), c.waitMs(), c.talkMs(), c.outcome() == null ? null : c.outcome().wire(), c.failOpen(), id);
        // a late write to a day the reports have summed (issue 22, V29) drops that day's summaries
        onekey.reports.CallSummaries.invalidate(dsl, c.arrivedAt(), System.currentTimeMillis());
    }

    @Override
    public void setDisposition(long id, String disposition, String notes) {
        var q = dsl.update(CALLS).set(CALLS.DISPOSITION, disposition);
        if (notes != null) {
            q = q.set(CALLS.NOTES, clip(notes));
        }
        q.where(CALLS.ID.eq(id)).execute();
    }

    @Override
    public boolean setElder(long id, long elderId) {
        boolean set = dsl.update(CALLS).set(CALLS.ELDER_ID, elderId).where(CALLS.ID.eq(id)).and(CALLS.ELDER_ID.isNull())
                .execute() == 1;
        if (set) {
            onekey.reports.CallSummaries.invalidateCall(dsl, id, System.currentTimeMillis());
        }
        return set;
    }

    @Override
    public void setRecording(long id, long recordingId) {
        SET_RECORDING.execute(dsl, recordingId, id);
    }

    @Override
    public int addKeyedEvents(long callId, List<KeyedEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        try {
            return insertKeyed(callId, events);
        } catch (DataAccessException e) {
            if (!Constraints.violates(e, UQ_OP_KEY)) {
                throw e;
            }
        }
        // written before (a replay after a crash or an outage): one by one, skipping those already there
        int added = 0;
        for (KeyedEvent e : events) {
            try {
                added += insertKeyed(callId, List.of(e));
            } catch (DataAccessException x) {
                if (!Constraints.violates(x, UQ_OP_KEY)) {
                    throw x;
                }
            }
        }
        return added;
    }

    @Override
    public Optional<CallRecord> get(long id) {
        return dsl.selectFrom(CALLS).where(CALLS.ID.eq(id)).fetchOptional().map(JooqCallRepository::toCall);
    }

    @Override
    public Optional<CallRecord> byLinkedid(String linkedid) {
        if (linkedid == null) {
            return Optional.empty();
        }
        return dsl.selectFrom(CALLS).where(CALLS.LINKEDID.eq(linkedid)).fetchOptional().map(JooqCallRepository::toCall);
    }

    @Override
    public List<CallRecord> find(Long elderId, Long agentId, Long since, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        if (elderId != null && agentId == null && since == null) {
            // an elder's last calls: every registered caller's screen pop reads them (issue 23: rendered once)
            return LAST_OF_ELDER.fetch(dsl, elderId, limit).into(CALLS).map(JooqCallRepository::toCall);
        }
        return findQuery(elderId, agentId, since, limit).fetch(JooqCallRepository::toCall);
    }

    /** {@link #find} for one elder, nothing else filtered: the same statement, rendered once. */
    static final Prepared LAST_OF_ELDER = new Prepared(DSL.selectFrom(CALLS)
            .where(CALLS.ELDER_ID.eq(DSL.param("elderId", CALLS.ELDER_ID)))
            .orderBy(newestFirst(1L, null))
            .limit(DSL.param("limit", Integer.class)));

    /** {@link #find}'s query (a test reads its plan). */
    org.jooq.ResultQuery<onekey.store.jooq.tables.records.CallsRecord> findQuery(Long elderId, Long agentId, Long since, int limit) {
        return dsl.selectFrom(CALLS)
                .where(elderId == null ? DSL.noCondition() : CALLS.ELDER_ID.eq(elderId))
                .and(agentId == null ? DSL.noCondition() : CALLS.AGENT_ID.eq(agentId))
                .and(since == null ? DSL.noCondition() : CALLS.ARRIVED_AT.ge(since))
                .orderBy(newestFirst(elderId, agentId))
                .limit(limit);
    }

    @Override
    public onekey.store.Cursor.Page<CallRecord> page(Long elderId, Long agentId, Long from, Long to,
                                                     onekey.store.Cursor after, int limit) {
        List<CallRecord> rows = dsl.selectFrom(CALLS)
                .where(elderId == null ? DSL.noCondition() : CALLS.ELDER_ID.eq(elderId))
                .and(agentId == null ? DSL.noCondition() : CALLS.AGENT_ID.eq(agentId))
                .and(from == null ? DSL.noCondition() : CALLS.ARRIVED_AT.ge(from))
                .and(to == null ? DSL.noCondition() : CALLS.ARRIVED_AT.lt(to))
                // keyset: the rows after the cursor's (arrived_at, id), spelled out so both engines seek the index
                .and(after == null ? DSL.noCondition() : CALLS.ARRIVED_AT.le(after.at())
                        .and(CALLS.ARRIVED_AT.lt(after.at()).or(CALLS.ID.lt(after.id()))))
                .orderBy(newestFirst(elderId, agentId))
                .limit(limit + 1)
                .fetch(JooqCallRepository::toCall);
        return onekey.store.Cursor.Page.of(rows, limit, CallRecord::arrivedAt, CallRecord::id);
    }

    @Override
    public List<CallRecord> findInbound(Long elderId, Long agentId, Long since, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return dsl.selectFrom(CALLS)
                .where(CALLS.DIRECTION.isNull())
                .and(elderId == null ? DSL.noCondition() : CALLS.ELDER_ID.eq(elderId))
                .and(agentId == null ? DSL.noCondition() : CALLS.AGENT_ID.eq(agentId))
                .and(since == null ? DSL.noCondition() : CALLS.ARRIVED_AT.ge(since))
                .orderBy(newestFirst(elderId, agentId))
                .limit(limit)
                .fetch(JooqCallRepository::toCall);
    }

    /** Oldest first. */
    @Override
    public List<CallRecord> unlinked(long since, int limit) {
        return dsl.selectFrom(CALLS)
                .where(CALLS.ELDER_ID.isNull()).and(CALLS.CALLER_NUMBER.isNotNull()).and(CALLS.ARRIVED_AT.ge(since))
                .and(CALLS.DIRECTION.isNull()) // a seat's own call (issue 18 item 7) has no caller to look up
                .orderBy(CALLS.ARRIVED_AT.desc(), CALLS.ID.desc())
                .limit(limit)
                .fetch(JooqCallRepository::toCall);
    }

    @Override
    public List<CallRecord> unfinished() {
        return dsl.selectFrom(CALLS)
                .where(CALLS.ENDED_AT.isNull())
                .orderBy(CALLS.ARRIVED_AT, CALLS.ID)
                .fetch(JooqCallRepository::toCall);
    }

    @Override
    public void addEvents(long callId, String type, List<java.util.Map.Entry<Long, String>> atAndDetail) {
        if (atAndDetail.isEmpty()) {
            return;
        }
        var insert = dsl.insertInto(CALL_EVENTS, CALL_EVENTS.CALL_ID, CALL_EVENTS.AT_MS, CALL_EVENTS.EVENT_TYPE, CALL_EVENTS.DETAIL);
        for (var e : atAndDetail) {
            insert = insert.values(callId, e.getKey(), type, clip(e.getValue()));
        }
        insert.execute();
    }

    /** One multi-row insert of keyed events. */
    private int insertKeyed(long callId, List<KeyedEvent> events) {
        List<Object[]> rows = new java.util.ArrayList<>(events.size());
        for (KeyedEvent e : events) {
            rows.add(new Object[] {callId, e.at(), e.type(), clip(e.detail()), e.opKey()});
        }
        return INSERT_KEYED_EVENTS.executeRows(dsl, rows);
    }

    @Override
    public CallEvent addEvent(long callId, long at, String type, String detail) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("event type is required");
        }
        String d = clip(detail);
        long id = INSERT_EVENT.insertReturningId(dsl, callId, at, type, d);
        return new CallEvent(id, callId, at, type, d);
    }

    @Override
    public List<CallEvent> timeline(long callId) {
        return dsl.selectFrom(CALL_EVENTS)
                .where(CALL_EVENTS.CALL_ID.eq(callId))
                .orderBy(CALL_EVENTS.AT_MS, CALL_EVENTS.ID)
                .fetch(JooqCallRepository::toEvent);
    }

    /**
     * Newest first by (arrived_at, id), led by the filter's own column when there is one: H2 then reads the
     * (elder_id, arrived_at) or (agent_id, arrived_at) index backwards and stops at the limit ("index sorted"); ordered by
     * arrived_at alone it read every call of the elder and sorted them (issue 23: the pop's last calls of an elder who
     * had called 200 times read 200 rows). The order is the same: the leading column is fixed by the filter.
     */
    private static java.util.List<org.jooq.SortField<?>> newestFirst(Long elderId, Long agentId) {
        java.util.List<org.jooq.SortField<?>> order = new java.util.ArrayList<>(3);
        if (elderId != null) {
            order.add(CALLS.ELDER_ID.desc());
        } else if (agentId != null) {
            order.add(CALLS.AGENT_ID.desc());
        }
        order.add(CALLS.ARRIVED_AT.desc());
        order.add(CALLS.ID.desc());
        return order;
    }

    private static String clip(String s) {
        return s == null || s.length() <= TEXT_MAX ? s : s.substring(0, TEXT_MAX);
    }

    private static CallRecord toCall(CallsRecord r) {
        return new CallRecord(r.getId(), r.getLinkedid(), r.getCallerChannel(), r.getCallerNumber(), r.getDnis(),
                r.getService() == null ? null : Service.fromWire(r.getService()),
                r.getPriority() == null ? 0 : r.getPriority(),
                r.getElderId(), r.getAgentId(), r.getAgentName(), r.getArrivedAt(), r.getQueuedAt(),
                r.getAnsweredAt(), r.getEndedAt(), r.getWaitMs(), r.getTalkMs(), CallOutcome.fromWire(r.getOutcome()), r.getDisposition(),
                r.getNotes(), Boolean.TRUE.equals(r.getFailOpen()), r.getRecordingId());
    }

    private static CallEvent toEvent(CallEventsRecord r) {
        return new CallEvent(r.getId(), r.getCallId(), r.getAtMs(), r.getEventType(), r.getDetail());
    }
}
