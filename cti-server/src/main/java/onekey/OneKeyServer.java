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
    /** One Asterisk: its AMI connection (null with several nodes). */
    private final AmiClient ami;
    /** Several Asterisk nodes behind Kamailio (issue 25); null with one Asterisk. */
    private final onekey.nodes.NodeSet nodes;
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
    /** Elders cut off by a dead node, called back (issue 25); null with one Asterisk. */
    private final onekey.nodes.CutOffCallbacks cutOff;
    private final SilenceWatch silence;
    private final onekey.supervision.SpyService spy;
    private final onekey.calls.ConferenceWatch conferences;
    private final onekey.broadcast.BroadcastService broadcasts;
    /** Life services (issue 21): suppliers, work orders, dispatch and callbacks. */
    private final onekey.orders.OrderService orders;
    /** The PBX's events and resyncs, to every subscriber in declared order; given to AMI when it starts. */
    private final ResyncCoordinator pbxSubscribers;
    private final Health health;
    private final onekey.calls.SeatCalls seatCalls;
    /** The one outbound-call service (issue 17): every call OneKey places for rescue, broadcasts and spy. */
    private final onekey.outbound.OutboundService outbound;
    private final onekey.alerts.AlertService alerts; // issue 19: supervisors' alerts, stored with an id
    private final onekey.devices.DeviceService devices; // issue 24: devices, their tests
    private final onekey.devices.AlarmService alarms; // issue 24: alarms without a voice
    private final onekey.devices.KeptAlarms keptAlarms; // the MESSAGE alarms Asterisk kept while OneKey did not answer
    private final onekey.devices.StationService stations; // issue 24: the 驿站 register, the nearest in the pop
    private final onekey.devices.ElderThresholds elderThresholds; // issue 24: the elders' own reading ranges
    private final onekey.workload.Workload workload; // issue 19: agent states logged for the day's workload
    /** GET /metrics (issue 22): the figures a monitoring system scrapes; features add theirs with metrics.gauge(...). */
    private final onekey.metrics.Metrics metrics;
    private final onekey.metrics.CallMetricsFeed callMetrics;
    /** Texts to the family (issue 20): the SMSC behind the SmsGateway port; off when sms.host is empty. */
    private final onekey.sms.SmsService sms;
    private final onekey.sms.SmsTriggers smsTriggers;
    private final onekey.reports.ReportService reports; // issue 22: the district's reports and the monthly one
    private final onekey.reports.ReportPush reportPush; // the monthly report's signed push (null: none configured)
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
        // several nodes (issue 25): one AMI connection each, seen as one PBX; else the one Asterisk as always
        this.nodes = cfg.nodes().enabled() ? onekey.nodes.NodeSet.overAmi(cfg.nodes().list().stream()
                .map(n -> new onekey.nodes.NodeSet.Spec(n.name(), n.amiHost(), n.amiPort())).toList(), amiCfg.user(),
                amiCfg.secret(), amiCfg.eventQueueCapacity(), cfg.nodes().deadAfterMs()) : null;
        this.ami = nodes != null ? null : new AmiClient(new AmiClient.Settings(amiCfg.host(), amiCfg.port(), amiCfg.user(),
                amiCfg.secret(), amiCfg.eventQueueCapacity()));
        this.pbx = nodes != null ? nodes.pbx() : new AmiPbx(ami);
        this.agents = new AgentService(pbx, accounts, hub, cfg.asterisk().queue(), cfg.calls().wrapUpSeconds());
        this.sip = nodes != null ? nodesProvisioner()
                : cfg.asterisk().agentsConf() == null
                ? list -> log.info("asterisk.agentsConf not set: agent endpoints are provisioned outside OneKey")
                : new PjsipFileProvisioner(cfg.asterisk().agentsConf(), pbx);
        this.lineCache = new LineCache(lines);
        this.journal = new CallJournal(cfg.paths().journal(), cfg.calls().journalCapacity());
        this.recordings = new RecordingIndexer(cfg.paths().recordings(), recordingRepo, callRepo, hub, db::inOneTransaction);
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
        // a run of call states, timelines and audit rows is written in one transaction (issue 23)
        journal.start(calls.journalAppliers()::apply, entries -> calls.journalAppliers().applyAll(entries, db::inOneTransaction), () -> {
            // off the journal's thread: a walk of the whole recordings folder must not hold the calls' writes
            Thread.ofVirtual().name("recordings-reconcile").start(this::reconcileRecordings);
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
        // a forward reference like callEnded: the registration line asks the orders (built below) for a booking
        var ordersLater = new java.util.concurrent.atomic.AtomicReference<onekey.orders.OrderService>();
        var smsLater = new java.util.concurrent.atomic.AtomicReference<onekey.sms.SmsService>();
        this.agi = new AgiFlowServer(cfg.agi().bind(), cfg.agi().port(),
                onekey.net.AddressFilter.parse(cfg.agi().allowFrom()), recordings.paths()::allows, flows,
                new InboundCalls(calls, cfg.asterisk().queue(), cfg.calls().defaultLanguage(), prompts::playbackPath,
                        // issue 21: the registration line reads the elder's next booking back (the orders, built below,
                        // answer once calls come: AGI starts last)
                        (elderId, language) -> ordersLater.get() == null ? "" : ordersLater.get().nextBooking(elderId, language),
                        cfg.calls().lookupTimeoutMs()),
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
        // issue 25: a node died: its elders' SOS and answered calls are called back through a live node (outbound legs)
        this.cutOff = nodes == null ? null : new onekey.nodes.CutOffCallbacks(outbound,
                linkedid -> calls.snapshot().stream().map(CallTracker.LiveView::record)
                        .filter(r -> linkedid.equals(r.linkedid())).findFirst(),
                id -> accounts.get(id).map(onekey.auth.Account::extension).orElse(null),
                (elderId, number, callId, reason) -> rescue.noResponseOnCall(elderId, number, callId, null, reason),
                rc.ringSeconds() * 1000L);
        if (nodes != null) {
            nodes.onNodeLost(cutOff::nodeLost);
        }
        // an SOS call the elder left before anyone answered: the rescue starts by itself (rescue.openOnAbandonedSos)
        this.silence = new SilenceWatch(hub, rc.silenceSeconds(),
                iface -> agents.accountForInterface(iface).map(onekey.auth.Account::id).orElse(null),
                rc.openOnAbandonedSos() ? linkedid -> {
                    if (cutOff == null || !cutOff.calledBack(linkedid)) { // a call cut off by its node is called back
                        rescue.abandonedSos(linkedid, callRepo::byLinkedid);
                    }
                } : linkedid -> { });
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
        // issue 24: the device register and terminal tests; alarms without a voice open the rescue's incidents
        this.devices = new onekey.devices.DeviceService(new onekey.devices.DeviceRepository(db), elders, audit, hub, clock,
                cfg.devices().testDays(), cfg.calls().defaultAreaCode(), pbx);
        this.stations = new onekey.devices.StationService(new onekey.devices.StationRepository(db), audit, clock,
                java.time.ZoneId.of(cfg.broadcast().timeZone()), cfg.calls().defaultAreaCode());
        this.elderThresholds = new onekey.devices.ElderThresholds(db, audit, clock);
        this.alarms = new onekey.devices.AlarmService(devices, elders, (elderId, detail) -> {
            RescueService.Opened o = rescue.noResponse(elderId, null, null, onekey.devices.AlarmService.REASON, detail);
            return new onekey.devices.AlarmService.Incidents.Opened(o.incident().id(), o.created(),
                    RescueService.shape(o.incident()));
        }, () -> agents.all().stream().filter(a -> a.state() == onekey.agents.AgentState.READY)
                .map(onekey.agents.AgentStatus::accountId).toList(), audit, hub, clock, elderThresholds, stations);
        // MESSAGE alarms Asterisk queued as SOS itself while OneKey did not answer, kept in AstDB for OneKey to take
        this.keptAlarms = new onekey.devices.KeptAlarms(pbx, alarms, audit);
        // life services (issue 21): offers and callbacks are legs of the one outbound service; a registration order's
        // confirmation and reminders are the existing broadcasts
        OneKeyConfig.Orders oc = cfg.orders();
        this.orders = new onekey.orders.OrderService(new onekey.orders.OrderRepository(db), elders, hub, audit, clock,
                new onekey.orders.OrderService.Settings(oc.categories(), oc.acceptSeconds(), oc.replays(), oc.digitSeconds(),
                        oc.maxRadiusKm(), onekey.config.RetrySpec.parse(oc.webhookRetry()), oc.callbackDelaySeconds(),
                        onekey.config.RetrySpec.parse(oc.callbackRetry()), oc.subsidisedPercent(),
                        java.time.ZoneId.of(cfg.broadcast().timeZone())),
                new onekey.broadcast.BroadcastPrompts(prompts), outbound,
                new onekey.orders.OrderService.Wiring((req, by) -> broadcasts.schedule(req, by).id(),
                        // each offer also texted to the supplier's mobile once the SMS room is up (issue 20)
                        List.of(new onekey.orders.SmsSupplierNotifier((to, text, elderId, ref) -> {
                            onekey.sms.SmsService s = smsLater.get();
                            if (s != null && s.enabled()) {
                                s.send(to, text, "order-offer", new onekey.sms.SmsService.Refs(elderId, null, "order-offer",
                                        "zh", ref, "system"));
                            }
                        }, java.time.ZoneId.of(cfg.broadcast().timeZone())))));
        ordersLater.set(orders);
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
                PbxSubscriber.of("seat calls", seatCalls::onEvent, null, null),
                // a device's test call answered by the dialplan; test modes written again into AstDB on every connect
                PbxSubscriber.of("device tests", e -> {
                    if (e instanceof PbxEvent.DeviceTest t && t.number() != null) {
                        Thread.ofVirtual().name("device-test").start(() -> {
                            try {
                                devices.testCall(t.number(), t.result());
                            } catch (RuntimeException x) {
                                log.error("device test call not recorded: {}", x.toString());
                            }
                        });
                    }
                }, () -> {
                    devices.publishTestModes();
                    Thread.ofVirtual().name("kept-alarms").start(keptAlarms::collect);
                    // what the dialplan plays for a terminal test and for an alarm it queues itself (issue 24)
                    Thread.ofVirtual().name("device-prompts").start(() -> {
                        try {
                            prompts.playbackPath("测试成功", "zh").ifPresent(p -> pbx.putSetting("onekey", "device-test-prompt", p));
                            prompts.playbackPath("设备报警，请立即处理", "zh").ifPresent(p -> pbx.putSetting("onekey", "alarm-prompt", p));
                        } catch (RuntimeException x) {
                            log.warn("device prompts not written into AstDB: {}", x.toString());
                        }
                    });
                }, null),
                PbxSubscriber.of("work orders", orders::onEvent, null, null)));
        this.health = health();
        // the rules the API's resources apply: accounts, elders, calls, recordings (after rescue, which hears of
        // dispositions and holds incidents)
        var apiServices = onekey.api.ApiServices.over(accounts, tokens, audit, elders, callRepo, recordingRepo, rescue, clock,
                cfg.reports().archiveKey().isEmpty() ? null : onekey.elders.ArchiveCipher.of(cfg.reports().archiveKey()),
                calls::liveAgent);
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

        // read-your-writes: a request waits (at most 500 ms, never while the database fails) for the journal's ops
        // appended before it, so the rows it reads are as the agent's action left them
        api.readYourWrites(() -> journal.awaitWritten(500));
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
        api.devices(devices, alarms, cfg.devices().platformKeys());
        api.stations(stations, elderThresholds, elders, audit);
        this.sms = smsService(elders, clock, audit);
        smsLater.set(sms);
        this.smsTriggers = new onekey.sms.SmsTriggers(sms, elders, cfg.sms().triggers(), cfg.sms().centreNumber(),
                cfg.calls().defaultAreaCode()).start(hub);
        api.sms(sms, rescue);
        api.qa(new onekey.qa.QaService(new onekey.qa.QaRepository(db), recordingRepo, accounts, audit, hub, clock));
        this.workload = new onekey.workload.Workload(db, accounts, clock).start(hub);
        api.desk(new onekey.notices.NoticeService(db, accounts, audit, hub, clock), workload,
                new onekey.history.CallHistory(db), java.time.ZoneId.of(cfg.broadcast().timeZone()));
        // the district's view (issue 22): figures from the stored timelines, exports, the monthly report by itself
        this.reportPush = onekey.reports.ReportPush.create(db.dsl(), onekey.reports.ReportPush.Config.parse(
                cfg.reports().pushUrls(), cfg.reports().pushKey(), cfg.reports().pushRetry()), audit, clock,
                cfg.reports().centreName());
        this.reports = new onekey.reports.ReportService(
                new onekey.reports.ReportQueries(db.dsl(), workload::figures, clock),
                new onekey.reports.ReportExports(onekey.reports.ReportExports.DEFAULT_FONT, cfg.reports().centreName()),
                audit, clock, java.time.ZoneId.of(cfg.broadcast().timeZone()), cfg.reports().dir(),
                new onekey.reports.ReportNotifier(hub, reportPush));
        api.reports(reports);
        api.incidentBoard(new onekey.board.IncidentBoard(rescue, elders, accounts, cfg.rescue().redials(), clock), rescue);
        java.time.ZoneId centreZone = java.time.ZoneId.of(cfg.broadcast().timeZone());
        api.orders(orders, centreZone);
        api.broadcasts(broadcasts, new onekey.broadcast.CampaignService(new onekey.broadcast.BroadcastRepository(db),
                broadcasts, elders, clock, centreZone, new onekey.sms.SmsCampaignTexts(sms,
                        new onekey.sms.SmsRepository(db), cfg.sms().centreNumber())), centreZone);
        this.metrics = new onekey.metrics.Metrics().withJvmAndDisks(cfg.paths().recordings());
        this.callMetrics = new onekey.metrics.CallMetricsFeed(metrics.registry()).start(hub);
        serverGauges(incidentRepo);
        metrics.gauge("onekey_sms_queued", "Texts written and not yet submitted to the SMSC (issue 20)", sms::queued);
        metrics.gauge("onekey_sms_up", "1 while the SMSC is bound (or no SMS is configured)", () -> sms.up() ? 1 : 0);
        api.metrics(metrics, cfg.metrics().allowFrom());
        try {
            writeAgentEndpoints();
            agi.start();
            api.start();
            if (nodes != null) {
                nodes.start(pbxSubscribers);
            } else {
                ami.start(pbxSubscribers);
            }
            // the whole folder at the start and once a day; every 10 minutes the last days' folders only (issue 23)
            housekeeping.scheduleWithFixedDelay(this::reconcileRecordings, 0, 24, TimeUnit.HOURS);
            housekeeping.scheduleWithFixedDelay(this::reconcileRecentRecordings, 10, 10, TimeUnit.MINUTES);
            // calls left without their elder by an earlier run at once; later, whenever a caller lookup gave up
            housekeeping.schedule(this::linkLate, 0, TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(() -> {
                // a lookup gave up, and the database takes writes again (nothing owed): no query into a frozen one
                if (calls.lookupsGaveUp() && journal.pending() == 0) {
                    linkLate();
                }
            }, 5, 5, TimeUnit.SECONDS); // a lookup that missed its 300 ms on a busy machine is linked within seconds
            recordingsDisk.start(cfg.recordings().diskCheckSeconds());
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    devices.checkSilent(); // heartbeat devices gone silent: the supervisors' alert (issue 24)
                } catch (RuntimeException e) {
                    log.error("device silence check failed: {}", e.toString());
                }
            }, cfg.devices().silentCheckSeconds(), cfg.devices().silentCheckSeconds(), TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    keptAlarms.collect();
                } catch (RuntimeException e) {
                    log.error("kept alarms not collected: {}", e.toString());
                }
            }, 30, 30, TimeUnit.SECONDS);
            sms.start();
            housekeeping.scheduleWithFixedDelay(sms::checkLink, 1, 1, TimeUnit.SECONDS);
            reports.start(housekeeping);
            if (reportPush != null) {
                reportPush.start(); // what was pending when the server stopped
            }
            retention.start(cfg.recordings().retentionCheckMinutes());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("onekey started api={}:{} agi={}:{} ami={}:{} db={}", cfg.http().bind(), api.port(), cfg.agi().bind(),
                cfg.agi().port(), cfg.ami().host(), cfg.ami().port(), db);
    }

    /** The live figures of /metrics, read from each component's own state at every scrape (issue 22). */
    private void serverGauges(IncidentRepository incidents) {
        for (onekey.lines.Service line : onekey.lines.Service.values()) {
            metrics.gauge("onekey_queue_waiting", "Calls waiting in the queue, unanswered, by line",
                    () -> calls.snapshot().stream().map(CallTracker.LiveView::record)
                            .filter(r -> r.queuedAt() != null && r.answeredAt() == null && r.line() == line).count(),
                    "line", line.wire());
        }
        metrics.gauge("onekey_sos_waiting", "SOS calls (or calls of unknown line) waiting unanswered", calls::sosWaiting);
        metrics.gauge("onekey_calls_live", "Elders' calls OneKey follows now", calls::liveCount);
        for (onekey.agents.AgentState state : onekey.agents.AgentState.values()) {
            metrics.gauge("onekey_agents", "Agents by state", () -> agents.all().stream()
                    .filter(a -> a.state() == state).count(), "state", state.wire());
        }
        metrics.gauge("onekey_ami_connected", "1 while OneKey is connected to Asterisk's AMI", () -> ami.connected() ? 1 : 0);
        metrics.counter("onekey_ami_events_received", "AMI events read from Asterisk",
                () -> (Number) ami.metrics().get("eventsReceived"));
        metrics.counter("onekey_ami_events_overflowed", "AMI events the full dispatcher queue could not take",
                () -> (Number) ami.metrics().get("eventsOverflowed"));
        metrics.gauge("onekey_ami_event_queue_depth", "AMI events read, not yet dispatched",
                () -> (Number) ami.metrics().get("queueDepth"));
        metrics.gauge("onekey_journal_pending", "Call rows and audit rows owed to the database (kept in the journal)",
                journal::pending);
        metrics.gauge("onekey_journal_failing_seconds", "How long the journal's writes have been failing (0: they work)",
                () -> ((Number) journal.metrics().get("failingSinceMs")).longValue() / 1000.0);
        metrics.gauge("onekey_incidents_open", "No-response and emergency incidents not yet resolved or cancelled",
                incidents::countOpen);
        metrics.gauge("onekey_broadcasts_in_flight", "Broadcast calls being dialled now (bulk lane)",
                () -> outbound.legs().countDialing(onekey.outbound.Lane.BULK));
        metrics.gauge("onekey_recordings_disk_low", "1 while the recordings disk is below recordings.minFreeMb or minFreePercent",
                () -> recordingsDisk.alert().isPresent() ? 1 : 0);
        metrics.gauge("onekey_db_up", "1 while the database answers", () -> db.ping() ? 1 : 0);
        metrics.gauge("hikaricp_connections_active", "Database connections in use", () -> db.poolStats().getActiveConnections(),
                "pool", "onekey-db");
        metrics.gauge("hikaricp_connections_idle", "Database connections idle", () -> db.poolStats().getIdleConnections(),
                "pool", "onekey-db");
        metrics.gauge("hikaricp_connections", "Database connections open", () -> db.poolStats().getTotalConnections(),
                "pool", "onekey-db");
        metrics.gauge("hikaricp_connections_pending", "Threads waiting for a database connection",
                () -> db.poolStats().getThreadsAwaitingConnection(), "pool", "onekey-db");
        metrics.gauge("hikaricp_connections_max", "The pool's size", () -> cfg.db().poolSize(), "pool", "onekey-db");
    }

    /** The figures of GET /metrics; a feature adds its own with {@code metrics().gauge(...)}. */
    public onekey.metrics.Metrics metrics() {
        return metrics;
    }

    /** Agents' accounts on every node and in Kamailio's subscriber table (issue 25). */
    private SipProvisioner nodesProvisioner() {
        Map<String, Path> files = new LinkedHashMap<>();
        Path pattern = cfg.asterisk().agentsConf();
        if (pattern != null) {
            for (OneKeyConfig.Node n : cfg.nodes().list()) {
                files.put(n.name(), Path.of(pattern.toString().replace("{node}", n.name())));
            }
        }
        return new onekey.nodes.NodesProvisioner(files, cfg.nodes().proxy().isEmpty() ? null : cfg.nodes().proxy(),
                cfg.nodes().subscribers(), pbx);
    }

    /** The SMS room (issue 20): the SMPP adapter when sms.host is set, the rescue as its incidents. */
    private onekey.sms.SmsService smsService(JooqElderRepository elders, Clock clock, onekey.auth.AuditLog audit) {
        OneKeyConfig.Sms sc = cfg.sms();
        onekey.sms.SmsGateway gateway = !sc.enabled() ? null : new onekey.sms.SmppGateway(new onekey.sms.SmppGateway.Settings(
                sc.host(), sc.port(), sc.systemId(), sc.password(), sc.sourceAddress(), sc.windowSize(), sc.perSecond(),
                sc.enquireLinkSeconds(), 10_000));
        if (gateway == null) {
            log.info("sms.host is empty: no SMS is sent");
        }
        return new onekey.sms.SmsService(new onekey.sms.SmsRepository(db), gateway, hub, elders,
                new onekey.sms.SmsService.Incidents() {
                    @Override
                    public java.util.Optional<Long> agentOf(long incidentId) {
                        return rescue.get(incidentId).map(onekey.rescue.Incident::agentId);
                    }

                    @Override
                    public boolean open(long incidentId) {
                        return rescue.get(incidentId).map(onekey.rescue.Incident::open).orElse(false);
                    }

                    @Override
                    public java.util.Optional<Long> note(long incidentId, String kind, String target, String result,
                                                         String detail) {
                        return rescue.noteText(incidentId, kind, target, result, detail);
                    }

                    @Override
                    public void result(long stepId, String result) {
                        rescue.textResult(stepId, result);
                    }

                    @Override
                    public boolean acknowledge(long incidentId, String phone, String name, String text) {
                        return rescue.acknowledgedByText(incidentId, phone, name, text);
                    }
                }, audit, clock,
                new onekey.sms.SmsService.Settings(sc.signature(), sc.windowSize(), 8, 5_000,
                        onekey.broadcast.QuietHours.parse(sc.quietHours(), java.time.ZoneId.of(cfg.broadcast().timeZone()))));
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
            // the calls the journal has linked to their elder but not yet written must not look unlinked
            journal.awaitWritten(2_000);
            calls.linkLate(System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.error("late link of calls to their elders failed: {}", e.toString());
        }
    }

    /** One reconcile at a time: the 10-minute one and the one after a database outage may meet. */
    private final java.util.concurrent.locks.ReentrantLock reconciling = new java.util.concurrent.locks.ReentrantLock();

    private void reconcileRecentRecordings() {
        reconcileRecordings(() -> recordings.reconcileRecent(java.time.LocalDate.now().minusDays(2)));
    }

    private void reconcileRecordings() {
        reconcileRecordings(recordings::reconcile);
    }

    private void reconcileRecordings(Runnable pass) {
        reconciling.lock();
        try {
            pass.run();
        } catch (RuntimeException e) {
            log.error("recording reconciliation failed: {}", e.toString());
        } finally {
            reconciling.unlock();
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

    public onekey.devices.DeviceService devices() {
        return devices;
    }

    public AgentService agents() {
        return agents;
    }

    /** The one Asterisk's AMI connection; null with several nodes ({@link #nodes()}). */
    public AmiClient ami() {
        return ami;
    }

    /** The Asterisk nodes (issue 25); null with one Asterisk. */
    public onekey.nodes.NodeSet nodes() {
        return nodes;
    }

    /** The call-backs of elders cut off by a dead node (issue 25); null with one Asterisk. */
    public onekey.nodes.CutOffCallbacks cutOffCallbacks() {
        return cutOff;
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
                    if (nodes != null) { // issue 25: per node, up while any node is
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("connected", nodes.anyUp());
                        m.put("nodes", nodes.metrics());
                        m.put("resync", pbxSubscribers.metrics());
                        return new Health.Report(m, nodes.anyUp(), nodes.alerts());
                    }
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
                // issue 20: texts wait while the SMSC is away: degraded, not down (calls never wait on SMS)
                new Health.Part("sms", () -> new Health.Report(sms.health(), sms.up(), List.of())),
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
        closeQuietly("orders", orders);
        closeQuietly("broadcasts", broadcasts);
        closeQuietly("seat-calls", seatCalls);
        closeQuietly("outbound", outbound);
        closeQuietly("alerts", alerts);
        closeQuietly("sms-triggers", smsTriggers);
        closeQuietly("sms", sms);
        closeQuietly("reports", reports);
        closeQuietly("report push", reportPush);
        closeQuietly("workload", workload);
        closeQuietly("call metrics", callMetrics);
        closeQuietly("ami", ami);
        closeQuietly("nodes", nodes);
        housekeeping.shutdownNow();
        closeQuietly("recordings-disk", recordingsDisk);
        closeQuietly("retention", retention);
        closeQuietly("journal", journal); // writes what the call model still owes the database
        closeQuietly("recordings", recordings);
        closeQuietly("metrics", metrics);
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
