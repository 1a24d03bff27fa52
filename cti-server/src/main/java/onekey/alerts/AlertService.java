package onekey.alerts;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.store.PatientWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisors' alerts kept with an id (issue 19 item 1). Subscribes to the event hub and stores every
 * {@code queue.alert} / {@code system.alert} as it is raised (no raiser knows about this room), then publishes
 * {@code alert.raised {"alert":{…}}} with the stored id. A supervisor acknowledges an open alert with a note
 * ({@link #ack}): audited {@code alert.ack}, and {@code alert.ack {"alert":{…}}} tells the other supervisors that it
 * is handled. A {@code system.alert} whose {@code state} is {@code cleared} (disk space back) closes the open alerts
 * of its kind, acknowledged by {@code system}.
 *
 * <p>Storing runs on its own thread, never on the publisher's (the call path raises these alerts): the live
 * {@code queue.alert} reaches the supervisors at once whatever the database does.
 */
public final class AlertService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    /** Thrown by {@link #ack} for an alert already handled: who and when are in the alert. */
    public static final class AlreadyHandled extends RuntimeException {
        public final Alert alert;

        AlreadyHandled(Alert a) {
            super("alert " + a.id() + " was handled by " + a.ackedBy());
            this.alert = a;
        }
    }

    /** Which published events are supervisors' alerts, and their wire type and body (the protocol edge knows). */
    public interface Reader {
        /** {@code queue.alert}, {@code system.alert}, or anything else for an event that is not an alert. */
        String type(onekey.events.DomainEvent e);

        /** The alert's body as the supervisors' frame carries it. */
        Map<String, Object> body(onekey.events.DomainEvent e);
    }

    private final AlertRepository repo;
    private final EventHub hub;
    private final Reader reader;
    private final AuditLog audit;
    private final Clock clock;
    private final PatientWrites store;
    private EventHub.Subscription sub;

    /** Stores on a thread of its own. */
    public AlertService(AlertRepository repo, EventHub hub, Reader reader, AuditLog audit, Clock clock) {
        this(repo, hub, reader, audit, clock, null);
    }

    /**
     * {@code writer}: where raised alerts are stored, and, when it is a {@link java.util.concurrent.ScheduledExecutorService}, where a store
     * that failed (the database away) is tried again (a test passes a manual scheduler); null: a thread of its own.
     */
    public AlertService(AlertRepository repo, EventHub hub, Reader reader, AuditLog audit, Clock clock, Executor writer) {
        this.repo = repo;
        this.hub = hub;
        this.reader = reader;
        this.audit = audit;
        this.clock = clock;
        this.store = new PatientWrites("alerts-store", writer, clock, 10_000);
    }

    /** Starts storing the alerts the hub publishes from now on. */
    public synchronized AlertService start() {
        if (sub == null) {
            sub = hub.subscribe(id -> false, true, -1, this::onEvent);
        }
        return this;
    }

    private void onEvent(Event e) {
        if (e.event() instanceof AlertEvents) {
            return; // our own
        }
        String type = reader.type(e.event());
        if ("queue.alert".equals(type) || "system.alert".equals(type)) {
            Map<String, Object> body;
            try {
                body = reader.body(e.event());
            } catch (RuntimeException x) {
                log.error("alert of {} not stored: its body could not be read: {}", e.event().getClass().getSimpleName(),
                        x.toString());
                return;
            }
            // stored in order, and kept until the database takes it (an alert raised while it is away is listed
            // once it is back; the live queue.alert reached the supervisors at once regardless)
            store.submit("alert kind=" + body.get("kind"), () -> raised(type, body, e.at()));
        }
    }

    /** How many raised alerts wait to be stored (the database away). */
    public int pending() {
        return store.pending();
    }

    /** Stores one raised alert and publishes it with its id (or, for a cleared system alert, closes its kind). */
    Optional<Alert> raised(String type, Map<String, Object> b, long at) {
        String kind = String.valueOf(b.getOrDefault("kind", "unknown"));
        if ("system.alert".equals(type) && "cleared".equals(b.get("state"))) {
            for (Alert open : repo.openOfKind(kind)) {
                if (repo.ack(open.id(), at, "system", text(b.get("message")))) {
                    repo.get(open.id()).ifPresent(a -> hub.broadcast(new AlertEvents.Acked(a)));
                }
            }
            return Optional.empty();
        }
        Map<?, ?> call = b.get("call") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> incident = b.get("incident") instanceof Map<?, ?> m ? m : Map.of();
        Long callId = number(call.get("id"));
        if (callId == null || callId <= 0) { // a call not stored yet has id 0: found by its linkedid when read
            callId = number(b.get("callId"));
        }
        if (callId != null && callId <= 0) {
            callId = null;
        }
        String linkedid = text(call.get("linkedid"));
        if (linkedid == null) {
            linkedid = text(b.get("linkedid"));
        }
        // kept for as long as the alert: the caller's number masked (personal data; the desk shows the last four digits)
        Map<String, Object> kept = new LinkedHashMap<>(b);
        if (b.get("call") instanceof Map<?, ?> c && c.get("callerNumber") instanceof String number) {
            Map<Object, Object> masked = new LinkedHashMap<>(c);
            masked.put("callerNumber", onekey.elders.PhoneNumbers.mask(number));
            kept.put("call", masked);
        }
        Alert a = repo.insert(new Alert(0, at, type, kind, Alert.URGENT_KINDS.contains(kind), callId, linkedid,
                number(incident.get("id")), text(b.get("message")), kept, null, null, null));
        log.info("alert={} kind={} urgent={} call={} incident={} stored", a.id(), kind, a.urgent(), linkedid, a.incidentId());
        hub.broadcast(new AlertEvents.Raised(a));
        return Optional.of(a);
    }

    /** Newest first. */
    public List<Alert> list(boolean openOnly, int limit) {
        return repo.list(openOnly, limit);
    }

    public Optional<Alert> get(long id) {
        return repo.get(id);
    }

    /**
     * A supervisor handled the alert: stored with who, when and the note, audited, and {@code alert.ack} published.
     * Empty when there is no such alert; {@link AlreadyHandled} when another supervisor was first.
     */
    public Optional<Alert> ack(long id, Account by, String note) {
        Optional<Alert> before = repo.get(id);
        if (before.isEmpty()) {
            return before;
        }
        if (!repo.ack(id, clock.millis(), by.username(), note)) {
            throw new AlreadyHandled(repo.get(id).orElse(before.get()));
        }
        Alert a = repo.get(id).orElseThrow();
        audit.record(by, "alert.ack", "alert", Long.toString(id), "kind=" + a.kind()
                + (a.linkedid() == null ? "" : " call=" + a.linkedid())
                + (a.incidentId() == null ? "" : " incident=" + a.incidentId())
                + (note == null || note.isEmpty() ? "" : " note=" + note));
        hub.broadcast(new AlertEvents.Acked(a));
        return Optional.of(a);
    }

    private static Long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    @Override
    public synchronized void close() {
        if (sub != null) {
            sub.close();
            sub = null;
        }
        store.close();
    }
}
