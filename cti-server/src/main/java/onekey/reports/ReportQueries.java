package onekey.reports;

import static onekey.store.jooq.Tables.AGENT_STATE_LOG;
import static onekey.store.jooq.Tables.BROADCASTS;
import static onekey.store.jooq.Tables.BROADCAST_ATTEMPTS;
import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDERS;
import static onekey.store.jooq.Tables.FOLLOW_UPS;
import static onekey.store.jooq.Tables.INCIDENTS;
import static onekey.store.jooq.Tables.INCIDENT_STEPS;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.floor;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.when;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.CaseConditionStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectJoinStep;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The district's figures (issue 22), each computed from the stored timelines for any past period, so a report can be
 * made again for a month long gone: calls (arrived, answered, ended), incidents and their steps, follow-ups,
 * broadcasts and their attempts, the elders' records and archive, the agents' state log. The SQL is the common
 * subset H2 and MariaDB both run (grouping by a CASE over inlined period boundaries, sums of CASEs, no window
 * functions, no engine date functions: a day, week or month is a range of epoch milliseconds computed here in the
 * centre's zone, so daylight saving and month lengths are right). Large tables (calls) are aggregated by the
 * database; the small ones (incidents, follow-ups, broadcasts, elders) are read for the period and counted here.
 */
public final class ReportQueries {

    /** The answered-within thresholds of the district's service level, seconds. */
    static final int[] THRESHOLDS_S = {15, 60, 180};
    /** A wrap-up belongs to the call that ended within this much of its start (the agent's state log). */
    static final long WRAP_UP_MATCH_MS = 5_000;
    private static final Pattern SATISFACTION = Pattern.compile("satisfaction=([1-5])\\b");

    /** Every report's columns, in order (each row also has {@code key} first). */
    public static final Map<String, List<String>> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("calls", List.of("offered", "answered", "answeredWithin15s", "answeredWithin60s",
                "answeredWithin180s", "abandoned", "avgWaitMs", "avgHandleMs"));
        COLUMNS.put("answer-times", List.of("answered", "avgWaitMs", "p90WaitMs", "longestWaitMs", "avgTalkMs",
                "avgWrapUpMs", "avgHandleMs"));
        COLUMNS.put("incidents", List.of("opened", "open", "resolved", "elderAnswered", "respondersArrived", "cancelled",
                "avgToFirstRedialMs", "avgToContactAckMs", "avgToRespondersMs"));
        COLUMNS.put("follow-ups", List.of("due", "done", "onTime", "late", "overdue", "notReached"));
        COLUMNS.put("broadcasts", List.of("broadcasts", "reached", "confirmed", "failed", "cancelled", "inProgress"));
        COLUMNS.put("elders", List.of("elders", "enrolled", "newlyEnrolled", "livingAlone", "economicHardship",
                "selfCare", "assisted", "nursing", "careNotAssessed", "proxyCallAgreed", "terminalsSilent"));
        COLUMNS.put("agents", List.of("calls", "talkMs", "wrapUpMs", "notReadyMs", "readyMs"));
        COLUMNS.put("satisfaction", List.of("answers", "avgScore", "score1", "score2", "score3", "score4", "score5"));
    }

    /** The groupings each report has (the first is its default). */
    public static final Map<String, List<GroupBy>> GROUPINGS = Map.of(
            "calls", List.of(GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.LINE, GroupBy.CATEGORY,
                    GroupBy.SUB_DISTRICT, GroupBy.CARE_LEVEL, GroupBy.AGENT, GroupBy.OUTCOME, GroupBy.NONE),
            "answer-times", List.of(GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.LINE, GroupBy.CATEGORY,
                    GroupBy.SUB_DISTRICT, GroupBy.CARE_LEVEL, GroupBy.AGENT, GroupBy.NONE),
            "incidents", List.of(GroupBy.REASON, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.OUTCOME,
                    GroupBy.CATEGORY, GroupBy.SUB_DISTRICT, GroupBy.CARE_LEVEL, GroupBy.NONE),
            "follow-ups", List.of(GroupBy.REASON, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.OUTCOME,
                    GroupBy.CATEGORY, GroupBy.SUB_DISTRICT, GroupBy.NONE),
            "broadcasts", List.of(GroupBy.KIND, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.OUTCOME,
                    GroupBy.CATEGORY, GroupBy.SUB_DISTRICT, GroupBy.NONE),
            "elders", List.of(GroupBy.CATEGORY, GroupBy.CARE_LEVEL, GroupBy.SUB_DISTRICT, GroupBy.NONE),
            "agents", List.of(GroupBy.AGENT),
            "satisfaction", List.of(GroupBy.REASON, GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH, GroupBy.NONE));

    private final DSLContext dsl;
    /** The agents' figures for [from, to): the supervisors' workload ({@link onekey.workload.Workload#figures}). */
    private final BiFunction<Long, Long, List<Map<String, Object>>> agentFigures;
    private final java.time.Clock clock;
    /** The per-day call summaries (V29); null: every figure from the raw rows (the reference the summaries equal). */
    private final CallSummaries summaries;

    public ReportQueries(DSLContext dsl, BiFunction<Long, Long, List<Map<String, Object>>> agentFigures,
                         java.time.Clock clock) {
        this(dsl, agentFigures, clock, true);
    }

    /** {@code summaries} false: the calls' figures from the raw rows only (the tests' and the bench's reference). */
    public ReportQueries(DSLContext dsl, BiFunction<Long, Long, List<Map<String, Object>>> agentFigures,
                         java.time.Clock clock, boolean summaries) {
        this.dsl = dsl;
        this.agentFigures = agentFigures;
        this.clock = clock;
        this.summaries = summaries ? new CallSummaries(dsl, this) : null;
    }

    /** The report {@code name} ("sos" is "incidents") over {@code p} by {@code g}; unknown names or groupings refused. */
    public Report report(String name, Period p, GroupBy g) {
        String n = canonical(name);
        List<GroupBy> allowed = GROUPINGS.get(n);
        GroupBy by = g == null ? allowed.get(0) : g;
        if (!allowed.contains(by)) {
            throw new IllegalArgumentException("report " + n + " is grouped by one of "
                    + String.join(", ", allowed.stream().map(GroupBy::wire).toList()));
        }
        return switch (n) {
            case "calls", "answer-times" -> calls(n, p, by);
            case "incidents" -> incidents(p, by);
            case "follow-ups" -> followUps(p, by);
            case "broadcasts" -> broadcasts(p, by);
            case "elders" -> elders(p, by);
            case "agents" -> agents(p);
            case "satisfaction" -> satisfaction(p, by);
            default -> throw new IllegalStateException(n);
        };
    }

    /** The report's own name for {@code name}; {@link IllegalArgumentException} for none. */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        n = switch (n) {
            case "sos" -> "incidents";
            case "followups" -> "follow-ups";
            case "answertimes", "waits" -> "answer-times";
            case "campaigns" -> "broadcasts";
            default -> n;
        };
        if (!COLUMNS.containsKey(n)) {
            throw new IllegalArgumentException("no such report: " + name + " (reports: " + String.join(", ", COLUMNS.keySet())
                    + ")");
        }
        return n;
    }

    // ------------------------------------------------------------------ keys

    /** A row key: the SQL expression and how its values read; {@code labels} the time buckets in order (else null). */
    private record Key(Field<?> field, List<String> labels, boolean constant) {
        Key(Field<?> field, List<String> labels) {
            this(field, labels, false);
        }

        /** What to group by: nothing for a constant key (a literal in GROUP BY reads as a column number). */
        List<Field<?>> group(Field<?>... more) {
            List<Field<?>> g = new ArrayList<>();
            if (!constant) {
                g.add(field);
            }
            g.addAll(List.of(more));
            return g;
        }

        String label(Object v) {
            if (labels != null) {
                return labels.get(((Number) v).intValue());
            }
            return v == null ? "unknown" : v.toString();
        }
    }

    /** Period buckets (day, week from Monday, month) in the centre's zone: starts and labels, first clipped to from. */
    static List<Object[]> buckets(Period p, GroupBy g) {
        List<Object[]> out = new ArrayList<>();
        LocalDate d = p.firstDay();
        if (g == GroupBy.WEEK) {
            d = d.with(java.time.temporal.TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        } else if (g == GroupBy.MONTH) {
            d = d.withDayOfMonth(1);
        }
        while (true) {
            long start = d.atStartOfDay(p.zone()).toInstant().toEpochMilli();
            if (start >= p.to()) {
                break;
            }
            String label = switch (g) {
                case DAY -> d.toString();
                case WEEK -> String.format("%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                case MONTH -> d.format(DateTimeFormatter.ofPattern("yyyy-MM"));
                default -> throw new IllegalStateException();
            };
            out.add(new Object[] {Math.max(start, p.from()), label});
            d = g == GroupBy.DAY ? d.plusDays(1) : g == GroupBy.WEEK ? d.plusWeeks(1) : d.plusMonths(1);
        }
        return out;
    }

    private static Key timeKey(Field<Long> at, Period p, GroupBy g) {
        List<Object[]> b = buckets(p, g);
        List<String> labels = b.stream().map(x -> (String) x[1]).toList();
        CaseConditionStep<Integer> c = null;
        for (int i = 0; i + 1 < b.size(); i++) {
            Condition before = at.lt(inline((Long) b.get(i + 1)[0]));
            c = c == null ? when(before, inline(i)) : c.when(before, inline(i));
        }
        return c == null ? new Key(inline(0), labels, true) : new Key(c.otherwise(inline(b.size() - 1)), labels, false);
    }

    private static Key attributeKey(Field<String> f, String none) {
        return new Key(coalesce(f, inline(none)), null);
    }

    /** The key over the calls table (elders joined for category, sub-district, care level). */
    private static Key callKey(GroupBy g, Period p) {
        return switch (g) {
            case DAY, WEEK, MONTH -> timeKey(CALLS.ARRIVED_AT, p, g);
            case LINE -> attributeKey(CALLS.SERVICE, "unknown");
            case CATEGORY -> attributeKey(ELDERS.CATEGORY, "unregistered");
            case SUB_DISTRICT -> attributeKey(ELDERS.SUB_DISTRICT, "unknown");
            case CARE_LEVEL -> attributeKey(ELDERS.CARE_LEVEL, "not-assessed");
            case AGENT -> attributeKey(CALLS.AGENT_NAME, "none");
            case OUTCOME -> attributeKey(CALLS.OUTCOME, "unknown");
            case NONE -> new Key(inline("total"), null, true);
            default -> throw new IllegalArgumentException(g.wire());
        };
    }

    private static boolean needsElder(GroupBy g) {
        return g == GroupBy.CATEGORY || g == GroupBy.SUB_DISTRICT || g == GroupBy.CARE_LEVEL;
    }

    // ------------------------------------------------------------------ calls

    /** Sums per key; figures derived once all are in (the total over all keys, not an average of averages). */
    static final class CallSums {
        long offered, answered, abandoned, waitSum, longest, talkSum, handled, wrapSum;
        final long[] within = new long[THRESHOLDS_S.length];
        final TreeMap<Long, Long> waitSeconds = new TreeMap<>(); // ceil(wait s) → calls

        void add(CallSums o) {
            offered += o.offered;
            answered += o.answered;
            abandoned += o.abandoned;
            waitSum += o.waitSum;
            longest = Math.max(longest, o.longest);
            talkSum += o.talkSum;
            handled += o.handled;
            wrapSum += o.wrapSum;
            for (int i = 0; i < within.length; i++) {
                within[i] += o.within[i];
            }
            o.waitSeconds.forEach((k, v) -> waitSeconds.merge(k, v, Long::sum));
        }

        /** The smallest whole second within which 90 % of the answered calls were answered, in ms. */
        Long p90() {
            if (answered == 0) {
                return null;
            }
            long need = (long) Math.ceil(answered * 0.9);
            long seen = 0;
            for (var e : waitSeconds.entrySet()) {
                seen += e.getValue();
                if (seen >= need) {
                    return e.getKey() * 1000;
                }
            }
            return waitSeconds.isEmpty() ? null : waitSeconds.lastKey() * 1000;
        }

        Map<String, Object> figures(String report, String key) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            Long avgWait = answered == 0 ? null : waitSum / answered;
            Long avgHandle = handled == 0 ? null : (talkSum + wrapSum) / handled;
            if (report.equals("calls")) {
                m.put("offered", offered);
                m.put("answered", answered);
                for (int i = 0; i < within.length; i++) {
                    m.put("answeredWithin" + THRESHOLDS_S[i] + "s", within[i]);
                }
                m.put("abandoned", abandoned);
                m.put("avgWaitMs", avgWait);
                m.put("avgHandleMs", avgHandle);
            } else {
                m.put("answered", answered);
                m.put("avgWaitMs", avgWait);
                m.put("p90WaitMs", p90());
                m.put("longestWaitMs", answered == 0 ? null : longest);
                m.put("avgTalkMs", handled == 0 ? null : talkSum / handled);
                m.put("avgWrapUpMs", handled == 0 ? null : wrapSum / handled);
                m.put("avgHandleMs", avgHandle);
            }
            return m;
        }
    }

    private <R extends Record> SelectJoinStep<R> fromCalls(SelectJoinStep<R> s, GroupBy g) {
        return needsElder(g) ? (SelectJoinStep<R>) s.leftJoin(ELDERS).on(ELDERS.ID.eq(CALLS.ELDER_ID)) : s;
    }

    private static Condition inboundIn(Period p) {
        // the calls that came in: a seat's own calls (issue 18 item 7) are neither offered nor answered calls
        return CALLS.DIRECTION.isNull().and(CALLS.ARRIVED_AT.ge(inline(p.from()))).and(CALLS.ARRIVED_AT.lt(inline(p.to())));
    }

    private Report calls(String report, Period p, GroupBy g) {
        Key key = callKey(g, p);
        boolean waits = report.equals("answer-times");
        Map<String, CallSums> by = new LinkedHashMap<>();
        if (key.labels() != null) {
            key.labels().forEach(l -> by.put(l, new CallSums()));
        }
        // whole closed days from the per-day summaries (V29), the rest (partial days, today) from the raw rows
        List<long[]> raw = summaries == null ? List.of(new long[] {p.from(), p.to()})
                : summaries.read(p, g, waits, clock.millis(), (label, sums) -> by.computeIfAbsent(label, k -> new CallSums()).add(sums));
        for (long[] r : raw) {
            rawCallSums(g, key, r[0], r[1], waits, by);
        }
        addWrapUps(p, g, key, by);
        List<Map<String, Object>> rows = new ArrayList<>();
        CallSums total = new CallSums();
        List<String> keys = new ArrayList<>(by.keySet());
        if (key.labels() == null) {
            keys.sort(null);
        }
        for (String k : keys) {
            CallSums s = by.get(k);
            rows.add(s.figures(report, k));
            total.add(s);
        }
        Map<String, Object> t = total.figures(report, "total");
        t.remove("key");
        return new Report(report, p, g, COLUMNS.get(report), rows, t);
    }

    /**
     * The raw call list of [from, to) for the district's CSV (issue 22): newest first by (arrival, id), keyset-paged
     * with {@link onekey.store.Cursor}; no personal data — no caller number, no elder's name or id — only the elder's
     * class (category, sub-district, care level) the figures are grouped by.
     */
    public onekey.store.Cursor.Page<Map<String, Object>> callList(long from, long to, onekey.store.Cursor after, int limit) {
        Condition c = CALLS.ARRIVED_AT.ge(inline(from)).and(CALLS.ARRIVED_AT.lt(inline(to)));
        if (after != null) {
            c = c.and(CALLS.ARRIVED_AT.lt(after.at()).or(CALLS.ARRIVED_AT.eq(after.at()).and(CALLS.ID.lt(after.id()))));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Record r : dsl.select(CALLS.ID, CALLS.ARRIVED_AT, CALLS.SERVICE, CALLS.DIRECTION, CALLS.PRIORITY,
                        CALLS.ANSWERED_AT, CALLS.ENDED_AT, CALLS.AGENT_NAME, CALLS.OUTCOME, CALLS.FAIL_OPEN,
                        ELDERS.CATEGORY, ELDERS.SUB_DISTRICT, ELDERS.CARE_LEVEL)
                .from(CALLS).leftJoin(ELDERS).on(ELDERS.ID.eq(CALLS.ELDER_ID))
                .where(c).orderBy(CALLS.ARRIVED_AT.desc(), CALLS.ID.desc()).limit(limit + 1).fetch()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Long arrived = r.get(CALLS.ARRIVED_AT);
            Long answered = r.get(CALLS.ANSWERED_AT);
            Long ended = r.get(CALLS.ENDED_AT);
            m.put("id", r.get(CALLS.ID));
            m.put("arrivedAt", arrived);
            m.put("line", r.get(CALLS.SERVICE));
            m.put("direction", r.get(CALLS.DIRECTION) == null ? "inbound" : r.get(CALLS.DIRECTION));
            m.put("priority", r.get(CALLS.PRIORITY));
            m.put("answeredAt", answered);
            m.put("endedAt", ended);
            m.put("waitMs", answered == null || arrived == null ? null : answered - arrived);
            m.put("talkMs", answered == null || ended == null ? null : ended - answered);
            m.put("agent", r.get(CALLS.AGENT_NAME));
            m.put("outcome", r.get(CALLS.OUTCOME));
            m.put("failOpen", r.get(CALLS.FAIL_OPEN));
            m.put("category", r.get(ELDERS.CATEGORY));
            m.put("subDistrict", r.get(ELDERS.SUB_DISTRICT));
            m.put("careLevel", r.get(ELDERS.CARE_LEVEL));
            rows.add(m);
        }
        return onekey.store.Cursor.Page.of(rows, limit, m -> (Long) m.get("arrivedAt"), m -> (Long) m.get("id"));
    }

    /** The summed calls of [from, to) by {@code g}'s key (a roll-up's dimension or a report's), merged into {@code by}. */
    void rawCallSums(GroupBy g, long from, long to, boolean waits, Map<String, CallSums> by) {
        rawCallSums(g, callKey(g, new Period(from, to, java.time.ZoneOffset.UTC)), from, to, waits, by);
    }

    private void rawCallSums(GroupBy g, Key key, long from, long to, boolean waits, Map<String, CallSums> by) {
        Field<Long> wait = CALLS.ANSWERED_AT.minus(CALLS.ARRIVED_AT);
        Field<Long> talk = CALLS.ENDED_AT.minus(CALLS.ANSWERED_AT);
        Condition answered = CALLS.ANSWERED_AT.isNotNull();
        Condition handled = answered.and(CALLS.ENDED_AT.isNotNull());
        Condition in = CALLS.DIRECTION.isNull().and(CALLS.ARRIVED_AT.ge(inline(from))).and(CALLS.ARRIVED_AT.lt(inline(to)));
        List<Field<?>> fields = new ArrayList<>(List.of(key.field(), count(),
                sum(when(answered, inline(1)).otherwise(inline(0))),
                sum(when(CALLS.ANSWERED_AT.isNull().and(CALLS.ENDED_AT.isNotNull()), inline(1)).otherwise(inline(0))),
                sum(when(answered, wait).otherwise(inline(0L))),
                max(when(answered, wait).otherwise(inline(0L))),
                sum(when(handled, talk).otherwise(inline(0L))),
                sum(when(handled, inline(1)).otherwise(inline(0)))));
        for (int t : THRESHOLDS_S) {
            fields.add(sum(when(answered.and(wait.le(inline(t * 1000L))), inline(1)).otherwise(inline(0))));
        }
        for (Record r : fromCalls(dsl.select(fields).from(CALLS), g).where(in).groupBy(key.group()).fetch()) {
            CallSums s = new CallSums();
            s.offered = n(r.get(1));
            s.answered = n(r.get(2));
            s.abandoned = n(r.get(3));
            s.waitSum = n(r.get(4));
            s.longest = n(r.get(5));
            s.talkSum = n(r.get(6));
            s.handled = n(r.get(7));
            for (int i = 0; i < THRESHOLDS_S.length; i++) {
                s.within[i] = n(r.get(8 + i));
            }
            by.computeIfAbsent(key.label(r.get(0)), k -> new CallSums()).add(s);
        }
        if (waits) {
            // the distribution of waits in whole seconds (rounded up), for the 90th percentile
            Field<?> second = floor(wait.plus(inline(999L)).div(inline(1000L)));
            for (Record r : fromCalls(dsl.select(key.field(), second, count()).from(CALLS), g)
                    .where(in).and(answered).groupBy(key.group(second)).fetch()) {
                by.computeIfAbsent(key.label(r.get(0)), k -> new CallSums()).waitSeconds
                        .merge(Math.max(0, n(r.get(1))), n(r.get(2)), Long::sum);
            }
        }
    }

    /**
     * Handle time includes the agent's wrap-up after the call (issue 22): the wrap-up interval of the agent's state log
     * that started within {@link #WRAP_UP_MATCH_MS} of the call's end, up to the agent's next state.
     */
    private void addWrapUps(Period p, GroupBy g, Key key, Map<String, CallSums> by) {
        Map<Long, List<long[]>> wraps = new HashMap<>(); // agent → [start, end] in time order
        Long lastAgent = null;
        long[] open = null;
        for (Record r : dsl.select(AGENT_STATE_LOG.ACCOUNT_ID, AGENT_STATE_LOG.STATE, AGENT_STATE_LOG.SINCE)
                .from(AGENT_STATE_LOG)
                .where(AGENT_STATE_LOG.SINCE.ge(inline(p.from() - 3_600_000L)))
                .and(AGENT_STATE_LOG.SINCE.lt(inline(p.to() + 3_600_000L)))
                .orderBy(AGENT_STATE_LOG.ACCOUNT_ID, AGENT_STATE_LOG.SINCE, AGENT_STATE_LOG.ID).fetch()) {
            long agent = r.get(AGENT_STATE_LOG.ACCOUNT_ID);
            long since = r.get(AGENT_STATE_LOG.SINCE);
            if (open != null && lastAgent != null && lastAgent == agent) {
                open[1] = since;
            }
            open = null;
            if ("wrap-up".equals(r.get(AGENT_STATE_LOG.STATE))) {
                open = new long[] {since, since};
                wraps.computeIfAbsent(agent, a -> new ArrayList<>()).add(open);
            }
            lastAgent = agent;
        }
        if (wraps.isEmpty()) {
            return;
        }
        for (Record r : fromCalls(dsl.select(key.field(), CALLS.AGENT_ID, CALLS.ENDED_AT).from(CALLS), g)
                .where(inboundIn(p)).and(CALLS.ANSWERED_AT.isNotNull()).and(CALLS.ENDED_AT.isNotNull())
                .and(CALLS.AGENT_ID.in(wraps.keySet())).fetch()) {
            List<long[]> list = wraps.get(r.get(CALLS.AGENT_ID));
            long end = r.get(CALLS.ENDED_AT);
            long[] best = null;
            for (long[] w : list) {
                if (Math.abs(w[0] - end) <= WRAP_UP_MATCH_MS && (best == null || Math.abs(w[0] - end) < Math.abs(best[0] - end))) {
                    best = w;
                }
            }
            if (best != null && best[1] > best[0]) {
                by.computeIfAbsent(key.label(r.get(0)), k -> new CallSums()).wrapSum += best[1] - best[0];
            }
        }
    }

    // ------------------------------------------------------------------ incidents

    private static String incidentOutcome(String state, Long closedAt, String outcome) {
        if ("cancelled".equals(state)) {
            return "cancelled";
        }
        if (closedAt == null) {
            return "open";
        }
        return outcome != null && outcome.startsWith("the elder answered") ? "elder-answered" : "responders-arrived";
    }

    private Report incidents(Period p, GroupBy g) {
        var rows = dsl.select(INCIDENTS.ID, INCIDENTS.OPENED_AT, INCIDENTS.REASON, INCIDENTS.STATE, INCIDENTS.CLOSED_AT,
                        INCIDENTS.OUTCOME, ELDERS.CATEGORY, ELDERS.SUB_DISTRICT, ELDERS.CARE_LEVEL)
                .from(INCIDENTS).leftJoin(ELDERS).on(ELDERS.ID.eq(INCIDENTS.ELDER_ID))
                .where(INCIDENTS.OPENED_AT.ge(inline(p.from()))).and(INCIDENTS.OPENED_AT.lt(inline(p.to())))
                .orderBy(INCIDENTS.OPENED_AT).fetch();
        Map<Long, Long> firstRedial = new HashMap<>();
        Map<Long, Long> firstAck = new HashMap<>();
        if (!rows.isEmpty()) {
            for (Record s : dsl.select(INCIDENT_STEPS.INCIDENT_ID, INCIDENT_STEPS.KIND, INCIDENT_STEPS.STARTED_AT,
                            INCIDENT_STEPS.ENDED_AT, INCIDENT_STEPS.RESULT)
                    .from(INCIDENT_STEPS).join(INCIDENTS).on(INCIDENTS.ID.eq(INCIDENT_STEPS.INCIDENT_ID))
                    .where(INCIDENTS.OPENED_AT.ge(inline(p.from()))).and(INCIDENTS.OPENED_AT.lt(inline(p.to())))
                    .and(INCIDENT_STEPS.KIND.in("redial", "contact")).fetch()) {
                long id = s.get(INCIDENT_STEPS.INCIDENT_ID);
                if ("redial".equals(s.get(INCIDENT_STEPS.KIND)) && s.get(INCIDENT_STEPS.STARTED_AT) != null) {
                    firstRedial.merge(id, s.get(INCIDENT_STEPS.STARTED_AT), Math::min);
                }
                if ("contact".equals(s.get(INCIDENT_STEPS.KIND)) && "ack".equals(s.get(INCIDENT_STEPS.RESULT))
                        && s.get(INCIDENT_STEPS.ENDED_AT) != null) {
                    firstAck.merge(id, s.get(INCIDENT_STEPS.ENDED_AT), Math::min);
                }
            }
        }
        Counter c = new Counter("incidents", p, g);
        for (Record r : rows) {
            long id = r.get(INCIDENTS.ID);
            long opened = r.get(INCIDENTS.OPENED_AT);
            String outcome = incidentOutcome(r.get(INCIDENTS.STATE), r.get(INCIDENTS.CLOSED_AT), r.get(INCIDENTS.OUTCOME));
            String key = switch (g) {
                case REASON -> r.get(INCIDENTS.REASON);
                case OUTCOME -> outcome;
                case CATEGORY -> or(r.get(ELDERS.CATEGORY), "unregistered");
                case SUB_DISTRICT -> or(r.get(ELDERS.SUB_DISTRICT), "unknown");
                case CARE_LEVEL -> or(r.get(ELDERS.CARE_LEVEL), "not-assessed");
                default -> c.timeOrTotal(opened);
            };
            c.add(key, "opened", 1);
            c.add(key, outcome.equals("open") ? "open" : outcome.equals("cancelled") ? "cancelled" : "resolved", 1);
            if (outcome.equals("elder-answered")) {
                c.add(key, "elderAnswered", 1);
            }
            if (outcome.equals("responders-arrived")) {
                c.add(key, "respondersArrived", 1);
                c.avg(key, "avgToRespondersMs", r.get(INCIDENTS.CLOSED_AT) - opened);
            }
            if (firstRedial.containsKey(id)) {
                c.avg(key, "avgToFirstRedialMs", Math.max(0, firstRedial.get(id) - opened));
            }
            if (firstAck.containsKey(id)) {
                c.avg(key, "avgToContactAckMs", Math.max(0, firstAck.get(id) - opened));
            }
        }
        return c.report();
    }

    // ------------------------------------------------------------------ follow-ups and satisfaction

    /** A follow-up, of a call (follow_ups) or of an incident (its follow-up step), as the reports read it. */
    private record FollowUpRow(String reason, long dueAt, String state, Long endedAt, String result, String detail,
                               String category, String subDistrict) {}

    private List<FollowUpRow> followUpRows(Period p, boolean byEnd) {
        List<FollowUpRow> out = new ArrayList<>();
        Field<Long> callAt = byEnd ? FOLLOW_UPS.ENDED_AT : FOLLOW_UPS.DUE_AT;
        dsl.select(FOLLOW_UPS.REASON, FOLLOW_UPS.DUE_AT, FOLLOW_UPS.STATE, FOLLOW_UPS.ENDED_AT, FOLLOW_UPS.RESULT,
                        FOLLOW_UPS.DETAIL, ELDERS.CATEGORY, ELDERS.SUB_DISTRICT)
                .from(FOLLOW_UPS).leftJoin(ELDERS).on(ELDERS.ID.eq(FOLLOW_UPS.ELDER_ID))
                .where(callAt.ge(inline(p.from()))).and(callAt.lt(inline(p.to()))).fetch()
                .forEach(r -> out.add(new FollowUpRow(r.get(FOLLOW_UPS.REASON), r.get(FOLLOW_UPS.DUE_AT),
                        r.get(FOLLOW_UPS.STATE), r.get(FOLLOW_UPS.ENDED_AT), r.get(FOLLOW_UPS.RESULT),
                        r.get(FOLLOW_UPS.DETAIL), r.get(ELDERS.CATEGORY), r.get(ELDERS.SUB_DISTRICT))));
        Field<Long> stepAt = byEnd ? INCIDENT_STEPS.ENDED_AT : INCIDENT_STEPS.DUE_AT;
        dsl.select(INCIDENT_STEPS.DUE_AT, INCIDENT_STEPS.STATE, INCIDENT_STEPS.ENDED_AT, INCIDENT_STEPS.RESULT,
                        INCIDENT_STEPS.DETAIL, ELDERS.CATEGORY, ELDERS.SUB_DISTRICT)
                .from(INCIDENT_STEPS).join(INCIDENTS).on(INCIDENTS.ID.eq(INCIDENT_STEPS.INCIDENT_ID))
                .leftJoin(ELDERS).on(ELDERS.ID.eq(INCIDENTS.ELDER_ID))
                .where(INCIDENT_STEPS.KIND.eq("follow-up")).and(stepAt.ge(inline(p.from()))).and(stepAt.lt(inline(p.to())))
                .fetch()
                .forEach(r -> out.add(new FollowUpRow("incident", r.get(INCIDENT_STEPS.DUE_AT),
                        "done".equals(r.get(INCIDENT_STEPS.STATE)) && !"cancelled".equals(r.get(INCIDENT_STEPS.RESULT))
                                ? "done" : "cancelled".equals(r.get(INCIDENT_STEPS.RESULT)) ? "cancelled" : "open",
                        r.get(INCIDENT_STEPS.ENDED_AT), r.get(INCIDENT_STEPS.RESULT), r.get(INCIDENT_STEPS.DETAIL),
                        r.get(ELDERS.CATEGORY), r.get(ELDERS.SUB_DISTRICT))));
        return out;
    }

    private Report followUps(Period p, GroupBy g) {
        long now = clock.millis();
        Counter c = new Counter("follow-ups", p, g);
        for (FollowUpRow f : followUpRows(p, false)) {
            if (f.state().equals("cancelled")) {
                continue; // an incident's follow-up dropped with it: not due
            }
            boolean done = f.state().equals("done");
            boolean onTime = done && f.endedAt() != null && f.endedAt() <= f.dueAt();
            String outcome = done ? (onTime ? "on-time" : "late") : f.dueAt() < now ? "overdue" : "open";
            String key = switch (g) {
                case REASON -> f.reason();
                case OUTCOME -> outcome;
                case CATEGORY -> or(f.category(), "unregistered");
                case SUB_DISTRICT -> or(f.subDistrict(), "unknown");
                default -> c.timeOrTotal(f.dueAt());
            };
            c.add(key, "due", 1);
            if (done) {
                c.add(key, "done", 1);
                c.add(key, onTime ? "onTime" : "late", 1);
            } else if (f.dueAt() < now) {
                c.add(key, "overdue", 1);
            }
            if ("not-reached".equals(f.result())) {
                c.add(key, "notReached", 1);
            }
        }
        return c.report();
    }

    /** Satisfaction (1–5) asked on the follow-up calls done in the period (service rules "Consultation"). */
    private Report satisfaction(Period p, GroupBy g) {
        Counter c = new Counter("satisfaction", p, g);
        for (FollowUpRow f : followUpRows(p, true)) {
            if (f.detail() == null || f.endedAt() == null) {
                continue;
            }
            Matcher m = SATISFACTION.matcher(f.detail());
            if (!m.find()) {
                continue;
            }
            int score = Integer.parseInt(m.group(1));
            String key = g == GroupBy.REASON ? f.reason() : c.timeOrTotal(f.endedAt());
            c.add(key, "answers", 1);
            c.add(key, "score" + score, 1);
            c.avgTenths(key, "avgScore", score);
        }
        return c.report();
    }

    // ------------------------------------------------------------------ broadcasts and campaigns

    private Report broadcasts(Period p, GroupBy g) {
        var rows = dsl.select(BROADCASTS.ID, BROADCASTS.CREATED_AT, BROADCASTS.KIND, BROADCASTS.STATE,
                        BROADCASTS.CAMPAIGN_ID, ELDERS.CATEGORY, ELDERS.SUB_DISTRICT)
                .from(BROADCASTS).leftJoin(ELDERS).on(ELDERS.ID.eq(BROADCASTS.ELDER_ID))
                .where(BROADCASTS.CREATED_AT.ge(inline(p.from()))).and(BROADCASTS.CREATED_AT.lt(inline(p.to()))).fetch();
        Set<Long> reached = new HashSet<>();
        if (!rows.isEmpty()) {
            // reached: a call of the broadcast was answered (the elder heard the message), whatever key came after
            dsl.selectDistinct(BROADCAST_ATTEMPTS.BROADCAST_ID).from(BROADCAST_ATTEMPTS)
                    .join(BROADCASTS).on(BROADCASTS.ID.eq(BROADCAST_ATTEMPTS.BROADCAST_ID))
                    .where(BROADCASTS.CREATED_AT.ge(inline(p.from()))).and(BROADCASTS.CREATED_AT.lt(inline(p.to())))
                    .and(BROADCAST_ATTEMPTS.RESULT.in("answered", "confirmed", "repeated", "transferred", "no-confirm",
                            "hung-up-early"))
                    .fetch().forEach(r -> reached.add(r.value1()));
        }
        Counter c = new Counter("broadcasts", p, g);
        for (Record r : rows) {
            String state = r.get(BROADCASTS.STATE);
            String key = switch (g) {
                case KIND -> r.get(BROADCASTS.CAMPAIGN_ID) != null ? "campaign" : r.get(BROADCASTS.KIND);
                case OUTCOME -> state;
                case CATEGORY -> or(r.get(ELDERS.CATEGORY), "unregistered");
                case SUB_DISTRICT -> or(r.get(ELDERS.SUB_DISTRICT), "unknown");
                default -> c.timeOrTotal(r.get(BROADCASTS.CREATED_AT));
            };
            c.add(key, "broadcasts", 1);
            boolean confirmed = "confirmed".equals(state);
            if (confirmed || "transferred".equals(state) || reached.contains(r.get(BROADCASTS.ID))) {
                c.add(key, "reached", 1);
            }
            if (confirmed) {
                c.add(key, "confirmed", 1);
            }
            switch (state) {
                case "failed" -> c.add(key, "failed", 1);
                case "cancelled" -> c.add(key, "cancelled", 1);
                case "scheduled", "calling" -> c.add(key, "inProgress", 1);
                default -> { }
            }
        }
        return c.report();
    }

    // ------------------------------------------------------------------ elders

    /**
     * The elders on file at the end of the period, by class (service rules "Who is served"), care level or
     * sub-district: enrolled, newly enrolled in the period, the archive's flags, and the terminals silent through the
     * whole period (no call came in from the elder: a phone to be tested by the community, service rules "Terminals").
     */
    private Report elders(Period p, GroupBy g) {
        Set<Long> heard = new HashSet<>();
        dsl.selectDistinct(CALLS.ELDER_ID).from(CALLS).where(inboundIn(p)).and(CALLS.ELDER_ID.isNotNull()).fetch()
                .forEach(r -> heard.add(r.value1()));
        Counter c = new Counter("elders", p, g);
        LocalDate first = p.firstDay();
        LocalDate last = p.lastDay();
        for (Record r : dsl.select(ELDERS.ID, ELDERS.CATEGORY, ELDERS.CARE_LEVEL, ELDERS.SUB_DISTRICT,
                        ELDERS.ENROLMENT_STATE, ELDERS.ENROLLED_ON, ELDERS.LIVING_ALONE, ELDERS.ECONOMIC_HARDSHIP,
                        ELDERS.PROXY_CALL_SIGNED_ON)
                .from(ELDERS).where(ELDERS.CREATED_AT.lt(inline(p.to()))).fetch()) {
            String care = r.get(ELDERS.CARE_LEVEL);
            String key = switch (g) {
                case CATEGORY -> or(r.get(ELDERS.CATEGORY), "unclassified");
                case CARE_LEVEL -> or(care, "not-assessed");
                case SUB_DISTRICT -> or(r.get(ELDERS.SUB_DISTRICT), "unknown");
                default -> "total";
            };
            c.add(key, "elders", 1);
            LocalDate on = r.get(ELDERS.ENROLLED_ON);
            if ("enrolled".equals(r.get(ELDERS.ENROLMENT_STATE))) {
                c.add(key, "enrolled", 1);
            }
            if (on != null && !on.isBefore(first) && !on.isAfter(last)) {
                c.add(key, "newlyEnrolled", 1);
            }
            if (Boolean.TRUE.equals(r.get(ELDERS.LIVING_ALONE))) {
                c.add(key, "livingAlone", 1);
            }
            if (Boolean.TRUE.equals(r.get(ELDERS.ECONOMIC_HARDSHIP))) {
                c.add(key, "economicHardship", 1);
            }
            c.add(key, care == null ? "careNotAssessed" : switch (care) {
                case "self-care" -> "selfCare";
                case "assisted" -> "assisted";
                case "nursing" -> "nursing";
                default -> "careNotAssessed";
            }, 1);
            if (r.get(ELDERS.PROXY_CALL_SIGNED_ON) != null) {
                c.add(key, "proxyCallAgreed", 1);
            }
            if (!heard.contains(r.get(ELDERS.ID))) {
                c.add(key, "terminalsSilent", 1);
            }
        }
        return c.report();
    }

    // ------------------------------------------------------------------ agents

    private Report agents(Period p) {
        Counter c = new Counter("agents", p, GroupBy.AGENT);
        for (Map<String, Object> a : agentFigures.apply(p.from(), p.to())) {
            String key = String.valueOf(a.get("username"));
            for (String col : COLUMNS.get("agents")) {
                Object v = a.get(col);
                c.add(key, col, v instanceof Number num ? num.longValue() : 0);
            }
        }
        return c.report();
    }

    // ------------------------------------------------------------------ counting

    private static String or(String v, String none) {
        return v == null || v.isBlank() ? none : v;
    }

    static long n(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    /**
     * Counts per key and column for the reports read row by row; {@code avg…} columns are averages of what was added
     * ({@link #avg}). Time keys are the period's buckets, all listed (an empty day is a row of zeros).
     */
    private static final class Counter {
        final String report;
        final Period p;
        final GroupBy g;
        final List<Object[]> buckets;
        final Map<String, Map<String, long[]>> rows = new LinkedHashMap<>(); // key → column → {sum, n}
        final Map<String, long[]> total = new LinkedHashMap<>();

        Counter(String report, Period p, GroupBy g) {
            this.report = report;
            this.p = p;
            this.g = g;
            this.buckets = g.time() ? buckets(p, g) : List.of();
            buckets.forEach(b -> rows.put((String) b[1], new LinkedHashMap<>()));
        }

        String timeOrTotal(long at) {
            if (!g.time()) {
                return "total";
            }
            String label = (String) buckets.get(0)[1];
            for (Object[] b : buckets) {
                if ((Long) b[0] <= at) {
                    label = (String) b[1];
                }
            }
            return label;
        }

        void add(String key, String col, long v) {
            rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(col, k -> new long[2])[0] += v;
            total.computeIfAbsent(col, k -> new long[2])[0] += v;
        }

        void avg(String key, String col, long v) {
            long[] a = rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(col, k -> new long[2]);
            a[0] += v;
            a[1]++;
            long[] t = total.computeIfAbsent(col, k -> new long[2]);
            t[0] += v;
            t[1]++;
        }

        /** An average shown to one decimal (a score): kept in tenths. */
        void avgTenths(String key, String col, long v) {
            avg(key, col, v * 10);
        }

        Map<String, Object> figures(String key, Map<String, long[]> cols) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (key != null) {
                m.put("key", key);
            }
            for (String col : COLUMNS.get(report)) {
                long[] a = cols.get(col);
                if (col.startsWith("avg")) {
                    if (a == null || a[1] == 0) {
                        m.put(col, null);
                    } else if (col.equals("avgScore")) {
                        m.put(col, Math.round(a[0] / (double) a[1]) / 10.0);
                    } else {
                        m.put(col, a[0] / a[1]);
                    }
                } else {
                    m.put(col, a == null ? 0L : a[0]);
                }
            }
            return m;
        }

        Report report() {
            List<Map<String, Object>> out = new ArrayList<>();
            Collection<String> keys = g.time() ? rows.keySet() : new java.util.TreeSet<>(rows.keySet());
            for (String k : keys) {
                out.add(figures(k, rows.get(k)));
            }
            return new Report(report, p, g, COLUMNS.get(report), out, figures(null, total));
        }
    }

    /** For tests: the labels of the period's buckets. */
    static List<String> labels(Period p, GroupBy g) {
        return Arrays.asList(buckets(p, g).stream().map(b -> (String) b[1]).toArray(String[]::new));
    }
}
