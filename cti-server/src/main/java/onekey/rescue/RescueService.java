package onekey.rescue;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import onekey.auth.Account;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.outbound.Leg;
import onekey.outbound.Link;
import onekey.outbound.OutboundService;
import onekey.outbound.Outcome;
import onekey.outbound.Worker;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import onekey.tts.PromptCache;
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
 * <p>Durable and idempotent: every planned call is an SOS-lane leg of the outbound service (onekey.outbound), a row
 * written with its step before it is dialled, so after a restart or a kill -9 the incident continues where it was; a
 * step that was being dialled when the server died is not dialled again (its result is "unknown" unless Asterisk
 * still has its channel). This service keeps what a step means and the people's tasks. At most one open incident
 * per elder. Its own changes run on one thread.
 */
public final class RescueService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RescueService.class);
    static final String ACTION_PREFIX = "okstep-";

    /** The rule's numbers (config {@code rescue.*}). */
    public record Settings(int redials, int redialIntervalSeconds, int ringSeconds, int listenSeconds, int speechMillis,
                           int elderRetrySeconds, int followUpHours, int taskTakeSeconds) {}

    /** Renders a TTS prompt (text, language) and gives the path Asterisk plays (without extension). */
    public interface Prompts {
        Optional<String> playbackPath(String text, String language);

        /**
         * A message in pieces (fixed phrases with their ids, and values): the language's recordings of the phrases
         * where the centre has them, TTS for the rest (onekey.tts.PromptCache#compose). Without recordings: the text.
         */
        default Optional<String> playbackPath(List<PromptCache.Part> message, String language) {
            return playbackPath(String.join("", message.stream().map(PromptCache.Part::text).toList()), language);
        }
    }

    private final IncidentRepository repo;
    private final ElderRepository elders;
    private final Pbx pbx;
    private final RescueNotifier notifier;
    private final Clock clock;
    private final Settings settings;
    private final Prompts prompts;
    private final Worker worker;
    /** AstDB writes for "the incident's agent first", in order, off the rescue thread (each is an AMI round trip). */
    private final java.util.concurrent.ExecutorService routes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rescue-route");
        t.setDaemon(true);
        return t;
    });
    /** Places the calls (outbound/): the redials, contacts and agents' calls are its SOS legs. */
    private final OutboundService outbound;
    /** The server's outbound service, or (a test) one of its own that this service feeds. */
    private final Link link;
    /** Who is at the seats: for giving seat B to a second person, and for "the incident's agent first". */
    private final Seats seats;
    /** Where a seat's task done and follow-up outcomes are audited (issue 18); null in tests that do not look. */
    private final onekey.auth.AuditLog audit;
    /** Follow-ups of answered SOS and consult calls (issue 18 item 5); null: none kept (tests that do not look). */
    private final FollowUpRepository callFollowUps;

    /**
     * The seats as the rescue sees them, given when built (issue 17: the root wires in order, no setters).
     *
     * @param readyAgents account ids of the agents ready now (seat B goes to a second person when there is one)
     * @param extensionOf account id → its phone extension ("the incident's agent first"); null when unknown
     */
    public record Seats(java.util.function.Supplier<List<Long>> readyAgents,
                        java.util.function.LongFunction<String> extensionOf) {
        /** Nobody known to be ready, no extension known. */
        public static final Seats NONE = new Seats(List::of, id -> null);

        public Seats {
            java.util.Objects.requireNonNull(readyAgents, "readyAgents");
            java.util.Objects.requireNonNull(extensionOf, "extensionOf");
        }
    }

    /** With an outbound service of its own, no seats known, no audit, no call follow-ups (tests). */
    public RescueService(IncidentRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                         Settings settings, Prompts prompts) {
        this(repo, elders, pbx, hub, clock, settings, prompts, null);
    }

    /** The server's one outbound service, no seats known, no audit, no call follow-ups (tests). */
    public RescueService(IncidentRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                         Settings settings, Prompts prompts, OutboundService outbound) {
        this(repo, elders, pbx, hub, clock, settings, prompts, outbound, Seats.NONE, null, null);
    }

    /**
     * {@code outbound}: the server's one outbound service; null: one of its own, without trunk limits. {@code audit}
     * and {@code followUps} may be null (tests that do not look at them). The rescue's worker starts here: its first
     * tick already sweeps for missed calls' follow-ups.
     */
    public RescueService(IncidentRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                         Settings settings, Prompts prompts, OutboundService outbound, Seats seats,
                         onekey.auth.AuditLog audit, FollowUpRepository followUps) {
        this.seats = java.util.Objects.requireNonNull(seats, "seats");
        this.audit = audit;
        this.callFollowUps = followUps;
        this.prompts = prompts;
        this.repo = repo;
        this.elders = elders;
        this.pbx = pbx;
        this.notifier = new RescueNotifier(hub);
        this.clock = clock;
        this.settings = settings;
        this.worker = new Worker("rescue", "the rescue service is busy; try again");
        // RULE: a new emergency before the bookkeeping of those under way: confirmations waiting are opened before
        // whatever task the rescue thread takes next (a redial's result, a timer), not behind the queue
        worker.beforeEachTask(() -> {
            if (!opens.isEmpty()) {
                openPending();
            }
        });
        this.link = Link.of(outbound, () -> new OutboundService(repo.legs(), pbx, clock, OutboundService.Limits.none(), null),
                new Legs());
        this.outbound = link.service();
        worker.every(250, this::timer);
    }

    /**
     * When the rescue thread next looks for late tasks and overdue follow-ups (issue 23: it queried 8 times a second
     * even with nothing open): when an open task goes late, and at the latest 1 s after the last look
     * ({@code nextLookNanos}, in System.nanoTime: a test's clock may stand still).
     */
    private long nextLook;
    private long nextLookNanos;

    private void timer() {
        if (clock.millis() >= nextLook || System.nanoTime() - nextLookNanos >= 0) {
            tick();
        }
    }

    /** The result of asking for an incident: the incident and whether it was opened now or was open already. */
    public record Opened(Incident incident, boolean created) {}

    /**
     * "No response" confirmed for an elder (by an agent, or by OneKey itself for an SOS call that was abandoned):
     * opens the incident and plans redial 1 now, or returns the elder's open incident.
     */
    public Opened noResponse(long elderId, Long callId, Account by, String reason) {
        return noResponse(elderId, callId, by, reason, null);
    }

    /**
     * As {@link #noResponse(long, Long, Account, String)}, with the incident's detail: an alarm without a voice (issue
     * 24, reason {@code device-alarm}) says its kind and device there. The first redial is the call to the elder; with
     * no answer the no-response rescue goes on as for a silent call.
     */
    public Opened noResponse(long elderId, Long callId, Account by, String reason, String detail) {
        // on the rescue thread, like every other change to incidents: a burst of confirmations is serialised here
        // instead of contending in the database (a burst of 180 at once failed with 500s before)
        return audited(openSoon(elderId, null, callId, by, reason, detail), callId, by, reason);
    }

    /**
     * "No response" confirmed on {@code call} by a seat (POST /api/calls/{id}/no-response and the WebSocket's
     * {@code call.no-response} both call this): an agent only on a call it took ({@link SecurityException} otherwise).
     */
    public Opened noResponseOnCall(onekey.calls.CallRecord call, Account by) {
        if (by != null && by.role() == onekey.auth.Role.AGENT && (call.agentId() == null || call.agentId() != by.id())) {
            throw new SecurityException("call " + call.id() + " was taken by another agent: agents may raise an incident "
                    + "on only their own calls");
        }
        return noResponseOnCall(call.elderId(), call.callerNumber(), call.id(), by, "no-response");
    }

    /**
     * An SOS call the elder left before anyone answered ({@code rescue.openOnAbandonedSos}): the rescue starts by
     * itself, for a registered elder or for the caller's number; only a withheld number has nothing to redial.
     */
    public void abandonedSos(String linkedid, java.util.function.Function<String, java.util.Optional<onekey.calls.CallRecord>> calls) {
        try {
            calls.apply(linkedid).ifPresent(this::abandonedSos);
        } catch (RuntimeException e) {
            log.error("rescue: could not open an incident for the abandoned SOS call {}: {}", linkedid, e.toString());
        }
    }

    /** As {@link #abandonedSos(String, java.util.function.Function)} for the call's row. */
    public java.util.Optional<Opened> abandonedSos(onekey.calls.CallRecord call) {
        if (call.elderId() == null && PhoneNumbers.normalize(call.callerNumber(), null) == null) {
            return java.util.Optional.empty();
        }
        Opened o = noResponseOnCall(call.elderId(), call.callerNumber(), call.id(), null, "abandoned-sos");
        log.warn("rescue: SOS call {} abandoned before an answer: incident {} {}", call.id(), o.incident().id(),
                o.created() ? "opened" : "already open");
        return java.util.Optional.of(o);
    }

    /** One audit row per confirmation, opened or joined, whoever confirmed ({@code by} null: OneKey itself). */
    private Opened audited(Opened o, Long callId, Account by, String reason) {
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            Incident i = o.incident();
            String action = o.created() ? "incident.open" : "incident.join";
            String detail = "incident=" + i.id() + (callId == null ? "" : " call=" + callId)
                    + (i.elderId() == null ? " caller=" + PhoneNumbers.mask(i.callerNumber()) : "")
                    + (by == null ? " reason=" + reason : "");
            if (by == null) {
                a.recordAs(null, "system", action, i.auditType(), i.auditId(), detail);
            } else {
                a.record(by, action, i.auditType(), i.auditId(), detail);
            }
        }
        return o;
    }

    /** As {@link #audited(Opened, Long, Account, String)} for a seat's action on an incident. */
    private Incident audited(Account by, String action, String detail, Incident i) {
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            a.record(by, action, i.auditType(), i.auditId(), detail);
        }
        return i;
    }

    /**
     * The incident as {@code by} may read it: as {@link #incidentFor}, and also for a seat holding one of its tasks
     * (seat B of an emergency, issue 18) — reading, not acting on the incident's own actions.
     */
    public Incident incidentSeenBy(long id, Account by) {
        Incident i = repo.get(id).orElseThrow(() -> new java.util.NoSuchElementException("no such incident: " + id));
        if (by.role() == onekey.auth.Role.AGENT && !i.involves(by.id())) {
            throw new SecurityException("incident " + id + " belongs to another agent");
        }
        return i;
    }

    /**
     * The incident as {@code by} may see it: supervisors and admins any, an agent only the one it holds
     * ({@link SecurityException}); {@link java.util.NoSuchElementException} for an unknown id. REST and WebSocket.
     */
    public Incident incidentFor(long id, Account by) {
        Incident i = repo.get(id).orElseThrow(() -> new java.util.NoSuchElementException("no such incident: " + id));
        if (by.role() == onekey.auth.Role.AGENT && (i.agentId() == null || i.agentId() != by.id())) {
            throw new SecurityException("incident " + id + " belongs to another agent");
        }
        return i;
    }

    /**
     * "No response" confirmed on a call (REST and WebSocket): for the caller's elder, or, when the caller is not a
     * registered elder, for the caller's number. Service rules, "No response": assume an emergency — the unregistered
     * caller is the one we know least about, so the number is redialled twice as anyone's, and with no contacts to call
     * seat A's task is to call 110 with the number (the police can trace a line).
     */
    public Opened noResponseOnCall(Long elderId, String callerNumber, Long callId, Account by, String reason) {
        if (elderId != null) {
            return noResponse(elderId, callId, by, reason);
        }
        String number = PhoneNumbers.normalize(callerNumber, null);
        if (number == null) {
            throw new IllegalArgumentException("the caller's number is not known (withheld): nothing to redial; call 110 "
                    + "from the pop");
        }
        return audited(openSoon(null, number, callId, by, reason, null), callId, by, reason);
    }

    /** A confirmation waiting for the rescue thread: an elder's ({@code number} null) or an unregistered number's. */
    private record PendingOpen(Long elderId, String number, Long callId, Account by, String reason, String detail,
                               java.util.concurrent.CompletableFuture<Opened> result) {}

    /** Confirmations not yet taken by the rescue thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingOpen> opens = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Queues a confirmation and waits for the rescue thread to open it. The thread takes every confirmation waiting
     * when it gets there and opens them in one transaction (issue 23: 180 confirmed at once queued for one commit
     * each, 1.3–2.3 s until the last one's first redial), then has the dialer look once.
     */
    private Opened openSoon(Long elderId, String number, Long callId, Account by, String reason, String detail) {
        PendingOpen p = new PendingOpen(elderId, number, callId, by, reason, detail, new java.util.concurrent.CompletableFuture<>());
        opens.add(p);
        // returns once this task ran: by then an earlier task (or this one) has taken p and settled its result
        worker.call(() -> {
            openPending();
            return null;
        });
        try {
            return p.result().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Tests: runs {@code r} on the rescue thread (e.g. to hold it while confirmations queue up). */
    void onRescueThread(Runnable r) {
        worker.execute(r);
    }

    /** Tests: confirmations queued and not yet taken by the rescue thread. */
    int pendingOpens() {
        return opens.size();
    }

    /** On the rescue thread: opens every confirmation waiting, in one transaction when there are several. */
    private void openPending() {
        List<PendingOpen> batch = new java.util.ArrayList<>();
        for (PendingOpen p; (p = opens.poll()) != null; ) {
            batch.add(p);
        }
        List<PendingOpen> ready = new java.util.ArrayList<>();
        List<IncidentRepository.OpenRequest> requests = new java.util.ArrayList<>();
        long now = clock.millis();
        for (PendingOpen p : batch) {
            try {
                String number = p.number() != null ? p.number() : firstPhone(p.elderId());
                ready.add(new PendingOpen(p.elderId(), number, p.callId(), p.by(), p.reason(), p.detail(), p.result()));
                requests.add(new IncidentRepository.OpenRequest(p.elderId(), p.callId(), p.by() == null ? null : p.by().id(),
                        p.by() == null ? "system" : p.by().username(), p.reason(), p.detail(), number, now));
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
        if (ready.size() <= 1) {
            ready.forEach(p -> settle(p, () -> openNow(p.elderId(), p.number(), p.callId(), p.by(), p.reason(), p.detail())));
            return;
        }
        List<Optional<Incident>> opened;
        try {
            opened = repo.openAllWithFirstRedial(requests);
        } catch (RuntimeException e) {
            log.warn("rescue.open-batch-failed count={} error={}: opening them one by one", ready.size(), e.toString());
            ready.forEach(p -> settle(p, () -> openNow(p.elderId(), p.number(), p.callId(), p.by(), p.reason(), p.detail())));
            return;
        }
        if (opened.stream().anyMatch(Optional::isPresent)) {
            outbound.kick();
        }
        for (int i = 0; i < ready.size(); i++) {
            PendingOpen p = ready.get(i);
            Optional<Incident> o = opened.get(i);
            settle(p, () -> o.isPresent() ? opened(o.get(), p.elderId(), p.callId(), p.reason())
                    : new Opened(existing(p.elderId(), p.number()), false));
        }
    }

    private static void settle(PendingOpen p, java.util.function.Supplier<Opened> open) {
        try {
            p.result().complete(open.get());
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    /** The number an elder's incident redials first; {@link IllegalArgumentException} when there is none. */
    private String firstPhone(long elderId) {
        Elder elder = elders.get(elderId).orElseThrow(() -> new IllegalArgumentException("no such elder: " + elderId));
        if (elder.phones() == null || elder.phones().isEmpty()) {
            throw new IllegalArgumentException("elder " + elderId + " has no phone number to redial");
        }
        return elder.phones().get(0);
    }

    private Incident existing(Long elderId, String number) {
        return (elderId != null ? repo.openFor(elderId) : repo.openForCaller(number)).orElseThrow();
    }

    /** Opens the incident of an elder, or of an unregistered caller's number when {@code elderId} is null. */
    private Opened openNow(Long elderId, String firstNumber, Long callId, Account by, String reason, String detail) {
        long now = clock.millis();
        // one transaction writes the incident, its first redial and the redial's leg; the dialer looks at once (no
        // wait for its tick): a burst of confirmations costs one short transaction each on this thread; the AstDB
        // routing goes to its own thread
        Optional<Incident> opened = repo.openWithFirstRedial(elderId, callId, by == null ? null : by.id(),
                by == null ? "system" : by.username(), reason, detail, firstNumber, now);
        if (opened.isEmpty()) {
            return new Opened(existing(elderId, firstNumber), false);
        }
        outbound.kick();
        return opened(opened.get(), elderId, callId, reason);
    }

    /** An incident just opened (its first redial planned and the dialer told): logged, routed, published. */
    private Opened opened(Incident inc, Long elderId, Long callId, String reason) {
        log.info("rescue.opened incident={} elder={} caller={} call={} by={} reason={}", inc.id(), elderId,
                PhoneNumbers.mask(inc.callerNumber()), callId, inc.openedBy(), reason);
        route(inc, true);
        publish(RescueEvents.IncidentOpened::new, inc);
        return new Opened(inc, true);
    }

    public Optional<Incident> get(long id) {
        return repo.get(id);
    }

    public List<Incident> find(Long elderId, String state, int limit) {
        return repo.find(elderId, state, limit);
    }

    /** A page of incidents, newest first (GET /api/incidents with from, to, cursor: issue 22). */
    public onekey.store.Cursor.Page<Incident> page(Long elderId, String state, Long from, Long to,
                                                   onekey.store.Cursor after, int limit) {
        return repo.page(elderId, state, from, to, after, limit);
    }

    /** From the AMI dispatcher: the dialplan's results to the rescue thread at once; the calls' own to outbound. */
    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.OutResult o when o.step() != null -> worker.execute(() -> heard(o));
            case PbxEvent.QueueEntry q when q.callerNumber() != null && !"rescue".equals(q.dnis()) ->
                    worker.execute(() -> joined(q));
            default -> { }
        }
        link.onEvent(e);
    }

    /**
     * AMI (re)connected: the incidents' agents are written into AstDB again (the legs' resync is the outbound
     * service's, run by the root; with an outbound service of its own, run here).
     */
    public void pbxConnected() {
        link.resync();
        worker.execute(() -> {
            try {
                for (String state : List.of("redialling", "escalating")) {
                    repo.find(null, state, 500).forEach(i -> route(i, true));
                }
            } catch (RuntimeException ex) {
                log.warn("rescue.resync-failed error={}", ex.toString());
            }
        });
    }

    /**
     * While an incident with an agent is open, an SOS call from the elder rings that agent first: the dialplan
     * reads the agent's extension from AstDB (family onekey-incident, key = the caller's digits). Written on open
     * and on every AMI connect, removed on close.
     */
    private void route(Incident inc, boolean open) {
        routes.execute(() -> routeNow(inc, open));
    }

    private void routeNow(Incident inc, boolean open) {
        String ext = inc.agentId() == null ? null : seats.extensionOf().apply(inc.agentId());
        if (ext == null) {
            return;
        }
        List<String> phones = phonesOf(inc);
        if (phones.isEmpty()) {
            return;
        }
        try {
            for (String p : phones) {
                for (String key : List.of(p, "0" + p)) {
                    if (open) {
                        pbx.putSetting("onekey-incident", key, ext);
                    } else {
                        pbx.deleteSetting("onekey-incident", key);
                    }
                }
            }
        } catch (RuntimeException ex) {
            log.warn("rescue.route-failed incident={} open={} error={}", inc.id(), open, ex.toString());
        }
    }

    /** An SOS call from an elder whose incident is open joins the incident (a step in its timeline). */
    private void joined(PbxEvent.QueueEntry q) {
        String digits = q.callerNumber().replaceAll("[^0-9]", "");
        // one query for both states, without steps (issue 23: this runs for every call that joins the queue)
        List<Incident> heads = repo.headsInStates(List.of("redialling", "escalating"), 100);
        for (String state : List.of("redialling", "escalating")) {
            for (Incident head : heads) {
                if (!state.equals(head.state())) {
                    continue;
                }
                if (phonesOf(head).stream().anyMatch(p -> p.equals(digits) || ("0" + p).equals(digits))) {
                    Incident inc = repo.get(head.id()).orElse(null);
                    if (inc == null) {
                        continue;
                    }
                    int seq = inc.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
                    repo.openTask(inc.id(), seq, "sos-call", q.callerNumber(), "the elder pressed SOS again: call "
                            + q.linkedid(), clock.millis());
                    repo.finish(repo.get(inc.id()).orElseThrow().steps().stream().filter(x -> x.seq() == seq)
                            .findFirst().orElseThrow().id(), "joined", "the elder pressed SOS again: call " + q.linkedid()
                            + (inc.agentId() != null ? "; rings the incident's agent first" : ""), clock.millis());
                    log.warn("rescue.sos-again incident={} call={}", inc.id(), q.linkedid());
                    publish(RescueEvents.IncidentUpdated::new, repo.get(inc.id()).orElse(inc));
                    return;
                }
            }
        }
    }

    public void pbxDisconnected() {
        link.pbxDisconnected();
    }

    /**
     * One pass of the poller and the dialer now, returning when they and what they handed to the rescue thread are
     * done: a unit test moves its clock and then knows the pass at that time has run (the pollers' own passes run
     * every few hundred ms of real time).
     */
    void tickNow() {
        worker.execute(() -> {
            nextLook = 0;
            tick();
        });
        outbound.pollNow();
        worker.drain();
    }

    private void tick() {
        try {
            long now = clock.millis();
            lateTasks(now);
            missedCallFollowUps(now);
        } catch (RuntimeException e) {
            log.warn("rescue.tick-failed error={}", e.toString());
        }
    }

    /** What a rescue leg means: a step of the incident (a redial, a contact, seat B's call, an agent's call). */
    private final class Legs extends OutboundService.Owner {
        Legs() {
            super(IncidentRepository.OWNER, ACTION_PREFIX, "ONEKEY_STEP", false);
        }

        @Override
        public OutboundService.Admission admit(Leg leg, long now) {
            // a step cancelled meanwhile (the elder spoke, responders arrived, a contact acknowledged) is not dialled
            return repo.step(leg.rowId()).filter(s -> s.state().equals("planned")).isPresent()
                    ? OutboundService.Admission.DIAL : OutboundService.Admission.drop("the step is no longer planned");
        }

        @Override
        public OutboundService.Dial prepare(Leg leg) {
            Incident.Step s = repo.step(leg.rowId()).orElseThrow();
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("ONEKEY_STEP", Long.toString(s.id()));
            vars.put("ONEKEY_LISTEN", Integer.toString(settings.listenSeconds()));
            vars.put("ONEKEY_SPEECH_MS", Integer.toString(settings.speechMillis()));
            vars.put("ONEKEY_ELDER_NUMBER", s.target());
            String context = "onekey-out-answered";
            if (s.kind().equals("contact")) {
                context = "onekey-out-contact";
                String[] message = contactMessage(s).orElseThrow(() -> new OutboundService.Unplaceable(
                        "the message for the contact could not be spoken (no voice for its language)"));
                vars.put("ONEKEY_PROMPT", message[0]);
                vars.put("ONEKEY_LANG", message[1]);
            } else if (s.kind().equals("call")) {
                context = "onekey-out-agent-call";
                vars.put("ONEKEY_DIAL", s.target());
            }
            String channel = s.kind().equals("call") ? "PJSIP/" + s.detail() : "PJSIP/" + s.target() + "@trunk";
            return new OutboundService.Dial(channel, context, settings.ringSeconds() * 1000L, null, vars);
        }

        @Override
        public void moved(Leg leg, OutboundService.Move move) {
            repo.mirror(leg);
        }

        @Override
        public void placed(Leg leg) {
            log.info("rescue.dial incident={} step={} seq={} number={}", leg.reference(), leg.rowId(), leg.step(),
                    PhoneNumbers.mask(leg.number()));
            worker.execute(() -> publishStep(RescueEvents.IncidentStep::new, leg.rowId()));
        }

        @Override
        public void answered(Leg leg) {
            log.info("rescue.answered incident={} step={}", leg.reference(), leg.rowId());
        }

        @Override
        public void ended(Leg leg, Outcome outcome, String detail) {
            worker.execute(() -> repo.step(leg.rowId()).ifPresent(s -> {
                boolean call = s.kind().equals("call");
                if (outcome == Outcome.HUNG_UP) {
                    // an agent's call (110, a contact) ends when the seat hangs up, before the dialplan can say how
                    finish(s, call ? "ended" : "hung-up", call ? "the agent's call ended" : "answered, hung up before speaking");
                } else {
                    finish(s, outcome.wire(), detail);
                }
            }));
        }

        @Override
        public long staleMillis(Leg leg) {
            return (settings.ringSeconds() + settings.listenSeconds() + 30) * 1000L;
        }
    }

    private void heard(PbxEvent.OutResult o) {
        long stepId;
        try {
            stepId = Long.parseLong(o.step().trim());
        } catch (NumberFormatException e) {
            return;
        }
        String result = o.result() == null ? "" : o.result().trim();
        repo.step(stepId).ifPresent(s -> {
            switch (s.kind()) {
                case "contact" -> {
                    String spoken = switch (contactLanguageOf(s)) {
                        case "en" -> " (message in English)";
                        case "wuu" -> " (message in Shanghainese where recorded, else Mandarin)";
                        default -> " (message in Mandarin)";
                    };
                    finish(s, "ack".equals(result) ? "ack" : "no-ack",
                            ("ack".equals(result) ? "pressed 1: on the way" : "heard the message, did not press 1") + spoken);
                }
                case "call" -> finish(s, result.toLowerCase(java.util.Locale.ROOT), "dial status " + result);
                default -> finish(s, "spoke".equals(result) ? "spoke" : "silent",
                        "spoke".equals(result) ? "the elder spoke: put through to an agent at SOS priority" : "answered, no speech");
            }
        });
    }

    /** Ends a step (once) and moves its incident on. */
    private void finish(Incident.Step s, String result, String detail) {
        long now = clock.millis();
        boolean contactAck = s.kind().equals("contact") && "ack".equals(result);
        if (!(contactAck ? repo.finishAck(s.incidentId(), s.id(), detail, now) : repo.finish(s.id(), result, detail, now))) {
            return;
        }
        // the dialplan's result ends the call's leg too (when the leg ended first, it is done already)
        outbound.finish(IncidentRepository.OWNER, Long.toString(s.incidentId()), s.seq(), Outcome.ANSWERED, detail);
        log.info("rescue.step-done incident={} step={} seq={} kind={} result={}", s.incidentId(), s.id(), s.seq(), s.kind(),
                result);
        publishStep(RescueEvents.IncidentStep::new, s.id());
        if (s.kind().equals("contact") && !"ack".equals(result)) {
            repo.nextContactDue(s.incidentId(), now).ifPresent(seq -> outbound.reschedule(IncidentRepository.OWNER,
                    Long.toString(s.incidentId()), seq, now));
        }
        Incident inc = repo.get(s.incidentId()).orElse(null);
        if (inc == null || !inc.open()) {
            return;
        }
        if ("spoke".equals(result)) {
            repo.cancelPlanned(inc.id(), now);
            // the follow-up first: whoever sees the incident resolved sees its follow-up on the worklist too
            planFollowUp(inc, now);
            repo.close(inc.id(), "resolved", "the elder answered " + (s.kind().equals("redial") ? "redial " + s.seq()
                    : "a seat-B call") + " and spoke; put through to an agent", now);
            repo.closeTasks(inc.id(), "cancelled", "the elder answered and spoke", now);
            route(inc, false);
            publish(RescueEvents.IncidentResolved::new, repo.get(inc.id()).orElse(inc));
            return;
        }
        List<Incident.Step> steps = inc.steps();
        int nextSeq = steps.stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
        switch (s.kind()) {
            case "redial" -> {
                long redialsDone = steps.stream().filter(x -> x.kind().equals("redial") && x.state().equals("done")).count();
                if (redialsDone < settings.redials()) {
                    List<String> known = phonesOf(inc);
                    List<String> phones = known.isEmpty() ? List.of(s.target()) : known;
                    repo.plan(inc.id(), nextSeq, "redial", phones.get((int) (redialsDone % phones.size())),
                            now + settings.redialIntervalSeconds() * 1000L);
                    outbound.kick(); // the dialer wakes at the redial's due time (it does not poll when idle)
                    publish(RescueEvents.IncidentUpdated::new, repo.get(inc.id()).orElse(inc));
                } else {
                    escalate(inc, nextSeq, now);
                }
            }
            case "contact" -> {
                if ("ack".equals(result)) {
                    Incident.Step c = s; // the contacts still planned were cancelled with the acknowledgement
                    task(inc, "task-a", inc.agentId(), "confirm-responders", "contact " + c.detail() + " is on the way to the elder: "
                            + "confirm responders arrived and record the outcome");
                } else if (steps.stream().noneMatch(x -> x.kind().equals("contact") && !x.state().equals("done"))) {
                    task(inc, "task-a", inc.agentId(), "call-110", "no contact acknowledged: call 110 now so the police check on the "
                            + "elder; " + addressOf(inc));
                }
            }
            case "elder-retry" -> {
                if (inc.state().equals("escalating")) {
                    repo.plan(inc.id(), nextSeq, "elder-retry", s.target(), now + settings.elderRetrySeconds() * 1000L);
                    outbound.kick();
                    publish(RescueEvents.IncidentUpdated::new, repo.get(inc.id()).orElse(inc));
                }
            }
            default -> publish(RescueEvents.IncidentUpdated::new, inc);
        }
    }

    // ---- texts (issue 20): the SMS room notes its texts on the timeline, and a contact may acknowledge by text ------

    /**
     * A text on the incident's timeline: {@code kind} "sms" (sent to {@code target}; {@code result} its delivery
     * state) or "sms-reply" (received from {@code target}). Its step id; empty for an unknown incident.
     */
    public Optional<Long> noteText(long incidentId, String kind, String target, String result, String detail) {
        return worker.call(() -> {
            Incident inc = repo.get(incidentId).orElse(null);
            if (inc == null) {
                return Optional.<Long>empty();
            }
            int seq = inc.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
            Optional<Long> id = repo.noteText(incidentId, seq, kind, target, result, detail, clock.millis());
            id.ifPresent(s -> publishStep(RescueEvents.IncidentStep::new, s));
            return id;
        });
    }

    /** A text's delivery state changed (its receipt): its step shows it. */
    public void textResult(long stepId, String result) {
        worker.execute(() -> {
            if (repo.textResult(stepId, result, clock.millis())) {
                publishStep(RescueEvents.IncidentStep::new, stepId);
            }
        });
    }

    /**
     * A contact replied "1" / "到" / "收到" to an incident's text (issue 20): exactly as pressing 1 on the contact's
     * call — the contact's step ends "ack", the contacts not yet called are not called, and seat A's task becomes
     * "confirm the responders arrived". A contact not yet in the cascade (the incident still redialling) gets a step
     * that is its acknowledgement, and the escalation then calls no contact. False when the incident is closed or
     * the contact acknowledged already.
     */
    public boolean acknowledgedByText(long incidentId, String phone, String name, String text) {
        return worker.call(() -> {
            Incident inc = repo.get(incidentId).orElse(null);
            if (inc == null || !inc.open()) {
                return false;
            }
            String want = PhoneNumbers.normalize(phone, null);
            java.util.function.Predicate<Incident.Step> mine = x -> x.kind().equals("contact")
                    && want != null && want.equals(PhoneNumbers.normalize(x.target(), null));
            if (inc.steps().stream().anyMatch(x -> mine.test(x) && "ack".equals(x.result()))) {
                return false;
            }
            String detail = (name == null ? "" : name + " ") + "replied \"" + text + "\" by text: on the way";
            Optional<Incident.Step> open = inc.steps().stream().filter(x -> mine.test(x) && !x.state().equals("done"))
                    .findFirst();
            if (open.isPresent()) {
                finish(open.get(), "ack", detail);
            } else {
                int seq = inc.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
                repo.openTask(incidentId, seq, "contact", phone, name, clock.millis());
                Incident.Step s = repo.get(incidentId).orElseThrow().steps().stream().filter(x -> x.seq() == seq)
                        .findFirst().orElseThrow();
                finish(s, "ack", detail);
            }
            log.info("rescue.text-ack incident={} contact={}", incidentId, PhoneNumbers.mask(phone));
            return true;
        });
    }

    /**
     * Two redials without a response: seat A calls the contacts in order (all planned now, dialled one after the
     * other: each due when the previous ends), seat B keeps calling the elder every {@code elderRetrySeconds}.
     */
    private void escalate(Incident inc, int nextSeq, long now) {
        repo.setState(inc.id(), "escalating");
        Elder elder = elderOf(inc).orElse(null);
        int seq = nextSeq;
        List<onekey.elders.Contact> contacts = elder == null ? List.of() : elder.contacts();
        // a contact acknowledged by text before the escalation (issue 20): on the way already, nobody else is called
        boolean acked = inc.steps().stream().anyMatch(x -> x.kind().equals("contact") && "ack".equals(x.result()));
        for (onekey.elders.Contact c : acked ? List.<onekey.elders.Contact>of() : contacts) {
            if (c.phone() != null && !c.phone().isBlank()) {
                // due far ahead; the first one now: each next contact is made due when the previous one ends
                repo.planContact(inc.id(), seq++, c.phone(), c.name(), seq - 1 == nextSeq ? now : Long.MAX_VALUE / 2);
            }
        }
        if (acked) {
            seq = nextSeq + 1; // seat A's task (confirm the responders arrived) was given with the acknowledgement
        } else if (seq == nextSeq) {
            task(inc, "task-a", inc.agentId(), "call-110", elder == null
                    // an unregistered caller: no address, no contacts; the police can trace the line from its number
                    ? "the caller is not registered and has no contact to call: call 110 now and give the caller's number "
                            + inc.callerNumber() + " so the police can trace the line"
                    : "the elder has no contact to call: call 110 now; " + addressOf(inc));
            seq = nextSeq + 1;
        }
        task(inc, "task-b", seatB(inc), "stay-with-elder", "seat B calls the elder every " + settings.elderRetrySeconds()
                + " s; take the elder's call when it comes, cancel the alarm if the elder is well");
        List<String> phones = phonesOf(inc);
        if (!phones.isEmpty()) {
            repo.plan(inc.id(), seq + 100, "elder-retry", phones.get(0), now + settings.elderRetrySeconds() * 1000L);
            outbound.kick();
        }
        Incident esc = repo.get(inc.id()).orElse(inc);
        log.warn("rescue.escalating incident={} elder={} caller={} contacts={}", inc.id(), inc.elderId(),
                PhoneNumbers.mask(inc.callerNumber()), contacts.size());
        publish(RescueEvents.IncidentEscalated::new, esc);
        notifier.alert(new RescueEvents.EscalatedAlert(esc));
    }

    /**
     * A task for a person (seat A: confirm responders / call 110; seat B: stay with the elder's calls): a step in
     * state "open" until its agent takes it ({@code target} "agent:&lt;id&gt;", or null when nobody could be given it).
     * Not taken within {@code taskTakeSeconds}: supervisors are alerted.
     */
    private void task(Incident inc, String kind, Long assignee, String what, String detail) {
        int seq = repo.get(inc.id()).map(i -> i.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0)).orElse(0) + 1;
        repo.openTask(inc.id(), seq, kind, assignee == null ? null : "agent:" + assignee, what + ": " + detail, clock.millis());
        Incident now = repo.get(inc.id()).orElse(inc);
        log.warn("rescue.task incident={} kind={} what={} agent={}", inc.id(), kind, what, assignee);
        publish(RescueEvents.IncidentTask::new, now);
        if (assignee != null && !assignee.equals(inc.agentId())) {
            notifier.taskAssigned(assignee, now, what);
        }
        notifier.alert(new RescueEvents.TaskAlert(what, now));
    }

    /** Seat A goes to the incident's agent; seat B to another ready agent when there is one, else the same. */
    private Long seatB(Incident inc) {
        try {
            return seats.readyAgents().get().stream().filter(id -> !id.equals(inc.agentId())).findFirst().orElse(inc.agentId());
        } catch (RuntimeException e) {
            return inc.agentId();
        }
    }

    /** An agent takes a task: open → taken. Only its agent, the incident's agent, or a supervisor/admin. */
    public Incident take(long id, int seq, Account by) {
        return audited(by, "incident.task-take", "incident=" + id + " task=" + seq, worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            Incident.Step t = inc.steps().stream().filter(x -> x.seq() == seq && x.kind().startsWith("task-")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("incident " + id + " has no task " + seq));
            boolean mine = ("agent:" + by.id()).equals(t.target()) || Long.valueOf(by.id()).equals(inc.agentId())
                    || by.role() != onekey.auth.Role.AGENT;
            if (!mine) {
                throw new SecurityException("task " + seq + " of incident " + id + " is another agent's");
            }
            if (!repo.takeTask(t.id(), by.username(), clock.millis())) {
                throw new IllegalStateException("task " + seq + " is " + t.state() + " already");
            }
            Incident now = repo.get(id).orElseThrow();
            publish(RescueEvents.IncidentUpdated::new, now);
            return now;
        }));
    }

    /**
     * A supervisor hands a seat's task (A or B) to another seat (issue 19 item 2): the task is open again for that
     * seat, which gets {@code incident.task}; audited {@code incident.task-assign}. IllegalArgumentException: no such
     * incident or task; IllegalStateException: the incident is closed or the task done.
     */
    public Incident assignTask(long id, int seq, long agentId, Account by) {
        String[] before = new String[2];
        Incident now = worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            Incident.Step t = inc.steps().stream().filter(x -> x.seq() == seq && x.kind().startsWith("task-")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("incident " + id + " has no task " + seq));
            if (!inc.open()) {
                throw new IllegalStateException("incident " + id + " is " + inc.state());
            }
            if (!repo.assignTask(t.id(), "agent:" + agentId, clock.millis())) {
                throw new IllegalStateException("task " + seq + " is " + t.state() + " already");
            }
            before[0] = t.target();
            before[1] = t.detail() == null ? t.kind() : t.detail().split(":", 2)[0];
            Incident after = repo.get(id).orElseThrow();
            log.info("rescue.task-assign incident={} seq={} kind={} from={} to=agent:{} by={}", id, seq, t.kind(), t.target(),
                    agentId, by.username());
            publish(RescueEvents.IncidentUpdated::new, after);
            notifier.taskAssigned(agentId, after, before[1]);
            return after;
        });
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            a.record(by, "incident.task-assign", now.auditType(), now.auditId(), "incident=" + id + " task=" + seq
                    + " from=" + before[0] + " to=agent:" + agentId);
        }
        return now;
    }

    /**
     * An agent says its task is done (issue 18: 完成 in the incident panel): open or taken → done, the task's text
     * kept with "done by" after it; audited {@code incident.task-done}. The same people as {@link #take}; REST and the
     * WebSocket command both call this.
     */
    public Incident completeTask(long id, int seq, Account by) {
        Incident now = worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            Incident.Step t = inc.steps().stream().filter(x -> x.seq() == seq && x.kind().startsWith("task-")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("incident " + id + " has no task " + seq));
            boolean mine = ("agent:" + by.id()).equals(t.target()) || Long.valueOf(by.id()).equals(inc.agentId())
                    || by.role() != onekey.auth.Role.AGENT;
            if (!mine) {
                throw new SecurityException("task " + seq + " of incident " + id + " is another agent's");
            }
            if (!repo.completeTask(t.id(), by.username(), clock.millis())) {
                throw new IllegalStateException("task " + seq + " is " + t.state() + " already");
            }
            Incident done = repo.get(id).orElseThrow();
            log.info("rescue.task-done incident={} seq={} kind={} by={}", id, seq, t.kind(), by.username());
            publish(RescueEvents.IncidentUpdated::new, done);
            return done;
        });
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            a.record(by, "incident.task-done", now.auditType(), now.auditId(), "incident=" + id + " task=" + seq);
        }
        return now;
    }

    /**
     * Whether calling {@code number} does seat A's task {@code what} (service rules, No response 2: "if none can be
     * reached, call 110 for the police to check at the door"): the task call-110 is done by a call to 110 only; the
     * task confirm-responders by a call to 110, 120 or 119 (emergency services sent to the elder).
     */
    static boolean callDoesTask(String what, String number) {
        if (what.startsWith("call-110")) {
            return "110".equals(number);
        }
        return "110".equals(number) || "120".equals(number) || "119".equals(number);
    }

    private final java.util.Set<Long> lateTasksAlerted = ConcurrentHashMap.newKeySet();

    /**
     * Tasks nobody took within {@code taskTakeSeconds}, and follow-ups past their deadline: supervisors are alerted
     * (once per task and run).
     */
    private void lateTasks(long now) {
        long take = settings.taskTakeSeconds() * 1000L;
        long next = Long.MAX_VALUE;
        nextLook = 0; // a failed look looks again at the next tick
        nextLookNanos = System.nanoTime();
        List<Incident.Step> late = new java.util.ArrayList<>();
        for (Incident.Step t : repo.openTasksDueBefore(Long.MAX_VALUE)) { // every open task (few): the late ones and when the next goes late
            if (t.dueAt() < now - take) {
                late.add(t);
            } else {
                next = Math.min(next, t.dueAt() + take + 1);
            }
        }
        for (Incident.Step t : late) {
            if (lateTasksAlerted.add(t.id())) {
                Incident inc = repo.get(t.incidentId()).orElse(null);
                if (inc == null || !inc.open()) {
                    continue;
                }
                log.warn("rescue.task-not-taken incident={} seq={} kind={} agent={}", inc.id(), t.seq(), t.kind(), t.target());
                notifier.alert(new RescueEvents.TaskNotTaken(t.seq(), t.kind(), inc));
            }
        }
        // a follow-up not made by its deadline (resolution + rescue.followUpHours): the supervisors are told
        for (Incident.Step t : repo.openTasks("follow-up", now - 1)) {
            if (lateTasksAlerted.add(t.id())) {
                Incident inc = repo.get(t.incidentId()).orElse(null);
                if (inc == null) {
                    continue;
                }
                log.warn("rescue.follow-up-overdue incident={} seq={} dueAt={}", inc.id(), t.seq(), t.dueAt());
                notifier.alert(new RescueEvents.FollowUpOverdue(t.seq(), t.kind(), t.dueAt(), inc));
            }
        }
        nextLook = next;
        nextLookNanos = System.nanoTime() + 1_000_000_000L;
    }

    private String addressOf(Incident inc) {
        return elderOf(inc).map(e -> "address: " + e.address() + (e.landmarks() == null ? "" : " (" + e.landmarks()
                + ")")).orElse("");
    }

    /** At most two TTS syntheses at once (2 cores): a burst of incidents queues here instead of timing espeak out. */
    private final java.util.concurrent.Semaphore tts = new java.util.concurrent.Semaphore(2);

    /**
     * The message a contact hears, rendered by TTS in the contact's language (Mandarin unless the contact's record
     * says otherwise): {playback path, language}. A contact is
     * never skipped because the message could not be rendered: then a short generic message (no name or address),
     * and failing that a beep, still asks for 1.
     */
    private Optional<String[]> contactMessage(Incident.Step s) {
        Incident inc = repo.get(s.incidentId()).orElse(null);
        Elder e = inc == null ? null : elderOf(inc).orElse(null);
        String lang = e == null ? "zh" : contactLanguage(e, s.target());
        boolean zh = !lang.equals("en"); // wuu: the Mandarin text, its recordings where the centre has them
        // fixed phrases with ids, so the centre's recordings of them are played (docs/operations.md "Prompts")
        List<PromptCache.Part> text = e == null ? null : zh
                ? List.of(PromptCache.Part.fixed("rescue.intro", "您好，这里是一键通紧急救助中心。"),
                        PromptCache.Part.value(e.name()),
                        PromptCache.Part.fixed("rescue.noResponse", "按了一键呼叫，但是没有回应，我们联系不上。地址是"),
                        PromptCache.Part.value(e.address()), PromptCache.Part.value("。"),
                        PromptCache.Part.fixed("rescue.keys", "如果您能马上过去看看，请按1。重听请按2。"))
                : List.of(PromptCache.Part.fixed("rescue.intro", "Hello, this is the OneKey emergency centre. "),
                        PromptCache.Part.value(e.name()),
                        PromptCache.Part.fixed("rescue.noResponse", " pressed the emergency button and does not respond. "
                                + "The address is "),
                        PromptCache.Part.value(e.address()), PromptCache.Part.value(". "),
                        PromptCache.Part.fixed("rescue.keys", "If you can go there now, press 1. To hear this again, press 2."));
        List<PromptCache.Part> generic = List.of(PromptCache.Part.fixed("rescue.generic", zh
                ? "您好，这里是一键通紧急救助中心。您的家人按了一键呼叫，但是没有回应。如果您能马上过去看看，请按1。"
                : "This is the OneKey emergency centre. Your relative pressed the emergency button and does not respond. "
                        + "If you can go there now, press 1."));
        for (List<PromptCache.Part> t : text == null ? List.of(generic) : List.of(text, generic)) {
            Optional<String> path = speak(t, lang);
            if (path.isPresent()) {
                return Optional.of(new String[] {path.get(), lang});
            }
            log.warn("rescue.tts-failed step={} lang={} generic={}", s.id(), lang, t.equals(generic));
        }
        return Optional.of(new String[] {"beep", lang});
    }

    private String contactLanguageOf(Incident.Step s) {
        return repo.get(s.incidentId()).flatMap(this::elderOf).map(e -> contactLanguage(e, s.target()))
                .orElse("zh");
    }

    /**
     * The language of the elder's contact at {@code phone}: "en" when the record says English, "wuu" for Shanghainese
     * (its recordings, Mandarin TTS), else Mandarin "zh".
     */
    static String contactLanguage(Elder e, String phone) {
        String l = e.contacts() == null ? null : e.contacts().stream()
                .filter(c -> c.phone() != null && c.phone().equals(phone))
                .map(onekey.elders.Contact::language).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        String lang = onekey.tts.Languages.normalize(l);
        return lang.equals("en") || lang.equals("wuu") ? lang : "zh";
    }

    private Optional<String> speak(List<PromptCache.Part> message, String lang) {
        try {
            tts.acquire();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return prompts.playbackPath(message, lang);
        } catch (RuntimeException ex) {
            log.warn("rescue.tts-error lang={} error={}", lang, ex.toString());
            return Optional.empty();
        } finally {
            tts.release();
        }
    }

    // ---- people's actions ---------------------------------------------------------------------------------

    /** Responders arrived (or the elder was found well): the incident is resolved and a follow-up is planned. */
    public Incident arrived(long id, Account by, String outcome) {
        return audited(by, "incident.resolve", "incident=" + id + " outcome=" + outcome, worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            long now = clock.millis();
            if (!repo.close(id, "resolved", outcome, now)) {
                throw new IllegalStateException("incident " + id + " is already " + inc.state());
            }
            repo.cancelPlanned(id, now);
            repo.closeTasks(id, "done", "responders arrived: " + outcome + " (by " + by.username() + ")", now);
            route(inc, false);
            planFollowUp(inc, now);
            Incident done = repo.get(id).orElseThrow();
            log.info("rescue.resolved incident={} by={}", id, by.username());
            publish(RescueEvents.IncidentResolved::new, done);
            return done;
        }));
    }

    /** The alarm is cancelled (the elder is well): nothing more is dialled. */
    public Incident cancel(long id, Account by, String reason) {
        return audited(by, "incident.cancel", "incident=" + id + " reason=" + reason, worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            long now = clock.millis();
            if (!repo.close(id, "cancelled", reason + " (by " + by.username() + ")", now)) {
                throw new IllegalStateException("incident " + id + " is already " + inc.state());
            }
            repo.cancelPlanned(id, now);
            repo.closeTasks(id, "cancelled", reason, now);
            route(inc, false);
            planFollowUp(inc, now);
            Incident done = repo.get(id).orElseThrow();
            publish(RescueEvents.IncidentCancelled::new, done);
            return done;
        }));
    }

    /**
     * An agent calls a number for the incident (110 from the A task, a contact, the elder for the follow-up):
     * Asterisk rings the agent's phone, then dials the number through the trunk; recorded, and in the timeline.
     */
    public Incident callFromAgent(long id, Account agent, String number) {
        if (agent.extension() == null) {
            throw new IllegalArgumentException(agent.username() + " has no phone extension to call from");
        }
        return worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            int seq = inc.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
            repo.planCall(id, seq, number, agent.extension(), clock.millis());
            for (Incident.Step t : inc.steps()) {
                if (t.kind().equals("task-a") && (t.state().equals("open") || t.state().equals("taken"))
                        && callDoesTask(t.detail() == null ? "" : t.detail(), number)) {
                    repo.completeTask(t.id(), agent.username() + " called " + number, clock.millis());
                }
            }
            outbound.kick();
            return repo.get(id).orElseThrow();
        });
    }

    // ---- follow-ups (issue 18 item 4): dialling records an attempt; only the seat's outcome completes one ----------

    /**
     * The follow-up call from the worklist: the agent's phone rings, then the elder's number. The attempt is noted on
     * the task (result "dialled"), which stays open: service rules "follow-up within 2 days" ask for the elder reached
     * and asked, not for a number dialled.
     */
    public Incident followUp(long id, Account agent) {
        Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
        Incident.Step task = openFollowUp(inc);
        String number = task.target() != null ? task.target()
                : phonesOf(inc).stream().findFirst().orElseThrow();
        Incident out = callFromAgent(id, agent, number);
        worker.call(() -> repo.noteTask(task.id(), "dialled", "follow-up call by " + agent.username(), clock.millis()));
        log.info("rescue.follow-up-dialled incident={} agent={} number={}", id, agent.username(), PhoneNumbers.mask(number));
        return audited(agent, "incident.follow-up", "incident=" + id, repo.get(id).orElse(out));
    }

    /** What the seat learnt on the follow-up call. */
    public record FollowUpOutcome(boolean reached, String condition, Integer satisfaction) {
        public FollowUpOutcome {
            if (reached && (condition == null || condition.isBlank())) {
                throw new IllegalArgumentException("\"condition\" (how the elder is) is required when the elder was reached");
            }
            if (satisfaction != null && (satisfaction < 1 || satisfaction > 5)) {
                throw new IllegalArgumentException("\"satisfaction\" must be 1 to 5");
            }
            if (condition != null && condition.length() > 200) {
                throw new IllegalArgumentException("\"condition\" must be at most 200 characters");
            }
        }
    }

    /**
     * The seat saves the follow-up's outcome (REST and WebSocket both come here). Reached: the task is done with how
     * the elder is and the satisfaction. Not reached: the attempt is noted and the task stays open on the worklist, to
     * be tried again before its deadline. Audited either way.
     */
    public Incident followUpOutcome(long id, Account agent, FollowUpOutcome o) {
        Incident done = worker.call(() -> {
            Incident inc = repo.get(id).orElseThrow(() -> new IllegalArgumentException("no such incident: " + id));
            Incident.Step task = openFollowUp(inc);
            long now = clock.millis();
            if (o.reached()) {
                repo.finish(task.id(), "reached", "condition=" + o.condition().trim()
                        + (o.satisfaction() == null ? "" : " satisfaction=" + o.satisfaction()) + " by=" + agent.username(), now);
            } else {
                repo.noteTask(task.id(), "not-reached", "not reached by " + agent.username() + "; to be tried again", now);
            }
            Incident after = repo.get(id).orElseThrow();
            publish(RescueEvents.IncidentUpdated::new, after);
            return after;
        });
        log.info("rescue.follow-up-outcome incident={} agent={} reached={} satisfaction={}", id, agent.username(),
                o.reached(), o.satisfaction());
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            a.record(agent, "incident.follow-up-outcome", done.auditType(), done.auditId(), "incident=" + id + " reached="
                    + o.reached() + (o.satisfaction() == null ? "" : " satisfaction=" + o.satisfaction()));
        }
        return done;
    }

    /**
     * Service rules "Emergency help" 3 and "No response" 4, follow-up call within 2 days: every closed incident (responders
     * arrived, the alarm cancelled, the elder spoke on a redial) gets one, due within rescue.followUpHours (at most 48).
     * Idempotent: an incident has one open follow-up at most.
     */
    private void planFollowUp(Incident inc, long now) {
        Incident fresh = repo.get(inc.id()).orElse(inc);
        if (fresh.steps().stream().anyMatch(s -> s.kind().equals("follow-up") && s.state().equals("open"))) {
            return;
        }
        int seq = fresh.steps().stream().mapToInt(Incident.Step::seq).max().orElse(0) + 1;
        repo.openTask(inc.id(), seq, "follow-up", fresh.steps().isEmpty() ? null : fresh.steps().get(0).target(),
                "follow-up call to the elder within " + settings.followUpHours() + " h", now + settings.followUpHours() * 3_600_000L);
    }

    private static Incident.Step openFollowUp(Incident inc) {
        return inc.steps().stream().filter(s -> s.kind().equals("follow-up") && s.state().equals("open"))
                .findFirst().orElseThrow(() -> new IllegalStateException("incident " + inc.id() + " has no follow-up to make"));
    }

    // ---- follow-ups of calls (issue 18 item 5): answered SOS calls and consultations -----------------------------

    /**
     * A call ended (CallTracker's listener; returns at once, the row is written on the rescue thread). Service rules
     * "Emergency help" 3 (follow-up call within 2 days) and "Consultation" (follow-up within 2 days asking
     * satisfaction): an answered call on the SOS line or the consult line gets a follow-up due within
     * rescue.followUpHours, one per call.
     */
    public void callEnded(onekey.calls.CallRecord c) {
        FollowUpRepository r = callFollowUps;
        if (r == null || c.answeredAt() == null || c.line() == null
                || c.line() != onekey.lines.Service.SOS && c.line() != onekey.lines.Service.CONSULT) {
            return;
        }
        worker.execute(() -> {
            try {
                planCallFollowUp(c);
            } catch (RuntimeException e) {
                log.error("rescue.follow-up-not-planned call={} error={}", c.linkedid(), e.toString());
            }
        });
    }

    /** The answered call's follow-up, planned now; empty when the call has one already. Package-private for tests. */
    Optional<FollowUp> planCallFollowUp(onekey.calls.CallRecord c) {
        long now = clock.millis();
        String number = c.elderId() == null ? c.callerNumber() : elders.firstPhone(c.elderId()).orElse(c.callerNumber());
        String reason = c.line() == onekey.lines.Service.SOS ? "sos-call" : "consult";
        Optional<FollowUp> made = callFollowUps.create(c.linkedid(), c.id() == 0 ? null : c.id(), c.elderId(), number,
                c.agentId(), reason, now, now + settings.followUpHours() * 3_600_000L);
        made.ifPresent(f -> {
            log.info("rescue.follow-up-planned followUp={} call={} reason={} number={}", f.id(), c.linkedid(), reason,
                    PhoneNumbers.mask(number));
            notifier.followUpPlanned(f);
        });
        return made;
    }

    /**
     * A call's disposition was saved (REST): "callback-needed" puts a call-back on the worklist (issue 18 item 4), due
     * within rescue.followUpHours, one per call however often the disposition is saved again.
     */
    public Optional<FollowUp> dispositionSaved(onekey.calls.CallRecord c) {
        FollowUpRepository r = callFollowUps;
        if (r == null || !"callback-needed".equals(c.disposition())) {
            return Optional.empty();
        }
        return worker.call(() -> {
            long now = clock.millis();
            String number = c.elderId() == null ? c.callerNumber()
                    : elders.get(c.elderId()).map(e -> e.phones().isEmpty() ? c.callerNumber() : e.phones().get(0)).orElse(c.callerNumber());
            Optional<FollowUp> made = r.create(c.linkedid() + "#callback", c.id() == 0 ? null : c.id(), c.elderId(), number,
                    c.agentId(), "callback", now, now + settings.followUpHours() * 3_600_000L);
            made.ifPresent(f -> {
                log.info("rescue.callback-planned followUp={} call={} number={}", f.id(), c.linkedid(), PhoneNumbers.mask(number));
                notifier.followUpPlanned(f);
            });
            return made;
        });
    }

    /** When the last sweep ran; null before the first (at start). */
    private Long lastFollowUpSweep;

    /**
     * Durable as the other jobs: at start and every 5 minutes (on the rescue thread) the answered SOS calls and
     * consultations of the last rescue.followUpHours that have no follow-up get theirs, due from the call's end — a
     * call whose end the rescue never heard of (a restart, the database away) is followed up all the same.
     */
    private void missedCallFollowUps(long now) {
        FollowUpRepository r = callFollowUps;
        if (r == null || lastFollowUpSweep != null && now - lastFollowUpSweep < 300_000) {
            return;
        }
        lastFollowUpSweep = now;
        long hours = settings.followUpHours() * 3_600_000L;
        for (FollowUpRepository.Missed m : r.missed(now - hours, 500)) {
            String number = m.elderId() == null ? m.callerNumber()
                    : elders.get(m.elderId()).map(e -> e.phones().isEmpty() ? m.callerNumber() : e.phones().get(0)).orElse(m.callerNumber());
            String reason = "sos".equals(m.service()) ? "sos-call" : "consult";
            r.create(m.linkedid(), m.callId(), m.elderId(), number, m.agentId(), reason, now, m.endedAt() + hours)
                    .ifPresent(f -> {
                        log.info("rescue.follow-up-planned followUp={} call={} reason={} number={} late=true", f.id(),
                                m.linkedid(), reason, PhoneNumbers.mask(number));
                        notifier.followUpPlanned(f);
                    });
        }
    }

    /** Open call follow-ups due by {@code until} (the worklist, beside the incidents' follow-up steps). */
    public List<FollowUp> callFollowUps(long until) {
        FollowUpRepository r = callFollowUps;
        return r == null ? List.of() : r.open(until);
    }

    public Optional<FollowUp> callFollowUp(long id) {
        FollowUpRepository r = callFollowUps;
        return r == null ? Optional.empty() : r.get(id);
    }

    /** A call follow-up dialled from the worklist by the seat's own phone: the attempt is noted; it stays open. */
    public FollowUp callFollowUpDialled(long id, Account agent) {
        return worker.call(() -> {
            FollowUp f = callFollowUps.get(id).orElseThrow(() -> new IllegalArgumentException("no such follow-up: " + id));
            if (!f.open()) {
                throw new IllegalStateException("follow-up " + id + " is already done");
            }
            callFollowUps.note(id, "dialled", "dialled by " + agent.username());
            return callFollowUps.get(id).orElseThrow();
        });
    }

    /** As {@link #followUpOutcome} for a call's follow-up: reached is done, not reached stays open; audited. */
    public FollowUp callFollowUpOutcome(long id, Account agent, FollowUpOutcome o) {
        FollowUp done = worker.call(() -> {
            FollowUp f = callFollowUps.get(id).orElseThrow(() -> new IllegalArgumentException("no such follow-up: " + id));
            long now = clock.millis();
            boolean changed = o.reached()
                    ? callFollowUps.finish(id, "reached", "condition=" + o.condition().trim()
                            + (o.satisfaction() == null ? "" : " satisfaction=" + o.satisfaction()) + " by=" + agent.username(), now)
                    : callFollowUps.note(id, "not-reached", "not reached by " + agent.username() + "; to be tried again");
            if (!changed) {
                throw new IllegalStateException("follow-up " + id + " is already done");
            }
            FollowUp after = callFollowUps.get(id).orElseThrow();
            notifier.followUpUpdated(after);
            return after;
        });
        log.info("rescue.follow-up-outcome followUp={} agent={} reached={} satisfaction={}", id, agent.username(),
                o.reached(), o.satisfaction());
        onekey.auth.AuditLog a = audit;
        if (a != null) {
            a.record(agent, "follow-up.outcome", done.auditType(), done.auditId(), "followUp=" + id + " reason="
                    + done.reason() + " reached=" + o.reached() + (o.satisfaction() == null ? "" : " satisfaction=" + o.satisfaction()));
        }
        return done;
    }

    /** The wire shape of a call's follow-up (docs/api.md): the number masked. */
    public static Map<String, Object> shape(FollowUp f) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", f.id());
        m.put("callId", f.callId());
        m.put("elderId", f.elderId());
        m.put("number", f.number() == null ? null : PhoneNumbers.mask(f.number()));
        m.put("agentId", f.agentId());
        m.put("reason", f.reason());
        m.put("createdAt", f.createdAt());
        m.put("dueAt", f.dueAt());
        m.put("state", f.state());
        m.put("attempts", f.attempts());
        m.put("result", f.result());
        m.put("detail", f.detail());
        m.put("endedAt", f.endedAt());
        return m;
    }

    /** The follow-up tasks due by {@code until} (the worklist). */
    public List<Incident.Step> followUps(long until) {
        return repo.openTasks("follow-up", until);
    }

    private void publishStep(java.util.function.Function<Incident, RescueEvents.IncidentChanged> type, long stepId) {
        repo.step(stepId).flatMap(st -> repo.get(st.incidentId())).ifPresent(inc -> publish(type, inc));
    }

    private void publish(java.util.function.Function<Incident, RescueEvents.IncidentChanged> type, Incident inc) {
        notifier.changed(type.apply(inc));
    }

    /** The incident's elder; empty for an unregistered caller's incident. */
    private Optional<Elder> elderOf(Incident inc) {
        return inc.elderId() == null ? Optional.empty() : elders.get(inc.elderId());
    }

    /** The numbers to call the elder on: the elder's phones, or the unregistered caller's number. */
    private List<String> phonesOf(Incident inc) {
        if (inc.elderId() == null) {
            return inc.callerNumber() == null ? List.of() : List.of(inc.callerNumber());
        }
        return elders.get(inc.elderId()).map(Elder::phones).orElse(List.of());
    }

    /** The wire shape of an incident (docs/api.md). */
    public static Map<String, Object> shape(Incident inc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", inc.id());
        m.put("elderId", inc.elderId());
        m.put("callerNumber", PhoneNumbers.mask(inc.callerNumber())); // an unregistered caller's; null for an elder
        m.put("callId", inc.callId());
        m.put("agentId", inc.agentId());
        m.put("openedAt", inc.openedAt());
        m.put("openedBy", inc.openedBy());
        m.put("reason", inc.reason());
        m.put("state", inc.state());
        m.put("closedAt", inc.closedAt());
        m.put("outcome", inc.outcome());
        if (inc.detail() != null) {
            m.put("detail", inc.detail()); // an alarm's kind and device (issue 24)
        }
        m.put("steps", inc.steps().stream().map(s -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seq", s.seq());
            x.put("kind", s.kind());
            x.put("target", PhoneNumbers.mask(s.target()));
            x.put("dueAt", s.dueAt() >= Long.MAX_VALUE / 4 ? null : s.dueAt()); // a contact waiting its turn: not yet due
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
        worker.close();
        routes.shutdownNow();
        link.close();
    }
}
