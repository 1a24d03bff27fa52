package onekey.rescue;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.auth.Account;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No-response rescue, first part (issue 8): when an agent confirms that an elder on an SOS call does not
 * respond, OneKey redials the elder {@code redials} times, {@code redialIntervalSeconds} apart, each ringing
 * {@code ringSeconds}. Asterisk listens on an answered redial ({@code [onekey-out-answered]}, WaitForNoise):
 * speech puts the elder into the queue at SOS priority (an agent gets the pop) and resolves the incident;
 * silence, no answer, busy or a failure count as no response. After the last redial without a response the
 * incident is escalating: supervisors and the incident's agent get {@code incident.escalated}.
 *
 * <p>Durable and idempotent: every planned call is a row written before it is dialled (planned → dialing →
 * done, each a conditional UPDATE), so after a restart or a kill -9 the incident continues where it was; a
 * step that was being dialled when the server died is not dialled again (its result is "unknown" unless
 * Asterisk still has its channel). At most one open incident per elder. Everything runs on one thread.
 */
public final class RescueService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RescueService.class);
    static final String ACTION_PREFIX = "okstep-";

    /** The rule's numbers (config {@code rescue.*}). */
    public record Settings(int redials, int redialIntervalSeconds, int ringSeconds, int listenSeconds, int speechMillis) {}

    private final IncidentRepository repo;
    private final ElderRepository elders;
    private final Pbx pbx;
    private final EventHub hub;
    private final Clock clock;
    private final Settings settings;
    private final ScheduledExecutorService worker;
    /** uniqueid of an answered rescue channel → step id (to notice a hang-up before a result). */
    private final Map<String, Long> answered = new ConcurrentHashMap<>();
    /** step id → attempts to hand the call to Asterisk that failed (AMI away). */
    private final Map<Long, Integer> refusals = new ConcurrentHashMap<>();
    private volatile boolean pbxReady;

    public RescueService(IncidentRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                         Settings settings) {
        this.repo = repo;
        this.elders = elders;
        this.pbx = pbx;
        this.hub = hub;
        this.clock = clock;
        this.settings = settings;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rescue");
            t.setDaemon(true);
            return t;
        });
        worker.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** The result of asking for an incident: the incident and whether it was opened now or was open already. */
    public record Opened(Incident incident, boolean created) {}

    /**
     * "No response" confirmed for an elder (by an agent, or by OneKey itself for an SOS call that was abandoned):
     * opens the incident and plans redial 1 now, or returns the elder's open incident.
     */
    public Opened noResponse(long elderId, Long callId, Account by, String reason) {
        Elder elder = elders.get(elderId).orElseThrow(() -> new IllegalArgumentException("no such elder: " + elderId));
        if (elder.phones() == null || elder.phones().isEmpty()) {
            throw new IllegalArgumentException("elder " + elderId + " has no phone number to redial");
        }
        long now = clock.millis();
        Optional<Long> id = repo.open(elderId, callId, by == null ? null : by.id(), by == null ? "system" : by.username(),
                reason, now);
        if (id.isEmpty()) {
            return new Opened(repo.openFor(elderId).orElseThrow(), false);
        }
        repo.plan(id.get(), 1, "redial", elder.phones().get(0), now);
        Incident inc = repo.get(id.get()).orElseThrow();
        log.info("rescue.opened incident={} elder={} call={} by={} reason={}", inc.id(), elderId, callId,
                inc.openedBy(), reason);
        publish("incident.opened", inc);
        worker.execute(this::tick);
        return new Opened(inc, true);
    }

    public Optional<Incident> get(long id) {
        return repo.get(id);
    }

    public List<Incident> find(Long elderId, String state, int limit) {
        return repo.find(elderId, state, limit);
    }

    /** From the AMI dispatcher: handed to the rescue thread at once. */
    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.OriginateResult o when o.actionId() != null && o.actionId().startsWith(ACTION_PREFIX) ->
                    worker.execute(() -> originated(o));
            case PbxEvent.OutResult o when o.step() != null -> worker.execute(() -> heard(o));
            case PbxEvent.ChannelHungUp h when answered.containsKey(h.uniqueid()) -> worker.execute(() -> hungUp(h));
            default -> { }
        }
    }

    /**
     * AMI (re)connected: steps left "dialing" by an earlier run whose channel Asterisk no longer has are
     * finished as "unknown" (never dialled again), then planned steps may be dialled.
     */
    public void pbxConnected() {
        worker.execute(() -> {
            try {
                List<Incident.Step> dialing = repo.inState("dialing");
                if (!dialing.isEmpty()) {
                    Map<String, String> live = new LinkedHashMap<>();
                    for (LiveChannel c : pbx.liveChannels(List.of("ONEKEY_STEP"))) {
                        String step = c.variables().get("ONEKEY_STEP");
                        if (step != null) {
                            live.put(step, c.uniqueid());
                        }
                    }
                    for (Incident.Step s : dialing) {
                        String uniqueid = live.get(Long.toString(s.id()));
                        if (uniqueid != null) {
                            answered.put(uniqueid, s.id());
                        } else if (!refusals.containsKey(s.id())) {
                            finish(s, "unknown", "the server restarted while this call was being placed; not dialled again");
                        }
                    }
                }
                pbxReady = true;
            } catch (RuntimeException ex) {
                log.warn("rescue.resync-failed error={}", ex.toString());
            }
        });
    }

    public void pbxDisconnected() {
        pbxReady = false;
    }

    private void tick() {
        try {
            long now = clock.millis();
            long stale = (settings.ringSeconds() + settings.listenSeconds() + 30) * 1000L;
            for (Incident.Step s : repo.inState("dialing")) {
                if (s.startedAt() != null && now - s.startedAt() > stale && !answered.containsValue(s.id())) {
                    finish(s, "unknown", "no outcome from Asterisk within " + stale / 1000 + " s");
                }
            }
            if (!pbxReady) {
                return;
            }
            for (Incident.Step s : repo.due(now, 20)) {
                if (repo.startDialing(s.id(), now)) {
                    dial(s);
                }
            }
        } catch (RuntimeException e) {
            log.warn("rescue.tick-failed error={}", e.toString());
        }
    }

    private void dial(Incident.Step s) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ONEKEY_STEP", Long.toString(s.id()));
        vars.put("ONEKEY_LISTEN", Integer.toString(settings.listenSeconds()));
        vars.put("ONEKEY_SPEECH_MS", Integer.toString(settings.speechMillis()));
        vars.put("ONEKEY_ELDER_NUMBER", s.target());
        try {
            pbx.originate("PJSIP/" + s.target() + "@trunk", "onekey-out-answered", settings.ringSeconds() * 1000L, null, vars,
                    ACTION_PREFIX + s.id());
            log.info("rescue.dial incident={} step={} seq={} kind={} number={}", s.incidentId(), s.id(), s.seq(), s.kind(),
                    PhoneNumbers.mask(s.target()));
            publishStep("incident.step", s.id());
        } catch (Pbx.PbxException e) {
            int n = refusals.merge(s.id(), 1, Integer::sum);
            log.warn("rescue.dial-refused incident={} step={} attempt={} error={}", s.incidentId(), s.id(), n, e.getMessage());
            if (n >= 3) {
                finish(s, "failed", "Asterisk refused the call: " + e.getMessage());
            } else if (!repo.replan(s.id(), clock.millis() + 2000)) {
                finish(s, "failed", e.getMessage());
            }
        }
    }

    private void originated(PbxEvent.OriginateResult o) {
        long stepId = Long.parseLong(o.actionId().substring(ACTION_PREFIX.length()));
        Incident.Step s = repo.step(stepId).orElse(null);
        if (s == null || s.state().equals("done")) {
            return;
        }
        if (o.success()) {
            if (o.linkedid() != null) {
                answered.put(o.linkedid(), stepId);
            }
            log.info("rescue.answered incident={} step={}", s.incidentId(), stepId);
            return;
        }
        String result = switch (o.reason()) {
            case 3, 1 -> "no-answer";
            case 5 -> "busy";
            default -> "failed";
        };
        finish(s, result, "originate reason " + o.reason());
    }

    private void heard(PbxEvent.OutResult o) {
        long stepId;
        try {
            stepId = Long.parseLong(o.step().trim());
        } catch (NumberFormatException e) {
            return;
        }
        repo.step(stepId).ifPresent(s -> finish(s, "spoke".equals(o.result()) ? "spoke" : "silent",
                "spoke".equals(o.result()) ? "the elder spoke: put through to an agent at SOS priority" : "answered, no speech"));
    }

    private void hungUp(PbxEvent.ChannelHungUp h) {
        Long stepId = answered.remove(h.uniqueid());
        if (stepId != null) {
            repo.step(stepId).ifPresent(s -> finish(s, "hung-up", "answered, hung up before speaking"));
        }
    }

    /** Ends a step (once) and moves its incident on. */
    private void finish(Incident.Step s, String result, String detail) {
        long now = clock.millis();
        if (!repo.finish(s.id(), result, detail, now)) {
            return;
        }
        refusals.remove(s.id());
        answered.values().remove(s.id());
        log.info("rescue.step-done incident={} step={} seq={} kind={} result={}", s.incidentId(), s.id(), s.seq(), s.kind(),
                result);
        publishStep("incident.step", s.id());
        Incident inc = repo.get(s.incidentId()).orElse(null);
        if (inc == null || !inc.open()) {
            return;
        }
        if ("spoke".equals(result)) {
            repo.cancelPlanned(inc.id(), now);
            repo.close(inc.id(), "resolved", "the elder answered redial " + s.seq() + " and spoke; put through to an agent",
                    now);
            publish("incident.resolved", repo.get(inc.id()).orElse(inc));
            return;
        }
        long redialsDone = inc.steps().stream().filter(x -> x.kind().equals("redial") && x.state().equals("done")).count();
        if (s.kind().equals("redial") && redialsDone < settings.redials()) {
            Elder elder = elders.get(inc.elderId()).orElse(null);
            List<String> phones = elder == null || elder.phones().isEmpty() ? List.of(s.target()) : elder.phones();
            String next = phones.get((int) (redialsDone % phones.size()));
            repo.plan(inc.id(), s.seq() + 1, "redial", next, now + settings.redialIntervalSeconds() * 1000L);
            publish("incident.updated", repo.get(inc.id()).orElse(inc));
        } else if (s.kind().equals("redial")) {
            repo.setState(inc.id(), "escalating");
            Incident esc = repo.get(inc.id()).orElse(inc);
            log.warn("rescue.escalating incident={} elder={} redials={}", inc.id(), inc.elderId(), redialsDone);
            publish("incident.escalated", esc);
        }
    }

    private void publishStep(String type, long stepId) {
        repo.step(stepId).flatMap(st -> repo.get(st.incidentId())).ifPresent(inc -> publish(type, inc));
    }

    private void publish(String type, Incident inc) {
        Map<String, Object> body = Map.of("incident", shape(inc));
        if (inc.agentId() != null) {
            hub.toAccount(inc.agentId(), type, body);
        } else {
            hub.broadcast(type, body);
        }
    }

    /** The wire shape of an incident (docs/api.md). */
    public static Map<String, Object> shape(Incident inc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", inc.id());
        m.put("elderId", inc.elderId());
        m.put("callId", inc.callId());
        m.put("agentId", inc.agentId());
        m.put("openedAt", inc.openedAt());
        m.put("openedBy", inc.openedBy());
        m.put("reason", inc.reason());
        m.put("state", inc.state());
        m.put("closedAt", inc.closedAt());
        m.put("outcome", inc.outcome());
        m.put("steps", inc.steps().stream().map(s -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seq", s.seq());
            x.put("kind", s.kind());
            x.put("target", PhoneNumbers.mask(s.target()));
            x.put("dueAt", s.dueAt());
            x.put("state", s.state());
            x.put("startedAt", s.startedAt());
            x.put("endedAt", s.endedAt());
            x.put("result", s.result());
            x.put("detail", s.detail());
            return x;
        }).toList());
        return m;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
