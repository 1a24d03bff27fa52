package onekey.calls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import onekey.agents.AgentService;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.Elder;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.LineCache;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live call model: groups the PBX's channels into calls by linkedid and keeps each call's timeline. Its parts:
 * this class (the live calls, changed on one thread, {@code calls-model}, without locks), {@link CallNotifier} (what
 * agents and supervisors are told), {@link JournalAppliers} (the journal's writes, one applier per op), {@link
 * CallResync} (after a PBX connect) and {@link SosAlerts} (nobody ready, overflow).
 *
 * <p>Every change runs on the model's thread: a PBX event or an AGI session hands its work over and waits for it
 * (so the caller sees the model as it left it, as before), a lookup's result and a stored row's id are handed over
 * without waiting. The model never waits on the database: the caller's record is looked up off its thread with a
 * deadline ({@link CallerLookup}), and everything owed to the database goes into the {@link CallJournal}, which writes
 * it in order and keeps it through a database outage or a crash. What agents are told about a call goes out in order,
 * on the model's thread, once the lookup is done and the row stored (or their deadline passed). Readers (wallboard,
 * health) read the live calls' immutable records without waiting.
 */
public final class CallTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallTracker.class);
    /** Calls the dialplan queued without knowing their line queue at SOS priority ([onekey-inbound] failopen). */
    public static final int FAIL_OPEN_PRIORITY = 10;
    /**
     * The longest a screen pop waits for the call's row to be stored (its id goes into the pop); only a call that got no
     * id from a reserved block ({@link CallIds}: the database was away) waits for it.
     */
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
    private final CallNotifier notifier;
    private final CallJournal journal;
    private final SosAlerts alerts;
    private final JournalAppliers appliers;
    private final CallResync resync;
    private final ExecutorService model;
    /** Told of every call that ended (its final record), after the agent's state; must not block. */
    private final Consumer<CallRecord> endedListener;
    private volatile Thread modelThread;
    /** The calls followed now: changed on the model's thread only, read anywhere. */
    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    /** Calls that ended lately: a late AGI session or event never brings one back to life. Model's thread only. */
    private final Map<String, Boolean> ended = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };

    /** No recordings indexed, nobody told of ended calls (tests). */
    public CallTracker(CallRepository calls, CallerLookup lookup, LineCache lines, AgentService agents, AuditLog audit,
                       EventHub hub, CallJournal journal) {
        this(calls, lookup, lines, agents, audit, hub, journal, (c, f) -> { }, c -> { });
    }

    /**
     * {@code recordings}: where a finished call's recording goes to be indexed; {@code ended}: told of every call that
     * ended (e.g. the rescue plans the call's follow-up, issue 18), after the agent's state, must not block.
     */
    public CallTracker(CallRepository calls, CallerLookup lookup, LineCache lines, AgentService agents, AuditLog audit,
                       EventHub hub, CallJournal journal, RecordingSink recordings, Consumer<CallRecord> ended) {
        this.calls = calls;
        this.endedListener = java.util.Objects.requireNonNull(ended, "ended");
        java.util.Objects.requireNonNull(recordings, "recordings");
        this.lookup = lookup;
        this.lines = lines;
        this.agents = agents;
        this.notifier = new CallNotifier(hub);
        this.journal = journal;
        this.alerts = new SosAlerts(notifier, agents, this::sosWaiting);
        this.appliers = new JournalAppliers(calls, audit, recordings, new JournalAppliers.Model() {
            @Override
            public void stored(String linkedid, long id) {
                storedId(linkedid, id);
            }

            @Override
            public void linkWritten(String linkedid) {
                linking.remove(linkedid);
            }
        });
        this.resync = new CallResync(this, calls, lines, agents, appliers, journal, alerts);
        this.model = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().name("calls-model").daemon(true).unstarted(r);
            modelThread = t;
            return t;
        });
    }

    /** The journal's writer: {@code journal.start(tracker.journalAppliers()::apply, …)}. */
    public JournalAppliers journalAppliers() {
        return appliers;
    }

    // ---- the model's thread ------------------------------------------------------------------------

    /** Runs {@code c} on the model's thread and returns its result (at once when called there). */
    <T> T onModel(Callable<T> c) {
        try {
            if (Thread.currentThread() == modelThread) {
                return c.call();
            }
            return model.submit(c).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the call model", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void onModel(Runnable r) {
        onModel(() -> {
            r.run();
            return null;
        });
    }

    /** Hands {@code r} to the model's thread without waiting (runs at once when called there). */
    private void later(Runnable r) {
        Runnable safe = () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("calls.model-task-failed error={}", e.toString());
            }
        };
        if (Thread.currentThread() == modelThread) {
            safe.run();
        } else {
            model.execute(safe);
        }
    }

    // ---- from the AGI session (lines that run OneKey's flow) ---------------------------------------

    /** The DNIS the dialplan gives an elder put through from a rescue redial (issue 8). */
    static final String RESCUE_DNIS = "rescue";
    static final Line RESCUE_LINE = new Line(RESCUE_DNIS, onekey.lines.Service.SOS, 10,
            "rescue: the elder answered a redial and spoke");

    /** The line of a dialled number, from memory. */
    public Line lineFor(String dnis) {
        return lines.lineFor(dnis);
    }

    /**
     * A call entered OneKey's inbound flow: registers it and looks the caller up (bounded by the lookup
     * deadline). The result tells the flow whom it greets.
     */
    public CallerLookup.Result flowArrived(String linkedid, String channel, String callerNumber, String dnis,
                                           String recordingFile, long arrivedAt) {
        LiveCall lc = onModel(() -> {
            if (ended.containsKey(linkedid)) {
                // an AGI session that waited while OneKey was frozen: the call went on without it and ended
                throw new IllegalStateException("call " + linkedid + " has ended already");
            }
            Line line = lines.lineFor(dnis);
            return follow(linkedid, channel, callerNumber, dnis, line, line.priority(), false, "flow", recordingFile,
                    arrivedAt, null, "arrived", "line=" + line.service().wire() + " dnis=" + dnis + " path=flow");
        });
        lc.ready.join(); // bounded: lookup deadline and store wait; off the model's thread
        return onModel(() -> new CallerLookup.Result(lc.elder, lc.lastCalls, lc.recordUnavailable));
    }

    /** Timeline entries from the IVR flow (each step with its own millisecond timestamp). */
    public void flowSteps(String linkedid, List<Map.Entry<Long, String>> steps) {
        if (steps.isEmpty()) {
            return;
        }
        onModel(() -> {
            if (live.containsKey(linkedid)) {
                journal.append(new JournalOp.Events(linkedid,
                        steps.stream().map(s -> new JournalOp.Ev(s.getKey(), "flow", s.getValue())).toList()));
            }
        });
    }

    // ---- from the PBX ------------------------------------------------------------------------------

    /** A PBX event: handled on the model's thread; returns once the model has changed. */
    public void onEvent(PbxEvent e) {
        if (e == null || e.linkedid() == null) {
            return;
        }
        onModel(() -> handle(e));
    }

    private void handle(PbxEvent e) {
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
            case PbxEvent.OrderResult o -> { } // followed by the work orders' dispatch (issue 21)
            case PbxEvent.Talking t -> { } // followed by rescue's SilenceWatch
            case PbxEvent.ChannelCreated c -> { } // counted by the TrunkLoad; a call is learned from the queue
            case PbxEvent.ConferenceJoined c -> { } // followed by the ConferenceWatch
            case PbxEvent.ConferenceLeft c -> { }
            case PbxEvent.SeatCall c -> { } // a seat's own call: followed by SeatCalls (issue 18 item 7)
            case PbxEvent.DeviceTest d -> { } // a terminal's test call, never queued: the device register's (issue 24)
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
        if (lc.recordingFile == null) {
            lc.recordingFile = q.recordingFile();
        }
        if (failOpen && !lc.record.failOpen()) {
            lc.path = "failopen";
            setState(lc, r -> r.withFailOpen(true).withPriority(priority));
            event(lc, q.at(), "fail-open", "OneKey's flow did not finish in time: queued by Asterisk at priority " + priority);
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
        boolean first = lc.record.queuedAt() == null;
        CallRecord r = setState(lc, x -> {
            CallRecord y = first ? x.withQueuedAt(j.at()) : x;
            return y.answeredAt() == null ? y.withOutcome(CallOutcome.QUEUED) : y;
        });
        event(lc, j.at(), first ? "queued" : "requeued",
                "queue=" + j.queue() + " position=" + j.position() + " priority=" + r.priority());
        LiveCall call = lc;
        publish(lc, () -> notifier.queued(withStoredId(call, r), String.valueOf(j.queue()), j.position()));
        alerts.queued(r);
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
        lc.offeredToAccountId = a.id();
        CallRecord r = setState(lc, x -> x.withOutcome(CallOutcome.RINGING));
        event(lc, c.at(), "offered", "agent=" + a.username());
        LiveCall call = lc;
        publish(lc, () -> pop(call, r, a, c.at()));
    }

    /** The screen pop, once the call is ready: with the record as the lookup left it. Model's thread. */
    private void pop(LiveCall lc, CallRecord snap, Account a, long amiAt) {
        notifier.offered(a.id(), new CallEvents.Offered(withStoredId(lc, snap), lc.elder, lc.lastCalls, lc.recordUnavailable,
                a.username(), amiAt));
    }

    private void onConnected(PbxEvent.MemberConnected c) {
        LiveCall lc = live.get(c.linkedid());
        if (lc == null) {
            return;
        }
        Optional<Account> agent = agents.accountForInterface(c.memberInterface());
        CallRecord r = setState(lc, x -> {
            CallRecord y = (x.answeredAt() == null ? x.withAnsweredAt(c.at()) : x).withOutcome(CallOutcome.ANSWERED);
            return agent.map(a -> y.withAgent(a.id(), a.username())).orElse(y);
        });
        event(lc, c.at(), "answered", "agent=" + c.memberName() + " holdtime=" + c.holdSeconds());
        agent.ifPresent(a -> {
            publish(lc, () -> notifier.answered(a.id(), withStoredId(lc, r)));
            agents.callConnected(a.id());
        });
    }

    private void onAbandon(PbxEvent.CallerAbandoned a) {
        LiveCall lc = live.get(a.linkedid());
        if (lc == null) {
            return;
        }
        setState(lc, x -> x.withOutcome(CallOutcome.ABANDONED));
        event(lc, a.at(), "abandoned", "position=" + a.position() + " holdtime=" + a.holdSeconds());
    }

    private void onOverflow(PbxEvent.Overflow o) {
        LiveCall lc = live.get(o.linkedid());
        CallRecord r = null;
        if (lc != null) {
            r = lc.record;
            event(lc, o.at(), "overflow", "waited " + o.waitedSeconds() + " s unanswered: dialling the backup number "
                    + PhoneNumbers.mask(o.number()));
        }
        alerts.overflow(o, r);
    }

    private void onOverflowEnded(PbxEvent.OverflowEnded o) {
        LiveCall lc = live.get(o.linkedid());
        if (lc == null) {
            return;
        }
        boolean answered = "ANSWER".equalsIgnoreCase(o.dialStatus());
        if (answered) {
            lc.overflowAnswered = true;
            setState(lc, x -> x.withOutcome(CallOutcome.OVERFLOWED));
        }
        event(lc, o.at(), "overflow-ended", "backup number " + PhoneNumbers.mask(o.number()) + " dialstatus=" + o.dialStatus()
                + (answered ? "" : ": back in the queue"));
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
        CallRecord r = setState(lc, x -> target.map(a -> x.withAgent(a.id(), a.username())).orElse(x));
        target.ifPresent(a -> lc.offeredToAccountId = a.id());
        event(lc, t.at(), "transferred", "kind=" + kind + " from=" + fromName + " to=" + toName);
        from.filter(a -> target.map(x -> x.id() != a.id()).orElse(true)).ifPresent(a -> {
            publish(lc, () -> notifier.transferredAway(a.id(), withStoredId(lc, r), toName));
            agents.callEnded(a.id());
        });
        target.ifPresent(a -> {
            publish(lc, () -> pop(lc, r, a, t.at()));
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

    /** A call OneKey followed that Asterisk no longer has after a reconnect. Model's thread. */
    void lost(String linkedid) {
        LiveCall lc = live.remove(linkedid);
        if (lc != null) {
            end(lc, System.currentTimeMillis(), "lost", "call no longer in Asterisk after reconnect");
        }
    }

    private void end(LiveCall lc, long at, String type, String detail) {
        boolean overflowed = lc.overflowAnswered;
        CallRecord r = setState(lc, x -> x.withEnd(at).withOutcome(x.answeredAt() != null ? CallOutcome.COMPLETED
                : overflowed ? CallOutcome.OVERFLOWED : CallOutcome.ABANDONED));
        event(lc, at, type, detail);
        // the row first, then the recording: nothing after this may keep them from being written
        journal.append(new JournalOp.RecordingDue(r.linkedid(), lc.recordingFile));
        Long agentId = r.agentId() != null ? r.agentId() : lc.offeredToAccountId;
        publish(lc, () -> notifier.ended(agentId, withStoredId(lc, r)));
        if (r.agentId() != null) {
            try {
                agents.callEnded(r.agentId());
            } catch (RuntimeException e) {
                log.error("call={} agent={} state after the call not set: {}", r.linkedid(), r.agentName(), e.toString());
            }
        }
        log.info("call={} ended outcome={} waitMs={} talkMs={} agent={}", r.linkedid(), r.outcome(), r.waitMs(), r.talkMs(), r.agentName());
        Consumer<CallRecord> l = endedListener;
        if (l != null) {
            try {
                l.accept(withStoredId(lc, r)); // e.g. the rescue plans the call's follow-up (issue 18)
            } catch (RuntimeException e) {
                log.error("call={} ended-listener failed: {}", r.linkedid(), e.toString());
            }
        }
    }

    private void timeline(String linkedid, long at, String type, String detail) {
        LiveCall lc = live.get(linkedid);
        if (lc != null) {
            event(lc, at, type, detail);
        }
    }

    // ---- following a call (model's thread) ---------------------------------------------------------

    /**
     * Starts following a call (or returns the one already followed): journals its row and first event,
     * and looks the caller up in the background. {@code base} is the stored row of a call learned after
     * a restart (its answer and agent are kept).
     */
    LiveCall follow(String linkedid, String channel, String callerNumber, String dnis, Line line, int priority,
                    boolean failOpen, String path, String recordingFile, long arrivedAt, CallRecord base,
                    String eventType, String eventDetail) {
        if (ended.containsKey(linkedid)) {
            log.info("call={} ended already: not followed again ({})", linkedid, eventType);
            // not in the live map: events for it change nothing stored
            return new LiveCall(base != null ? base : CallRecord.arrived(linkedid, channel, callerNumber, dnis,
                    line.service(), priority, arrivedAt, failOpen).withOutcome(CallOutcome.ENDED));
        }
        CallRecord rec = base != null ? base : CallRecord.arrived(linkedid, channel, callerNumber, dnis, line.service(),
                priority, arrivedAt, failOpen);
        LiveCall lc = new LiveCall(rec);
        lc.path = path;
        lc.recordingFile = recordingFile;
        LiveCall prev = live.putIfAbsent(linkedid, lc);
        if (prev != null) {
            return prev;
        }
        if (base == null) {
            // issue 23: the row's id from a reserved block: the pop need not wait for the insert, and the insert shares a
            // commit with other ops (CallJournal#urgent). None at hand (database away): the row's id comes when written.
            long id = calls.newId();
            if (id != 0) {
                lc.record = rec.withId(id);
                lc.stored.complete(id);
            }
        }
        journal.append(new JournalOp.CallState(lc.record));
        event(lc, "discovered".equals(eventType) ? System.currentTimeMillis() : arrivedAt, eventType, eventDetail);
        // the lookup runs off the model's thread; its result is applied on it
        CompletableFuture<Void> looked = lookup.lookup(callerNumber, linkedid).thenAcceptAsync(r -> {
            lc.elder = r.elder();
            lc.lastCalls = r.lastCalls();
            lc.recordUnavailable = r.unavailable();
            if (r.unavailable()) {
                lookupsGaveUp.set(true); // linked late once the database answers (linkLate)
            }
            if (r.elder() != null && !java.util.Objects.equals(lc.record.elderId(), r.elder().id())) {
                boolean late = base != null && base.elderId() == null;
                setState(lc, x -> x.withElderId(r.elder().id()));
                if (late) {
                    // learned after a restart, its stored row had no elder: linked late, by the system, audited
                    long now = System.currentTimeMillis();
                    journal.append(new JournalOp.ElderLinked(linkedid, r.elder().id(), now, lateDetail(r.elder(),
                            "learned after a restart without its elder")));
                }
            }
        }, model);
        CompletableFuture<Void> storedOrLate = lc.stored.thenAccept(id -> { })
                .completeOnTimeout(null, STORE_WAIT_MS, TimeUnit.MILLISECONDS);
        lc.ready = CompletableFuture.allOf(looked, storedOrLate);
        lc.tail = lc.ready;
        log.info("call={} {} caller={} path={} line={}", linkedid, eventType, PhoneNumbers.mask(callerNumber), path,
                line.service().wire());
        return lc;
    }

    /** Changes the call's state columns and journals them. Model's thread. */
    CallRecord setState(LiveCall lc, UnaryOperator<CallRecord> change) {
        lc.record = change.apply(lc.record);
        journal.append(new JournalOp.CallState(lc.record));
        return lc.record;
    }

    /** Journals a timeline event. Model's thread. */
    void event(LiveCall lc, long at, String type, String detail) {
        journal.append(new JournalOp.Events(lc.record.linkedid(), List.of(new JournalOp.Ev(at, type, detail))));
    }

    /** Runs {@code r} on the model's thread after the call's earlier publications, once the call is ready. */
    private void publish(LiveCall lc, Runnable r) {
        Runnable safe = () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("call={} event not published: {}", lc.record.linkedid(), e.toString());
            }
        };
        lc.tail = lc.tail.thenRunAsync(safe, model);
    }

    /** The snapshot with the row's id once it is stored. Model's thread. */
    private static CallRecord withStoredId(LiveCall lc, CallRecord snap) {
        if (snap.id() != 0) {
            return snap;
        }
        long id = lc.record.id();
        return id == 0 ? snap : snap.withId(id);
    }

    /** The journal stored the call's row: its id goes into the live call, on the model's thread. */
    private void storedId(String linkedid, long id) {
        LiveCall lc = live.get(linkedid);
        if (lc == null) {
            return;
        }
        later(() -> {
            if (lc.record.id() != id) {
                if (lc.record.id() != 0) {
                    // another row had the id (see JooqCallRepository#insertIfAbsent) or the linkedid: the row's is the one
                    log.warn("call={} stored as id {}, not {} as given", linkedid, id, lc.record.id());
                }
                lc.record = lc.record.withId(id);
            }
            lc.stored.complete(id);
        });
    }

    // ---- resync ------------------------------------------------------------------------------------

    /**
     * After a PBX (re)connect: learn live calls from Asterisk (calls queued while OneKey was down,
     * frozen or restarting) and close calls OneKey believed live that Asterisk no longer has ({@link CallResync}).
     */
    public void resync(Pbx pbx) {
        resync.resync(pbx);
    }

    // ---- supervision and the unregistered-caller form --------------------------------------------

    /** A live call as the wallboard shows it: its row as OneKey has it now and the elder's name (null: unknown). */
    public record LiveView(CallRecord record, String elderName) {}

    /** The calls OneKey follows right now (a copy; no database read, no wait on the model). */
    public List<LiveView> snapshot() {
        List<LiveView> out = new ArrayList<>(live.size());
        for (LiveCall l : live.values()) {
            Elder e = l.elder;
            out.add(new LiveView(l.record, e == null ? null : e.name()));
        }
        return out;
    }

    /**
     * The agent on the live call whose row is {@code callId} as the model has it now (empty: not followed or no agent
     * yet). The row's agent is written by the journal a few ms after the answer; who may act on a call just answered
     * is read here first.
     */
    public java.util.Optional<Long> liveAgent(long callId) {
        for (LiveCall l : live.values()) {
            CallRecord r = l.record;
            if (r != null && r.id() == callId) {
                return java.util.Optional.ofNullable(r.agentId());
            }
        }
        return java.util.Optional.empty();
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
        boolean followed = onModel(() -> {
            for (LiveCall l : live.values()) {
                if (l.record.id() == callId) {
                    l.elder = elder;
                    setState(l, x -> x.withElderId(elder.id()));
                    event(l, System.currentTimeMillis(), "elder.linked", "elder=" + elder.id() + " by " + byUsername);
                    return true;
                }
            }
            return false;
        });
        if (!followed) {
            calls.addEvent(callId, System.currentTimeMillis(), "elder.linked", "elder=" + elder.id() + " by " + byUsername);
        }
        return true;
    }

    // ---- calls left without their elder (issue 16) --------------------------------------------------

    /** How far back the late link looks for calls left without their elder. */
    static final long LATE_LINK_WINDOW_MS = 7 * 24 * 3_600_000L;
    /** A lookup gave up (database slow or away) since the last late link. */
    private final AtomicBoolean lookupsGaveUp = new AtomicBoolean();
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
        boolean linked = onModel(() -> {
            LiveCall lc = live.get(c.linkedid());
            if (lc != null) {
                if (lc.record.elderId() != null) {
                    linking.remove(c.linkedid());
                    return false;
                }
                // the live call carries the elder from now on (its later states, a transferred call's pop)
                lc.elder = elder;
                lc.recordUnavailable = false;
                lc.record = lc.record.withElderId(elder.id());
            }
            // through the journal, after any state of the call still owed to the database
            journal.append(new JournalOp.ElderLinked(c.linkedid(), elder.id(), now, detail));
            return true;
        });
        if (linked) {
            log.info("call={} elder={} caller={} linked late by system", c.linkedid(), elder.id(),
                    PhoneNumbers.mask(c.callerNumber()));
        }
        return linked;
    }

    /** Whether the channel is the elder's own leg (the call's first channel) of a call OneKey follows now. */
    public boolean isElderLeg(String linkedid, String uniqueid) {
        return linkedid != null && linkedid.equals(uniqueid) && live.containsKey(linkedid);
    }

    /** A note on a live call's timeline from another part of OneKey that acted on the call (not waited for). */
    public void note(String linkedid, long at, String type, String detail) {
        later(() -> timeline(linkedid, at, type, detail));
    }

    // ---- figures (read without waiting on the model) -----------------------------------------------

    boolean isLive(String linkedid) {
        return live.containsKey(linkedid);
    }

    public int liveCount() {
        return live.size();
    }

    public long queuedCount() {
        return live.values().stream().map(l -> l.record)
                .filter(r -> r.queuedAt() != null && r.answeredAt() == null).count();
    }

    /** SOS calls (or calls of unknown line) waiting in the queue, unanswered. */
    public long sosWaiting() {
        return live.values().stream().map(l -> l.record)
                .filter(r -> r.queuedAt() != null && r.answeredAt() == null && SosAlerts.isSos(r)).count();
    }

    /** For tests and health: linkedids OneKey follows now. */
    public List<String> liveLinkedids() {
        return new ArrayList<>(live.keySet());
    }

    /** Stops the model's thread (what is queued on it is dropped). */
    @Override
    public void close() {
        model.shutdownNow();
    }
}
