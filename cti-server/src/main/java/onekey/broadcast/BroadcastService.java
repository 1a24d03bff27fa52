package onekey.broadcast;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import onekey.auth.Account;
import onekey.broadcast.Templates.Invalid;
import onekey.broadcast.Templates.Template;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.Service;
import onekey.outbound.Leg;
import onekey.outbound.Link;
import onekey.outbound.OutboundService;
import onekey.outbound.Outcome;
import onekey.outbound.Worker;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voice broadcasts (issue 9): OneKey calls an elder through the trunk, speaks a booking confirmation, a reminder
 * or a care check-in in the elder's language, and hears 1 (confirmed), 2 (again) or 0 (an agent). The message is
 * rendered and synthesised when the broadcast is scheduled, never when the elder answers; a missing voice falls
 * back to the other language's engine, and with neither the scheduling fails with a clear error (never silence).
 *
 * <p>Delivery: a retry plan per kind (attempts, seconds apart) on no answer, busy, failure, an early hang-up or no
 * key; non-urgent attempts never start inside the quiet hours (they wait for their end); at most
 * {@code maxChannels} broadcast calls at once (the trunk keeps room for SOS). After the last failed attempt a
 * check-in opens a no-response incident (rescue) and a booking or reminder alerts the agents (queue.alert).
 *
 * <p>Durable and idempotent: every attempt's call is a bulk leg of the outbound service (onekey.outbound), a row
 * written with the attempt before it is dialled; the dialer applies the trunk's limits and quiet hours, and after a
 * restart a call that was being placed is finished "unknown" (never dialled again) unless Asterisk still has its
 * channel, and the plan goes on. This service says what an attempt means (1, 2, 0, the retry plan, the hand-over);
 * its own changes run on one thread.
 */
public final class BroadcastService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BroadcastService.class);
    static final String ACTION_PREFIX = "okbc-";
    static final String CONTEXT = "onekey-bcast";

    /** Attempts and the time between them, for one kind of broadcast. */
    public record RetryPlan(int attempts, int intervalSeconds) {
        /** "3x600": 3 attempts, 600 s apart (the configuration's grammar, {@link onekey.config.RetrySpec}). */
        public static RetryPlan parse(String spec) {
            onekey.config.RetrySpec r = onekey.config.RetrySpec.parse(spec);
            return new RetryPlan(r.attempts(), r.intervalSeconds());
        }
    }

    /**
     * The rules' numbers (config {@code broadcast.*}, {@code trunk.*}): at most {@code maxChannels} broadcast calls
     * up and {@code callsPerSecond} new ones a second (0: no rate limit); when {@code trunkChannels} is known (&gt; 0),
     * a broadcast never takes a trunk channel that would leave fewer than {@code sosReserve} free.
     */
    public record Settings(Map<String, RetryPlan> plans, int ringSeconds, int replays, int digitSeconds, QuietHours quiet,
                           LocalTime reminderEvening, int reminderHoursBefore, int maxChannels, int callsPerSecond,
                           int trunkChannels, int sosReserve) {

        /** No rate limit and no trunk size: only {@code maxChannels} bounds the broadcasts. */
        public Settings(Map<String, RetryPlan> plans, int ringSeconds, int replays, int digitSeconds, QuietHours quiet,
                        LocalTime reminderEvening, int reminderHoursBefore, int maxChannels) {
            this(plans, ringSeconds, replays, digitSeconds, quiet, reminderEvening, reminderHoursBefore, maxChannels, 0, 0, 0);
        }

        RetryPlan plan(String kind) {
            return plans.getOrDefault(kind, new RetryPlan(3, 600));
        }

        ZoneId zone() {
            return quiet.zone();
        }

        /** The trunk's limits for the outbound dialer: these numbers, and the quiet hours. */
        public OutboundService.Limits limits() {
            return new OutboundService.Limits(maxChannels, callsPerSecond, trunkChannels, sosReserve, t -> {
                Instant at = Instant.ofEpochMilli(t);
                return quiet.contains(at) ? quiet.next(at).toEpochMilli() : t;
            });
        }
    }

    /** A synthesised prompt: the path Asterisk plays (without extension) and its length. */
    public record Spoken(String playbackPath, long millis) {
        /** A PromptCache file (8 kHz mono 16-bit WAV): its playback path and length from its size. */
        public static Spoken ofWav(Path wav) {
            long bytes;
            try {
                bytes = Files.size(wav);
            } catch (java.io.IOException e) {
                bytes = 44;
            }
            String s = wav.toString();
            return new Spoken(s.endsWith(".wav") ? s.substring(0, s.length() - 4) : s, Math.max(0, bytes - 44) / 16);
        }
    }

    /** Renders a prompt (text, language "zh"/"en"/"wuu"); empty when no engine or voice speaks that language. */
    public interface Prompts {
        Optional<Spoken> speak(String text, String language);

        /**
         * The message in its pieces (fixed phrases and field values, {@link Templates#segments}): recorded phrases
         * where the language has them, TTS for the rest, as one prompt. Without recordings: the whole text.
         */
        default Optional<Spoken> speak(List<Templates.Segment> message, String language) {
            return speak(Templates.text(message), language);
        }

        /**
         * A prompt about to be played: true while its file is there (and its use is refreshed, so a bounded cache
         * keeps it through the call); false when it is gone and must be spoken again.
         */
        default boolean keep(String playbackPath) {
            return !playbackPath.startsWith("/") || Files.isRegularFile(Path.of(playbackPath + ".wav"));
        }
    }

    /** What POST /api/broadcasts asks for. {@code at} null: now. */
    public record Request(long elderId, String template, Map<String, String> fields, Instant at, boolean urgent) {}

    /** No TTS engine could speak the message in either language. */
    public static final class Unspeakable extends RuntimeException {
        public Unspeakable(String message) {
            super(message);
        }
    }

    private final BroadcastRepository repo;
    private final ElderRepository elders;
    private final Pbx pbx;
    private final BroadcastNotifier notifier;
    private final Clock clock;
    private final Settings settings;
    private final Prompts prompts;
    private final Worker worker;
    /** Places the calls (outbound/): the attempts are its bulk legs. */
    private final OutboundService outbound;
    /** The server's outbound service, or (a test) one of its own that this service feeds. */
    private final Link link;
    /** The lines (dialled numbers) of the centre: an elder who presses 0 is queued on the service's line. */
    private final java.util.function.Supplier<List<Line>> lines;
    /** Opens a no-response incident for an elder (rescue); returns its id. Null: no rescue service. */
    private final BiFunction<Long, String, Long> noResponse;
    /** At most two TTS syntheses at once (2 cores). */
    private final java.util.concurrent.Semaphore tts = new java.util.concurrent.Semaphore(2);

    /**
     * What the broadcasts use from around them, given when built (issue 17: the root wires in order, no setters).
     *
     * @param lines      the centre's lines: an elder who presses 0 is queued on the service's line
     * @param trunk      the trunk's live channels, for an outbound service of the broadcasts' own (a test), so that
     *                   broadcasts leave {@code trunk.sosReserve} of them free; the server's outbound service is built
     *                   with its trunk already (null: not known)
     * @param noResponse the hand-over of an unanswered check-in: (elderId, reason) → incident id (null: no rescue)
     */
    public record Wiring(java.util.function.Supplier<List<Line>> lines, onekey.telephony.TrunkLoad trunk,
                         BiFunction<Long, String, Long> noResponse) {
        /** No lines, no trunk known, no rescue to hand over to. */
        public static final Wiring NONE = new Wiring(List::of, null, null);

        public Wiring {
            java.util.Objects.requireNonNull(lines, "lines");
        }
    }

    /** With an outbound service of its own, limited by {@code settings}, and nothing around it (tests). */
    public BroadcastService(BroadcastRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                            Settings settings, Prompts prompts) {
        this(repo, elders, pbx, hub, clock, settings, prompts, null, Wiring.NONE);
    }

    /** The server's one outbound service, nothing around it (tests; see the full constructor). */
    public BroadcastService(BroadcastRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                            Settings settings, Prompts prompts, OutboundService outbound) {
        this(repo, elders, pbx, hub, clock, settings, prompts, outbound, Wiring.NONE);
    }

    /**
     * {@code outbound}: the server's one outbound service (its limits and trunk are the trunk's); null: one of its own,
     * limited by {@code settings} and counting {@code wiring.trunk()}.
     */
    public BroadcastService(BroadcastRepository repo, ElderRepository elders, Pbx pbx, EventHub hub, Clock clock,
                            Settings settings, Prompts prompts, OutboundService outbound, Wiring wiring) {
        this.repo = repo;
        this.elders = elders;
        this.pbx = pbx;
        this.notifier = new BroadcastNotifier(hub);
        this.clock = clock;
        this.settings = settings;
        this.prompts = prompts;
        this.worker = new Worker("broadcast", "the broadcast service is busy; try again");
        this.lines = wiring.lines();
        this.noResponse = wiring.noResponse();
        this.link = Link.of(outbound, () -> new OutboundService(repo.legs(), pbx, clock, settings.limits(), wiring.trunk()),
                new Legs());
        this.outbound = link.service();
    }

    // ---- scheduling ---------------------------------------------------------------------------------------

    /**
     * Schedules a broadcast: validates, renders the message in the elder's language and synthesises it now, writes
     * the broadcast with its first attempt (after the quiet hours unless urgent) and, for a booking, its reminders
     * (the day before at 18:00 and 2 h before, when still ahead).
     *
     * @throws Invalid      a bad request (which field and why)
     * @throws Unspeakable  no TTS engine speaks the elder's language nor the other one
     */
    public Broadcast schedule(Request req, Account by) {
        return schedule(req, by, null);
    }

    /** As {@link #schedule(Request, Account)}, as one elder's broadcast of campaign {@code campaignId}. */
    public Broadcast schedule(Request req, Account by, Long campaignId) {
        Template t = Template.of(req.template()).orElseThrow(() -> new Invalid("template",
                "unknown template '" + req.template() + "'; one of " + String.join(", ", Template.ids())));
        Map<String, String> fields = Templates.validate(t, req.fields());
        Elder elder = elders.get(req.elderId()).orElseThrow(() -> new Invalid("elderId", "no such elder: " + req.elderId()));
        if (elder.phones() == null || elder.phones().isEmpty()) {
            throw new Invalid("elderId", "elder " + req.elderId() + " has no phone number to call");
        }
        long now = clock.millis();
        long due = req.at() == null ? now : Math.max(now, req.at().toEpochMilli());
        if (!req.urgent()) {
            due = settings.quiet().next(Instant.ofEpochMilli(due)).toEpochMilli();
        }
        BroadcastRepository.Draft main = draft(t, fields, elder, req.urgent(), by, due, null);
        List<BroadcastRepository.Draft> reminders = new ArrayList<>();
        if (t.kind.equals("booking")) {
            LocalDateTime appt = t.appointment(fields).orElseThrow();
            Instant apptAt = appt.atZone(settings.zone()).toInstant();
            Instant evening = appt.toLocalDate().minusDays(1).atTime(settings.reminderEvening()).atZone(settings.zone()).toInstant();
            Instant before = apptAt.minusSeconds(settings.reminderHoursBefore() * 3600L);
            for (Instant at : List.of(evening, before)) {
                long when = settings.quiet().next(at).toEpochMilli();
                if (when > due && when > now && when < apptAt.toEpochMilli()) {
                    reminders.add(draft(Template.REMINDER, fields, elder, false, by, when, null));
                }
            }
        }
        long id = worker.call(() -> {
            long created = repo.create(main.inCampaign(campaignId), now);
            for (BroadcastRepository.Draft r : reminders) {
                repo.create(new BroadcastRepository.Draft(r.elderId(), r.template(), r.kind(), r.fields(), r.language(),
                        r.message(), r.prompt(), r.promptMs(), r.urgent(), r.createdBy(), r.accountId(), r.dueAt(), created,
                        r.phone()), now);
            }
            return created;
        });
        outbound.kick(); // the dialer does not poll when idle: it looks now, then sleeps until the first due leg
        Broadcast b = repo.get(id).orElseThrow();
        log.info("broadcast.scheduled broadcast={} elder={} template={} language={} due={} reminders={} by={}", id,
                elder.id(), t.id, b.language(), Instant.ofEpochMilli(due), reminders.size(), main.createdBy());
        publish(new BroadcastEvents.Scheduled(b));
        return b;
    }

    /**
     * Renders and speaks the message: the elder's language first (a dialect such as wuu: its recordings and Mandarin
     * TTS), then the other one of zh / en; never silence.
     */
    private BroadcastRepository.Draft draft(Template t, Map<String, String> fields, Elder elder, boolean urgent, Account by,
                                            long due, Long parent) {
        String lang = onekey.tts.Languages.normalize(elder.language());
        if (!onekey.tts.Languages.ALL.contains(lang)) {
            lang = "zh";
        }
        for (String l : List.of(lang, lang.equals("en") ? "zh" : "en")) {
            List<Templates.Segment> message = Templates.segments(t, l, elder.name(), fields);
            String text = Templates.text(message);
            Optional<Spoken> s = speak(message, l);
            if (s.isPresent()) {
                if (!l.equals(lang)) {
                    log.warn("broadcast.voice-fallback elder={} wanted={} used={}", elder.id(), lang, l);
                }
                return new BroadcastRepository.Draft(elder.id(), t.id, t.kind, fields, l, text, s.get().playbackPath(),
                        s.get().millis(), urgent, by == null ? "system" : by.username(), by == null ? null : by.id(), due,
                        parent, elder.phones().get(0));
            }
        }
        throw new Unspeakable("no text-to-speech voice could speak the message in " + lang + " nor in the other language"
                + " (espeak-ng with the cmn voice for Mandarin, FreeTTS or espeak-ng en-us for English): install one;"
                + " the broadcast was not scheduled");
    }

    private Optional<Spoken> speak(List<Templates.Segment> message, String lang) {
        try {
            tts.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return prompts.speak(message, lang);
        } catch (RuntimeException e) {
            log.warn("broadcast.tts-error lang={} error={}", lang, e.toString());
            return Optional.empty();
        } finally {
            tts.release();
        }
    }

    public Optional<Broadcast> get(long id) {
        return repo.get(id);
    }

    public List<Broadcast> find(Long elderId, String state, int limit) {
        return repo.find(elderId, state, null, limit);
    }

    /** Cancels a broadcast that is not closed yet: nothing more is dialled. */
    public Broadcast cancel(long id, Account by) {
        return worker.call(() -> {
            Broadcast b = repo.get(id).orElseThrow(() -> new Invalid("id", "no such broadcast: " + id));
            long now = clock.millis();
            if (!repo.close(id, Broadcast.State.CANCELLED, "cancelled by " + by.username(), now)) {
                throw new IllegalStateException("broadcast " + id + " is already " + b.state());
            }
            repo.cancelPlanned(id, now);
            Broadcast done = repo.get(id).orElseThrow();
            publish(new BroadcastEvents.Cancelled(done));
            return done;
        });
    }

    // ---- the PBX ------------------------------------------------------------------------------------------

    /** From the AMI dispatcher: the dialplan's results to the broadcast thread at once; the calls' own to outbound. */
    public void onEvent(PbxEvent e) {
        if (e instanceof PbxEvent.BroadcastResult b && b.attempt() != null) {
            result(() -> heard(b));
        }
        link.onEvent(e);
    }

    /** AMI (re)connected: with its own outbound service, that one's resync (the server's runs from its root). */
    public void pbxConnected() {
        link.resync();
    }

    public void pbxDisconnected() {
        link.pbxDisconnected();
    }

    /**
     * One pass of the dialer now, returning when it and what it handed to the broadcast thread are done: a unit test
     * moves its clock and then knows the pass at that time has run (the dialer's own passes run every 100 ms).
     */
    void tickNow() {
        outbound.pollNow();
        worker.execute(this::writeResults);
        worker.drain();
    }

    /**
     * What the calls said (the dialplan's results, the legs' ends), in the order they came, waiting for the broadcast
     * thread's next commit.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> results = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean resultsDue = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * How long a result waits for others to share its commit (issue 23: group commit; at 40 calls a second the two
     * results of each call cost a commit each, half the broadcast thread's CPU). A result is in memory that long, as it
     * was while queued for the thread; the calls themselves never wait for it. 100 ms (50 before): an H2 commit writes
     * a chunk of every page the transaction touched, ~2.6 ms of CPU each in the broadcast bench's profile, so at 40
     * calls a second 10 commits a second instead of 20 are ~0.6 ms less a call. A result lost to a kill -9 in that
     * window is not a lost broadcast: the restarted dialer ends the call's leg unknown, and the plan calls again (or,
     * after the last attempt, hands it on as unconfirmed).
     */
    static final long GROUP_MILLIS = 100;

    private void result(Runnable r) {
        results.add(r);
        if (resultsDue.compareAndSet(false, true)) {
            worker.schedule(this::writeResults, GROUP_MILLIS);
        }
    }

    /** The results waiting, in one transaction; when it fails, each again in its own (one bad result loses no other). */
    private void writeResults() {
        resultsDue.set(false);
        List<Runnable> batch = new ArrayList<>();
        for (Runnable r = results.poll(); r != null; r = results.poll()) {
            batch.add(r);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            inOne(() -> batch.forEach(Runnable::run));
        } catch (RuntimeException e) {
            log.warn("broadcast.results-batch-failed results={} error={}; each again on its own", batch.size(), e.toString());
            for (Runnable r : batch) {
                try {
                    inOne(r);
                } catch (RuntimeException one) {
                    log.error("broadcast.result-failed error={}", one.toString());
                }
            }
        }
    }

    /**
     * The broadcast as read by a call's prepare (its attempt dialing), by the attempt's id, until the attempt ends: the
     * call's "calling" event, its stale limit and the dialplan's results take it from here instead of reading it again
     * (issue 23: four reads a call). Rows are still moved by conditional UPDATEs only, so a result that comes after
     * the attempt ended another way changes nothing.
     */
    private final Map<Long, Broadcast> calling = new java.util.concurrent.ConcurrentHashMap<>();

    /** The attempt {@code id} as its call's prepare read it, when it is being called from here. */
    private Broadcast.Attempt callingAttempt(long id) {
        Broadcast b = calling.get(id);
        if (b != null) {
            for (Broadcast.Attempt a : b.attempts()) {
                if (a.id() == id) {
                    return a;
                }
            }
        }
        return null;
    }

    /** What a broadcast's leg means: an attempt of the broadcast (keys 1, 2, 0 are heard by {@link #heard}). */
    private final class Legs extends OutboundService.Owner {
        Legs() {
            super(BroadcastRepository.OWNER, ACTION_PREFIX, "ONEKEY_BCAST", true);
        }

        @Override
        public OutboundService.Admission admit(Leg leg, long now) {
            BroadcastRepository.Admission a = repo.admission(leg.rowId()); // one read (issue 23)
            if (a.attemptState() == null || "done".equals(a.attemptState())) {
                return OutboundService.Admission.drop("the attempt is " + (a.attemptState() == null ? "gone" : "done"));
            }
            if ("paused".equals(a.campaignState())) {
                return OutboundService.Admission.HOLD; // a paused campaign: its attempts wait, due, until it is resumed
            }
            if (!a.broadcastOpen()) {
                return OutboundService.Admission.drop("the broadcast is "
                        + (a.broadcastState() == null ? "gone" : a.broadcastState()));
            }
            return OutboundService.Admission.DIAL;
        }

        @Override
        public OutboundService.Dial prepare(Leg leg) {
            Broadcast b = repo.ofAttempt(leg.rowId()).orElseThrow(); // one read: the attempt is among its attempts
            Broadcast.Attempt a = b.attempts().stream().filter(x -> x.id() == leg.rowId()).findFirst().orElseThrow();
            calling.put(a.id(), b);
            String prompt = b.prompt();
            if (prompt.startsWith("/") && !prompts.keep(prompt)) {
                // the cache lost the file since scheduling (tts.cacheMaxMb): speak the same message again rather than
                // play nothing
                prompt = speak(message(b), b.language()).map(Spoken::playbackPath).orElseThrow(() ->
                        new OutboundService.Unplaceable("the message's prompt is gone and could not be spoken again"));
            }
            Template t = Template.of(b.template()).orElse(Template.CHECK_IN);
            Service service = t.service(b.fields());
            Line line = lines.get().stream().filter(l -> l.service() == service).findFirst().orElse(null);
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("ONEKEY_BCAST", Long.toString(a.id()));
            vars.put("ONEKEY_PROMPT", prompt);
            vars.put("ONEKEY_LANG", b.language());
            vars.put("ONEKEY_REPLAYS", Integer.toString(settings.replays()));
            vars.put("ONEKEY_WAIT", Integer.toString(settings.digitSeconds()));
            vars.put("ONEKEY_ELDER_NUMBER", a.phone());
            vars.put("ONEKEY_BCAST_DNIS", line == null ? "broadcast" : line.number());
            vars.put("ONEKEY_BCAST_SERVICE", service.wire());
            vars.put("ONEKEY_BCAST_PRIO", Integer.toString(line == null ? 1 : line.priority()));
            return new OutboundService.Dial("PJSIP/" + a.phone() + "@trunk", CONTEXT, settings.ringSeconds() * 1000L, null,
                    vars);
        }

        @Override
        public void moved(Leg leg, OutboundService.Move move) {
            repo.mirror(leg);
            long id = Long.parseLong(leg.reference());
            if (move == OutboundService.Move.DIALING) {
                repo.setState(id, Broadcast.State.CALLING);
            } else if (move == OutboundService.Move.DEFERRED) {
                worker.execute(() -> repo.get(id).ifPresent(b -> publish(new BroadcastEvents.Updated(b))));
            }
        }

        @Override
        public void placed(Leg leg) {
            log.info("broadcast.dial broadcast={} attempt={} seq={} number={}", leg.reference(), leg.rowId(), leg.step(),
                    PhoneNumbers.mask(leg.number()));
            Broadcast read = calling.get(leg.rowId());
            if (read != null) {
                worker.execute(() -> publish(new BroadcastEvents.Calling(read)));
            } else {
                worker.execute(() -> repo.get(Long.parseLong(leg.reference())).ifPresent(b -> publish(new BroadcastEvents.Calling(b))));
            }
        }

        @Override
        public void ended(Leg leg, Outcome outcome, String detail) {
            calling.remove(leg.rowId());
            result(() -> repo.attempt(leg.rowId()).filter(a -> !a.done()).ifPresent(a -> {
                switch (outcome) {
                    case CANCELLED -> repo.finish(a.id(), "cancelled", null, detail, clock.millis());
                    case HUNG_UP -> {
                        boolean again = a.digits() != null && a.digits().contains("2");
                        finish(a, again ? "repeated" : "hung-up-early", a.digits(), again
                                ? "heard it again (2), hung up before 1 or 0" : "answered, hung up before pressing a key");
                    }
                    default -> finish(a, outcome.wire(), null, detail);
                }
            }));
        }

        /** Ringing, then every play of the message and its wait for a key, and a minute of margin. */
        @Override
        public long staleMillis(Leg leg) {
            Broadcast read = calling.get(leg.rowId());
            long promptMs = read != null ? read.promptMs()
                    : repo.get(Long.parseLong(leg.reference())).map(Broadcast::promptMs).orElse(30_000L);
            return settings.ringSeconds() * 1000L + 6L * (promptMs + settings.digitSeconds() * 1000L) + 60_000L;
        }
    }

    /**
     * The stored message in its pieces again, so recorded phrases are used when it is spoken again; as one text when
     * the pieces no longer give the stored text (the elder's name was changed since) or the elder cannot be read.
     */
    private List<Templates.Segment> message(Broadcast b) {
        try {
            Template t = Template.of(b.template()).orElse(null);
            String name = elders.get(b.elderId()).map(Elder::name).orElse(null);
            if (t != null && name != null) {
                List<Templates.Segment> s = Templates.segments(t, b.language(), name, b.fields());
                if (Templates.text(s).equals(b.message())) {
                    return s;
                }
            }
        } catch (RuntimeException e) {
            log.warn("broadcast.respeak-as-text broadcast={} error={}", b.id(), e.toString());
        }
        return List.of(new Templates.Segment(null, b.message()));
    }

    private void heard(PbxEvent.BroadcastResult e) {
        long id;
        try {
            id = Long.parseLong(e.attempt().trim());
        } catch (NumberFormatException ex) {
            return;
        }
        Broadcast.Attempt a = callingAttempt(id);
        if (a == null) {
            a = repo.attempt(id).orElse(null);
        }
        if (a == null || a.done()) {
            return;
        }
        String result = e.result() == null ? "" : e.result();
        switch (result) {
            case "answered" -> {
                outbound.answeredOn(BroadcastRepository.OWNER, Long.toString(a.broadcastId()), a.seq(), e.uniqueid());
                repo.progress(id, "answered", null, e.recordingFile());
            }
            case "repeated" -> {
                repo.progress(id, "repeated", e.digits(), e.recordingFile());
                repo.get(a.broadcastId()).ifPresent(b -> publish(new BroadcastEvents.Updated(b)));
            }
            case "confirmed" -> finish(a, "confirmed", e.digits(), "the elder pressed 1");
            case "transferred" -> finish(a, "transferred", e.digits(), "the elder pressed 0: put through to an agent");
            case "no-confirm" -> finish(a, "no-confirm", e.digits(), "heard the message " + settings.replays()
                    + " times, pressed no key");
            default -> log.warn("broadcast.unknown-result attempt={} result={}", id, result);
        }
    }

    /** Ends an attempt (once) and moves its broadcast on: closed, the next attempt, or failed and handed on. */
    private void finish(Broadcast.Attempt a, String result, String digits, String detail) {
        long now = clock.millis();
        calling.remove(a.id());
        if (!repo.finish(a.id(), result, digits, detail, now)) {
            return;
        }
        // the dialplan's result ends the call's leg too (when the leg ended first, it is done already)
        outbound.finish(BroadcastRepository.OWNER, Long.toString(a.broadcastId()), a.seq(), Outcome.ANSWERED, detail);
        Broadcast b = repo.get(a.broadcastId()).orElse(null);
        log.info("broadcast.attempt-done broadcast={} attempt={} seq={} result={}", a.broadcastId(), a.id(), a.seq(), result);
        if (b == null || !b.open()) {
            return;
        }
        switch (result) {
            case "confirmed" -> {
                String outcome = "the elder pressed 1 on attempt " + a.seq();
                if (repo.close(b.id(), Broadcast.State.CONFIRMED, outcome, now)) {
                    publish(new BroadcastEvents.Confirmed(b.closed(Broadcast.State.CONFIRMED, outcome, now)));
                }
            }
            case "transferred" -> {
                String outcome = "the elder pressed 0 on attempt " + a.seq() + ": queued for an agent";
                if (repo.close(b.id(), Broadcast.State.TRANSFERRED, outcome, now)) {
                    publish(new BroadcastEvents.Transferred(b.closed(Broadcast.State.TRANSFERRED, outcome, now)));
                }
            }
            default -> {
                RetryPlan plan = settings.plan(b.kind());
                long made = b.attempts().stream().filter(x -> x.done() && !"cancelled".equals(x.result())).count();
                if (made < plan.attempts()) {
                    long due = now + plan.intervalSeconds() * 1000L;
                    if (!b.urgent()) {
                        due = settings.quiet().next(Instant.ofEpochMilli(due)).toEpochMilli();
                    }
                    List<String> phones = elders.get(b.elderId()).map(Elder::phones).filter(p -> !p.isEmpty())
                            .orElse(List.of(a.phone()));
                    int seq = b.attempts().stream().mapToInt(Broadcast.Attempt::seq).max().orElse(0) + 1;
                    repo.plan(b.id(), seq, phones.get((int) (made % phones.size())), due);
                    outbound.kick();
                    repo.setState(b.id(), Broadcast.State.SCHEDULED);
                    publish(new BroadcastEvents.Attempt(repo.get(b.id()).orElse(b)));
                } else {
                    afterCommit(() -> fail(b, made, now)); // the hand-over (rescue's own thread) after this commit
                }
            }
        }
    }

    /**
     * The last attempt failed: the broadcast is failed and handed on — an unanswered check-in opens a no-response
     * incident (rescue); a booking or reminder is a task for the agents (queue.alert), and its creator is told.
     */
    private void fail(Broadcast b, long made, long now) {
        String why = "no confirmation after " + made + " attempt" + (made == 1 ? "" : "s");
        boolean alertAgents = true;
        if (b.kind().equals("check-in") && noResponse != null) {
            try {
                Long incident = noResponse.apply(b.elderId(), "check-in-unanswered");
                why += "; no-response incident " + incident + " opened";
                alertAgents = false;
            } catch (RuntimeException e) {
                log.error("broadcast.hand-on-failed broadcast={} elder={} error={}", b.id(), b.elderId(), e.toString());
                why += "; the no-response incident could not be opened (" + e.getMessage() + "): an agent must call the elder";
            }
        } else {
            why += "; an agent must call the elder";
        }
        if (!repo.close(b.id(), Broadcast.State.FAILED, why, now)) {
            return;
        }
        if (alertAgents) {
            repo.openTask(b.id()); // on the worklist (GET /api/broadcasts?task=open) until an agent has done it
        }
        log.warn("broadcast.failed broadcast={} elder={} template={} attempts={}", b.id(), b.elderId(), b.template(), made);
        Broadcast failed = repo.get(b.id()).orElse(b);
        if (alertAgents) {
            notifier.alert(new BroadcastEvents.FailedAlert("call the elder about the " + b.template()
                    + " the broadcast could not confirm", failed));
        }
        publish(new BroadcastEvents.Failed(failed));
    }

    /** The broadcasts an agent must follow up by phone (failed bookings and reminders), oldest first. */
    public List<Broadcast> openTasks(int limit) {
        return repo.openTasks(limit);
    }

    /**
     * An agent called the elder about a failed broadcast: its task is done, with the agent's note.
     *
     * @throws IllegalStateException the broadcast has no open task (never failed, a check-in, or done already)
     */
    public Broadcast taskDone(long id, Account by, String note) {
        if (!repo.finishTask(id, by.username(), note, clock.millis())) {
            Broadcast b = repo.get(id).orElseThrow(() -> new Invalid("id", "no such broadcast: " + id));
            throw new IllegalStateException(b.task() == null ? "broadcast " + id + " has no task (it is " + b.state() + ")"
                    : "the task of broadcast " + id + " was done already by " + b.task().by());
        }
        Broadcast done = repo.get(id).orElseThrow();
        log.info("broadcast.task-done broadcast={} elder={} by={}", id, done.elderId(), by.username());
        publish(new BroadcastEvents.TaskDone(done));
        return done;
    }

    /** To the agent who booked it (supervisors see every agent's events); else to the supervisors. */
    private void publish(BroadcastEvents.Changed e) {
        afterCommit(() -> notifier.changed(e));
    }

    /** What runs once the transaction of {@link #inOne} on this thread has committed; null outside one. */
    private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();

    /**
     * Runs what PBX events change (the attempt's end, its leg's, the broadcast's close or next attempt) in one
     * transaction, one commit (issue 23: four an event before); the events it publishes go out after the commit, none
     * when it rolls back.
     */
    private void inOne(Runnable work) {
        List<Runnable> later = new ArrayList<>();
        afterCommit.set(later);
        try {
            repo.together(work);
        } finally {
            afterCommit.remove();
        }
        later.forEach(Runnable::run);
    }

    /** {@code r} after {@link #inOne}'s commit when inside one; now otherwise. */
    private void afterCommit(Runnable r) {
        List<Runnable> later = afterCommit.get();
        if (later == null) {
            r.run();
        } else {
            later.add(r);
        }
    }

    /** The wire shape of a broadcast (docs/api.md). */
    public static Map<String, Object> shape(Broadcast b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("elderId", b.elderId());
        m.put("template", b.template());
        m.put("kind", b.kind());
        m.put("fields", b.fields());
        m.put("language", b.language());
        m.put("message", b.message());
        m.put("promptMs", b.promptMs());
        m.put("urgent", b.urgent());
        m.put("state", b.state());
        m.put("createdAt", b.createdAt());
        m.put("createdBy", b.createdBy());
        m.put("dueAt", b.dueAt());
        m.put("parentId", b.parentId());
        m.put("endedAt", b.endedAt());
        m.put("outcome", b.outcome());
        m.put("campaignId", b.campaignId());
        if (b.task() == null) {
            m.put("task", null);
        } else {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("state", b.task().state());
            t.put("by", b.task().by());
            t.put("at", b.task().at());
            t.put("note", b.task().note());
            m.put("task", t);
        }
        m.put("attempts", b.attempts().stream().map(a -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("seq", a.seq());
            x.put("number", PhoneNumbers.mask(a.phone()));
            x.put("dueAt", a.dueAt());
            x.put("at", a.startedAt());
            x.put("state", a.state());
            x.put("endedAt", a.endedAt());
            x.put("result", a.result());
            x.put("digits", a.digits() == null ? "" : a.digits());
            x.put("recording", a.recording() != null);
            x.put("detail", a.detail());
            return x;
        }).toList());
        return m;
    }

    @Override
    public void close() {
        try {
            worker.execute(this::writeResults); // the results still waiting for their commit (a delayed one would not run)
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed already
        }
        worker.close();
        link.close();
    }
}
