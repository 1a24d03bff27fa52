package onekey.calls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import onekey.agents.AgentService;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.Elder;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.LineCache;
import onekey.lines.Service;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call model: groups the PBX's channels into calls by linkedid, keeps each call's timeline, and
 * tells agents about their calls ({@code call.offered} with the elder's record, {@code call.answered},
 * {@code call.ended}) and supervisors about trouble ({@code queue.alert}).
 *
 * <p>State changes on the thread that saw the event (the AGI session or the PBX event dispatcher) and
 * never waits on the database: the caller's record is looked up off that thread with a deadline
 * ({@link CallerLookup}), and everything owed to the database goes into the {@link CallJournal}, which
 * writes it in order and keeps it through a database outage or a crash. What agents are told about a
 * call goes out in order, once the lookup is done and the row stored (or their deadline passed).
 */
public final class CallTracker {

    private static final Logger log = LoggerFactory.getLogger(CallTracker.class);
    /** Calls the dialplan queued without knowing their line queue at SOS priority ([onekey-inbound] failopen). */
    public static final int FAIL_OPEN_PRIORITY = 10;
    /** The longest a screen pop waits for the call's row to be stored (its id goes into the pop). */
    static final long STORE_WAIT_MS = 300;
    /** Channel variables the dialplan sets that tell a restarted OneKey what it missed. */
    static final List<String> CALLER_VARIABLES =
            List.of("ONEKEY_DNIS", "ONEKEY_RECFILE", "ONEKEY_ARRIVED", "ONEKEY_FAILOPEN", "ONEKEY_DIRECT", "QUEUE_PRIO");

    /** Where a finished call's recording goes to be indexed: (call, file or null). */
    public interface RecordingSink {
        void callEnded(CallRecord call, String recordingFile);
    }

    private final CallRepository calls;
    private final CallerLookup lookup;
    private final LineCache lines;
    private final AgentService agents;
    private final AuditLog audit;
    private final CallNotifier notifier;
    private final CallJournal journal;
    private RecordingSink recordings = (c, f) -> { };
    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    /** Calls that ended lately: a late AGI session or event never brings one back to life. */
    private final Map<String, Boolean> ended = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    /** linkedid → stored id, for journal writes after the live call is gone (bounded, oldest dropped). */
    private final Map<String, Long> storedIds = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    });

    public CallTracker(CallRepository calls, CallerLookup lookup, LineCache lines, AgentService agents, AuditLog audit,
                       EventHub hub, CallJournal journal) {
        this.calls = calls;
        this.lookup = lookup;
        this.lines = lines;
        this.agents = agents;
        this.audit = audit;
        this.notifier = new CallNotifier(hub);
        this.journal = journal;
    }

    public void setRecordingSink(RecordingSink sink) {
        this.recordings = sink;
    }

    // ---- from the AGI session (lines that run OneKey's flow) ---------------------------------------

    /** The line of a dialled number, from memory. */
    /** The DNIS the dialplan gives an elder put through from a rescue redial (issue 8). */
    static final String RESCUE_DNIS = "rescue";
    static final Line RESCUE_LINE = new Line(RESCUE_DNIS, onekey.lines.Service.SOS, 10,
            "rescue: the elder answered a redial and spoke");

    public Line lineFor(String dnis) {
        return lines.lineFor(dnis);
    }

    /**
     * A call entered OneKey's inbound flow: registers it and looks the caller up (bounded by the lookup
     * deadline). The result tells the flow whom it greets.
     */
    public CallerLookup.Result flowArrived(String linkedid, String channel, String callerNumber, String dnis,
                                           String recordingFile, long arrivedAt) {
        if (ended.containsKey(linkedid)) {
            // an AGI session that waited while OneKey was frozen: the call went on without it and ended
            throw new IllegalStateException("call " + linkedid + " has ended already");
        }
        Line line = lines.lineFor(dnis);
        LiveCall lc = follow(linkedid, channel, callerNumber, dnis, line, line.priority(), false, "flow", recordingFile,
                arrivedAt, null, "arrived", "line=" + line.service().wire() + " dnis=" + dnis + " path=flow");
        lc.ready.join(); // bounded: lookup deadline and store wait
        synchronized (lc) {
            return new CallerLookup.Result(lc.elder, lc.lastCalls, lc.recordUnavailable);
        }
    }

    /** Timeline entries from the IVR flow (each step with its own millisecond timestamp). */
    public void flowSteps(String linkedid, List<Map.Entry<Long, String>> steps) {
        LiveCall lc = live.get(linkedid);
        if (lc == null || steps.isEmpty()) {
            return;
        }
        synchronized (lc) {
            journal.append(new JournalOp.Events(linkedid,
                    steps.stream().map(s -> new JournalOp.Ev(s.getKey(), "flow", s.getValue())).toList()));
        }
    }

    // ---- from the PBX ------------------------------------------------------------------------------

    public void onEvent(PbxEvent e) {
        if (e == null || e.linkedid() == null) {
            return;
        }
        switch (e) {
            case PbxEvent.QueueEntry q -> onQueueEntry(q);
            case PbxEvent.CallerQueued j -> onQueued(j);
            case PbxEvent.MemberRinging c -> onRinging(c);
            case PbxEvent.MemberConnected c -> onConnected(c);
            case PbxEvent.MemberNoAnswer r -> timeline(r.linkedid(), r.at(), "ring-no-answer",
                    "agent=" + r.memberName() + " ringtime=" + r.ringMs());
            case PbxEvent.MemberComplete c -> timeline(c.linkedid(), c.at(), "agent-complete",
                    "agent=" + c.memberName() + " reason=" + c.reason() + " talktime=" + c.talkSeconds());
            case PbxEvent.CallerAbandoned a -> onAbandon(a);
            case PbxEvent.ChannelHungUp h -> {
                if (h.callerLeg()) {
                    onHangup(h);
                }
            }
            case PbxEvent.Overflow o -> onOverflow(o);
            case PbxEvent.OverflowEnded o -> onOverflowEnded(o);
            // rescue calls are followed by RescueService; once one reaches the queue it is a call like any other
            case PbxEvent.OriginateResult o -> { }
            case PbxEvent.OutResult o -> { }
            case PbxEvent.BroadcastResult b -> { } // followed by the broadcast service
            case PbxEvent.Talking t -> { } // followed by rescue's SilenceWatch
            case PbxEvent.ChannelCreated c -> { } // counted by the TrunkLoad; a call is learned from the queue
            case PbxEvent.ConferenceJoined c -> { } // followed by the ConferenceWatch
            case PbxEvent.ConferenceLeft c -> { }
            case PbxEvent.Transferred t -> onTransferred(t);
        }
    }

    /** The dialplan is queueing the call: learn it if OneKey's flow did not see it (direct SOS, fail-open). */
    private void onQueueEntry(PbxEvent.QueueEntry q) {
        boolean failOpen = "failopen".equals(q.path());
        // an elder who answered a rescue redial and spoke ([onekey-out-answered]): an SOS call again
        Line line = RESCUE_DNIS.equals(q.dnis()) ? RESCUE_LINE : lines.lineFor(q.dnis());
        int priority = "unknown".equals(q.service()) ? FAIL_OPEN_PRIORITY : line.priority();
        LiveCall lc = live.get(q.linkedid());
        if (lc == null) {
            String why = switch (q.path() == null ? "" : q.path()) {
                case "direct" -> "line=" + line.service().wire() + " dnis=" + q.dnis() + " path=direct (queued by Asterisk, no AGI)";
                case "failopen" -> "line=" + line.service().wire() + " dnis=" + q.dnis()
                        + " path=failopen (OneKey's flow unreachable, failed or over its time bound)";
                default -> "line=" + line.service().wire() + " dnis=" + q.dnis() + " path=" + q.path();
            };
            follow(q.linkedid(), q.channel(), q.callerNumber(), q.dnis(), line, priority, failOpen, q.path(),
                    q.recordingFile(), q.arrivedAt() != null ? q.arrivedAt() : q.at(), null, "arrived", why);
            return;
        }
        synchronized (lc) {
            if (lc.recordingFile == null) {
                lc.recordingFile = q.recordingFile();
            }
            if (failOpen && !lc.record.failOpen()) {
                lc.path = "failopen";
                setState(lc, b -> {
                    b.failOpen = true;
                    b.priority = priority;
                });
                event(lc, q.at(), "fail-open", "OneKey's flow did not finish in time: queued by Asterisk at priority " + priority);
            }
        }
    }

    private void onQueued(PbxEvent.CallerQueued j) {
        LiveCall lc = live.get(j.linkedid());
        if (lc == null) {
            // no OneKey flow and no OneKey queue entry saw it (static dialplan path, or an older dialplan)
            String dnis = j.exten() == null || "s".equals(j.exten()) ? null : j.exten();
            Line line = lines.lineFor(dnis);
            lc = follow(j.linkedid(), j.channel(), j.callerNumber(), dnis, line, FAIL_OPEN_PRIORITY, true, null, null, j.at(), null,
                    "discovered", "queued while OneKey's flow was unavailable");
        }
        CallRecord r;
        synchronized (lc) {
            boolean first = lc.record.queuedAt() == null;
            r = setState(lc, b -> {
                if (first) {
                    b.queuedAt = j.at();
                }
                if (b.answeredAt == null) {
                    b.outcome = "queued";
                }
            });
            event(lc, j.at(), first ? "queued" : "requeued",
                    "queue=" + j.queue() + " position=" + j.position() + " priority=" + r.priority());
        }
        CallRecord snap = r;
        LiveCall call = lc;
        publish(lc, () -> notifier.queued(withStoredId(call, snap), String.valueOf(j.queue()), j.position()));
        if (isSos(r) && agents.readyCount() == 0) {
            // RULE (ARCHITECTURE "Faults": nobody ready) — supervisors are told at once, not after the lookup
            notifier.alert(new CallEvents.NoAgentReady(r, sosWaiting(), "SOS call waiting and no agent is ready"));
            log.warn("call={} SOS waiting and no agent ready: supervisors alerted", r.linkedid());
        }
    }

    private void onRinging(PbxEvent.MemberRinging c) {
        LiveCall lc = live.get(c.linkedid());
        if (lc == null) {
            lc = follow(c.linkedid(), null, null, null, lines.lineFor(null), FAIL_OPEN_PRIORITY, true, null, null, c.at(), null,
                    "discovered", "offered before OneKey saw it");
        }
        Optional<Account> agent = agents.accountForInterface(c.memberInterface());
        if (agent.isEmpty()) {
            log.warn("call={} offered to unknown member={}", c.linkedid(), c.memberInterface());
            return;
        }
        Account a = agent.get();
        CallRecord r;
        synchronized (lc) {
            lc.offeredToAccountId = a.id();
            r = setState(lc, b -> b.outcome = "ringing");
            event(lc, c.at(), "offered", "agent=" + a.username());
        }
        CallRecord snap = r;
        LiveCall call = lc;
        publish(lc, () -> pop(call, snap, a, c.at()));
    }

    /** The screen pop, once the call is ready: with the record as the lookup left it. */
    private void pop(LiveCall lc, CallRecord snap, Account a, long amiAt) {
        Elder elder;
        List<CallRecord> history;
        boolean unavailable;
        synchronized (lc) {
            elder = lc.elder;
            history = lc.lastCalls;
            unavailable = lc.recordUnavailable;
        }
        notifier.offered(a.id(), new CallEvents.Offered(withStoredId(lc, snap), elder, history, unavailable, a.username(), amiAt));
    }

    private void onConnected(PbxEvent.MemberConnected c) {
        LiveCall lc = live.get(c.linkedid());
        if (lc == null) {
            return;
        }
        Optional<Account> agent = agents.accountForInterface(c.memberInterface());
        CallRecord r;
        synchronized (lc) {
            r = setState(lc, b -> {
                if (b.answeredAt == null) {
                    b.answeredAt = c.at();
                }
                b.outcome = "answered";
                agent.ifPresent(a -> {
                    b.agentId = a.id();
                    b.agentName = a.username();
                });
            });
            event(lc, c.at(), "answered", "agent=" + c.memberName() + " holdtime=" + c.holdSeconds());
        }
        CallRecord snap = r;
        agent.ifPresent(a -> {
            publish(lc, () -> notifier.answered(a.id(), withStoredId(lc, snap)));
            agents.callConnected(a.id());
        });
    }

    private void onAbandon(PbxEvent.CallerAbandoned a) {
        LiveCall lc = live.get(a.linkedid());
        if (lc == null) {
            return;
        }
        synchronized (lc) {
            setState(lc, b -> b.outcome = "abandoned");
            event(lc, a.at(), "abandoned", "position=" + a.position() + " holdtime=" + a.holdSeconds());
        }
    }

    private void onOverflow(PbxEvent.Overflow o) {
        LiveCall lc = live.get(o.linkedid());
        CallRecord r = null;
        if (lc != null) {
            synchronized (lc) {
                r = lc.record;
                event(lc, o.at(), "overflow", "waited " + o.waitedSeconds() + " s unanswered: dialling the backup number "
                        + PhoneNumbers.mask(o.number()));
            }
        }
        notifier.alert(new CallEvents.Overflow(o.linkedid(), r, o.waitedSeconds(), PhoneNumbers.mask(o.number()),
                "call unanswered for " + o.waitedSeconds() + " s: overflowing to the backup number"));
        log.warn("call={} overflow to the backup number after {} s service={}", o.linkedid(), o.waitedSeconds(), o.service());
    }

    private void onOverflowEnded(PbxEvent.OverflowEnded o) {
        LiveCall lc = live.get(o.linkedid());
        if (lc == null) {
            return;
        }
        synchronized (lc) {
            boolean answered = "ANSWER".equalsIgnoreCase(o.dialStatus());
            if (answered) {
                lc.overflowAnswered = true;
                setState(lc, b -> b.outcome = "overflowed");
            }
            event(lc, o.at(), "overflow-ended", "backup number " + PhoneNumbers.mask(o.number()) + " dialstatus=" + o.dialStatus()
                    + (answered ? "" : ": back in the queue"));
        }
    }

    /**
     * An agent transferred the elder (issue 7): the timeline says to whom; a transfer to another seat makes
     * that seat the call's agent, pops the elder on its screen ({@code call.offered}) and releases the first
     * agent into wrap-up ({@code call.ended} with {@code transferredTo}). A move into the seat's conference
     * room keeps the agent.
     */
    private void onTransferred(PbxEvent.Transferred t) {
        LiveCall lc = live.get(t.linkedid());
        if (lc == null) {
            return; // not an elder's call (the third party of a conference, a seat-to-seat call)
        }
        Optional<Account> from = agents.accountForInterface(t.fromInterface());
        String fromName = from.map(Account::username).orElse(t.fromInterface());
        String kind = t.attended() ? "attended" : "blind";
        if (!t.success()) {
            timeline(t.linkedid(), t.at(), "transfer-failed", "kind=" + kind + " from=" + fromName);
            return;
        }
        String to = t.to() == null ? "" : t.to();
        if (!t.attended() && to.startsWith("*3")) {
            timeline(t.linkedid(), t.at(), "conference", "agent=" + fromName + " room=" + to.substring(2));
            return;
        }
        Optional<Account> target = agents.accountForInterface(t.attended() ? to : AgentService.iface(to));
        // an outside target: a blind transfer names the dialled number (masked); an attended one only the trunk
        String toName = target.map(Account::username).orElse(t.attended() ? "outside:" + to.substring(to.indexOf('/') + 1)
                : PhoneNumbers.mask(to));
        CallRecord r;
        synchronized (lc) {
            r = setState(lc, b -> target.ifPresent(a -> {
                b.agentId = a.id();
                b.agentName = a.username();
            }));
            target.ifPresent(a -> lc.offeredToAccountId = a.id());
            event(lc, t.at(), "transferred", "kind=" + kind + " from=" + fromName + " to=" + toName);
        }
        CallRecord snap = r;
        from.filter(a -> target.map(x -> x.id() != a.id()).orElse(true)).ifPresent(a -> {
            publish(lc, () -> notifier.transferredAway(a.id(), withStoredId(lc, snap), toName));
            agents.callEnded(a.id());
        });
        target.ifPresent(a -> {
            publish(lc, () -> pop(lc, snap, a, t.at()));
            if (t.attended()) {
                agents.callConnected(a.id()); // already talking; a blind target is connected when it answers (OneKeySeatAnswered)
            }
        });
        log.info("call={} transferred kind={} from={} to={}", t.linkedid(), kind, fromName, toName);
    }

    private void onHangup(PbxEvent.ChannelHungUp h) {
        ended.put(h.linkedid(), Boolean.TRUE);
        LiveCall lc = live.remove(h.linkedid());
        if (lc != null) {
            end(lc, h.at(), "hangup", "cause=" + h.cause() + " " + h.causeText());
        }
    }

    private void end(LiveCall lc, long at, String type, String detail) {
        CallRecord r;
        Long agentId;
        synchronized (lc) {
            boolean overflowed = lc.overflowAnswered;
            r = setState(lc, b -> {
                b.endedAt = at;
                b.waitMs = (b.answeredAt != null ? b.answeredAt : at) - b.arrivedAt;
                b.talkMs = b.answeredAt == null ? null : at - b.answeredAt;
                b.outcome = b.answeredAt != null ? "completed" : overflowed ? "overflowed" : "abandoned";
            });
            event(lc, at, type, detail);
            // the row first, then the recording: nothing after this may keep them from being written
            journal.append(new JournalOp.RecordingDue(r.linkedid(), lc.recordingFile));
            agentId = r.agentId() != null ? r.agentId() : lc.offeredToAccountId;
        }
        CallRecord snap = r;
        publish(lc, () -> notifier.ended(agentId, withStoredId(lc, snap)));
        if (r.agentId() != null) {
            try {
                agents.callEnded(r.agentId());
            } catch (RuntimeException e) {
                log.error("call={} agent={} state after the call not set: {}", r.linkedid(), r.agentName(), e.toString());
            }
        }
        log.info("call={} ended outcome={} waitMs={} talkMs={} agent={}", r.linkedid(), r.outcome(), r.waitMs(), r.talkMs(), r.agentName());
        java.util.function.Consumer<CallRecord> l = endedListener;
        if (l != null) {
            try {
                l.accept(withStoredId(lc, snap)); // e.g. the rescue plans the call's follow-up (issue 18)
            } catch (RuntimeException e) {
                log.error("call={} ended-listener failed: {}", r.linkedid(), e.toString());
            }
        }
    }

    /** Told of every call that ended (its final record), after the agent's state; must not block. */
    private volatile java.util.function.Consumer<CallRecord> endedListener;

    public void setEndedListener(java.util.function.Consumer<CallRecord> l) {
        endedListener = l;
    }

    private void timeline(String linkedid, long at, String type, String detail) {
        LiveCall lc = live.get(linkedid);
        if (lc != null) {
            synchronized (lc) {
                event(lc, at, type, detail);
            }
        }
    }

    // ---- following a call --------------------------------------------------------------------------

    /**
     * Starts following a call (or returns the one already followed): journals its row and first event,
     * and looks the caller up in the background. {@code base} is the stored row of a call learned after
     * a restart (its answer and agent are kept).
     */
    private LiveCall follow(String linkedid, String channel, String callerNumber, String dnis, Line line, int priority,
                            boolean failOpen, String path, String recordingFile, long arrivedAt, CallRecord base,
                            String eventType, String eventDetail) {
        if (ended.containsKey(linkedid)) {
            log.info("call={} ended already: not followed again ({})", linkedid, eventType);
            LiveCall gone = new LiveCall(base != null ? base : new CallRecord(0, linkedid, channel, callerNumber, dnis,
                    line.service(), priority, null, null, null, arrivedAt, null, null, null, null, null, "ended", null, null,
                    failOpen, null));
            return gone; // not in the live map: events for it change nothing stored
        }
        CallRecord rec = base != null ? base : new CallRecord(0, linkedid, channel, callerNumber, dnis, line.service(), priority,
                null, null, null, arrivedAt, null, null, null, null, null, "arrived", null, null, failOpen, null);
        LiveCall lc = new LiveCall(rec);
        lc.path = path;
        lc.recordingFile = recordingFile;
        LiveCall prev = live.putIfAbsent(linkedid, lc);
        if (prev != null) {
            return prev;
        }
        synchronized (lc) {
            journal.append(new JournalOp.CallState(lc.record));
            event(lc, "discovered".equals(eventType) ? System.currentTimeMillis() : arrivedAt, eventType, eventDetail);
            CompletableFuture<Void> looked = lookup.lookup(callerNumber, linkedid).thenAccept(r -> {
                synchronized (lc) {
                    lc.elder = r.elder();
                    lc.lastCalls = r.lastCalls();
                    lc.recordUnavailable = r.unavailable();
                    if (r.unavailable()) {
                        lookupsGaveUp.set(true); // linked late once the database answers (linkLate)
                    }
                    if (r.elder() != null && !java.util.Objects.equals(lc.record.elderId(), r.elder().id())) {
                        boolean late = base != null && base.elderId() == null;
                        setState(lc, b -> b.elderId = r.elder().id());
                        if (late) {
                            // learned after a restart, its stored row had no elder: linked late, by the system, audited
                            long now = System.currentTimeMillis();
                            journal.append(new JournalOp.ElderLinked(linkedid, r.elder().id(), now, lateDetail(r.elder(),
                                    "learned after a restart without its elder")));
                        }
                    }
                }
            });
            CompletableFuture<Void> storedOrLate = lc.stored.thenAccept(id -> { })
                    .completeOnTimeout(null, STORE_WAIT_MS, TimeUnit.MILLISECONDS);
            lc.ready = CompletableFuture.allOf(looked, storedOrLate);
            lc.tail = lc.ready;
        }
        log.info("call={} {} caller={} path={} line={}", linkedid, eventType, PhoneNumbers.mask(callerNumber), path,
                line.service().wire());
        return lc;
    }

    /** Changes the call's state columns and journals them. Under the call's monitor. */
    private CallRecord setState(LiveCall lc, Consumer<B> change) {
        lc.record = with(lc.record, change);
        journal.append(new JournalOp.CallState(lc.record));
        return lc.record;
    }

    /** Journals a timeline event. Under the call's monitor. */
    private void event(LiveCall lc, long at, String type, String detail) {
        journal.append(new JournalOp.Events(lc.record.linkedid(), List.of(new JournalOp.Ev(at, type, detail))));
    }

    /** Runs {@code r} after the call's earlier publications, once the call is ready. */
    private void publish(LiveCall lc, Runnable r) {
        Runnable safe = () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("call={} event not published: {}", lc.record.linkedid(), e.toString());
            }
        };
        synchronized (lc) {
            lc.tail = lc.tail.thenRun(safe);
        }
    }

    private static CallRecord withStoredId(LiveCall lc, CallRecord snap) {
        if (snap.id() != 0) {
            return snap;
        }
        long id;
        synchronized (lc) {
            id = lc.record.id();
        }
        return id == 0 ? snap : with(snap, b -> b.id = id);
    }

    private static boolean isSos(CallRecord r) {
        return r.line() == Service.SOS || r.priority() >= FAIL_OPEN_PRIORITY;
    }

    // ---- the journal's writes ------------------------------------------------------------------------

    /** Writes one journalled op to the database (the journal's writer calls this, in order). */
    public void apply(CallJournal.Entry e) {
        switch (e.op()) {
            case JournalOp.CallState s -> {
                CallRecord c = s.call();
                Long id = storedIds.get(c.linkedid());
                if (id == null) {
                    id = calls.insertIfAbsent(c).id();
                    storedIds.put(c.linkedid(), id);
                }
                calls.updateState(id, c);
                LiveCall lc = live.get(c.linkedid());
                if (lc != null) {
                    long stored = id;
                    synchronized (lc) {
                        if (lc.record.id() == 0) {
                            lc.record = with(lc.record, b -> b.id = stored);
                        }
                    }
                    lc.stored.complete(stored);
                }
            }
            case JournalOp.Events ev -> {
                long id = storedId(ev.linkedid());
                List<CallRepository.KeyedEvent> rows = new ArrayList<>(ev.events().size());
                for (int i = 0; i < ev.events().size(); i++) {
                    JournalOp.Ev x = ev.events().get(i);
                    rows.add(new CallRepository.KeyedEvent(x.at(), x.type(), x.detail(), e.key() + "#" + i));
                }
                calls.addKeyedEvents(id, rows);
            }
            case JournalOp.Audit a -> audit.recordOnce(e.key(), a.at(), a.accountId(), a.username(), a.action(), a.targetType(),
                    a.targetId(), a.detail());
            case JournalOp.RecordingDue d -> {
                long id = storedId(d.linkedid());
                CallRecord row = calls.get(id).orElseThrow(() -> new IllegalStateException("call row " + id + " vanished"));
                recordings.callEnded(row, d.file());
            }
            case JournalOp.ElderLinked l -> {
                long id = storedId(l.linkedid());
                // only while the row has no elder; a replay (the row has this elder already) writes the same keyed rows
                boolean linked = calls.setElder(id, l.elderId())
                        || calls.get(id).map(r -> Long.valueOf(l.elderId()).equals(r.elderId())).orElse(false);
                if (linked) {
                    calls.addKeyedEvents(id, List.of(new CallRepository.KeyedEvent(l.at(), "elder.linked", l.detail(),
                            e.key() + "#0")));
                    audit.recordOnce(e.key(), l.at(), null, "system", "call.elder-linked", "call", Long.toString(id),
                            l.detail());
                }
                linking.remove(l.linkedid());
            }
        }
    }

    private long storedId(String linkedid) {
        Long id = storedIds.get(linkedid);
        if (id != null) {
            return id;
        }
        long found = calls.byLinkedid(linkedid).orElseThrow(() ->
                new IllegalStateException("no call row for linkedid " + linkedid)).id();
        storedIds.put(linkedid, found);
        return found;
    }

    // ---- resync ------------------------------------------------------------------------------------

    /**
     * After a PBX (re)connect: learn live calls from Asterisk (calls queued while OneKey was down,
     * frozen or restarting) and close calls OneKey believed live that Asterisk no longer has.
     */
    public void resync(Pbx pbx) {
        Set<String> liveInAsterisk = new HashSet<>();
        int learned = 0;
        List<LiveChannel> channels = pbx.liveChannels(CALLER_VARIABLES);
        // agents' legs by call: a call bridged to an agent while OneKey was away is answered by them
        Map<String, LiveChannel> agentLegs = new LinkedHashMap<>();
        for (LiveChannel ch : channels) {
            if (!ch.callerLeg() && ch.channel() != null && ch.channel().startsWith("PJSIP/")) {
                String iface = ch.channel().substring(0, Math.max(ch.channel().lastIndexOf('-'), 0));
                if (!iface.isEmpty() && agents.accountForInterface(iface).isPresent()) {
                    agentLegs.putIfAbsent(ch.linkedid(), ch);
                }
            }
        }
        for (LiveChannel ch : channels) {
            liveInAsterisk.add(ch.linkedid());
            boolean inbound = ch.context() != null && (ch.context().startsWith("onekey-inbound") || ch.context().startsWith("onekey-queue")
                    || ch.context().startsWith("onekey-static"));
            if (!ch.callerLeg() || !inbound || live.containsKey(ch.linkedid())) {
                continue;
            }
            Map<String, String> v = ch.variables();
            String dnis = v.getOrDefault("ONEKEY_DNIS", "s".equals(ch.exten()) ? null : ch.exten());
            Long arrived = parseLong(v.get("ONEKEY_ARRIVED"));
            long arrivedAt = arrived != null ? arrived : System.currentTimeMillis() - ch.durationMs();
            boolean failOpen = "1".equals(v.get("ONEKEY_FAILOPEN"));
            String path = failOpen ? "failopen" : "1".equals(v.get("ONEKEY_DIRECT")) ? "direct" : null;
            Line line = lines.lineFor(dnis);
            CallRecord stored = null;
            try {
                stored = calls.byLinkedid(ch.linkedid()).orElse(null);
            } catch (RuntimeException e) {
                log.warn("call={} stored row not read during resync: {}", ch.linkedid(), e.toString());
            }
            if (stored != null) {
                storedIds.put(ch.linkedid(), stored.id());
            }
            // the priority Asterisk queued the call with (the dialplan's QUEUE_PRIO: a known line keeps its own even
            // when it failed open); without it, as the dialplan would: SOS for a failure or an unknown line
            Integer queuedWith = parseInt(v.get("QUEUE_PRIO"));
            int priority = queuedWith != null ? queuedWith : failOpen || dnis == null ? FAIL_OPEN_PRIORITY : line.priority();
            LiveCall lc = follow(ch.linkedid(), ch.channel(), ch.callerNumber(), dnis, line,
                    priority, failOpen || path == null, path,
                    v.get("ONEKEY_RECFILE"), arrivedAt, stored, "discovered",
                    "live in Asterisk when OneKey connected (app=" + ch.application() + ")");
            if (stored != null) {
                lc.stored.complete(stored.id());
            }
            LiveChannel agentLeg = agentLegs.get(ch.linkedid());
            synchronized (lc) {
                if (lc.record.queuedAt() == null && ("Queue".equalsIgnoreCase(ch.application()) || agentLeg != null)) {
                    setState(lc, b -> b.queuedAt = arrivedAt);
                }
                if (agentLeg != null && lc.record.answeredAt() == null) {
                    // answered while OneKey was away (killed, frozen, restarting): the agent's leg says by whom
                    String iface = agentLeg.channel().substring(0, agentLeg.channel().lastIndexOf('-'));
                    Account a = agents.accountForInterface(iface).orElseThrow();
                    long answeredAt = Math.max(arrivedAt, System.currentTimeMillis() - agentLeg.durationMs());
                    setState(lc, b -> {
                        b.answeredAt = answeredAt;
                        b.outcome = "answered";
                        b.agentId = a.id();
                        b.agentName = a.username();
                    });
                    event(lc, answeredAt, "answered", "agent=" + a.username() + " (learned from Asterisk after reconnect)");
                    agents.callConnected(a.id());
                } else if (agentLeg != null && lc.record.agentId() != null) {
                    agents.callConnected(lc.record.agentId()); // the agent is still talking: on-call, not ready
                }
            }
            learned++;
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
                    long now = System.currentTimeMillis();
                    CallRecord ended = with(r, b -> {
                        b.endedAt = now;
                        b.outcome = "unobserved-end";
                    });
                    storedIds.put(r.linkedid(), r.id());
                    journal.append(new JournalOp.CallState(ended));
                    journal.append(new JournalOp.Events(r.linkedid(),
                            List.of(new JournalOp.Ev(now, "unobserved-end", "ended while OneKey was not connected"))));
                    journal.append(new JournalOp.RecordingDue(r.linkedid(), null));
                    closed++;
                }
            }
        } catch (RuntimeException e) {
            log.error("cannot reconcile stored calls: {}", e.toString());
        }
        log.info("calls resynced from Asterisk live={} learned={} closedUnobserved={}", live.size(), learned, closed);
        long waiting = sosWaiting();
        if (waiting > 0 && agents.readyCount() == 0) {
            // RULE (ARCHITECTURE "Faults": nobody ready) — SOS calls that waited through OneKey's absence are as urgent
            // as new ones: the supervisors are told now, not only when the next call queues
            notifier.alert(new CallEvents.NoAgentReady(null, waiting,
                    waiting + " SOS call(s) waited while OneKey was away and no agent is ready"));
            log.warn("sosWaiting={} learned after reconnect and no agent ready: supervisors alerted", waiting);
        }
    }

    private static Integer parseInt(String s) {
        Long l = parseLong(s);
        return l == null || l < 0 || l > 1_000 ? null : l.intValue();
    }

    private static Long parseLong(String s) {
        try {
            return s == null || s.isBlank() ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- supervision and the unregistered-caller form --------------------------------------------

    /** A live call as the wallboard shows it: its row as OneKey has it now and the elder's name (null: unknown). */
    public record LiveView(CallRecord record, String elderName) {}

    /** The calls OneKey follows right now (a copy; no database read). */
    public List<LiveView> snapshot() {
        List<LiveView> out = new ArrayList<>(live.size());
        for (LiveCall l : live.values()) {
            synchronized (l) {
                out.add(new LiveView(l.record, l.elder == null ? null : l.elder.name()));
            }
        }
        return out;
    }

    /**
     * Links the call {@code callId} to the elder record an agent just created for its unregistered caller: the row
     * (column only, only while it has no elder), the live call if it is still followed, and a timeline event.
     * False when the call already has an elder.
     */
    public boolean linkElder(long callId, Elder elder, String byUsername) {
        if (!calls.setElder(callId, elder.id())) {
            return false;
        }
        for (LiveCall l : live.values()) {
            synchronized (l) {
                if (l.record.id() == callId) {
                    l.elder = elder;
                    setState(l, b -> b.elderId = elder.id());
                    event(l, System.currentTimeMillis(), "elder.linked", "elder=" + elder.id() + " by " + byUsername);
                    return true;
                }
            }
        }
        calls.addEvent(callId, System.currentTimeMillis(), "elder.linked", "elder=" + elder.id() + " by " + byUsername);
        return true;
    }

    // ---- calls left without their elder (issue 16) --------------------------------------------------

    /** How far back the late link looks for calls left without their elder. */
    static final long LATE_LINK_WINDOW_MS = 7 * 24 * 3_600_000L;
    /** A lookup gave up (database slow or away) since the last late link. */
    private final java.util.concurrent.atomic.AtomicBoolean lookupsGaveUp = new java.util.concurrent.atomic.AtomicBoolean();
    /** Calls whose late link is in the journal, not yet written: two sweeps at once link a call once. */
    private final Set<String> linking = ConcurrentHashMap.newKeySet();

    /** Whether a caller lookup gave up since the last late link ran (the periodic late link runs only then). */
    public boolean lookupsGaveUp() {
        return lookupsGaveUp.get();
    }

    private static String lateDetail(Elder elder, String why) {
        return "elder=" + elder.id() + " linked late by system: " + why;
    }

    /**
     * RULE (ARCHITECTURE "Faults": database slow or away — nothing that should be written is lost): a call whose caller
     * lookup gave up (300 ms) while the database was slow or frozen, or whose row was left without its elder by an
     * earlier run, is linked to its elder once the database answers again (the journal caught up, the periodic
     * housekeeping, a start): the caller is looked up again, and a call whose elder's record existed when it arrived is
     * linked (only while its row has no elder; a record made later for another caller is not linked backwards), with a
     * timeline event {@code elder.linked} and an audit row {@code call.elder-linked} by {@code system}. Calls of the last
     * {@value #LATE_LINK_WINDOW_MS} ms are looked at. Returns how many were linked.
     */
    public int linkLate(long now) {
        lookupsGaveUp.set(false);
        int linked = 0;
        try {
            for (CallRecord c : calls.unlinked(now - LATE_LINK_WINDOW_MS, 1_000)) {
                Optional<Elder> elder = lookup.elderFor(c.callerNumber());
                if (elder.isEmpty() || elder.get().createdAt() > c.arrivedAt()) {
                    continue;
                }
                if (linkLate(c, elder.get(), now)) {
                    linked++;
                }
            }
        } catch (RuntimeException e) {
            lookupsGaveUp.set(true); // the database still does not answer: again next time
            log.warn("calls.link-late-failed linked={} error={}", linked, e.toString());
        }
        if (linked > 0) {
            log.info("calls.linked-late count={}", linked);
        }
        return linked;
    }

    private boolean linkLate(CallRecord c, Elder elder, long now) {
        if (!linking.add(c.linkedid())) {
            return false; // another sweep's link of this call is on its way to the database
        }
        // read again once claimed: a link written since the sweep read its rows is not made twice
        if (calls.get(c.id()).map(CallRecord::elderId).orElse(null) != null) {
            linking.remove(c.linkedid());
            return false;
        }
        String detail = lateDetail(elder, "the caller's record could not be read when the call arrived");
        LiveCall lc = live.get(c.linkedid());
        if (lc != null) {
            synchronized (lc) {
                if (lc.record.elderId() != null) {
                    linking.remove(c.linkedid());
                    return false;
                }
                // the live call carries the elder from now on (its later states, a transferred call's pop)
                lc.elder = elder;
                lc.recordUnavailable = false;
                lc.record = with(lc.record, b -> b.elderId = elder.id());
                journal.append(new JournalOp.ElderLinked(c.linkedid(), elder.id(), now, detail));
            }
        } else {
            // through the journal, after any state of the call still owed to the database
            journal.append(new JournalOp.ElderLinked(c.linkedid(), elder.id(), now, detail));
        }
        log.info("call={} elder={} caller={} linked late by system", c.linkedid(), elder.id(),
                PhoneNumbers.mask(c.callerNumber()));
        return true;
    }

    /** Whether the channel is the elder's own leg (the call's first channel) of a call OneKey follows now. */
    public boolean isElderLeg(String linkedid, String uniqueid) {
        return linkedid != null && linkedid.equals(uniqueid) && live.containsKey(linkedid);
    }

    /** A note on a live call's timeline from another part of OneKey that acted on the call. */
    public void note(String linkedid, long at, String type, String detail) {
        timeline(linkedid, at, type, detail);
    }

    // ---- figures -----------------------------------------------------------------------------------

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

    /** SOS calls (or calls of unknown line) waiting in the queue, unanswered. */
    public long sosWaiting() {
        return live.values().stream().filter(l -> {
            synchronized (l) {
                return l.record.queuedAt() != null && l.record.answeredAt() == null && isSos(l.record);
            }
        }).count();
    }

    // ---- small builder to change a record's fields -------------------------------------------------

    static final class B {
        long id;
        int priority;
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
        boolean failOpen;
        final CallRecord r;

        B(CallRecord r) {
            this.r = r;
            id = r.id();
            priority = r.priority();
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
            failOpen = r.failOpen();
        }

        CallRecord build() {
            return new CallRecord(id, r.linkedid(), r.callerChannel(), r.callerNumber(), r.dnis(), r.line(), priority,
                    elderId, agentId, agentName, arrivedAt, queuedAt, answeredAt, endedAt, waitMs, talkMs, outcome,
                    r.disposition(), r.notes(), failOpen, r.recordingId());
        }
    }

    static CallRecord with(CallRecord r, Consumer<B> change) {
        B b = new B(r);
        change.accept(b);
        return b.build();
    }

    /** For tests and health: linkedids OneKey follows now. */
    public List<String> liveLinkedids() {
        return new ArrayList<>(live.keySet());
    }
}
