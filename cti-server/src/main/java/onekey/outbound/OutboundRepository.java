package onekey.outbound;

import static onekey.store.jooq.Tables.OUTBOUND_LEGS;

import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.OutboundLegsRecord;
import onekey.store.Prepared;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The legs. Every state change is a conditional UPDATE from the state it expects (planned → dialing → done), so a leg
 * is dialled at most once even when a restarted server looks at it again.
 */
public final class OutboundRepository {

    private final DSLContext dsl;
    /** The database, for {@link #together}; null (a repository on a jOOQ context alone): each write on its own. */
    private final Database db;

    public OutboundRepository(Database db) {
        this.dsl = db.dsl();
        this.db = db;
    }

    public OutboundRepository(DSLContext dsl) {
        this.dsl = dsl;
        this.db = null;
    }

    /**
     * Runs {@code work}'s statements on this thread in one transaction, one commit (issue 23: with H2's
     * {@code WRITE_DELAY=0} every commit writes a chunk to the file; on MariaDB every commit is a log flush); joins one
     * that runs already. {@code work} must not start jOOQ transactions of its own. Without a database: as it is.
     */
    public void together(Runnable work) {
        if (db == null) {
            work.run();
        } else {
            db.together(work);
        }
    }

    /**
     * Writes a planned leg; false when the owner's (reference, step) has one already (planned once, whatever the
     * replays). {@code tx}: the feature's transaction, so its row and the leg are written together.
     */
    public static boolean plan(DSLContext tx, Leg.Plan p) {
        try {
            tx.insertInto(OUTBOUND_LEGS)
                    .set(OUTBOUND_LEGS.OWNER, p.owner())
                    .set(OUTBOUND_LEGS.REFERENCE, p.reference())
                    .set(OUTBOUND_LEGS.STEP, p.step())
                    .set(OUTBOUND_LEGS.ROW_ID, p.rowId())
                    .set(OUTBOUND_LEGS.LANE, p.lane().wire())
                    .set(OUTBOUND_LEGS.NUMBER, p.number())
                    .set(OUTBOUND_LEGS.QUIET, p.quiet())
                    .set(OUTBOUND_LEGS.DUE_AT, p.dueAt())
                    .set(OUTBOUND_LEGS.STATE, "planned")
                    .set(OUTBOUND_LEGS.CHANNEL_ID, p.channelId())
                    .execute();
            return true;
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_outbound_legs_step")) {
                return false;
            }
            throw e;
        }
    }

    public boolean plan(Leg.Plan p) {
        return plan(dsl, p);
    }

    // issue 23: what every call of every feature runs (a few times a call, and the dialer's passes), rendered once
    static final Prepared GET = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.ID.eq(Prepared.param(OUTBOUND_LEGS.ID))));
    static final Prepared FIND = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.OWNER.eq(Prepared.param(OUTBOUND_LEGS.OWNER)))
            .and(OUTBOUND_LEGS.REFERENCE.eq(Prepared.param(OUTBOUND_LEGS.REFERENCE)))
            .and(OUTBOUND_LEGS.STEP.eq(Prepared.param(OUTBOUND_LEGS.STEP))));
    static final Prepared BY_CHANNEL = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.CHANNEL_ID.eq(Prepared.param(OUTBOUND_LEGS.CHANNEL_ID)))
            .orderBy(OUTBOUND_LEGS.ID.desc()).limit(DSL.inline(1)));
    /** Due legs of a lane, oldest first: from the first ({@code DUE_FIRST}) or after a leg ({@code DUE_AFTER}). */
    static final Prepared DUE_FIRST = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.STATE.eq(DSL.inline("planned"))).and(OUTBOUND_LEGS.DUE_AT.le(DSL.param("now", Long.class)))
            .and(OUTBOUND_LEGS.LANE.eq(Prepared.param(OUTBOUND_LEGS.LANE)))
            .orderBy(OUTBOUND_LEGS.DUE_AT, OUTBOUND_LEGS.ID)
            .limit(DSL.param("limit", Integer.class)));
    static final Prepared DUE_AFTER = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.STATE.eq(DSL.inline("planned"))).and(OUTBOUND_LEGS.DUE_AT.le(DSL.param("now", Long.class)))
            .and(OUTBOUND_LEGS.LANE.eq(Prepared.param(OUTBOUND_LEGS.LANE)))
            .and(OUTBOUND_LEGS.DUE_AT.gt(DSL.param("afterDue", Long.class))
                    .or(OUTBOUND_LEGS.DUE_AT.eq(DSL.param("sameDue", Long.class))
                            .and(OUTBOUND_LEGS.ID.gt(DSL.param("afterId", Long.class)))))
            .orderBy(OUTBOUND_LEGS.DUE_AT, OUTBOUND_LEGS.ID)
            .limit(DSL.param("limit", Integer.class)));
    static final Prepared COUNT_DIALING = new Prepared(DSL.selectCount().from(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.STATE.eq(DSL.inline("dialing"))).and(OUTBOUND_LEGS.LANE.eq(Prepared.param(OUTBOUND_LEGS.LANE))));
    static final Prepared START_DIALING = new Prepared(DSL.update(OUTBOUND_LEGS)
            .set(OUTBOUND_LEGS.STATE, DSL.inline("dialing"))
            .set(OUTBOUND_LEGS.STARTED_AT, Prepared.param(OUTBOUND_LEGS.STARTED_AT))
            .where(OUTBOUND_LEGS.ID.eq(Prepared.param(OUTBOUND_LEGS.ID))).and(OUTBOUND_LEGS.STATE.eq(DSL.inline("planned"))));
    static final Prepared FINISH = new Prepared(DSL.update(OUTBOUND_LEGS)
            .set(OUTBOUND_LEGS.STATE, DSL.inline("done"))
            .set(OUTBOUND_LEGS.OUTCOME, Prepared.param(OUTBOUND_LEGS.OUTCOME))
            .set(OUTBOUND_LEGS.DETAIL, Prepared.param(OUTBOUND_LEGS.DETAIL))
            .set(OUTBOUND_LEGS.ENDED_AT, Prepared.param(OUTBOUND_LEGS.ENDED_AT))
            .where(OUTBOUND_LEGS.ID.eq(Prepared.param(OUTBOUND_LEGS.ID))).and(OUTBOUND_LEGS.STATE.ne(DSL.inline("done"))));

    private List<Leg> legs(Prepared select, Object... values) {
        return select.fetch(dsl, values).into(OUTBOUND_LEGS).map(OutboundRepository::leg);
    }

    public Optional<Leg> get(long id) {
        return legs(GET, id).stream().findFirst();
    }

    public Optional<Leg> find(String owner, String reference, int step) {
        return legs(FIND, owner, reference, step).stream().findFirst();
    }

    /** The leg whose channel has this uniqueid (its action id is the same). */
    public Optional<Leg> byChannel(String channelId) {
        return legs(BY_CHANNEL, channelId).stream().findFirst();
    }

    /** Planned legs of a lane due by {@code now}, oldest first. */
    public List<Leg> due(Lane lane, long now, int limit) {
        return due(lane, now, limit, null);
    }

    /**
     * As {@link #due(Lane, long, int)}, from the leg after {@code after} in that order (null: from the first): the
     * dialer reads the due legs a page at a time, so legs held back (a paused campaign's) never hide those behind them.
     */
    public List<Leg> due(Lane lane, long now, int limit, Leg after) {
        if (limit <= 0) {
            return List.of();
        }
        return after == null ? legs(DUE_FIRST, now, lane.wire(), limit)
                : legs(DUE_AFTER, now, lane.wire(), after.dueAt(), after.dueAt(), after.id(), limit);
    }

    /** When the earliest planned leg is due (null: none is planned). */
    public Long nextDue() {
        return NEXT_DUE.fetch(dsl).getFirst().get(0, Long.class);
    }

    public List<Leg> dialing() {
        return legs(DIALING);
    }

    // the dialer's sweep runs these every second, busy or idle (issue 23): rendered once
    static final Prepared NEXT_DUE = new Prepared(DSL.select(DSL.min(OUTBOUND_LEGS.DUE_AT)).from(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.STATE.eq(DSL.inline("planned"))));
    static final Prepared DIALING = new Prepared(DSL.selectFrom(OUTBOUND_LEGS)
            .where(OUTBOUND_LEGS.STATE.eq(DSL.inline("dialing"))).orderBy(OUTBOUND_LEGS.ID));

    public int countDialing(Lane lane) {
        return COUNT_DIALING.fetch(dsl, lane.wire()).getFirst().get(0, Integer.class);
    }

    /** planned → dialing; false when it is not planned any more. Written BEFORE the call is placed. */
    /**
     * As {@link #startDialing} for several legs in one transaction (issue 23: a burst of SOS legs costs one commit
     * before their calls are placed): the legs that were planned and are dialing now, as stored.
     */
    public List<Leg> startDialingAll(List<Long> ids, long at) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (db != null && db.inTransaction()) {
            List<Leg> started = new java.util.ArrayList<>();
            ids.forEach(id -> {
                if (startDialing(id, at)) {
                    get(id).ifPresent(started::add);
                }
            });
            return started;
        }
        return dsl.transactionResult(cfg -> {
            OutboundRepository tx = new OutboundRepository(cfg.dsl());
            List<Long> started = ids.stream().filter(id -> tx.startDialing(id, at)).toList();
            if (started.isEmpty()) {
                return List.<Leg>of();
            }
            java.util.Map<Long, Leg> byId = new java.util.HashMap<>();
            cfg.dsl().selectFrom(OUTBOUND_LEGS).where(OUTBOUND_LEGS.ID.in(started)).fetch(OutboundRepository::leg)
                    .forEach(l -> byId.put(l.id(), l));
            return started.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
        });
    }

    public boolean startDialing(long id, long at) {
        return START_DIALING.execute(dsl, at, id) == 1;
    }

    /**
     * A planned leg is due at {@code dueAt} instead (quiet hours; the next contact's turn); with {@code fromDialing}
     * a leg Asterisk never got (AMI away) is planned again. False when it is not in the state expected.
     */
    public boolean reschedule(long id, long dueAt, boolean fromDialing) {
        var u = dsl.update(OUTBOUND_LEGS).set(OUTBOUND_LEGS.DUE_AT, dueAt);
        if (fromDialing) {
            u = u.set(OUTBOUND_LEGS.STATE, "planned").setNull(OUTBOUND_LEGS.STARTED_AT);
        }
        return u.where(OUTBOUND_LEGS.ID.eq(id)).and(OUTBOUND_LEGS.STATE.eq(fromDialing ? "dialing" : "planned"))
                .execute() == 1;
    }

    /** planned or dialing → done; false when it was done already (a late or repeated event). */
    public boolean finish(long id, Outcome outcome, String detail, long at) {
        return FINISH.execute(dsl, outcome.wire(), detail == null || detail.length() <= 255 ? detail
                : detail.substring(0, 255), at, id) == 1;
    }

    private static Leg leg(OutboundLegsRecord r) {
        return new Leg(r.getId(), r.getOwner(), r.getReference(), r.getStep(), r.getRowId(), Lane.of(r.getLane()),
                r.getNumber(), Boolean.TRUE.equals(r.getQuiet()), r.getDueAt(), r.getState(), r.getChannelId(),
                r.getStartedAt(), r.getEndedAt(), r.getOutcome(), r.getDetail());
    }
}
