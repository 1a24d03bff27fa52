package onekey.workload;

import static onekey.store.jooq.Tables.AGENT_STATE_LOG;
import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.QA_SCORES;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.store.Database;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-agent workload of a period (座席工作量统计, issue 19 item 7): calls answered, talk time, wrap-up time, not-ready
 * time by reason, ready time, QA average. Agent states are logged as the hub publishes {@code agent.state} (table
 * {@code agent_state_log}, written off the publisher's thread); the figures are computed from those rows and the calls.
 */
public final class Workload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workload.class);

    /** One state interval: from {@code since} to the next row (or now). */
    record Row(String state, String reason, long since) {}

    /** Three or so a call (ringing, talking, wrap-up, ready): rendered once (issue 23). */
    static final onekey.store.Prepared INSERT_STATE = new onekey.store.Prepared(DSL.insertInto(AGENT_STATE_LOG)
            .set(AGENT_STATE_LOG.ACCOUNT_ID, DSL.param("accountId", AGENT_STATE_LOG.ACCOUNT_ID))
            .set(AGENT_STATE_LOG.USERNAME, DSL.param("username", AGENT_STATE_LOG.USERNAME))
            .set(AGENT_STATE_LOG.STATE, DSL.param("state", AGENT_STATE_LOG.STATE))
            .set(AGENT_STATE_LOG.REASON, DSL.param("reason", AGENT_STATE_LOG.REASON))
            .set(AGENT_STATE_LOG.SINCE, DSL.param("since", AGENT_STATE_LOG.SINCE)));

    private final DSLContext dsl;
    private final AccountRepository accounts;
    private final Clock clock;
    /** The state log, in order, kept until the database takes it (a state change while it is away is not lost). */
    private final onekey.store.PatientWrites writer;
    private EventHub.Subscription sub;

    public Workload(Database db, AccountRepository accounts, Clock clock) {
        this.dsl = db.dsl();
        this.accounts = accounts;
        // issue 23: a run of state changes in one transaction (a commit each was 8 % of a surge's CPU); 200 ms for
        // company (20 ms gave 2.6 commits a call in a surge: an agent's states come seconds apart, 40 agents' not). The
        // rows are a report's (occupancy, who was ready when), never read live: the board and the queue have the states
        this.writer = new onekey.store.PatientWrites("workload-log", clock, 100_000).inBatches(db::inOneTransaction, 200);
        this.clock = clock;
    }

    public synchronized Workload start(EventHub hub) {
        sub = hub.subscribe(id -> true, false, -1, this::onEvent);
        return this;
    }

    private void onEvent(Event e) {
        if (!(e.event() instanceof onekey.agents.AgentEvents.StateChanged changed) || changed.agent() == null) {
            return;
        }
        onekey.agents.AgentStatus a = changed.agent();
        writer.submit("state of " + a.username(), () -> INSERT_STATE.execute(dsl, a.accountId(), a.username(),
                String.valueOf(a.state() == null ? null : a.state().wire()), a.reason(), a.since()));
    }

    /**
     * Milliseconds per state ({@code "not-ready:meal"} for a reason) within [from, to), from the rows in order; the
     * state at {@code from} is the last row before it. Pure: tested on its own.
     */
    static Map<String, Long> durations(List<Row> rows, long from, long to) {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            long a = Math.max(from, r.since());
            long b = Math.min(to, i + 1 < rows.size() ? rows.get(i + 1).since() : to);
            if (b > a) {
                String key = r.state().equals("not-ready") ? "not-ready:" + (r.reason() == null ? "" : r.reason()) : r.state();
                m.merge(key, b - a, Long::sum);
            }
        }
        return m;
    }

    /** Every seat's figures for [from, to) (to clipped to now). */
    public List<Map<String, Object>> figures(long from, long to) {
        long end = Math.min(to, clock.millis());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : accounts.all()) {
            if (a.extension() == null) {
                continue;
            }
            List<Row> rows = new ArrayList<>();
            dsl.selectFrom(AGENT_STATE_LOG).where(AGENT_STATE_LOG.ACCOUNT_ID.eq(a.id()))
                    .and(AGENT_STATE_LOG.SINCE.lt(from)).orderBy(AGENT_STATE_LOG.SINCE.desc(), AGENT_STATE_LOG.ID.desc()).limit(1)
                    .forEach(r -> rows.add(new Row(r.getState(), r.getReason(), r.getSince())));
            dsl.selectFrom(AGENT_STATE_LOG).where(AGENT_STATE_LOG.ACCOUNT_ID.eq(a.id()))
                    .and(AGENT_STATE_LOG.SINCE.ge(from)).and(AGENT_STATE_LOG.SINCE.lt(end))
                    .orderBy(AGENT_STATE_LOG.SINCE, AGENT_STATE_LOG.ID)
                    .forEach(r -> rows.add(new Row(r.getState(), r.getReason(), r.getSince())));
            Map<String, Long> d = durations(rows, from, end);
            var calls = dsl.select(DSL.count(), DSL.sum(CALLS.TALK_MS)).from(CALLS).where(CALLS.AGENT_ID.eq(a.id()))
                    .and(CALLS.ANSWERED_AT.ge(from)).and(CALLS.ANSWERED_AT.lt(to)).fetchOne();
            var qa = dsl.select(DSL.count(), DSL.avg(QA_SCORES.TOTAL)).from(QA_SCORES).where(QA_SCORES.AGENT_ID.eq(a.id()))
                    .and(QA_SCORES.SCORED_AT.ge(from)).and(QA_SCORES.SCORED_AT.lt(to)).fetchOne();
            Map<String, Long> notReady = new LinkedHashMap<>();
            d.forEach((k, v) -> {
                if (k.startsWith("not-ready:")) {
                    notReady.put(k.substring(10), v);
                }
            });
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agentId", a.id());
            m.put("username", a.username());
            m.put("displayName", a.displayName());
            m.put("calls", calls.value1());
            m.put("talkMs", calls.value2() == null ? 0L : calls.value2().longValue());
            m.put("wrapUpMs", d.getOrDefault("wrap-up", 0L));
            m.put("readyMs", d.getOrDefault("ready", 0L));
            m.put("onCallMs", d.getOrDefault("on-call", 0L));
            m.put("notReadyMs", notReady.values().stream().mapToLong(Long::longValue).sum());
            m.put("notReadyByReason", notReady);
            m.put("qaSheets", qa.value1());
            m.put("qaAverage", qa.value2() == null ? null : Math.round(qa.value2().doubleValue() * 10) / 10.0);
            out.add(m);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (sub != null) {
            sub.close();
        }
        writer.close();
    }
}
