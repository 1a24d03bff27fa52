package onekey.sms;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Texts (issue 20): every text is a row before it is handed to the SMSC ({@link #send}), a sender submits the due
 * ones through the {@link SmsGateway} (at most {@code windowSize} in flight, one at a time per number so a family
 * member reads them in order), receipts move the rows to delivered / failed / expired, and replies to an incident's
 * text are that contact's acknowledgement ("1", "到", "收到": as pressing 1 on the rescue call) or shown to the
 * incident's seat.
 *
 * <p>Faults: the SMSC down → texts stay queued and go when it is back; supervisors get {@code system.alert}
 * (kind {@code sms-down}) when it stays down past {@code linkAlertAfterMs}. A transient refusal is retried with
 * back-off ({@code ESME_RTHROTTLED} for as long as it lasts; other transient codes up to {@code maxAttempts});
 * a permanent one ({@code ESME_RINVDSTADR}) fails the text with the code in its row. A submit with no answer, and
 * after a kill -9 every text left "sending", is "unknown" and never submitted again.
 *
 * <p>For other rooms (work orders' supplier texts, …): {@link #send(String, String, String, Refs)} is the whole API —
 * a number, the text (the signature is put before it), a reason (a word naming the feature, kept in the row) and
 * optional references (elder, incident, template, language, an idempotence key). It returns at once with the row.
 */
public final class SmsService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmsService.class);

    /** The words that acknowledge an incident text: I am going (issue 20). */
    public static final Set<String> ACK_WORDS = Set.of("1", "到", "收到", "1到", "到了");

    /**
     * @param maxAttempts submits answered with a transient code (other than throttled) before the text fails
     * @param quiet       the hours no text but an incident/SOS one or a seat's own goes out ({@code sms.quietHours})
     */
    public record Settings(String signature, int windowSize, int maxAttempts, long linkAlertAfterMs,
                           onekey.broadcast.QuietHours quiet) {
        /** No quiet hours. */
        public Settings(String signature, int windowSize, int maxAttempts, long linkAlertAfterMs) {
            this(signature, windowSize, maxAttempts, linkAlertAfterMs, onekey.broadcast.QuietHours.none(java.time.ZoneOffset.UTC));
        }
    }

    /**
     * The reasons whose texts go out at any hour: the SOS call and the incident's texts (someone may be lying on the
     * floor), a seat's free text (a person chose to send it now) and a supplier's order offer (it goes with the call
     * placed now and is void minutes later). Every other text (bookings, care campaigns, …) keeps the quiet hours.
     */
    static final Set<String> ANY_HOUR = Set.of("sos-call", "incident-opened", "incident-escalated", "incident-resolved",
            "incident-cancelled", "seat", "order-offer");

    /** Whether a text with this reason (and incident) waits out the quiet hours. */
    static boolean keepsQuietHours(String reason, Long incidentId) {
        return incidentId == null && !ANY_HOUR.contains(reason);
    }

    /**
     * What a text refers to; all optional. {@code ref}: an idempotence key — a second text with the same ref to the
     * same number is not written (a trigger seen twice). {@code byUser}: who wrote it (a seat's free text).
     */
    public record Refs(Long elderId, Long incidentId, String template, String language, String ref, String byUser,
                       Long broadcastId, Long campaignId) {
        public static final Refs NONE = new Refs(null, null, null, null, null, null);

        public Refs(Long elderId, Long incidentId, String template, String language, String ref, String byUser) {
            this(elderId, incidentId, template, language, ref, byUser, null, null);
        }
    }

    /** The rescue as this room sees it (wired by the root; tests pass their own). */
    public interface Incidents {
        /** The incident's seat, when it has one. */
        Optional<Long> agentOf(long incidentId);

        boolean open(long incidentId);

        /** A step on the incident's timeline: its id. */
        Optional<Long> note(long incidentId, String kind, String target, String result, String detail);

        /** A text's step gets its delivery state. */
        void result(long stepId, String result);

        /** The contact acknowledged by text, as pressing 1; false when the incident is closed or acked by them. */
        boolean acknowledge(long incidentId, String phone, String name, String text);

        Incidents NONE = new Incidents() {
            @Override
            public Optional<Long> agentOf(long incidentId) {
                return Optional.empty();
            }

            @Override
            public boolean open(long incidentId) {
                return false;
            }

            @Override
            public Optional<Long> note(long incidentId, String kind, String target, String result, String detail) {
                return Optional.empty();
            }

            @Override
            public void result(long stepId, String result) {
            }

            @Override
            public boolean acknowledge(long incidentId, String phone, String name, String text) {
                return false;
            }
        };
    }

    private final SmsRepository repo;
    private final SmsGateway gateway;
    private final SmsNotifier notifier;
    private final ElderRepository elders;
    private final Incidents incidents;
    private final AuditLog audit;
    private final Clock clock;
    private final Settings settings;
    private final Semaphore kick = new Semaphore(0);
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> numbersInFlight = ConcurrentHashMap.newKeySet();
    /** Receipts that came before their submit's row was written (the SMSC is quick): applied once it is. */
    private final Map<String, SmsGateway.Receipt> early = new ConcurrentHashMap<>();
    private final Object receiptLock = new Object();
    private volatile boolean closed;
    private volatile long downSince;
    private volatile boolean alerted;
    private Thread sender;

    /** {@code gateway} null: SMS is off (sms.host empty); nothing is written or sent. */
    public SmsService(SmsRepository repo, SmsGateway gateway, EventHub hub, ElderRepository elders, Incidents incidents,
                      AuditLog audit, Clock clock, Settings settings) {
        this.repo = repo;
        this.gateway = gateway;
        this.notifier = new SmsNotifier(hub);
        this.elders = elders;
        this.incidents = incidents == null ? Incidents.NONE : incidents;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        this.downSince = clock.millis();
    }

    /** Marks what a dead run left in flight, binds, and starts sending. */
    public synchronized SmsService start() {
        if (gateway == null || sender != null) {
            return this;
        }
        List<Long> unknown = repo.sendingToUnknown(clock.millis());
        if (!unknown.isEmpty()) {
            log.warn("sms.unknown-after-restart count={} ids={}: submits in flight when the server stopped are not sent again",
                    unknown.size(), unknown);
        }
        gateway.start(new SmsGateway.Listener() {
            @Override
            public void link(boolean up, String detail) {
                linkChanged(up, detail);
            }

            @Override
            public void receipt(SmsGateway.Receipt r) {
                onReceipt(r);
            }

            @Override
            public void inbound(SmsGateway.Inbound m) {
                onInbound(m);
            }
        });
        sender = Thread.ofPlatform().daemon().name("sms-sender").start(this::sendLoop);
        return this;
    }

    public boolean enabled() {
        return gateway != null;
    }

    // ---- sending -------------------------------------------------------------------------------------------------

    /**
     * Writes a text to {@code to} (queued, due now) and wakes the sender; the signature is put before {@code text}.
     * Empty when SMS is off, or when {@code refs.ref()} was sent to this number before. IllegalArgumentException for a
     * number that is not a phone number or an empty text.
     */
    public Optional<SmsMessage> send(String to, String text, String reason, Refs refs) {
        return send(to, text, reason, refs, null);
    }

    /**
     * As {@link #send(String, String, String, Refs)}, not before {@code notBefore} (null: now). A text that keeps the
     * quiet hours ({@link #keepsQuietHours}) and would be due inside them is written now, queued, due when they end.
     */
    public Optional<SmsMessage> send(String to, String text, String reason, Refs refs, java.time.Instant notBefore) {
        if (gateway == null) {
            return Optional.empty();
        }
        if (!PhoneNumbers.plausible(to)) {
            throw new IllegalArgumentException("'" + to + "' is not a phone number");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the text is empty");
        }
        String number = PhoneNumbers.normalize(to, null);
        Refs r = refs == null ? Refs.NONE : refs;
        String signed = settings.signature() + text.strip();
        if (signed.length() > 2000) {
            throw new IllegalArgumentException("the text is longer than 2000 characters");
        }
        long now = clock.millis();
        long due = notBefore == null ? now : Math.max(now, notBefore.toEpochMilli());
        if (keepsQuietHours(reason, r.incidentId())) {
            due = settings.quiet().next(java.time.Instant.ofEpochMilli(due)).toEpochMilli();
        }
        Optional<SmsMessage> m = repo.insert(new SmsRepository.Draft(number, signed, r.template(), reason, r.language(),
                r.elderId(), r.incidentId(), r.ref(), r.byUser(), r.broadcastId(), r.campaignId()), now, due);
        m.ifPresent(x -> {
            log.info("sms.queued id={} to={} reason={} template={} incident={}{}", x.id(), PhoneNumbers.mask(number), reason,
                    r.template(), r.incidentId(), x.dueAt() > now ? " notBefore=" + java.time.Instant.ofEpochMilli(x.dueAt()) : "");
            changed(x);
            kick.release();
        });
        return m;
    }

    /**
     * A seat's free text to one of an elder's contacts (POST /api/sms): the number must be one of the elder's
     * contacts; audited {@code sms.send}. IllegalArgumentException: no such elder, not its contact, empty text.
     */
    public SmsMessage sendBySeat(long elderId, String to, String text, Long incidentId, Account by) {
        if (gateway == null) {
            throw new IllegalStateException("SMS is off (sms.host is empty)");
        }
        Elder e = elders.get(elderId).orElseThrow(() -> new IllegalArgumentException("no such elder: " + elderId));
        Contact c = contactOf(e, to).orElseThrow(() -> new IllegalArgumentException("'" + to + "' is not a contact of elder "
                + elderId));
        SmsMessage m = send(c.phone(), text, "seat", new Refs(elderId, incidentId, "free-text",
                languageOf(c), null, by.username())).orElseThrow();
        if (audit != null) {
            audit.record(by, "sms.send", "elder", Long.toString(elderId), "sms=" + m.id() + " to="
                    + PhoneNumbers.mask(m.to()) + (incidentId == null ? "" : " incident=" + incidentId));
        }
        return m;
    }

    /** Texts of an elder or an incident (GET /api/sms), newest first; audited {@code sms.list}. */
    public List<SmsMessage> list(Long elderId, Long incidentId, int limit, Account by) {
        List<SmsMessage> out = repo.list(elderId, incidentId, limit);
        if (audit != null && by != null) {
            audit.record(by, "sms.list", elderId != null ? "elder" : "incident",
                    String.valueOf(elderId != null ? elderId : incidentId), "count=" + out.size());
        }
        return out;
    }

    public List<SmsInbound> replies(Long elderId, Long incidentId, int limit) {
        return repo.inboundList(elderId, incidentId, limit);
    }

    public Optional<SmsMessage> get(long id) {
        return repo.get(id);
    }

    static Optional<Contact> contactOf(Elder e, String number) {
        String want = PhoneNumbers.normalize(number, null);
        if (want == null || e.contacts() == null) {
            return Optional.empty();
        }
        return e.contacts().stream().filter(c -> want.equals(PhoneNumbers.normalize(c.phone(), null))).findFirst();
    }

    static String languageOf(Contact c) {
        return c.language() != null && c.language().toLowerCase(java.util.Locale.ROOT).startsWith("en") ? "en" : "zh";
    }

    private void sendLoop() {
        while (!closed) {
            try {
                kick.tryAcquire(500, TimeUnit.MILLISECONDS);
                kick.drainPermits();
                dispatch();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("sms.sender-failed error={}", e.toString());
            }
        }
    }

    /** One pass: the due texts, as many as the window allows, each on a thread of its own. Package-private for tests. */
    void dispatch() {
        if (gateway == null || !gateway.connected()) {
            return; // texts wait in their rows
        }
        int free = settings.windowSize() * 2 - inFlight.size();
        if (free <= 0) {
            return;
        }
        for (SmsMessage m : repo.due(clock.millis(), free + numbersInFlight.size() + 50)) {
            if (free <= 0) {
                break;
            }
            if (keepsQuietHours(m.reason(), m.incidentId()) && settings.quiet().contains(clock.instant())) {
                // came due inside the quiet hours (a retry, the SMSC down till late): it waits for their end, queued
                repo.defer(m.id(), settings.quiet().next(clock.instant()).toEpochMilli());
                continue;
            }
            if (inFlight.contains(m.id()) || !numbersInFlight.add(m.to())) {
                continue; // one text at a time per number: a family member reads them in the order they were written
            }
            if (!repo.sending(m.id(), clock.millis())) {
                numbersInFlight.remove(m.to());
                continue;
            }
            inFlight.add(m.id());
            free--;
            Thread.ofVirtual().name("sms-submit-" + m.id()).start(() -> submit(m));
        }
    }

    private void submit(SmsMessage m) {
        try {
            SmsGateway.Submitted s = gateway.submit(new SmsGateway.Outgoing(m.to(), m.text(), (int) (m.id() & 0xFF)));
            repo.submitted(m.id(), s.smscIds(), s.parts(), clock.millis());
            log.info("sms.submitted id={} to={} parts={} smsc={}", m.id(), PhoneNumbers.mask(m.to()), s.parts(), s.smscIds());
            SmsMessage now;
            // under the receipts' lock: a receipt is applied either before the timeline step is written (the step is
            // written with the row's state then) or after (it finds the step) — never lost in between
            synchronized (receiptLock) {
                now = repo.get(m.id()).orElse(m);
                noteOnIncident(now);
                for (String id : s.smscIds()) {
                    SmsGateway.Receipt r = early.remove(id);
                    if (r != null) {
                        applyReceipt(r);
                    }
                }
            }
            changed(now);
        } catch (SmsGateway.Refused r) {
            refused(m, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            repo.retry(m.id(), clock.millis(), "STOPPED", "the server stopped before the submit", false);
        } catch (RuntimeException e) {
            // the database refused the row's update after the SMSC took it, or the text could not be encoded
            log.error("sms.submit-error id={} error={}", m.id(), e.toString());
        } finally {
            inFlight.remove(m.id());
            numbersInFlight.remove(m.to());
            kick.release();
        }
    }

    private void refused(SmsMessage m, SmsGateway.Refused r) {
        long now = clock.millis();
        if (r.inDoubt || !r.partsAccepted.isEmpty()) {
            repo.ended(m.id(), SmsMessage.State.UNKNOWN, r.code, r.getMessage(), r.partsAccepted, now);
            log.warn("sms.unknown id={} code={}: the SMSC may have it; not sent again", m.id(), r.code);
        } else if (r.transientFailure && "NO_LINK".equals(r.code)) {
            repo.retry(m.id(), now, r.code, r.getMessage(), false); // waits for the link, no attempt counted
            return;
        } else if (r.transientFailure && ("ESME_RTHROTTLED".equals(r.code) || m.attempts() + 1 < settings.maxAttempts())) {
            // throttled: the gateway paces every submit slower already; this text goes again shortly (it is never
            // given up). Other transient codes: 1, 2, 4 … 30 s apart.
            long delay = "ESME_RTHROTTLED".equals(r.code) ? 500L * Math.min(4, m.attempts() + 1)
                    : Math.min(30_000L, 1_000L << Math.min(5, m.attempts()));
            repo.retry(m.id(), now + delay, r.code, r.getMessage(), true);
            log.info("sms.retry id={} code={} attempt={} inMs={}", m.id(), r.code, m.attempts() + 1, delay);
        } else {
            repo.ended(m.id(), SmsMessage.State.FAILED, r.code, r.getMessage(), List.of(), now);
            log.warn("sms.failed id={} to={} code={}", m.id(), PhoneNumbers.mask(m.to()), r.code);
        }
        repo.get(m.id()).ifPresent(x -> {
            if (!x.state().equals("queued")) {
                noteOnIncident(x);
            }
            changed(x);
        });
    }

    /** The text's step on its incident's timeline: written once (submitted, failed or unknown), then its result. */
    private void noteOnIncident(SmsMessage m) {
        if (m.incidentId() == null) {
            return;
        }
        try {
            if (m.incidentStep() == null) {
                incidents.note(m.incidentId(), "sms", m.to(), m.state(), cut(m.text(), 200))
                        .ifPresent(step -> repo.incidentStep(m.id(), step));
            } else {
                incidents.result(m.incidentStep(), m.state());
            }
        } catch (RuntimeException e) {
            log.warn("sms.timeline-failed id={} incident={} error={}", m.id(), m.incidentId(), e.toString());
        }
    }

    private void changed(SmsMessage m) {
        notifier.changed(m, m.incidentId() == null ? null : incidents.agentOf(m.incidentId()).orElse(null));
    }

    // ---- what the SMSC tells -------------------------------------------------------------------------------------

    private void onReceipt(SmsGateway.Receipt r) {
        if (!r.state().last()) {
            return; // accepted / en route: nothing to record
        }
        synchronized (receiptLock) {
            if (!applyReceipt(r)) {
                if (early.size() > 10_000) {
                    early.clear();
                }
                early.put(r.smscId(), r);
            }
        }
    }

    /** False when no part has that id (yet). */
    private boolean applyReceipt(SmsGateway.Receipt r) {
        String state = switch (r.state()) {
            case DELIVERED -> "delivered";
            case EXPIRED -> "expired";
            default -> "failed";
        };
        SmsRepository.Receipted done = repo.receipt(r.smscId(), state, r.error(), clock.millis());
        if (done.changed().isEmpty()) {
            return done.found();
        }
        SmsMessage m = done.changed().get();
        log.info("sms.receipt id={} state={} smsc={}", m.id(), m.state(), r.smscId());
        if (m.incidentStep() != null) {
            incidents.result(m.incidentStep(), m.state());
        }
        changed(m);
        return true;
    }

    private void onInbound(SmsGateway.Inbound in) {
        long now = clock.millis();
        String from = PhoneNumbers.normalize(in.from(), null);
        String text = in.text() == null ? "" : in.text().strip();
        if (from == null) {
            log.warn("sms.inbound-without-number");
            return;
        }
        Optional<SmsMessage> last = repo.lastIncidentTextTo(from);
        Long incidentId = last.map(SmsMessage::incidentId).orElse(null);
        Long elderId = last.map(SmsMessage::elderId).orElse(null);
        String meaning = "unmatched";
        if (incidentId != null) {
            meaning = "reply";
            if (ACK_WORDS.contains(normalizeReply(text)) && incidents.open(incidentId)) {
                Optional<Contact> c = elderId == null ? Optional.empty()
                        : elders.get(elderId).flatMap(e -> contactOf(e, from));
                if (incidents.acknowledge(incidentId, c.map(Contact::phone).orElse(from), c.map(Contact::name).orElse(null),
                        text)) {
                    meaning = "ack";
                }
            }
        }
        SmsInbound saved = repo.inbound(now, from, text, elderId, incidentId, meaning);
        log.info("sms.inbound id={} from={} incident={} meaning={}", saved.id(), PhoneNumbers.mask(from), incidentId, meaning);
        if (incidentId != null) {
            incidents.note(incidentId, "sms-reply", from, meaning, cut(text, 200));
        }
        notifier.replied(saved, incidentId == null ? null : incidents.agentOf(incidentId).orElse(null));
    }

    /** "收到！" / " 1 " / "到。" → the word. */
    static String normalizeReply(String text) {
        return text.replaceAll("[\\s\\p{Punct}。！，、？!~～]", "");
    }

    // ---- the link ------------------------------------------------------------------------------------------------

    private void linkChanged(boolean up, String detail) {
        if (up) {
            downSince = 0;
            if (alerted) {
                alerted = false;
                notifier.link(false, "the SMSC is reachable again: waiting texts are being sent");
            }
            kick.release();
        } else if (downSince == 0) {
            downSince = clock.millis();
        }
    }

    /** Raises the supervisors' alert once the link has been down past the bound (called every second by the root). */
    public void checkLink() {
        long since = downSince;
        if (gateway != null && since != 0 && !alerted && clock.millis() - since >= settings.linkAlertAfterMs()) {
            alerted = true;
            int waiting = repo.waiting();
            log.error("sms.down sinceMs={} waiting={}", since, waiting);
            notifier.link(true, "the SMSC cannot be reached: texts wait (" + waiting + " queued) and go when it is back");
        }
    }

    /** GET /api/health's sms part: figures, up, alerts. */
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (gateway == null) {
            m.put("enabled", false);
            m.put("message", "sms.host is empty: no SMS is sent");
            return m;
        }
        m.put("enabled", true);
        m.putAll(gateway.metrics());
        m.put("queued", repo.waiting());
        m.put("inFlight", inFlight.size());
        return m;
    }

    /** Texts written and not yet submitted (GET /metrics' onekey_sms_queued); 0 without an SMSC. */
    public long queued() {
        return gateway == null ? 0 : repo.waiting();
    }

    public boolean up() {
        return gateway == null || gateway.connected();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = sender;
        }
        if (t != null) {
            t.interrupt();
        }
        if (gateway != null) {
            gateway.close();
        }
    }
}
