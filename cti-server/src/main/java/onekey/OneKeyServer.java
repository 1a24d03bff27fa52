package onekey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.agents.AgentService;
import onekey.agents.PjsipFileProvisioner;
import onekey.agents.SipProvisioner;
import onekey.api.ApiContext;
import onekey.api.ApiServer;
import onekey.auth.AccountDraft;
import onekey.auth.AccountRepository;
import onekey.auth.JooqAccountRepository;
import onekey.auth.JooqAuditLog;
import onekey.auth.JooqTokenStore;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.calls.CallJournal;
import onekey.calls.CallTracker;
import onekey.calls.CallerLookup;
import onekey.calls.InboundCalls;
import onekey.calls.JooqCallRepository;
import onekey.config.OneKeyConfig;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.flows.FixedPrompts;
import onekey.flows.Flow;
import onekey.flows.FlowLoader;
import onekey.lines.JooqLineRepository;
import onekey.lines.LineCache;
import onekey.recording.JooqRecordingRepository;
import onekey.recording.RecordingIndexer;
import onekey.recording.RecordingRetention;
import onekey.recording.RecordingsDiskWatch;
import onekey.store.Database;
import onekey.demo.DemoData;
import onekey.api.ApiSecurity;
import onekey.auth.LoginGuard;
import onekey.calls.JournalOp;
import onekey.rescue.IncidentRepository;
import onekey.rescue.RescueService;
import onekey.rescue.SilenceWatch;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import onekey.telephony.PbxSubscriber;
import onekey.telephony.agi.AgiFlowServer;
import onekey.telephony.ami.ResyncCoordinator;
import onekey.api.Health;
import onekey.telephony.ami.AmiClient;
import onekey.telephony.ami.AmiPbx;
import onekey.tts.PromptCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the whole cti-server from its configuration, by hand, and owns the
 * order in which parts start and stop.
 */
public final class OneKeyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OneKeyServer.class);

    private final OneKeyConfig cfg;
    private final Database db;
    private final AccountRepository accounts;
    private final EventHub hub = new EventHub(5_000);
    /** The trunk's live channels (issue 9: broadcasts leave trunk.sosReserve of them for SOS). */
    private final onekey.telephony.TrunkLoad trunkLoad = new onekey.telephony.TrunkLoad("PJSIP/trunk");
    private final AmiClient ami;
    private final AgentService agents;
    private final SipProvisioner sip;
    private final CallTracker calls;
    private final CallJournal journal;
    private final LineCache lineCache;
    private final Pbx pbx;
    private final RecordingIndexer recordings;
    private final RecordingRetention retention;
    private final RecordingsDiskWatch recordingsDisk;
    private final AgiFlowServer agi;
    private final ApiServer api;
    private final RescueService rescue;
    private final SilenceWatch silence;
    private final onekey.supervision.SpyService spy;
    private final onekey.calls.ConferenceWatch conferences;
    private final onekey.broadcast.BroadcastService broadcasts;
    /** The PBX's events and resyncs, to every subscriber in declared order; given to AMI when it starts. */
    private final ResyncCoordinator pbxSubscribers;
    private final Health health;
    private final onekey.calls.SeatCalls seatCalls;
    /** The one outbound-call service (issue 17): every call OneKey places for rescue, broadcasts and spy. */
    private final onekey.outbound.OutboundService outbound;
    private final onekey.alerts.AlertService alerts; // issue 19: supervisors' alerts, stored with an id
    private final onekey.workload.Workload workload; // issue 19: agent states logged for the day's workload
    private final onekey.reports.ReportService reports; // issue 22: the district's reports and the monthly one
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("housekeeping").factory());
    private final DemoData.Seeded seeded;
    private final onekey.ha.ActiveLease lease;
    private final String generatedAdminPassword;

    /** Builds and starts everything. {@code demo} seeds demo elders and agents into an empty database. */
    public OneKeyServer(OneKeyConfig cfg, boolean demo, Map<String, String> env) throws IOException {
        this.cfg = cfg;
        Files.createDirectories(cfg.paths().recordings());
        Files.createDirectories(cfg.paths().prompts());
        this.db = Database.open(cfg.db().url(), cfg.db().user(), cfg.db().password(), cfg.db().poolSize());
        Clock clock = Clock.systemUTC();
        // one active cti-server per database: a standby waits here until the active one's lease expires (issue 10)
        this.lease = new onekey.ha.ActiveLease(db, clock, instanceId(cfg), cfg.ha().leaseSeconds() * 1000L);
        try {
            lease.acquire(by -> {
                log.error("another cti-server ({}) took over this database: stopping (exit 3) so that only one acts", by);
                Thread.ofPlatform().name("ha-exit").start(() -> System.exit(3));
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            db.close();
            throw new IOException("interrupted while waiting as a standby", e);
        }
        var elders = new JooqElderRepository(db, cfg.calls().defaultAreaCode());
        var lines = new JooqLineRepository(db);
        this.accounts = new JooqAccountRepository(db);
        var audit = new JooqAuditLog(db);
        // tokens validated in the last minutes are remembered: seats get back in while the database is away
        var tokens = new onekey.auth.RememberedTokens(new JooqTokenStore(db), clock);
        var callRepo = new JooqCallRepository(db);
        var recordingRepo = new JooqRecordingRepository(db);

        DemoData.seedDefaultLinesIfEmpty(db, lines);
        try {
            this.seeded = demo ? DemoData.seedIfEmpty(db, elders, lines, accounts, ext -> DemoData.sipSecret(env, ext)) : null;
        } catch (DemoData.Refused e) {
            db.close();
            throw e;
        }
        this.generatedAdminPassword = ensureAdmin(env.get("ONEKEY_ADMIN_PASSWORD"));

        OneKeyConfig.Ami amiCfg = cfg.ami();
        // telephony's own settings; the listener is given at start, once everything that follows the PBX is built
        this.ami = new AmiClient(new AmiClient.Settings(amiCfg.host(), amiCfg.port(), amiCfg.user(), amiCfg.secret(),
                amiCfg.eventQueueCapacity()));
        this.pbx = new AmiPbx(ami);
        this.agents = new AgentService(pbx, accounts, hub, cfg.asterisk().queue(), cfg.calls().wrapUpSeconds());
        this.sip = cfg.asterisk().agentsConf() == null
                ? list -> log.info("asterisk.agentsConf not set: agent endpoints are provisioned outside OneKey")
                : new PjsipFileProvisioner(cfg.asterisk().agentsConf(), pbx);
        this.lineCache = new LineCache(lines);
        this.journal = new CallJournal(cfg.paths().journal(), cfg.calls().journalCapacity());
        this.recordings = new RecordingIndexer(cfg.paths().recordings(), recordingRepo, callRepo, hub);
        this.retention = new RecordingRetention(recordingRepo, audit, cfg.paths().recordings(),
                cfg.recordings().retentionDays(), clock);
        this.recordingsDisk = new RecordingsDiskWatch(cfg.paths().recordings(), cfg.recordings().minFreeMb(),
                cfg.recordings().minFreePercent(), hub);
        // The one forward reference of the wiring: the calls tell the rescue of every call that ended (the follow-up
        // of an answered SOS or consult call, issue 18), but the rescue is built after the calls' journal has
        // replayed: its worker starts ticking when it is built, and its first tick sweeps the calls of the last hours
        // for missed follow-ups, which must see the rows the journal writes from an earlier run. The holder is set
        // once, below, before the PBX and AGI are started (no call ends before: both start at the end).
        var callEnded = new java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<onekey.calls.CallRecord>>(
                c -> { });
        this.calls = new CallTracker(callRepo, new CallerLookup(elders, callRepo, cfg.calls().defaultAreaCode(),
                cfg.calls().lookupTimeoutMs()), lineCache, agents, audit, hub, journal, recordings,
                c -> callEnded.get().accept(c));
        // issue 18 item 7: every seat's own call recorded with a row (item 2, 紧急救援, is wired with the API below);
        // written through the journal, so wired to it before it starts (an earlier run's ops may be seat calls)
        var incidentRepo = new IncidentRepository(db);
        this.seatCalls = new onekey.calls.SeatCalls(journal, calls.journalAppliers(), callRepo,
                new onekey.calls.SeatCallRepository(db), accounts::byExtension,
                elders, cfg.calls().defaultAreaCode(), new onekey.calls.SeatCalls.Incidents() {
                    @Override
                    public java.util.Optional<onekey.calls.SeatCalls.IncidentLink> ofStep(long stepId) {
                        return incidentRepo.step(stepId).flatMap(st -> incidentRepo.get(st.incidentId()))
                                .map(i -> new onekey.calls.SeatCalls.IncidentLink(i.id(), i.elderId()));
                    }

                    @Override
                    public java.util.Optional<Long> openFor(long elderId) {
                        return incidentRepo.openFor(elderId).map(onekey.rescue.Incident::id);
                    }
                }, cfg.calls().lookupTimeoutMs());
        // writes left from an earlier run (a crash, a database outage) go first, before any new call
        journal.start(calls.journalAppliers()::apply, () -> {
            reconcileRecordings();
            // the database answers again: callers whose record could not be read meanwhile are linked late
            if (calls.lookupsGaveUp()) {
                Thread.ofVirtual().name("link-late").start(this::linkLate);
            }
        });
        if (!journal.drain(10_000)) {
            log.warn("journal: writes from an earlier run still pending ({}); they are written as the database allows",
                    journal.pending());
        }

        PromptCache prompts = PromptCache.standard(cfg.paths().prompts(),
                onekey.tts.RecordedPrompts.in(cfg.tts().recordedPrompts()), cfg.tts().cacheMaxBytes(), cfg.tts().ratePercent());
        Map<String, Flow> flows = Map.of("inbound", FlowLoader.fromClasspath("inbound"));
        warmPrompts(prompts, flows);
        this.agi = new AgiFlowServer(cfg.agi().bind(), cfg.agi().port(),
                onekey.net.AddressFilter.parse(cfg.agi().allowFrom()), recordings.paths()::allows, flows,
                new InboundCalls(calls, cfg.asterisk().queue(), cfg.calls().defaultLanguage(), prompts::playbackPath),
                java.time.Duration.ofSeconds(cfg.agi().headerTimeoutSeconds()));
        // one outbound service below every feature that dials (issue 17), with the trunk's limits
        this.outbound = new onekey.outbound.OutboundService(new onekey.outbound.OutboundRepository(db), pbx, clock,
                broadcastSettings().limits(), trunkLoad);
        OneKeyConfig.Rescue rc = cfg.rescue();
        this.rescue = new RescueService(new IncidentRepository(db), elders, pbx, hub, clock,
                new RescueService.Settings(rc.redials(), rc.redialIntervalSeconds(), rc.ringSeconds(), rc.listenSeconds(),
                        rc.speechMillis(), rc.elderRetrySeconds(), rc.followUpHours(), rc.taskTakeSeconds()),
                new RescueService.Prompts() {
                    @Override
                    public java.util.Optional<String> playbackPath(String text, String language) {
                        return prompts.playbackPath(text, language);
                    }

                    @Override
                    public java.util.Optional<String> playbackPath(List<PromptCache.Part> message, String language) {
                        return prompts.compose(message, language).map(PromptCache::withoutExtension);
                    }
                }, outbound,
                new RescueService.Seats(() -> agents.all().stream().filter(a -> a.state() == onekey.agents.AgentState.READY)
                        .map(onekey.agents.AgentStatus::accountId).toList(),
                        id -> accounts.get(id).map(onekey.auth.Account::extension).orElse(null)),
                audit, // a seat's task done and follow-up outcomes are audited by the service (issue 18)
                new onekey.rescue.FollowUpRepository(db)); // answered SOS and consult calls
        callEnded.set(rescue::callEnded);
        // an SOS call the elder left before anyone answered: the rescue starts by itself (rescue.openOnAbandonedSos)
        this.silence = new SilenceWatch(hub, rc.silenceSeconds(),
                iface -> agents.accountForInterface(iface).map(onekey.auth.Account::id).orElse(null),
                rc.openOnAbandonedSos() ? linkedid -> rescue.abandonedSos(linkedid, callRepo::byLinkedid) : linkedid -> { });
        this.spy = new onekey.supervision.SpyService(pbx, callRepo, accounts, audit, hub, clock);
        this.conferences = new onekey.calls.ConferenceWatch(pbx, hub, new onekey.calls.ConferenceWatch.Calls() {
            @Override
            public boolean elderLeg(String linkedid, String uniqueid) {
                return calls.isElderLeg(linkedid, uniqueid);
            }

            @Override
            public void note(String linkedid, long at, String type, String detail) {
                calls.note(linkedid, at, type, detail);
            }
        }, cfg.calls().conferenceAloneSeconds());
        this.broadcasts = broadcastService(elders, clock, prompts);
        // events reach them in this order; after every (re)connect each re-reads in this order: agents before calls (a
        // call learned on this connect that an agent is talking on makes that agent on-call), calls before what
        // follows calls
        this.pbxSubscribers = new ResyncCoordinator(List.of(
                PbxSubscriber.of("agent endpoints", null, this::writeAgentEndpoints, null),
                PbxSubscriber.of("dialplan settings", null, this::publishDialplanSettings, null),
                PbxSubscriber.of("queue membership", null, agents::reconcile, null),
                PbxSubscriber.of("trunk channels", trunkLoad::onEvent, () -> trunkLoad.resync(pbx.liveChannels(List.of())), null),
                PbxSubscriber.of("calls", calls::onEvent, () -> calls.resync(pbx), null),
                // the legs left dialing: followed again, or finished unknown (issue 17); before the features they serve
                PbxSubscriber.of("outbound legs", outbound::onEvent, outbound::resync, outbound::pbxDisconnected),
                PbxSubscriber.of("rescue", rescue::onEvent, rescue::pbxConnected, rescue::pbxDisconnected),
                PbxSubscriber.of("silence", silence::onEvent, null, null),
                PbxSubscriber.of("spy sessions", spy::onEvent, spy::resync, null),
                PbxSubscriber.of("conferences", conferences::onEvent, conferences::pbxConnected, null),
                PbxSubscriber.of("broadcasts", broadcasts::onEvent, broadcasts::pbxConnected, broadcasts::pbxDisconnected),
                PbxSubscriber.of("seat calls", seatCalls::onEvent, null, null)));
        this.health = health();
        // the rules the API's resources apply: accounts, elders, calls, recordings (after rescue, which hears of
        // dispositions and holds incidents)
        var apiServices = onekey.api.ApiServices.over(accounts, tokens, audit, elders, callRepo, recordingRepo, rescue, clock,
                cfg.reports().archiveKey().isEmpty() ? null : onekey.elders.ArchiveCipher.of(cfg.reports().archiveKey()));
        this.api = new ApiServer(new ApiContext(cfg.http().bind(), cfg.http().port(), elders, lines, accounts, tokens,
                audit, callRepo, recordingRepo, agents, sip, hub, health, cfg.calls().defaultAreaCode(),
                cfg.http().tokenTtlMillis(), cfg.http().maxBodyBytes(),
                p -> recordings.paths().inside(p).orElse(null), clock,
                new ApiSecurity(new LoginGuard(clock, cfg.logins().failuresPerAccount(), cfg.logins().failuresPerAddress(),
                        cfg.logins().windowSeconds() * 1000L, cfg.logins().hashThreads(), cfg.logins().hashQueue()),
                        // a screen pop delivered over a WebSocket: audited through the journal, never blocking
                        (at, to, action, type, id, detail) -> journal.append(new JournalOp.Audit(at, to.id(),
                                to.username(), action, type, id, detail)),
                        ApiSecurity.DEFAULT_SESSION_CHECK_MILLIS),
                rescue, cfg.asterisk().sipHost(), cfg.asterisk().sipPort(), cfg.calls().wrapUpSeconds(), spy, calls,
                apiServices),
                cfg.httpTls().enabled() ? new ApiServer.Tls(cfg.httpTls().cert(), cfg.httpTls().key()) : null,
                cfg.httpTls().allowPlaintext())
                .headerTimeout(java.time.Duration.ofSeconds(cfg.http().headerTimeoutSeconds()));

        api.emergency(new onekey.rescue.EmergencyService(incidentRepo, elders, hub, audit, clock,
                () -> agents.all().stream().filter(a -> a.state() == onekey.agents.AgentState.READY)
                        .map(onekey.agents.AgentStatus::accountId).toList(),
                id -> accounts.get(id).map(onekey.auth.Account::extension).orElse(null), cfg.calls().defaultAreaCode()),
                seatCalls);
        this.alerts = new onekey.alerts.AlertService(new onekey.alerts.AlertRepository(db), hub,
                new onekey.alerts.AlertService.Reader() { // the protocol edge names the events and renders their bodies
                    @Override
                    public String type(onekey.events.DomainEvent e) {
                        return onekey.api.EventViews.TYPES.get(e.getClass());
                    }

                    @Override
                    public Map<String, Object> body(onekey.events.DomainEvent e) {
                        return onekey.api.EventViews.body(e);
                    }
                }, audit, clock).start();
        api.alerts(alerts);
        api.qa(new onekey.qa.QaService(new onekey.qa.QaRepository(db), recordingRepo, accounts, audit, hub, clock));
        this.workload = new onekey.workload.Workload(db, accounts, clock).start(hub);
        api.desk(new onekey.notices.NoticeService(db, accounts, audit, hub, clock), workload,
                new onekey.history.CallHistory(db), java.time.ZoneId.of(cfg.broadcast().timeZone()));
        // the district's view (issue 22): figures from the stored timelines, exports, the monthly report by itself
        this.reports = new onekey.reports.ReportService(
                new onekey.reports.ReportQueries(db.dsl(), workload::figures, clock),
                new onekey.reports.ReportExports(onekey.reports.ReportExports.DEFAULT_FONT, cfg.reports().centreName()),
                audit, clock, java.time.ZoneId.of(cfg.broadcast().timeZone()), cfg.reports().dir(),
                new onekey.reports.ReportNotifier(hub));
        api.reports(reports);
        api.incidentBoard(new onekey.board.IncidentBoard(rescue, elders, accounts, cfg.rescue().redials(), clock), rescue);
        java.time.ZoneId centreZone = java.time.ZoneId.of(cfg.broadcast().timeZone());
        api.broadcasts(broadcasts, new onekey.broadcast.CampaignService(new onekey.broadcast.BroadcastRepository(db),
                broadcasts, elders, clock, centreZone), centreZone);
        try {
            writeAgentEndpoints();
            agi.start();
            api.start();
            ami.start(pbxSubscribers);
            housekeeping.scheduleWithFixedDelay(this::reconcileRecordings, 0, 10, TimeUnit.MINUTES);
            // calls left without their elder by an earlier run at once; later, whenever a caller lookup gave up
            housekeeping.schedule(this::linkLate, 0, TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(() -> {
                // a lookup gave up, and the database takes writes again (nothing owed): no query into a frozen one
                if (calls.lookupsGaveUp() && journal.pending() == 0) {
                    linkLate();
                }
            }, 5, 5, TimeUnit.SECONDS); // a lookup that missed its 300 ms on a busy machine is linked within seconds
            recordingsDisk.start(cfg.recordings().diskCheckSeconds());
            reports.start(housekeeping);
            retention.start(cfg.recordings().retentionCheckMinutes());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("onekey started api={}:{} agi={}:{} ami={}:{} db={}", cfg.http().bind(), api.port(), cfg.agi().bind(),
                cfg.agi().port(), cfg.ami().host(), cfg.ami().port(), db);
    }

    private onekey.broadcast.BroadcastService.Settings broadcastSettings() {
        OneKeyConfig.Broadcast bc = cfg.broadcast();
        java.time.ZoneId zone = java.time.ZoneId.of(bc.timeZone());
        return new onekey.broadcast.BroadcastService.Settings(Map.of(
                "booking", onekey.broadcast.BroadcastService.RetryPlan.parse(bc.retryBooking()),
                "reminder", onekey.broadcast.BroadcastService.RetryPlan.parse(bc.retryReminder()),
                "check-in", onekey.broadcast.BroadcastService.RetryPlan.parse(bc.retryCheckIn())),
                bc.ringSeconds(), bc.replays(), bc.digitSeconds(),
                onekey.broadcast.QuietHours.parse(bc.quietHours(), zone), java.time.LocalTime.parse(bc.reminderEvening()),
                bc.reminderHoursBefore(), bc.maxChannels(), bc.callsPerSecond(), bc.trunkChannels(),
                bc.trunkSosReserve());
    }

    /** Voice broadcasts (issue 9), next to the rescue it hands unanswered check-ins to. */
    private onekey.broadcast.BroadcastService broadcastService(JooqElderRepository elders, Clock clock, PromptCache prompts) {
        // the trunk is counted by the server's outbound service, built with it
        return new onekey.broadcast.BroadcastService(new onekey.broadcast.BroadcastRepository(db), elders, pbx, hub, clock,
                broadcastSettings(), new onekey.broadcast.BroadcastPrompts(prompts), outbound,
                new onekey.broadcast.BroadcastService.Wiring(lineCache::all, null,
                        (elderId, reason) -> rescue.noResponse(elderId, null, null, reason).incident().id()));
    }

    /**
     * Converts the recorded prompts (a broken recording is reported now, not at the first call) and synthesizes the
     * flows' fixed prompts in the background so the first caller does not wait for TTS.
     */
    private static void warmPrompts(PromptCache prompts, Map<String, Flow> flows) {
        Thread.ofVirtual().name("prompt-warmup").start(() -> {
            try {
                int n = prompts.warmRecordings();
                if (n > 0) {
                    log.info("recorded prompts ready count={}", n);
                }
            } catch (RuntimeException e) {
                log.warn("recorded prompts not converted: {}", e.getMessage());
            }
            for (Flow f : flows.values()) {
                for (FixedPrompts.Text t : FixedPrompts.of(f)) {
                    try {
                        prompts.prompt(t.text(), t.language());
                    } catch (RuntimeException e) {
                        log.warn("prompt not synthesized flow={} language={}: {}", f.name(), t.language(), e.getMessage());
                    }
                }
            }
        });
    }

    private void writeAgentEndpoints() {
        try {
            sip.sync(accounts.all());
        } catch (RuntimeException e) {
            log.error("agent endpoints not provisioned: {}", e.getMessage());
        }
    }

    /**
     * What the dialplan needs to know without OneKey (lines, overflow), written into AstDB on every
     * connect: Asterisk keeps it across restarts of either side.
     */
    private void publishDialplanSettings() {
        lineCache.refresh();
        lineCache.publish(pbx);
        var e = cfg.escalation();
        pbx.putSetting("onekey", "sos-wait", String.valueOf(e.sosWaitSeconds()));
        pbx.putSetting("onekey", "other-wait", String.valueOf(e.otherWaitSeconds()));
        pbx.putSetting("onekey", "escalation-ring", String.valueOf(e.ringSeconds()));
        pbx.putSetting("onekey", "escalation-number", e.number());
    }

    /** Calls whose caller lookup gave up (database slow or away) are linked to their elder late (issue 16). */
    private void linkLate() {
        try {
            calls.linkLate(System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.error("late link of calls to their elders failed: {}", e.toString());
        }
    }

    private void reconcileRecordings() {
        try {
            recordings.reconcile();
        } catch (RuntimeException e) {
            log.error("recording reconciliation failed: {}", e.toString());
        }
    }

    /** The first admin: password from ONEKEY_ADMIN_PASSWORD, else generated and printed once. */
    private String ensureAdmin(String fromEnv) {
        if (accounts.byUsername("admin").isPresent()) {
            return null;
        }
        String password = fromEnv;
        String generated = null;
        if (password == null || password.isBlank()) {
            byte[] b = new byte[12];
            new SecureRandom().nextBytes(b);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            generated = password;
        }
        accounts.create(new AccountDraft("admin", Role.ADMIN, null, null, "Administrator", true),
                Passwords.hash(password.toCharArray()));
        log.info("admin account created{}", generated == null ? " with ONEKEY_ADMIN_PASSWORD" : " with a generated password");
        return generated;
    }

    public int apiPort() {
        return api.port();
    }

    /** True when the API speaks HTTPS/WSS (http.tlsCert and http.tlsKey set). */
    public boolean apiSecure() {
        return api.secure();
    }

    /** This instance's name in the lease: {@code ha.instanceId}, else the host name and the FastAGI port. */
    static String instanceId(OneKeyConfig cfg) {
        if (!cfg.ha().instanceId().isEmpty()) {
            return cfg.ha().instanceId();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + cfg.agi().port();
    }

    public DemoData.Seeded seeded() {
        return seeded;
    }

    /** Non-null only on the run that created the admin without ONEKEY_ADMIN_PASSWORD. */
    public String generatedAdminPassword() {
        return generatedAdminPassword;
    }

    public CallTracker calls() {
        return calls;
    }

    public AgentService agents() {
        return agents;
    }

    public AmiClient ami() {
        return ami;
    }

    public RecordingIndexer recordings() {
        return recordings;
    }

    public RecordingRetention retention() {
        return retention;
    }

    public Database database() {
        return db;
    }

    /**
     * GET /api/health, part by part from each component's own state (the JSON its readers know: status, alerts,
     * asterisk, database, queues, journal, trunk, agi, recordings).
     */
    private Health health() {
        String queue = cfg.asterisk().queue();
        return new Health(List.of(
                new Health.Part("asterisk", () -> {
                    Map<String, Object> m = new LinkedHashMap<>(ami.metrics());
                    m.put("resync", pbxSubscribers.metrics());
                    return new Health.Report(m, ami.connected(), List.of());
                }),
                new Health.Part("database", () -> {
                    boolean up = db.ping();
                    return new Health.Report(Map.of("connected", up, "dialect", db.dialect()), up, List.of());
                }),
                new Health.Part("queues", () -> {
                    long sosWaiting = calls.sosWaiting();
                    long ready = agents.readyCount();
                    List<Map<String, Object>> alerts = sosWaiting > 0 && ready == 0
                            ? List.of(Map.of("kind", "no-agent-ready", "sosWaiting", sosWaiting,
                                    "message", sosWaiting + " SOS call(s) waiting and no agent is ready"))
                            : List.of();
                    return new Health.Report(Map.of(queue, Map.of("waiting", calls.queuedCount(), "sosWaiting", sosWaiting,
                            "liveCalls", calls.liveCount(), "agents", agents.all().size(), "readyAgents", ready)), true, alerts);
                }),
                new Health.Part("journal", () -> {
                    Map<String, Object> figures = journal.metrics();
                    List<Map<String, Object>> alerts = ((Number) figures.get("failingSinceMs")).longValue() > 0
                            ? List.of(Map.of("kind", "journal-behind", "pending", figures.get("pending"),
                                    "message", "call rows are not reaching the database; kept in the journal"))
                            : List.of();
                    return new Health.Report(figures, true, alerts);
                }),
                new Health.Part("trunk", () -> Health.Report.of(Map.of("busy", trunkLoad.busy(),
                        "channels", cfg.broadcast().trunkChannels(), "sosReserve", cfg.broadcast().trunkSosReserve()))),
                new Health.Part("agi", () -> Health.Report.of(agi.metrics())),
                new Health.Part("recordings", () -> {
                    Map<String, Object> figures = new LinkedHashMap<>(recordings.metrics());
                    figures.put("disk", recordingsDisk.metrics());
                    figures.put("retention", retention.metrics());
                    return new Health.Report(figures, true, recordingsDisk.alert().stream().toList());
                })));
    }

    /** The server's health as GET /api/health reports it. */
    public Map<String, Object> healthNow() {
        return health.health();
    }

    @Override
    public void close() {
        closeQuietly("api", api);
        closeQuietly("agi", agi);
        agents.close(); // flushes queue-membership actions while AMI is still up
        closeQuietly("rescue", rescue);
        closeQuietly("silence", silence);
        closeQuietly("spy", spy);
        closeQuietly("conferences", conferences);
        closeQuietly("broadcasts", broadcasts);
        closeQuietly("seat-calls", seatCalls);
        closeQuietly("outbound", outbound);
        closeQuietly("alerts", alerts);
        closeQuietly("reports", reports);
        closeQuietly("workload", workload);
        closeQuietly("ami", ami);
        housekeeping.shutdownNow();
        closeQuietly("recordings-disk", recordingsDisk);
        closeQuietly("retention", retention);
        closeQuietly("journal", journal); // writes what the call model still owes the database
        closeQuietly("recordings", recordings);
        closeQuietly("lease", lease); // last: a standby starts only once this one has stopped acting
        closeQuietly("database", db);
        log.info("onekey stopped");
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", what, e.toString());
        }
    }

    /** For tests: accounts known to OneKey. */
    public List<onekey.auth.Account> accountList() {
        return accounts.all();
    }
}
