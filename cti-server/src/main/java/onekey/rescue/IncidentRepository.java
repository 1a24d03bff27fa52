package onekey.rescue;

import static onekey.store.jooq.Tables.INCIDENTS;
import static onekey.store.jooq.Tables.INCIDENT_STEPS;

import java.util.List;
import java.util.Optional;
import onekey.outbound.Lane;
import onekey.outbound.Leg;
import onekey.outbound.OutboundRepository;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.IncidentStepsRecord;
import onekey.store.jooq.tables.records.IncidentsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Incidents and their steps. Every state change is a conditional UPDATE (from the state it expects), so a
 * step is dialled at most once even when two threads, or a restarted server, look at it.
 */
public final class IncidentRepository {

    /** The legs' owner: the rescue's calls. */
    static final String OWNER = "rescue";

    private final DSLContext dsl;

    public IncidentRepository(Database db) {
        this(db.dsl());
    }

    private IncidentRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Opens an incident; empty when the elder already has an open one (at most one per elder). */
    public Optional<Long> open(long elderId, Long callId, Long agentId, String openedBy, String reason, long at) {
        return open(elderId, null, callId, agentId, openedBy, reason, at);
    }

    /**
     * Opens an incident for an elder, or for an unregistered caller's number when {@code elderId} is null; empty when
     * the elder (or that number) already has an open one.
     */
    public Optional<Long> open(Long elderId, String callerNumber, Long callId, Long agentId, String openedBy, String reason,
                               long at) {
        return open(elderId, callerNumber, callId, agentId, openedBy, reason, null, at);
    }

    /** As above, with the incident's detail (an alarm's kind and device, issue 24; at most 255 characters kept). */
    public Optional<Long> open(Long elderId, String callerNumber, Long callId, Long agentId, String openedBy, String reason,
                               String detail, long at) {
        try {
            return Optional.of(dsl.insertInto(INCIDENTS)
                    .set(INCIDENTS.ELDER_ID, elderId)
                    .set(INCIDENTS.CALLER_NUMBER, callerNumber)
                    .set(INCIDENTS.CALL_ID, callId)
                    .set(INCIDENTS.AGENT_ID, agentId)
                    .set(INCIDENTS.OPENED_AT, at)
                    .set(INCIDENTS.OPENED_BY, openedBy)
                    .set(INCIDENTS.REASON, reason)
                    .set(INCIDENTS.DETAIL, detail == null || detail.length() <= 255 ? detail : detail.substring(0, 255))
                    .set(INCIDENTS.STATE, "redialling")
                    .set(INCIDENTS.OPEN_ELDER, elderId)
                    .set(INCIDENTS.OPEN_CALLER, elderId == null ? callerNumber : null)
                    .returning(INCIDENTS.ID).fetchOne().getId());
        } catch (DataAccessException e) {
            if (openConflict(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean openConflict(DataAccessException e) {
        return Constraints.violates(e, "uq_incidents_open_elder") || Constraints.violates(e, "uq_incidents_open_caller");
    }

    /**
     * Opens an incident and its first redial (with its leg) in one transaction; the caller has the dialer look at
     * once, so a burst of confirmations costs one short transaction each. Empty when the elder already has an open
     * incident.
     */
    public Optional<Incident> openWithFirstRedial(Long elderId, Long callId, Long agentId, String openedBy, String reason,
                                                  String number, long at) {
        return openWithFirstRedial(elderId, callId, agentId, openedBy, reason, null, number, at);
    }

    /** As above, with the incident's detail (issue 24: an alarm's kind and device). */
    public Optional<Incident> openWithFirstRedial(Long elderId, Long callId, Long agentId, String openedBy, String reason,
                                                  String detail, String number, long at) {
        try {
            return dsl.transactionResult(cfg -> {
                IncidentRepository tx = new IncidentRepository(cfg.dsl());
                // without an elder the incident is the unregistered caller's: its number is the one redialled
                long id = tx.open(elderId, elderId == null ? number : null, callId, agentId, openedBy, reason, detail, at)
                        .orElseThrow(Conflict::new);
                tx.plan(id, 1, "redial", number, at);
                return Optional.of(tx.get(id).orElseThrow());
            });
        } catch (Conflict e) {
            return Optional.empty();
        } catch (DataAccessException e) {
            if (e.getCause() instanceof Conflict || openConflict(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One confirmation of a burst: whose incident, the number redialled first, who confirmed, when. */
    public record OpenRequest(Long elderId, Long callId, Long agentId, String openedBy, String reason, String detail,
                              String number, long at) {}

    /**
     * As {@link #openWithFirstRedial} for several confirmations in one transaction (issue 23: a burst of confirmations
     * costs one commit, not one each); per request the incident or empty when that elder (or number) already has an
     * open one — also when an earlier request of the same batch opened it. A failure of any other kind fails the whole
     * batch (nothing written): the caller then opens them one by one.
     */
    public List<Optional<Incident>> openAllWithFirstRedial(List<OpenRequest> requests) {
        return dsl.transactionResult(cfg -> {
            IncidentRepository tx = new IncidentRepository(cfg.dsl());
            List<Optional<Incident>> out = new java.util.ArrayList<>(requests.size());
            for (OpenRequest r : requests) {
                Optional<Long> id = tx.open(r.elderId(), r.elderId() == null ? r.number() : null, r.callId(), r.agentId(),
                        r.openedBy(), r.reason(), r.detail(), r.at());
                if (id.isEmpty()) {
                    out.add(Optional.empty());
                    continue;
                }
                tx.plan(id.get(), 1, "redial", r.number(), r.at());
                out.add(Optional.of(tx.get(id.get()).orElseThrow()));
            }
            return out;
        });
    }

    /** The elder has an open incident already (rolls the transaction back). */
    private static final class Conflict extends RuntimeException {
        Conflict() {
            super("open incident exists", null, false, false);
        }
    }

    public Optional<Incident> openFor(long elderId) {
        return dsl.selectFrom(INCIDENTS).where(INCIDENTS.OPEN_ELDER.eq(elderId)).fetchOptional().map(this::withSteps);
    }

    /** The open incident of an unregistered caller's number (normalized), if any. */
    public Optional<Incident> openForCaller(String number) {
        return dsl.selectFrom(INCIDENTS).where(INCIDENTS.OPEN_CALLER.eq(number)).fetchOptional().map(this::withSteps);
    }

    /**
     * An incident with its steps in one read, rendered once (issue 23: a redial's result read its incident three
     * times, two statements rendered by jOOQ each; in a burst of 180 confirmations the rescue thread's reading).
     */
    static final onekey.store.Prepared GET = new onekey.store.Prepared(DSL.select(INCIDENTS.fields())
            .select(INCIDENT_STEPS.fields()).from(INCIDENTS)
            .leftJoin(INCIDENT_STEPS).on(INCIDENT_STEPS.INCIDENT_ID.eq(INCIDENTS.ID))
            .where(INCIDENTS.ID.eq(onekey.store.Prepared.param(INCIDENTS.ID)))
            .orderBy(INCIDENT_STEPS.SEQ));

    public Optional<Incident> get(long id) {
        var rows = GET.fetch(dsl, id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Incident.Step> steps = new java.util.ArrayList<>(rows.size());
        for (org.jooq.Record r : rows) {
            if (r.get(INCIDENT_STEPS.ID) != null) {
                steps.add(step(r.into(INCIDENT_STEPS)));
            }
        }
        return Optional.of(incident(rows.getFirst().into(INCIDENTS), steps));
    }

    /** Newest first; null arguments do not filter; state "open": every incident not yet closed (issue 18). */
    public List<Incident> find(Long elderId, String state, int limit) {
        return dsl.selectFrom(INCIDENTS)
                .where(elderId == null ? DSL.noCondition() : INCIDENTS.ELDER_ID.eq(elderId))
                .and(state == null ? DSL.noCondition() : "open".equals(state) ? INCIDENTS.CLOSED_AT.isNull()
                        : INCIDENTS.STATE.eq(state))
                .orderBy(INCIDENTS.OPENED_AT.desc(), INCIDENTS.ID.desc())
                .limit(limit)
                .fetch(this::withSteps);
    }

    /** {@link #headsInStates} for n states, rendered once (issue 23: it runs for every call that joins a queue). */
    private static final java.util.Map<Integer, onekey.store.Prepared> HEADS = new java.util.concurrent.ConcurrentHashMap<>();

    private static onekey.store.Prepared heads(int states) {
        List<org.jooq.Param<String>> in = new java.util.ArrayList<>();
        for (int i = 0; i < states; i++) {
            in.add(DSL.param("state" + i, INCIDENTS.STATE));
        }
        return new onekey.store.Prepared(DSL.selectFrom(INCIDENTS)
                .where(INCIDENTS.STATE.in(in))
                .orderBy(INCIDENTS.OPENED_AT.desc(), INCIDENTS.ID.desc())
                .limit(DSL.param("limit", Integer.class)));
    }

    /**
     * Incidents in any of {@code states}, newest first, <em>without their steps</em> (an empty list): for a look over
     * every open incident that needs only its elder and caller (issue 23: each SOS call's join ran two such queries
     * plus one for each incident's steps); read an incident whole with {@link #get}.
     */
    public List<Incident> headsInStates(java.util.Collection<String> states, int limit) {
        if (states.isEmpty()) {
            return List.of();
        }
        Object[] values = new Object[states.size() + 1];
        int i = 0;
        for (String s : states) {
            values[i++] = s;
        }
        values[i] = limit;
        return HEADS.computeIfAbsent(states.size(), IncidentRepository::heads).fetch(dsl, values).into(INCIDENTS)
                .map(r -> new Incident(r.getId(), r.getElderId(), r.getCallId(), r.getAgentId(), r.getOpenedAt(),
                        r.getOpenedBy(), r.getReason(), r.getState(), r.getClosedAt(), r.getOutcome(), List.of(),
                        r.getCallerNumber(), r.getDetail()));
    }

    /**
     * A page of incidents, newest first by (openedAt, id): {@code from} inclusive, {@code to} exclusive, after
     * {@code after}; null filters do not filter; state "open" as in {@link #find}. Reads {@code limit + 1} rows.
     */
    public onekey.store.Cursor.Page<Incident> page(Long elderId, String state, Long from, Long to,
                                                   onekey.store.Cursor after, int limit) {
        List<Incident> rows = dsl.selectFrom(INCIDENTS)
                .where(elderId == null ? DSL.noCondition() : INCIDENTS.ELDER_ID.eq(elderId))
                .and(state == null ? DSL.noCondition() : "open".equals(state) ? INCIDENTS.CLOSED_AT.isNull()
                        : INCIDENTS.STATE.eq(state))
                .and(from == null ? DSL.noCondition() : INCIDENTS.OPENED_AT.ge(from))
                .and(to == null ? DSL.noCondition() : INCIDENTS.OPENED_AT.lt(to))
                .and(after == null ? DSL.noCondition() : INCIDENTS.OPENED_AT.le(after.at())
                        .and(INCIDENTS.OPENED_AT.lt(after.at()).or(INCIDENTS.ID.lt(after.id()))))
                .orderBy(INCIDENTS.OPENED_AT.desc(), INCIDENTS.ID.desc())
                .limit(limit + 1)
                .fetch(this::withSteps);
        return onekey.store.Cursor.Page.of(rows, limit, Incident::openedAt, Incident::id);
    }

    /** How many incidents are open (not yet resolved or cancelled). */
    public int countOpen() {
        return dsl.fetchCount(INCIDENTS, INCIDENTS.CLOSED_AT.isNull());
    }

    public void setState(long id, String state) {
        dsl.update(INCIDENTS).set(INCIDENTS.STATE, state).where(INCIDENTS.ID.eq(id)).and(INCIDENTS.CLOSED_AT.isNull()).execute();
    }

    /** Closes an open incident; false when it was closed already. */
    public boolean close(long id, String state, String outcome, long at) {
        return dsl.update(INCIDENTS)
                .set(INCIDENTS.STATE, state)
                .set(INCIDENTS.OUTCOME, outcome)
                .set(INCIDENTS.CLOSED_AT, at)
                .setNull(INCIDENTS.OPEN_ELDER)
                .setNull(INCIDENTS.OPEN_CALLER)
                .where(INCIDENTS.ID.eq(id)).and(INCIDENTS.CLOSED_AT.isNull())
                .execute() == 1;
    }

    /** Plans a step; false when step {@code seq} of the incident exists already (planned once, whatever the replays). */
    public boolean plan(long incidentId, int seq, String kind, String target, long dueAt) {
        return insertStep(incidentId, seq, kind, target, dueAt, "planned", null);
    }

    /**
     * One step row; a planned one (a call) with its leg (outbound/: the call itself, SOS lane) in the same transaction.
     * False when step {@code seq} of the incident exists already.
     */
    private boolean insertStep(long incidentId, int seq, String kind, String target, long dueAt, String state, String detail) {
        try {
            if (!state.equals("planned")) {
                insertStep(dsl, incidentId, seq, kind, target, dueAt, state, detail); // a task: no call, no leg
                return true;
            }
            dsl.transaction(cfg -> {
                long step = insertStep(cfg.dsl(), incidentId, seq, kind, target, dueAt, state, detail);
                // RULE: the rescue's calls are the SOS lane: no trunk limit ever holds them back
                OutboundRepository.plan(cfg.dsl(), new Leg.Plan(OWNER, Long.toString(incidentId), seq, step, Lane.SOS,
                        target, false, dueAt, RescueService.ACTION_PREFIX + step));
            });
            return true;
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_incident_steps_seq")) {
                return false;
            }
            throw e;
        }
    }

    private static long insertStep(DSLContext dsl, long incidentId, int seq, String kind, String target, long dueAt,
                                   String state, String detail) {
        return dsl.insertInto(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.INCIDENT_ID, incidentId)
                .set(INCIDENT_STEPS.SEQ, seq)
                .set(INCIDENT_STEPS.KIND, kind)
                .set(INCIDENT_STEPS.TARGET, target)
                .set(INCIDENT_STEPS.DUE_AT, dueAt)
                .set(INCIDENT_STEPS.STATE, state)
                .set(INCIDENT_STEPS.DETAIL, detail == null || detail.length() <= 255 ? detail : detail.substring(0, 255))
                .returning(INCIDENT_STEPS.ID).fetchOne().getId();
    }

    /** The legs (outbound/) of the incidents' calls, in this database. */
    public OutboundRepository legs() {
        return new OutboundRepository(dsl);
    }

    /** A seat-A contact call; {@code detail} holds the contact's name until the call ends. */
    public boolean planContact(long incidentId, int seq, String phone, String name, long dueAt) {
        return insertStep(incidentId, seq, "contact", phone, dueAt, "planned", name);
    }

    /** An agent's call for the incident: {@code extension} rings first, then {@code number} through the trunk. */
    public boolean planCall(long incidentId, int seq, String number, String extension, long dueAt) {
        return insertStep(incidentId, seq, "call", number, dueAt, "planned", extension);
    }

    /**
     * The next contact in order becomes due now (the previous one ended without an acknowledgement): its seq, for its
     * leg to follow; empty when no contact is left planned.
     */
    public Optional<Integer> nextContactDue(long incidentId, long now) {
        Optional<Integer> seq = dsl.select(INCIDENT_STEPS.SEQ).from(INCIDENT_STEPS)
                .where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId)).and(INCIDENT_STEPS.KIND.eq("contact"))
                .and(INCIDENT_STEPS.STATE.eq("planned"))
                .orderBy(INCIDENT_STEPS.SEQ).limit(1)
                .fetchOptional(INCIDENT_STEPS.SEQ);
        seq.ifPresent(n -> dsl.update(INCIDENT_STEPS).set(INCIDENT_STEPS.DUE_AT, now)
                .where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId)).and(INCIDENT_STEPS.SEQ.eq(n)).execute());
        return seq;
    }

    private static int cancelPlannedKind(DSLContext dsl, long incidentId, String kind, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "done")
                .set(INCIDENT_STEPS.RESULT, "cancelled")
                .set(INCIDENT_STEPS.ENDED_AT, at)
                .where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId)).and(INCIDENT_STEPS.KIND.eq(kind))
                .and(INCIDENT_STEPS.STATE.eq("planned"))
                .execute();
    }

    /** A task for a person (state "open" until done), due at {@code dueAt}. */
    public boolean openTask(long incidentId, int seq, String kind, String target, String detail, long dueAt) {
        return insertStep(incidentId, seq, kind, target, dueAt, "open", detail);
    }

    /** Closes the open (or taken) tasks of an incident, except follow-ups. */
    public int closeTasks(long incidentId, String result, String detail, long at) {
        return closeTasksOfKind(incidentId, null, result, detail, at);
    }

    /** As {@link #closeTasks}, for one kind of task only (null: every kind but follow-up). */
    public int closeTasksOfKind(long incidentId, String kind, String result, String detail, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "done")
                .set(INCIDENT_STEPS.RESULT, result)
                .set(INCIDENT_STEPS.ENDED_AT, at)
                .set(INCIDENT_STEPS.DETAIL, DSL.concat(INCIDENT_STEPS.DETAIL, DSL.inline(" — " + (detail.length() > 100
                        ? detail.substring(0, 100) : detail))))
                .where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId)).and(INCIDENT_STEPS.STATE.in("open", "taken"))
                .and(INCIDENT_STEPS.KIND.ne("follow-up"))
                .and(kind == null ? DSL.noCondition() : INCIDENT_STEPS.KIND.eq(kind))
                .execute();
    }

    /** A seat's task open or taken → done ("done"), its text kept with what was done after it; false when done already. */
    public boolean completeTask(long stepId, String what, long at) {
        String tail = " — " + (what.startsWith("done by ") || what.contains(" called ") ? what : "done by " + what);
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "done")
                .set(INCIDENT_STEPS.RESULT, "done")
                .set(INCIDENT_STEPS.ENDED_AT, at)
                // the column holds 255 characters: the task's text is cut, never the update refused
                .set(INCIDENT_STEPS.DETAIL, DSL.left(DSL.concat(DSL.coalesce(INCIDENT_STEPS.DETAIL, DSL.inline("")),
                        DSL.inline(tail.length() > 100 ? tail.substring(0, 100) : tail)), 255))
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.STATE.in("open", "taken"))
                .execute() == 1;
    }

    /** open → taken; false when it is not open (taken already, or done). */
    public boolean takeTask(long stepId, String by, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "taken")
                .set(INCIDENT_STEPS.STARTED_AT, at)
                .set(INCIDENT_STEPS.RESULT, "taken by " + by)
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.STATE.eq("open"))
                .execute() == 1;
    }

    /**
     * A supervisor hands a seat's task to another seat (issue 19 item 2): open or taken → open for {@code target}, its
     * take-timer restarted at {@code at}; false when the task is done already.
     */
    public boolean assignTask(long stepId, String target, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.TARGET, target)
                .set(INCIDENT_STEPS.STATE, "open")
                .set(INCIDENT_STEPS.DUE_AT, at)
                .set(INCIDENT_STEPS.STARTED_AT, (Long) null)
                .set(INCIDENT_STEPS.RESULT, (String) null)
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.STATE.in("open", "taken"))
                .execute() == 1;
    }

    /** Seat tasks still open that were due before {@code before} (nobody took them in time). */
    public List<Incident.Step> openTasksDueBefore(long before) {
        return TASKS_DUE_BEFORE.fetch(dsl, before).into(INCIDENT_STEPS).map(IncidentRepository::step);
    }

    // the rescue's poller runs these every few hundred ms, busy or idle (issue 23): rendered once
    private static final onekey.store.Prepared TASKS_DUE_BEFORE = new onekey.store.Prepared(DSL.selectFrom(INCIDENT_STEPS)
            .where(INCIDENT_STEPS.STATE.eq(DSL.inline("open"))).and(INCIDENT_STEPS.KIND.in(DSL.inline("task-a"), DSL.inline("task-b")))
            .and(INCIDENT_STEPS.DUE_AT.lt(DSL.param("before", INCIDENT_STEPS.DUE_AT)))
            .orderBy(INCIDENT_STEPS.ID));
    private static final onekey.store.Prepared TASKS_OF_KIND = new onekey.store.Prepared(DSL.selectFrom(INCIDENT_STEPS)
            .where(INCIDENT_STEPS.STATE.eq(DSL.inline("open"))).and(INCIDENT_STEPS.KIND.eq(DSL.param("kind", INCIDENT_STEPS.KIND)))
            .and(INCIDENT_STEPS.DUE_AT.le(DSL.param("until", INCIDENT_STEPS.DUE_AT)))
            .orderBy(INCIDENT_STEPS.DUE_AT, INCIDENT_STEPS.ID));

    /** Open tasks of a kind due by {@code until}, oldest first (the worklist). */
    public List<Incident.Step> openTasks(String kind, long until) {
        return TASKS_OF_KIND.fetch(dsl, kind, until).into(INCIDENT_STEPS).map(IncidentRepository::step);
    }

    public Optional<Incident.Step> step(long id) {
        return dsl.selectFrom(INCIDENT_STEPS).where(INCIDENT_STEPS.ID.eq(id)).fetchOptional().map(IncidentRepository::step);
    }

    /** The step shows its leg's state (dialing, planned again) until it is done. */
    public void mirror(Leg leg) {
        dsl.update(INCIDENT_STEPS).set(INCIDENT_STEPS.STATE, leg.state()).set(INCIDENT_STEPS.DUE_AT, leg.dueAt())
                .set(INCIDENT_STEPS.STARTED_AT, leg.startedAt())
                .where(INCIDENT_STEPS.ID.eq(leg.rowId())).and(INCIDENT_STEPS.STATE.in("planned", "dialing")).execute();
    }

    /** An attempt on an open task (a follow-up dialled, or not reached): its result and detail; it stays open. */
    public boolean noteTask(long stepId, String result, String detail, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.RESULT, result)
                .set(INCIDENT_STEPS.DETAIL, detail == null || detail.length() <= 255 ? detail : detail.substring(0, 255))
                .set(INCIDENT_STEPS.STARTED_AT, at)
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.STATE.eq("open"))
                .execute() == 1;
    }

    /**
     * A text on the incident's timeline (issue 20): a step of kind {@code sms} (a text sent, its result the delivery
     * state) or {@code sms-reply} (a contact's reply), done at once; its id, empty when the seq was taken meanwhile.
     */
    public Optional<Long> noteText(long incidentId, int seq, String kind, String target, String result, String detail,
                                   long at) {
        if (!insertStep(incidentId, seq, kind, target, at, "open", detail)) {
            return Optional.empty();
        }
        Optional<Long> id = dsl.select(INCIDENT_STEPS.ID).from(INCIDENT_STEPS).where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId))
                .and(INCIDENT_STEPS.SEQ.eq(seq)).fetchOptional(INCIDENT_STEPS.ID);
        id.ifPresent(s -> finish(s, result, detail, at));
        return id;
    }

    /** A text's step gets its delivery state (a receipt came); false when the step is not a text's. */
    public boolean textResult(long stepId, String result, long at) {
        return dsl.update(INCIDENT_STEPS).set(INCIDENT_STEPS.RESULT, result).set(INCIDENT_STEPS.ENDED_AT, at)
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.KIND.eq("sms")).execute() == 1;
    }

    /** planned or dialing → done with a result; false when it was done already (a late or repeated event). */
    public boolean finish(long stepId, String result, String detail, long at) {
        return finish(dsl, stepId, result, detail, at);
    }

    /**
     * A contact acknowledged: its step ends "ack" and the contacts still planned are cancelled in the same
     * transaction, so nobody reads an acknowledged incident that is still about to call the next contact. False
     * when the step was done already.
     */
    public boolean finishAck(long incidentId, long stepId, String detail, long at) {
        return dsl.transactionResult(cfg -> {
            if (!finish(cfg.dsl(), stepId, "ack", detail, at)) {
                return false;
            }
            cancelPlannedKind(cfg.dsl(), incidentId, "contact", at);
            return true;
        });
    }

    private static boolean finish(DSLContext dsl, long stepId, String result, String detail, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "done")
                .set(INCIDENT_STEPS.RESULT, result)
                .set(INCIDENT_STEPS.DETAIL, detail == null || detail.length() <= 255 ? detail : detail.substring(0, 255))
                .set(INCIDENT_STEPS.ENDED_AT, at)
                .where(INCIDENT_STEPS.ID.eq(stepId)).and(INCIDENT_STEPS.STATE.ne("done"))
                .execute() == 1;
    }

    /** Cancels what an incident still had planned (it was resolved or cancelled). */
    public int cancelPlanned(long incidentId, long at) {
        return dsl.update(INCIDENT_STEPS)
                .set(INCIDENT_STEPS.STATE, "done")
                .set(INCIDENT_STEPS.RESULT, "cancelled")
                .set(INCIDENT_STEPS.ENDED_AT, at)
                .where(INCIDENT_STEPS.INCIDENT_ID.eq(incidentId)).and(INCIDENT_STEPS.STATE.eq("planned"))
                .execute();
    }

    private Incident withSteps(IncidentsRecord r) {
        return incident(r, dsl.selectFrom(INCIDENT_STEPS).where(INCIDENT_STEPS.INCIDENT_ID.eq(r.getId()))
                .orderBy(INCIDENT_STEPS.SEQ).fetch(IncidentRepository::step));
    }

    private static Incident incident(IncidentsRecord r, List<Incident.Step> steps) {
        return new Incident(r.getId(), r.getElderId(), r.getCallId(), r.getAgentId(), r.getOpenedAt(), r.getOpenedBy(),
                r.getReason(), r.getState(), r.getClosedAt(), r.getOutcome(), steps, r.getCallerNumber(), r.getDetail());
    }

    private static Incident.Step step(IncidentStepsRecord s) {
        return new Incident.Step(s.getId(), s.getIncidentId(), s.getSeq(), s.getKind(), s.getTarget(), s.getDueAt(),
                s.getState(), s.getStartedAt(), s.getEndedAt(), s.getResult(), s.getDetail());
    }
}
