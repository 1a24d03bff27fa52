package onekey.calls;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import onekey.agents.AgentService;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.events.Shapes;
import onekey.lines.Line;
import onekey.lines.LineRepository;
import onekey.lines.Service;
import onekey.telephony.ami.AmiClient;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentRingNoAnswerEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call model: groups Asterisk channels into calls by linkedid, keeps each call's timeline, and
 * tells agents about their calls ({@code call.offered} with the elder's record, {@code call.answered},
 * {@code call.ended}).
 *
 * <p>In-memory state changes on the thread that saw the event (the AGI session or the AMI
 * dispatcher) and events go out at once, so a screen pop never waits for the database; rows are
 * written afterwards by one ordered writer, so a call's timeline stays in order.
 */
public final class CallTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallTracker.class);
    /** Fail-open calls queue at SOS priority (dialplan context onekey-inbound, label failopen). */
    public static final int FAIL_OPEN_PRIORITY = 10;

    /** Where a finished call's recording goes to be indexed: (call, file or null). */
    public interface RecordingSink {
        void callEnded(CallRecord call, String recordingFile);
    }

    private final CallRepository calls;
    private final ElderRepository elders;
    private final LineRepository lines;
    private final AgentService agents;
    private final AuditLog audit;
    private final EventHub hub;
    private final String defaultAreaCode;
    private RecordingSink recordings = (c, f) -> { };
    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    private final ExecutorService writer =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().name("call-writer").factory());

    public CallTracker(CallRepository calls, ElderRepository elders, LineRepository lines, AgentService agents,
                       AuditLog audit, EventHub hub, String defaultAreaCode) {
        this.calls = calls;
        this.elders = elders;
        this.lines = lines;
        this.agents = agents;
        this.audit = audit;
        this.hub = hub;
        this.defaultAreaCode = defaultAreaCode;
    }

    public void setRecordingSink(RecordingSink sink) {
        this.recordings = sink;
    }

    // ---- lookups used by the AGI flow --------------------------------------------------------------

    /** The elder owning this caller number; empty for unknown callers or when the lookup fails. */
    public Optional<Elder> lookupCaller(String callerNumber) {
        String n = PhoneNumbers.normalize(callerNumber, defaultAreaCode);
        if (n == null) {
            return Optional.empty();
        }
        try {
            return elders.findByPhone(n);
        } catch (RuntimeException e) {
            // degrade: the call is still queued, popped as unregistered
            log.error("caller lookup failed caller={} error={}", PhoneNumbers.mask(callerNumber), e.toString());
            return Optional.empty();
        }
    }

    /** The line (service and priority) of a dialled number; unknown numbers are general help. */
    public Line lineFor(String dnis) {
        try {
            Optional<Line> l = dnis == null ? Optional.empty() : lines.find(dnis);
            if (l.isPresent()) {
                return l.get();
            }
        } catch (RuntimeException e) {
            log.error("line lookup failed dnis={} error={}", dnis, e.toString());
        }
        return new Line(dnis == null ? "" : dnis, Service.GENERAL, 1, "unknown line");
    }

    // ---- from the AGI session ----------------------------------------------------------------------

    /** A call entered OneKey's inbound flow. Returns the stored call (id 0 if the database failed). */
    public CallRecord arrived(String linkedid, String channel, String callerNumber, String dnis, Line line,
                              Elder elder, String recordingFile, long at) {
        CallRecord rec = new CallRecord(0, linkedid, channel, callerNumber, dnis, line.service(), line.priority(),
                elder == null ? null : elder.id(), null, null, at, null, null, null, null, null, "arrived", null, null,
                false, null);
        LiveCall lc = new LiveCall(rec, elder);
        lc.recordingFile = recordingFile;
        lc.lastCalls = lastCalls(elder, linkedid);
        live.put(linkedid, lc);
        try {
            CallRecord stored = calls.insertIfAbsent(rec);
            synchronized (lc) {
                lc.record = stored;
            }
            calls.addEvent(stored.id(), at, "arrived", "line=" + line.service().wire() + " dnis=" + dnis
                    + (elder == null ? " caller=unregistered" : " elder=" + elder.id()));
        } catch (RuntimeException e) {
            log.error("call not stored yet call={} error={}", linkedid, e.toString());
        }
        log.info("call={} arrived line={} caller={} elder={}", linkedid, line.service().wire(),
                PhoneNumbers.mask(callerNumber), elder == null ? "unregistered" : elder.id());
        return lc.record;
    }

    private static final int LAST_CALLS = 5;

    /** The elder's most recent earlier calls for the screen pop; empty on error (the pop goes on). */
    private List<Map<String, Object>> lastCalls(Elder elder, String linkedid) {
        if (elder == null) {
            return List.of();
        }
        try {
            return calls.find(elder.id(), null, LAST_CALLS + 1).stream()
                    .filter(c -> !c.linkedid().equals(linkedid))
                    .limit(LAST_CALLS)
                    .map(CallTracker::wire)
                    .toList();
        } catch (RuntimeException e) {
            log.error("last calls not loaded elder={} error={}", elder.id(), e.toString());
            return List.of();
        }
    }

    /** Timeline entries from the IVR flow (each step with its own millisecond timestamp). */
    public void flowSteps(String linkedid, List<Map.Entry<Long, String>> steps) {
        LiveCall lc = live.get(linkedid);
        if (lc == null) {
            return;
        }
        write(lc, (id, r) -> calls.addEvents(id, "flow", steps));
    }

    // ---- from AMI ----------------------------------------------------------------------------------

    public void onEvent(ManagerEvent e) {
        switch (e) {
            case QueueCallerJoinEvent j -> onJoin(j);
            case AgentCalledEvent c -> onAgentCalled(c);
            case AgentConnectEvent c -> onAgentConnect(c);
            case AgentRingNoAnswerEvent r -> timeline(r.getLinkedId(), at(r), "ring-no-answer",
                    "agent=" + r.getMemberName() + " ringtime=" + r.getRingtime());
            case AgentCompleteEvent c -> timeline(c.getLinkedId(), at(c), "agent-complete",
                    "agent=" + c.getMemberName() + " reason=" + c.getReason() + " talktime=" + c.getTalkTime());
            case QueueCallerAbandonEvent a -> onAbandon(a);
            case HangupEvent h -> onHangup(h);
            default -> { }
        }
    }

    private void onJoin(QueueCallerJoinEvent j) {
        long at = at(j);
        LiveCall lc = live.get(j.getLinkedId());
        if (lc == null) {
            // no AGI session saw this call: the dialplan's fail-open path queued it
            lc = discover(j.getLinkedId(), j.getChannel(), j.getCallerIdNum(), j.getExten(), at, true, "queued while OneKey's flow was unavailable");
        }
        CallRecord r;
        synchronized (lc) {
            r = with(lc.record, b -> {
                b.queuedAt = at;
                b.outcome = "queued";
            });
            lc.record = r;
        }
        hub.broadcast("call.queued", Map.of("call", wire(r), "queue", String.valueOf(j.getQueue()),
                "position", j.getPosition() == null ? 0 : j.getPosition()));
        write(lc, (id, rec) -> {
            calls.update(rec);
            calls.addEvent(id, at, "queued", "queue=" + j.getQueue() + " position=" + j.getPosition() + " priority=" + rec.priority());
        });
    }

    private void onAgentCalled(AgentCalledEvent c) {
        long at = at(c);
        LiveCall lc = live.get(c.getLinkedId());
        if (lc == null) {
            lc = discover(c.getLinkedId(), c.getChannel(), c.getCallerIdNum(), c.getExten(), at, true, "offered before OneKey saw it");
        }
        Optional<Account> agent = agents.accountForInterface(c.getInterface());
        if (agent.isEmpty()) {
            log.warn("call={} offered to unknown member={}", c.getLinkedId(), c.getInterface());
            return;
        }
        Account a = agent.get();
        CallRecord r;
        Elder elder;
        List<Map<String, Object>> history;
        synchronized (lc) {
            lc.offeredToAccountId = a.id();
            r = with(lc.record, b -> b.outcome = "ringing");
            lc.record = r;
            elder = lc.elder;
            history = lc.lastCalls;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("call", wire(r));
        Map<String, Object> elderJson = null;
        if (elder != null) {
            elderJson = new LinkedHashMap<>(Shapes.elder(elder, LocalDate.now()));
            elderJson.put("lastCalls", history);
        }
        body.put("elder", elderJson);
        body.put("registered", elder != null);
        body.put("callerNumber", r.callerNumber());
        body.put("agent", a.username());
        body.put("amiEventAt", at);
        hub.toAccount(a.id(), "call.offered", body);
        write(lc, (id, rec) -> {
            calls.addEvent(id, at, "offered", "agent=" + a.username());
            if (elder != null) {
                // the screen pop shows the elder's profile to this agent: audited like any profile view
                audit.record(a, "elder.pop", "elder", String.valueOf(elder.id()), "call=" + id);
            }
        });
    }

    private void onAgentConnect(AgentConnectEvent c) {
        long at = at(c);
        LiveCall lc = live.get(c.getLinkedId());
        if (lc == null) {
            return;
        }
        Optional<Account> agent = agents.accountForInterface(c.getInterface());
        CallRecord r;
        synchronized (lc) {
            r = with(lc.record, b -> {
                b.answeredAt = at;
                b.outcome = "answered";
                agent.ifPresent(a -> {
                    b.agentId = a.id();
                    b.agentName = a.username();
                });
            });
            lc.record = r;
        }
        agent.ifPresent(a -> {
            hub.toAccount(a.id(), "call.answered", Map.of("call", wire(r)));
            agents.callConnected(a.id());
        });
        write(lc, (id, rec) -> {
            calls.update(rec);
            calls.addEvent(id, at, "answered", "agent=" + c.getMemberName() + " holdtime=" + c.getHoldTime());
        });
    }

    private void onAbandon(QueueCallerAbandonEvent a) {
        LiveCall lc = live.get(a.getLinkedId());
        if (lc == null) {
            return;
        }
        long at = at(a);
        synchronized (lc) {
            lc.record = with(lc.record, b -> b.outcome = "abandoned");
        }
        write(lc, (id, rec) -> calls.addEvent(id, at, "abandoned", "position=" + a.getPosition() + " holdtime=" + a.getHoldTime()));
    }

    private void onHangup(HangupEvent h) {
        String linkedid = h.getLinkedId();
        if (linkedid == null || !linkedid.equals(h.getUniqueId())) {
            // only the caller's channel (whose uniqueid is the call's linkedid) ends the call
            return;
        }
        LiveCall lc = live.remove(linkedid);
        if (lc == null) {
            return;
        }
        end(lc, at(h), "hangup", "cause=" + h.getCause() + " " + h.getCauseTxt());
    }

    private void end(LiveCall lc, long at, String type, String detail) {
        CallRecord r;
        Long agentId;
        String recFile;
        synchronized (lc) {
            r = with(lc.record, b -> {
                b.endedAt = at;
                b.waitMs = (b.answeredAt != null ? b.answeredAt : at) - b.arrivedAt;
                b.talkMs = b.answeredAt == null ? null : at - b.answeredAt;
                b.outcome = b.answeredAt != null ? "completed" : "abandoned";
            });
            lc.record = r;
            agentId = r.agentId() != null ? r.agentId() : lc.offeredToAccountId;
            recFile = lc.recordingFile;
        }
        // the row and the recording first: nothing after this may keep them from being written
        write(lc, (id, rec) -> {
            calls.update(rec);
            calls.addEvent(id, at, type, detail);
            recordings.callEnded(rec, recFile);
        });
        Map<String, Object> body = Map.of("call", wire(r));
        if (agentId != null) {
            hub.toAccount(agentId, "call.ended", body);
        }
        hub.broadcast("call.finished", body);
        if (r.agentId() != null) {
            try {
                agents.callEnded(r.agentId());
            } catch (RuntimeException e) {
                log.error("call={} agent={} state after the call not set: {}", r.linkedid(), r.agentName(), e.toString());
            }
        }
        log.info("call={} ended outcome={} waitMs={} talkMs={} agent={}", r.linkedid(), r.outcome(), r.waitMs(), r.talkMs(), r.agentName());
    }

    private void timeline(String linkedid, long at, String type, String detail) {
        LiveCall lc = linkedid == null ? null : live.get(linkedid);
        if (lc != null) {
            write(lc, (id, r) -> calls.addEvent(id, at, type, detail));
        }
    }

    /**
     * A call OneKey had not seen (fail-open, or live across a cti-server restart): look up what it
     * can and store it. The database row may already exist (restart): then it is reused.
     */
    private LiveCall discover(String linkedid, String channel, String callerNumber, String dnis, long at,
                              boolean failOpen, String why) {
        Elder elder = lookupCaller(callerNumber).orElse(null);
        Line line = lineFor(dnis);
        CallRecord rec = new CallRecord(0, linkedid, channel, callerNumber, dnis, line.service(),
                failOpen ? FAIL_OPEN_PRIORITY : line.priority(), elder == null ? null : elder.id(), null, null, at,
                null, null, null, null, null, "queued", null, null, failOpen, null);
        LiveCall lc = new LiveCall(rec, elder);
        lc.lastCalls = lastCalls(elder, linkedid);
        LiveCall prev = live.putIfAbsent(linkedid, lc);
        if (prev != null) {
            return prev;
        }
        try {
            CallRecord stored = calls.insertIfAbsent(rec);
            synchronized (lc) {
                lc.record = stored;
            }
            calls.addEvent(stored.id(), System.currentTimeMillis(), "discovered", why);
        } catch (RuntimeException e) {
            log.error("call not stored yet call={} error={}", linkedid, e.toString());
        }
        log.warn("call={} discovered ({}) caller={} elder={}", linkedid, why, PhoneNumbers.mask(callerNumber),
                elder == null ? "unregistered" : elder.id());
        return lc;
    }

    /**
     * After an AMI (re)connect: learn live calls from Asterisk (calls queued while OneKey was down)
     * and close calls OneKey believed live that Asterisk no longer has.
     */
    public void resync(AmiClient ami) {
        Set<String> liveInAsterisk = new HashSet<>();
        int learned = 0;
        for (ResponseEvent e : ami.sendForEvents(new CoreShowChannelsAction())) {
            if (!(e instanceof CoreShowChannelEvent ch) || ch.getLinkedid() == null) {
                continue;
            }
            liveInAsterisk.add(ch.getLinkedid());
            boolean callerLeg = ch.getLinkedid().equals(ch.getUniqueid());
            boolean inbound = ch.getContext() != null && ch.getContext().startsWith("onekey-inbound");
            if (callerLeg && inbound && !live.containsKey(ch.getLinkedid())) {
                long started = System.currentTimeMillis() - parseDuration(ch.getDuration());
                LiveCall lc = discover(ch.getLinkedid(), ch.getChannel(), ch.getCallerIdNum(), ch.getExten(), started,
                        true, "live in Asterisk when OneKey connected (app=" + ch.getApplication() + ")");
                if ("Queue".equalsIgnoreCase(ch.getApplication())) {
                    synchronized (lc) {
                        lc.record = with(lc.record, b -> {
                            b.queuedAt = b.queuedAt == null ? started : b.queuedAt;
                        });
                    }
                    write(lc, (id, rec) -> calls.update(rec));
                }
                learned++;
            }
        }
        for (String linkedid : List.copyOf(live.keySet())) {
            if (!liveInAsterisk.contains(linkedid)) {
                LiveCall lc = live.remove(linkedid);
                if (lc != null) {
                    end(lc, System.currentTimeMillis(), "lost", "call no longer in Asterisk after reconnect");
                }
            }
        }
        int closed = 0;
        try {
            for (CallRecord r : calls.unfinished()) {
                if (!liveInAsterisk.contains(r.linkedid()) && !live.containsKey(r.linkedid())) {
                    CallRecord ended = with(r, b -> {
                        b.endedAt = System.currentTimeMillis();
                        b.outcome = "unobserved-end";
                    });
                    calls.update(ended);
                    calls.addEvent(r.id(), ended.endedAt(), "unobserved-end", "ended while OneKey was not connected");
                    closed++;
                }
            }
        } catch (RuntimeException e) {
            log.error("cannot reconcile stored calls: {}", e.toString());
        }
        log.info("calls resynced from Asterisk live={} learned={} closedUnobserved={}", live.size(), learned, closed);
    }

    private static long parseDuration(String hhmmss) {
        try {
            String[] p = hhmmss.split(":");
            return ((Long.parseLong(p[0]) * 60 + Long.parseLong(p[1])) * 60 + Long.parseLong(p[2])) * 1000;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public int liveCount() {
        return live.size();
    }

    public long queuedCount() {
        return live.values().stream().filter(l -> {
            synchronized (l) {
                return l.record.queuedAt() != null && l.record.answeredAt() == null;
            }
        }).count();
    }

    /** Writes in call order on the writer; inserts the row first if the database was down at arrival. */
    private void write(LiveCall lc, BiConsumer<Long, CallRecord> action) {
        writer.execute(() -> {
            CallRecord r;
            synchronized (lc) {
                r = lc.record;
            }
            try {
                if (r.id() == 0) {
                    CallRecord stored = calls.insertIfAbsent(r);
                    synchronized (lc) {
                        lc.record = with(lc.record, b -> b.id = stored.id());
                        r = lc.record;
                    }
                }
                action.accept(r.id(), r);
            } catch (RuntimeException e) {
                log.error("call={} not written: {}", r.linkedid(), e.toString());
            }
        });
    }

    private static long at(ManagerEvent e) {
        Double ts = e.getTimestamp();
        return ts != null ? Math.round(ts * 1000) : System.currentTimeMillis();
    }

    public static Map<String, Object> wire(CallRecord r) {
        return Shapes.call(r);
    }

    // ---- small builder to change a record's fields -------------------------------------------------

    static final class B {
        long id;
        Long elderId;
        Long agentId;
        String agentName;
        long arrivedAt;
        Long queuedAt;
        Long answeredAt;
        Long endedAt;
        Long waitMs;
        Long talkMs;
        String outcome;
        final CallRecord r;

        B(CallRecord r) {
            this.r = r;
            id = r.id();
            elderId = r.elderId();
            agentId = r.agentId();
            agentName = r.agentName();
            arrivedAt = r.arrivedAt();
            queuedAt = r.queuedAt();
            answeredAt = r.answeredAt();
            endedAt = r.endedAt();
            waitMs = r.waitMs();
            talkMs = r.talkMs();
            outcome = r.outcome();
        }

        CallRecord build() {
            return new CallRecord(id, r.linkedid(), r.callerChannel(), r.callerNumber(), r.dnis(), r.line(), r.priority(),
                    elderId, agentId, agentName, arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome,
                    r.disposition(), r.notes(), r.failOpen(), r.recordingId());
        }
    }

    static CallRecord with(CallRecord r, java.util.function.Consumer<B> change) {
        B b = new B(r);
        change.accept(b);
        return b.build();
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and health: linkedids OneKey follows now. */
    public List<String> liveLinkedids() {
        return new ArrayList<>(live.keySet());
    }
}
