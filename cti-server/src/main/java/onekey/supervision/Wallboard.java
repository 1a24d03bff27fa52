package onekey.supervision;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.calls.CallTracker;
import onekey.elders.PhoneNumbers;
import onekey.lines.Service;

/**
 * The supervisor's wallboard ({@code GET /api/wallboard}): every agent's state and time in state, each line's
 * waiting calls and longest wait (SOS first), the live calls, and today's figures computed from the stored call
 * rows, whose times are the call timelines' (arrived, answered, ended): offered, answered within 15 / 60 / 180 s,
 * abandoned, average handle time (answered → ended, hold included; wrap-up is per agent and not in it), and the
 * answer time of every call answered today for the chart. Nothing is cached: each request reads today's rows.
 */
public final class Wallboard {

    /** Answered within these waits (service level thresholds of the district centre). */
    public static final List<Integer> THRESHOLDS_S = List.of(15, 60, 180);
    /** At most this many of today's calls are read (a district centre has thousands a day). */
    static final int MAX_CALLS_A_DAY = 50_000;

    private final CallRepository calls;
    private final Supplier<List<CallTracker.LiveView>> live;
    private final Supplier<List<AgentStatus>> agents;
    private final Supplier<List<Account>> accounts;
    private final Clock clock;
    private final ZoneId zone;

    public Wallboard(CallRepository calls, Supplier<List<CallTracker.LiveView>> live, Supplier<List<AgentStatus>> agents,
                     Supplier<List<Account>> accounts, Clock clock, ZoneId zone) {
        this.calls = calls;
        this.live = live;
        this.agents = agents;
        this.accounts = accounts;
        this.clock = clock;
        this.zone = zone;
    }

    public Map<String, Object> now() {
        long now = clock.millis();
        LocalDate day = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
        long dayStart = day.atStartOfDay(zone).toInstant().toEpochMilli();
        // the calls that came in: a seat's own calls (issue 18 item 7) are not offered, answered or abandoned calls
        List<CallRecord> today = calls.findInbound(null, null, dayStart, MAX_CALLS_A_DAY);
        return compute(now, day, dayStart, today, live.get(), agents.get(), accounts.get());
    }

    /** Pure: the wallboard from these rows and live states at {@code now}. */
    static Map<String, Object> compute(long now, LocalDate day, long dayStart, List<CallRecord> today,
                                       List<CallTracker.LiveView> liveCalls, List<AgentStatus> agentStates,
                                       List<Account> accountList) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", now);
        out.put("day", day.toString());
        out.put("dayStart", dayStart);
        out.put("agents", agents(now, agentStates, accountList));
        out.put("queues", queues(now, liveCalls));
        out.put("liveCalls", live(now, liveCalls));
        out.put("today", today(today));
        out.put("answerTimes", answerTimes(today));
        return out;
    }

    private static List<Map<String, Object>> agents(long now, List<AgentStatus> states, List<Account> accountList) {
        Map<Long, Account> byId = new HashMap<>();
        accountList.forEach(a -> byId.put(a.id(), a));
        List<Map<String, Object>> out = new ArrayList<>();
        states.stream().filter(s -> s.state() != AgentState.LOGGED_OUT)
                .sorted(Comparator.comparing(AgentStatus::username)).forEach(s -> {
                    Account a = byId.get(s.accountId());
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("accountId", s.accountId());
                    m.put("username", s.username());
                    m.put("displayName", a == null ? s.username() : a.displayName());
                    m.put("extension", s.extension());
                    m.put("state", s.state().wire());
                    m.put("reason", s.reason());
                    m.put("since", s.since());
                    m.put("inStateMs", Math.max(0, now - s.since()));
                    out.add(m);
                });
        return out;
    }

    private static boolean waiting(CallRecord r) {
        return r.queuedAt() != null && r.answeredAt() == null && r.endedAt() == null;
    }

    /** SOS, or a call of unknown line (fail-open) that waits at SOS priority: counted and listed with SOS. */
    private static boolean sos(CallRecord r) {
        return r.line() == null || r.line() == Service.SOS || r.priority() >= CallTracker.FAIL_OPEN_PRIORITY;
    }

    /** One entry per line, SOS first (then by the line's order of urgency), waiting or not. */
    private static List<Map<String, Object>> queues(long now, List<CallTracker.LiveView> liveCalls) {
        Map<Service, long[]> by = new EnumMap<>(Service.class); // waiting, oldest queuedAt
        for (Service s : Service.values()) {
            by.put(s, new long[] {0, Long.MAX_VALUE});
        }
        for (CallTracker.LiveView v : liveCalls) {
            CallRecord r = v.record();
            if (!waiting(r)) {
                continue;
            }
            Service line = sos(r) ? Service.SOS : r.line();
            long[] q = by.get(line);
            q[0]++;
            q[1] = Math.min(q[1], r.arrivedAt());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        by.forEach((s, q) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", s.wire());
            m.put("waiting", q[0]);
            m.put("longestWaitMs", q[0] == 0 ? 0 : Math.max(0, now - q[1]));
            out.add(m);
        });
        return out;
    }

    private static List<Map<String, Object>> live(long now, List<CallTracker.LiveView> liveCalls) {
        List<Map<String, Object>> out = new ArrayList<>();
        liveCalls.stream().filter(v -> v.record().endedAt() == null)
                .sorted(Comparator.comparing((CallTracker.LiveView v) -> !sos(v.record()))
                        .thenComparing(v -> v.record().arrivedAt()))
                .forEach(v -> {
                    CallRecord r = v.record();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", r.id());
                    m.put("line", r.line() == null ? null : r.line().wire());
                    m.put("elderId", r.elderId());
                    m.put("elder", v.elderName());
                    m.put("callerNumber", r.callerNumber() == null ? null : PhoneNumbers.mask(r.callerNumber()));
                    m.put("agent", r.agentName());
                    m.put("state", r.answeredAt() != null ? "talking" : r.outcome() == onekey.calls.CallOutcome.RINGING ? "ringing"
                            : r.queuedAt() != null ? "waiting" : "arriving");
                    m.put("arrivedAt", r.arrivedAt());
                    m.put("answeredAt", r.answeredAt());
                    m.put("durationMs", Math.max(0, now - r.arrivedAt()));
                    m.put("talkMs", r.answeredAt() == null ? null : Math.max(0, now - r.answeredAt()));
                    out.add(m);
                });
        return out;
    }

    private static Map<String, Object> today(List<CallRecord> today) {
        long offered = today.size();
        long answered = 0;
        long abandoned = 0;
        long[] within = new long[THRESHOLDS_S.size()];
        long handleSum = 0;
        long handled = 0;
        long waitSum = 0;
        long longest = 0;
        for (CallRecord r : today) {
            if (r.answeredAt() != null) {
                answered++;
                long wait = Math.max(0, r.answeredAt() - r.arrivedAt());
                waitSum += wait;
                longest = Math.max(longest, wait);
                for (int i = 0; i < within.length; i++) {
                    if (wait <= THRESHOLDS_S.get(i) * 1000L) {
                        within[i]++;
                    }
                }
                if (r.endedAt() != null) {
                    handleSum += Math.max(0, r.endedAt() - r.answeredAt());
                    handled++;
                }
            } else if (r.endedAt() != null) {
                abandoned++; // ended before any agent answered (the caller hung up, or it overflowed)
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offered", offered);
        m.put("answered", answered);
        for (int i = 0; i < within.length; i++) {
            m.put("answeredWithin" + THRESHOLDS_S.get(i) + "s", within[i]);
        }
        m.put("abandoned", abandoned);
        m.put("averageHandleMs", handled == 0 ? null : handleSum / handled);
        m.put("averageAnswerMs", answered == 0 ? null : waitSum / answered);
        m.put("longestAnswerMs", answered == 0 ? null : longest);
        return m;
    }

    /** Every call answered today, oldest first: when it arrived and how long it waited (the chart's points). */
    private static List<Map<String, Object>> answerTimes(List<CallRecord> today) {
        List<Map<String, Object>> out = new ArrayList<>();
        today.stream().filter(r -> r.answeredAt() != null).sorted(Comparator.comparingLong(CallRecord::arrivedAt))
                .forEach(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("at", r.arrivedAt());
                    m.put("waitMs", Math.max(0, r.answeredAt() - r.arrivedAt()));
                    m.put("line", r.line() == null ? null : r.line().wire());
                    out.add(m);
                });
        return out;
    }
}
