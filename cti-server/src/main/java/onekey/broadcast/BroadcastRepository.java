package onekey.broadcast;

import static onekey.store.jooq.Tables.BROADCASTS;
import static onekey.store.jooq.Tables.BROADCAST_ATTEMPTS;
import static onekey.store.jooq.Tables.CAMPAIGNS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.outbound.Lane;
import onekey.outbound.Leg;
import onekey.outbound.OutboundRepository;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.Prepared;
import onekey.store.jooq.tables.records.BroadcastAttemptsRecord;
import onekey.store.jooq.tables.records.BroadcastsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Broadcasts and their attempts. Every state change is a conditional UPDATE from the state it expects, so an
 * attempt is placed at most once even when a restarted server looks at it again.
 */
public final class BroadcastRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The legs' owner: the broadcasts' calls. */
    static final String OWNER = "broadcast";

    private final DSLContext dsl;
    private final Database db;

    public BroadcastRepository(Database db) {
        this.dsl = db.dsl();
        this.db = db;
    }

    /**
     * Runs {@code work}'s statements on this thread (this repository's and the legs') in one transaction, one commit
     * (issue 23: an attempt's end wrote four rows with a commit each); joins one that runs already.
     */
    public void together(Runnable work) {
        db.together(work);
    }

    /** What a new broadcast is made of (already rendered and spoken). */
    public record Draft(long elderId, String template, String kind, Map<String, String> fields, String language,
                        String message, String prompt, long promptMs, boolean urgent, String createdBy, Long accountId,
                        long dueAt, Long parentId, String phone, Long campaignId) {
        public Draft(long elderId, String template, String kind, Map<String, String> fields, String language,
                     String message, String prompt, long promptMs, boolean urgent, String createdBy, Long accountId,
                     long dueAt, Long parentId, String phone) {
            this(elderId, template, kind, fields, language, message, prompt, promptMs, urgent, createdBy, accountId, dueAt,
                    parentId, phone, null);
        }

        Draft inCampaign(Long campaign) {
            return new Draft(elderId, template, kind, fields, language, message, prompt, promptMs, urgent, createdBy,
                    accountId, dueAt, parentId, phone, campaign);
        }
    }

    /** Writes the broadcast and its first attempt (planned, due at {@code dueAt}) in one transaction. */
    public long create(Draft d, long now) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            long id = tx.insertInto(BROADCASTS)
                    .set(BROADCASTS.ELDER_ID, d.elderId())
                    .set(BROADCASTS.TEMPLATE, d.template())
                    .set(BROADCASTS.KIND, d.kind())
                    .set(BROADCASTS.FIELDS, json(d.fields()))
                    .set(BROADCASTS.LANGUAGE, d.language())
                    .set(BROADCASTS.MESSAGE, d.message())
                    .set(BROADCASTS.PROMPT, d.prompt())
                    .set(BROADCASTS.PROMPT_MS, d.promptMs())
                    .set(BROADCASTS.URGENT, d.urgent())
                    .set(BROADCASTS.STATE, Broadcast.State.SCHEDULED.wire())
                    .set(BROADCASTS.CREATED_AT, now)
                    .set(BROADCASTS.CREATED_BY, d.createdBy())
                    .set(BROADCASTS.ACCOUNT_ID, d.accountId())
                    .set(BROADCASTS.DUE_AT, d.dueAt())
                    .set(BROADCASTS.PARENT_ID, d.parentId())
                    .set(BROADCASTS.CAMPAIGN_ID, d.campaignId())
                    .returning(BROADCASTS.ID).fetchOne().getId();
            insertAttempt(tx, id, 1, d.phone(), d.dueAt(), d.urgent());
            return id;
        });
    }

    /** The attempt's row and its leg (the call itself: a row before any dial, outbound/), in one transaction. */
    private static void insertAttempt(DSLContext tx, long broadcastId, int seq, String phone, long dueAt, boolean urgent) {
        long attempt = tx.insertInto(BROADCAST_ATTEMPTS)
                .set(BROADCAST_ATTEMPTS.BROADCAST_ID, broadcastId)
                .set(BROADCAST_ATTEMPTS.SEQ, seq)
                .set(BROADCAST_ATTEMPTS.PHONE, phone)
                .set(BROADCAST_ATTEMPTS.DUE_AT, dueAt)
                .set(BROADCAST_ATTEMPTS.STATE, "planned")
                .returning(BROADCAST_ATTEMPTS.ID).fetchOne().getId();
        // every broadcast is bulk (maxChannels, callsPerSecond, sosReserve); only an urgent one skips the quiet hours
        OutboundRepository.plan(tx, new Leg.Plan(OWNER, Long.toString(broadcastId), seq, attempt, Lane.BULK, phone, !urgent,
                dueAt, BroadcastService.ACTION_PREFIX + attempt));
    }

    /** The legs (outbound/) of the broadcasts' calls, in this database. */
    public OutboundRepository legs() {
        return new OutboundRepository(db);
    }

    // issue 23: what every broadcast call runs (a few times a call), rendered once
    private static final onekey.store.jooq.tables.BroadcastAttempts ATTEMPT_OF = BROADCAST_ATTEMPTS.as("attempt_of");
    /** A broadcast with its attempts in one read (issue 23: a read each before, on every call's way). */
    static final Prepared GET = new Prepared(DSL.select(BROADCASTS.fields()).select(BROADCAST_ATTEMPTS.fields())
            .from(BROADCASTS).leftJoin(BROADCAST_ATTEMPTS).on(BROADCAST_ATTEMPTS.BROADCAST_ID.eq(BROADCASTS.ID))
            .where(BROADCASTS.ID.eq(Prepared.param(BROADCASTS.ID)))
            .orderBy(BROADCAST_ATTEMPTS.SEQ));
    /** The broadcast of an attempt, with its attempts, in one read: what an attempt's call is made of. */
    static final Prepared OF_ATTEMPT = new Prepared(DSL.select(BROADCASTS.fields()).select(BROADCAST_ATTEMPTS.fields())
            .from(BROADCASTS).leftJoin(BROADCAST_ATTEMPTS).on(BROADCAST_ATTEMPTS.BROADCAST_ID.eq(BROADCASTS.ID))
            .where(BROADCASTS.ID.eq(DSL.select(ATTEMPT_OF.BROADCAST_ID).from(ATTEMPT_OF)
                    .where(ATTEMPT_OF.ID.eq(Prepared.param(ATTEMPT_OF.ID)))))
            .orderBy(BROADCAST_ATTEMPTS.SEQ));
    static final Prepared ATTEMPTS_OF = new Prepared(DSL.selectFrom(BROADCAST_ATTEMPTS)
            .where(BROADCAST_ATTEMPTS.BROADCAST_ID.eq(Prepared.param(BROADCAST_ATTEMPTS.BROADCAST_ID)))
            .orderBy(BROADCAST_ATTEMPTS.SEQ));
    static final Prepared ATTEMPT = new Prepared(DSL.selectFrom(BROADCAST_ATTEMPTS)
            .where(BROADCAST_ATTEMPTS.ID.eq(Prepared.param(BROADCAST_ATTEMPTS.ID))));
    static final Prepared ADMISSION = new Prepared(DSL.select(BROADCAST_ATTEMPTS.STATE, BROADCASTS.STATE,
                    BROADCASTS.ENDED_AT, CAMPAIGNS.STATE)
            .from(BROADCAST_ATTEMPTS)
            .leftJoin(BROADCASTS).on(BROADCASTS.ID.eq(BROADCAST_ATTEMPTS.BROADCAST_ID))
            .leftJoin(CAMPAIGNS).on(CAMPAIGNS.ID.eq(BROADCASTS.CAMPAIGN_ID))
            .where(BROADCAST_ATTEMPTS.ID.eq(Prepared.param(BROADCAST_ATTEMPTS.ID))));
    static final Prepared SET_STATE = new Prepared(DSL.update(BROADCASTS)
            .set(BROADCASTS.STATE, Prepared.param(BROADCASTS.STATE))
            .where(BROADCASTS.ID.eq(Prepared.param(BROADCASTS.ID))).and(BROADCASTS.ENDED_AT.isNull())
            .and(BROADCASTS.STATE.ne(DSL.param("notState", BROADCASTS.STATE))));
    static final Prepared CLOSE = new Prepared(DSL.update(BROADCASTS)
            .set(BROADCASTS.STATE, Prepared.param(BROADCASTS.STATE))
            .set(BROADCASTS.OUTCOME, Prepared.param(BROADCASTS.OUTCOME))
            .set(BROADCASTS.ENDED_AT, Prepared.param(BROADCASTS.ENDED_AT))
            .where(BROADCASTS.ID.eq(Prepared.param(BROADCASTS.ID))).and(BROADCASTS.ENDED_AT.isNull()));
    static final Prepared MIRROR = new Prepared(DSL.update(BROADCAST_ATTEMPTS)
            .set(BROADCAST_ATTEMPTS.STATE, Prepared.param(BROADCAST_ATTEMPTS.STATE))
            .set(BROADCAST_ATTEMPTS.STARTED_AT, Prepared.param(BROADCAST_ATTEMPTS.STARTED_AT))
            .set(BROADCAST_ATTEMPTS.DUE_AT, Prepared.param(BROADCAST_ATTEMPTS.DUE_AT))
            .where(BROADCAST_ATTEMPTS.ID.eq(Prepared.param(BROADCAST_ATTEMPTS.ID)))
            .and(BROADCAST_ATTEMPTS.STATE.ne(DSL.inline("done"))));
    /** The keys and the recording: null keeps what is stored. */
    static final Prepared PROGRESS = new Prepared(DSL.update(BROADCAST_ATTEMPTS)
            .set(BROADCAST_ATTEMPTS.RESULT, Prepared.param(BROADCAST_ATTEMPTS.RESULT))
            .set(BROADCAST_ATTEMPTS.DIGITS, DSL.coalesce(Prepared.param(BROADCAST_ATTEMPTS.DIGITS), BROADCAST_ATTEMPTS.DIGITS))
            .set(BROADCAST_ATTEMPTS.RECORDING, DSL.coalesce(Prepared.param(BROADCAST_ATTEMPTS.RECORDING),
                    BROADCAST_ATTEMPTS.RECORDING))
            .where(BROADCAST_ATTEMPTS.ID.eq(Prepared.param(BROADCAST_ATTEMPTS.ID)))
            .and(BROADCAST_ATTEMPTS.STATE.eq(DSL.inline("dialing"))));
    /** The keys: null keeps what is stored. */
    static final Prepared FINISH = new Prepared(DSL.update(BROADCAST_ATTEMPTS)
            .set(BROADCAST_ATTEMPTS.STATE, DSL.inline("done"))
            .set(BROADCAST_ATTEMPTS.RESULT, Prepared.param(BROADCAST_ATTEMPTS.RESULT))
            .set(BROADCAST_ATTEMPTS.DETAIL, Prepared.param(BROADCAST_ATTEMPTS.DETAIL))
            .set(BROADCAST_ATTEMPTS.ENDED_AT, Prepared.param(BROADCAST_ATTEMPTS.ENDED_AT))
            .set(BROADCAST_ATTEMPTS.DIGITS, DSL.coalesce(Prepared.param(BROADCAST_ATTEMPTS.DIGITS), BROADCAST_ATTEMPTS.DIGITS))
            .where(BROADCAST_ATTEMPTS.ID.eq(Prepared.param(BROADCAST_ATTEMPTS.ID)))
            .and(BROADCAST_ATTEMPTS.STATE.ne(DSL.inline("done"))));

    public Optional<Broadcast> get(long id) {
        return joined(GET.fetch(dsl, id));
    }

    /** The broadcast an attempt belongs to, with its attempts (the attempt among them); empty when there is none. */
    public Optional<Broadcast> ofAttempt(long attemptId) {
        return joined(OF_ATTEMPT.fetch(dsl, attemptId));
    }

    /** A broadcast's rows joined with its attempts' ({@link #GET}, {@link #OF_ATTEMPT}): no row, no broadcast. */
    private static Optional<Broadcast> joined(org.jooq.Result<org.jooq.Record> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Broadcast.Attempt> attempts = new java.util.ArrayList<>(rows.size());
        for (org.jooq.Record r : rows) {
            if (r.get(BROADCAST_ATTEMPTS.ID) != null) {
                attempts.add(attempt(r.into(BROADCAST_ATTEMPTS)));
            }
        }
        return Optional.of(broadcast(rows.getFirst().into(BROADCASTS), attempts));
    }

    /** Newest first; null arguments do not filter. */
    public List<Broadcast> find(Long elderId, String state, Long parentId, int limit) {
        return dsl.selectFrom(BROADCASTS)
                .where(elderId == null ? DSL.noCondition() : BROADCASTS.ELDER_ID.eq(elderId))
                .and(state == null ? DSL.noCondition() : BROADCASTS.STATE.eq(state))
                .and(parentId == null ? DSL.noCondition() : BROADCASTS.PARENT_ID.eq(parentId))
                .orderBy(BROADCASTS.CREATED_AT.desc(), BROADCASTS.ID.desc())
                .limit(limit)
                .fetch(this::withAttempts);
    }

    /** scheduled ⇄ calling while open; false when the broadcast is closed. */
    public boolean setState(long id, Broadcast.State state) {
        return SET_STATE.execute(dsl, state.wire(), id, state.wire()) == 1;
    }

    /** Closes an open broadcast; false when it was closed already. */
    public boolean close(long id, Broadcast.State state, String outcome, long at) {
        return CLOSE.execute(dsl, state.wire(), cut(outcome), at, id) == 1;
    }

    /** A failed broadcast becomes the agents' task (once). */
    public boolean openTask(long id) {
        return dsl.update(BROADCASTS).set(BROADCASTS.TASK_STATE, "open")
                .where(BROADCASTS.ID.eq(id)).and(BROADCASTS.TASK_STATE.isNull()).execute() == 1;
    }

    /** An agent did the task; false when there is no open task (none, or done already). */
    public boolean finishTask(long id, String by, String note, long at) {
        return dsl.update(BROADCASTS)
                .set(BROADCASTS.TASK_STATE, "done")
                .set(BROADCASTS.TASK_BY, by)
                .set(BROADCASTS.TASK_AT, at)
                .set(BROADCASTS.TASK_NOTE, note == null || note.length() <= 500 ? note : note.substring(0, 500))
                .where(BROADCASTS.ID.eq(id)).and(BROADCASTS.TASK_STATE.eq("open"))
                .execute() == 1;
    }

    /** Broadcasts with an open task, oldest first (the agents' worklist). */
    public List<Broadcast> openTasks(int limit) {
        return dsl.selectFrom(BROADCASTS).where(BROADCASTS.TASK_STATE.eq("open"))
                .orderBy(BROADCASTS.ENDED_AT.asc(), BROADCASTS.ID.asc()).limit(limit).fetch(this::withAttempts);
    }

    public void setOutcome(long id, String outcome) {
        dsl.update(BROADCASTS).set(BROADCASTS.OUTCOME, cut(outcome)).where(BROADCASTS.ID.eq(id)).execute();
    }

    /** Plans attempt {@code seq} and its leg; false when it exists already (planned once, whatever the replays). */
    public boolean plan(long broadcastId, int seq, String phone, long dueAt) {
        try {
            // inside together(...) the transaction is the caller's; a jOOQ transaction would commit it early
            java.util.function.Consumer<DSLContext> insert = tx -> insertAttempt(tx, broadcastId, seq, phone, dueAt,
                    Boolean.TRUE.equals(tx.select(BROADCASTS.URGENT).from(BROADCASTS)
                            .where(BROADCASTS.ID.eq(broadcastId)).fetchOne(BROADCASTS.URGENT)));
            if (db.inTransaction()) {
                insert.accept(dsl);
            } else {
                dsl.transaction(cfg -> insert.accept(cfg.dsl()));
            }
            return true;
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_broadcast_attempts_seq")) {
                return false;
            }
            throw e;
        }
    }

    public int countInState(String state) {
        return dsl.fetchCount(BROADCAST_ATTEMPTS, BROADCAST_ATTEMPTS.STATE.eq(state));
    }

    public Optional<Broadcast.Attempt> attempt(long id) {
        return ATTEMPT.fetch(dsl, id).into(BROADCAST_ATTEMPTS).stream().findFirst().map(BroadcastRepository::attempt);
    }

    /** The attempt shows its leg's state (dialing, planned again, deferred) until it is done. */
    public void mirror(Leg leg) {
        MIRROR.execute(dsl, leg.state(), leg.startedAt(), leg.dueAt(), leg.rowId());
    }

    /**
     * What the dialer asks before an attempt's call, in one read: the attempt's state (null: no such attempt), its
     * broadcast's state and whether it is open (null state: no such broadcast), its campaign's state (null: none).
     */
    public record Admission(String attemptState, String broadcastState, boolean broadcastOpen, String campaignState) {}

    public Admission admission(long attemptId) {
        var rows = ADMISSION.fetch(dsl, attemptId);
        if (rows.isEmpty()) {
            return new Admission(null, null, false, null);
        }
        var r = rows.getFirst();
        String state = r.get(1, String.class);
        return new Admission(r.get(0, String.class), state, state != null && r.get(2) == null, r.get(3, String.class));
    }

    /** While the call is up: answered, the recording, the keys so far. */
    public void progress(long attemptId, String result, String digits, String recording) {
        PROGRESS.execute(dsl, result, digits == null ? null : cut32(digits),
                recording == null ? null : recording.length() > 500 ? recording.substring(0, 500) : recording, attemptId);
    }

    /** planned or dialing → done with a result; false when it was done already (a late or repeated event). */
    public boolean finish(long attemptId, String result, String digits, String detail, long at) {
        return FINISH.execute(dsl, result, cut(detail), at, digits == null || digits.isEmpty() ? null : cut32(digits),
                attemptId) == 1;
    }

    /** Cancels what a broadcast still had planned. */
    public int cancelPlanned(long broadcastId, long at) {
        return dsl.update(BROADCAST_ATTEMPTS)
                .set(BROADCAST_ATTEMPTS.STATE, "done")
                .set(BROADCAST_ATTEMPTS.RESULT, "cancelled")
                .set(BROADCAST_ATTEMPTS.ENDED_AT, at)
                .where(BROADCAST_ATTEMPTS.BROADCAST_ID.eq(broadcastId)).and(BROADCAST_ATTEMPTS.STATE.eq("planned"))
                .execute();
    }

    // ---- campaigns ----------------------------------------------------------------------------------------

    /** A campaign as stored; {@code state} running, paused, cancelled. */
    public record Campaign(long id, String name, String template, Map<String, String> fields, String selection,
                           String state, long createdAt, String createdBy, int elderCount, String channel, String smsText) {}

    public long createCampaign(String name, String template, Map<String, String> fields, String selection, String by,
                               int elders, long now) {
        return createCampaign(name, template, fields, selection, by, elders, now, "voice", null);
    }

    /** {@code channel}: voice, sms or both (issue 20); {@code smsText}: the campaign's words for its texts. */
    public long createCampaign(String name, String template, Map<String, String> fields, String selection, String by,
                               int elders, long now, String channel, String smsText) {
        return dsl.insertInto(CAMPAIGNS)
                .set(CAMPAIGNS.CHANNEL, channel)
                .set(CAMPAIGNS.SMS_TEXT, smsText)
                .set(CAMPAIGNS.NAME, name)
                .set(CAMPAIGNS.TEMPLATE, template)
                .set(CAMPAIGNS.FIELDS, json(fields))
                .set(CAMPAIGNS.SELECTION, selection.length() > 1000 ? selection.substring(0, 1000) : selection)
                .set(CAMPAIGNS.STATE, "running")
                .set(CAMPAIGNS.CREATED_AT, now)
                .set(CAMPAIGNS.CREATED_BY, by)
                .set(CAMPAIGNS.ELDER_COUNT, elders)
                .returning(CAMPAIGNS.ID).fetchOne().getId();
    }

    public Optional<Campaign> campaign(long id) {
        return dsl.selectFrom(CAMPAIGNS).where(CAMPAIGNS.ID.eq(id)).fetchOptional()
                .map(c -> new Campaign(c.getId(), c.getName(), c.getTemplate(), fields(c.getFields()), c.getSelection(),
                        c.getState(), c.getCreatedAt(), c.getCreatedBy(), c.getElderCount(), c.getChannel(),
                        c.getSmsText()));
    }

    /** running → paused, paused → running; false when it was not in {@code from}. */
    public boolean moveCampaign(long id, String from, String to) {
        return dsl.update(CAMPAIGNS).set(CAMPAIGNS.STATE, to).where(CAMPAIGNS.ID.eq(id)).and(CAMPAIGNS.STATE.eq(from))
                .execute() == 1;
    }

    /** A campaign's broadcasts in one state: how many, and how many of them reached the elder (an attempt answered). */
    public record StateCount(String state, int broadcasts, int reached) {}

    /**
     * The campaign's broadcasts counted per state, with those that reached the elder, by the database in one statement
     * (issue 23: a row per broadcast came back before, read on every look at the campaign while it runs).
     */
    public List<StateCount> campaignProgress(long campaignId) {
        var reached = DSL.when(DSL.exists(DSL.selectOne().from(BROADCAST_ATTEMPTS)
                .where(BROADCAST_ATTEMPTS.BROADCAST_ID.eq(BROADCASTS.ID))
                .and(BROADCAST_ATTEMPTS.RESULT.in("answered", "confirmed", "repeated", "transferred", "no-confirm",
                        "hung-up-early"))), DSL.inline(1)).otherwise(DSL.inline(0));
        return dsl.select(BROADCASTS.STATE, DSL.count(), DSL.sum(reached)).from(BROADCASTS)
                .where(BROADCASTS.CAMPAIGN_ID.eq(campaignId)).groupBy(BROADCASTS.STATE)
                .fetch(r -> new StateCount(r.value1(), r.value2(), r.value3() == null ? 0 : r.value3().intValue()));
    }

    private Broadcast withAttempts(BroadcastsRecord r) {
        return broadcast(r, ATTEMPTS_OF.fetch(dsl, r.getId()).into(BROADCAST_ATTEMPTS).map(BroadcastRepository::attempt));
    }

    private static Broadcast broadcast(BroadcastsRecord r, List<Broadcast.Attempt> attempts) {
        return new Broadcast(r.getId(), r.getElderId(), r.getTemplate(), r.getKind(), fields(r.getFields()), r.getLanguage(),
                r.getMessage(), r.getPrompt(), r.getPromptMs(), Boolean.TRUE.equals(r.getUrgent()), r.getState(),
                r.getCreatedAt(), r.getCreatedBy(), r.getAccountId(), r.getDueAt(), r.getParentId(), r.getEndedAt(),
                r.getOutcome(), attempts, r.getCampaignId(), r.getTaskState() == null ? null
                        : new Broadcast.Task(r.getTaskState(), r.getTaskBy(), r.getTaskAt(), r.getTaskNote()));
    }

    private static Broadcast.Attempt attempt(BroadcastAttemptsRecord a) {
        return new Broadcast.Attempt(a.getId(), a.getBroadcastId(), a.getSeq(), a.getPhone(), a.getDueAt(), a.getState(),
                a.getStartedAt(), a.getEndedAt(), a.getResult(), a.getDigits(), a.getRecording(), a.getDetail());
    }

    private static String json(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fields(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String cut(String s) {
        return s == null || s.length() <= 255 ? s : s.substring(0, 255);
    }

    private static String cut32(String s) {
        return s.length() <= 32 ? s : s.substring(s.length() - 32);
    }
}
