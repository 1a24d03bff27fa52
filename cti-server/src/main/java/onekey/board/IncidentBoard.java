package onekey.board;

import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.rescue.Incident;
import onekey.rescue.RescueService;

/**
 * The supervisors' board of open incidents (issue 19 item 2): for each open no-response incident its elder, reason,
 * stage (redial n of N, contacts, A task, B task, waiting for responders), age, the seats on tasks A and B, and the
 * next planned step with when. Read from the rescue's own rows; the rules stay in {@link RescueService}.
 */
public final class IncidentBoard {

    /** Where an incident stands (service rules, "No response": redial twice, then seats A and B). */
    public record Stage(String code, int n, int of) {
        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", code);
            m.put("n", n);
            m.put("of", of);
            return m;
        }
    }

    private final RescueService rescue;
    private final ElderRepository elders;
    private final AccountRepository accounts;
    private final int redials;
    private final Clock clock;

    /** {@code redials}: the rescue's configured redials ({@code rescue.redials}), the N of "redial n of N". */
    public IncidentBoard(RescueService rescue, ElderRepository elders, AccountRepository accounts, int redials, Clock clock) {
        this.rescue = rescue;
        this.elders = elders;
        this.accounts = accounts;
        this.redials = redials;
        this.clock = clock;
    }

    /**
     * The stage: while redialling, the redial under way or last made (n of N); once escalating, "contacts" while seat
     * A's calls to the contacts go on, then "task-a" / "task-b" while that seat's task waits to be taken, else
     * "waiting-responders" (every task taken or done); "closed" for a closed incident.
     */
    public static Stage stage(Incident inc, int redials) {
        if (!inc.open()) {
            return new Stage("closed", 0, 0);
        }
        List<Incident.Step> steps = inc.steps();
        if ("redialling".equals(inc.state())) {
            long made = steps.stream().filter(s -> s.kind().equals("redial") && !s.state().equals("planned")).count();
            return new Stage("redial", (int) Math.max(1, made), redials);
        }
        if (steps.stream().anyMatch(s -> s.kind().equals("contact") && (s.state().equals("planned") || s.state().equals("dialing")))) {
            return new Stage("contacts", 0, 0);
        }
        for (String task : List.of("task-a", "task-b")) {
            if (steps.stream().anyMatch(s -> s.kind().equals(task) && s.state().equals("open"))) {
                return new Stage(task, 0, 0);
            }
        }
        return new Stage("waiting-responders", 0, 0);
    }

    /** The open incidents, oldest first (the longest waiting on top). */
    public List<Map<String, Object>> open() {
        long now = clock.millis();
        return rescue.find(null, "open", 500).stream().filter(Incident::open)
                .sorted(Comparator.comparingLong(Incident::openedAt)).map(i -> row(i, now)).toList();
    }

    private Map<String, Object> row(Incident inc, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incidentId", inc.id());
        m.put("elderId", inc.elderId());
        m.put("elder", inc.elderId() == null ? null : elders.get(inc.elderId()).map(Elder::name).orElse(null));
        m.put("callerNumber", PhoneNumbers.mask(inc.callerNumber()));
        m.put("callId", inc.callId());
        m.put("reason", inc.reason());
        m.put("state", inc.state());
        m.put("stage", stage(inc, redials).shape());
        m.put("openedAt", inc.openedAt());
        m.put("ageMs", Math.max(0, now - inc.openedAt()));
        m.put("seatA", seat(inc, "task-a"));
        m.put("seatB", seat(inc, "task-b"));
        Optional<Incident.Step> next = inc.steps().stream()
                .filter(s -> s.state().equals("planned") && s.dueAt() < Long.MAX_VALUE / 4)
                .min(Comparator.comparingLong(Incident.Step::dueAt));
        m.put("next", next.map(s -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seq", s.seq());
            x.put("kind", s.kind());
            x.put("target", PhoneNumbers.mask(s.target()));
            x.put("dueAt", s.dueAt());
            return x;
        }).orElse(null));
        return m;
    }

    /** The latest task of a kind: its seq, seat (agent id, username, name) and state; null when there is none. */
    private Map<String, Object> seat(Incident inc, String kind) {
        Incident.Step t = null;
        for (Incident.Step s : inc.steps()) {
            if (s.kind().equals(kind)) {
                t = s;
            }
        }
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", t.seq());
        m.put("state", t.state());
        m.put("task", t.detail() == null ? null : t.detail().split(":", 2)[0]);
        Long agentId = null;
        if (t.target() != null && t.target().startsWith("agent:")) {
            try {
                agentId = Long.parseLong(t.target().substring(6));
            } catch (NumberFormatException ignored) {
                // not an agent's
            }
        }
        m.put("agentId", agentId);
        Optional<Account> a = agentId == null ? Optional.empty() : accounts.get(agentId);
        m.put("username", a.map(Account::username).orElse(null));
        m.put("displayName", a.map(Account::displayName).orElse(null));
        return m;
    }
}
