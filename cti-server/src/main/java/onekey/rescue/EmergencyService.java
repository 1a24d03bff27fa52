package onekey.rescue;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.events.EventHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emergency with an elder who speaks (issue 18 item 2; service rules, "Emergency help" 1: "confirm the elder's
 * situation and start the AB dual-seat mechanism"). 紧急救援 on an answered call opens an incident with reason
 * {@code emergency}, already in the AB phase (state escalating, no redials: the elder is on the line):
 * <ul>
 *   <li>task A (call 120 / 110 / 119 as needed and the contacts, giving address, state and access route) stays with
 *       the seat on the call;</li>
 *   <li>task B (stay with the elder, calm them, tell them when help arrives) goes to a second ready seat. The seat on
 *       the call brings it into the call through its ConfBridge room ({@code [onekey-conference]}: its softphone calls
 *       seat B on the second line and moves the elder and seat B into the room with REFER, the three-way conference of
 *       issue 7), and may then leave the room for its own calls: the elder is never left alone on the line.</li>
 *   <li>No second seat ready: the supervisors are alerted at once ({@code queue.alert} kind
 *       {@code emergency-no-seat-b}) and task B stays with the seat on the call, which keeps the elder (its own calls go
 *       on the softphone's second line, the elder held).</li>
 * </ul>
 * REST ({@code POST /api/calls/{id}/emergency}) and the WebSocket ({@code call.emergency}) both call {@link #raise}:
 * one rule, one audit row ({@code incident.emergency}, or {@code incident.join} when the elder's incident was open).
 */
public final class EmergencyService {
    private static final Logger log = LoggerFactory.getLogger(EmergencyService.class);
    public static final String REASON = "emergency";

    /** The outcome: the incident, whether it was opened now, and seat B (null when no second seat was ready). */
    public record Raised(Incident incident, boolean created, Long seatB, String seatBExtension) {}

    private final IncidentRepository repo;
    private final ElderRepository elders;
    private final RescueNotifier notifier;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<List<Long>> readyAgents;
    private final LongFunction<String> extensionOf;
    private final String defaultAreaCode;

    public EmergencyService(IncidentRepository repo, ElderRepository elders, EventHub hub, AuditLog audit, Clock clock,
                            Supplier<List<Long>> readyAgents, LongFunction<String> extensionOf, String defaultAreaCode) {
        this.repo = repo;
        this.elders = elders;
        this.notifier = new RescueNotifier(hub);
        this.audit = audit;
        this.clock = clock;
        this.readyAgents = readyAgents;
        this.extensionOf = extensionOf;
        this.defaultAreaCode = defaultAreaCode;
    }

    /**
     * 紧急救援 on {@code call}, by {@code by}. Throws SecurityException when an agent raises it on another agent's call,
     * IllegalStateException when the call is not answered or has ended, IllegalArgumentException when the caller is
     * neither a registered elder nor a known number.
     */
    public synchronized Raised raise(CallRecord call, Account by) {
        if (by.role() == Role.AGENT && (call.agentId() == null || call.agentId() != by.id())) {
            throw new SecurityException("call " + call.id() + " was taken by another agent");
        }
        if (call.answeredAt() == null || call.endedAt() != null) {
            throw new IllegalStateException("call " + call.id() + " is not an answered call on the line: 紧急救援 needs the elder "
                    + "on the line");
        }
        String number = call.elderId() == null ? PhoneNumbers.normalize(call.callerNumber(), defaultAreaCode) : null;
        if (call.elderId() == null && number == null) {
            throw new IllegalArgumentException("the caller's number is not known (withheld): no incident can be opened on it");
        }
        long now = clock.millis();
        Optional<Long> opened = repo.open(call.elderId(), number, call.id(), by.id(), by.username(), REASON, now);
        if (opened.isEmpty()) {
            Incident open = (call.elderId() != null ? repo.openFor(call.elderId()) : repo.openForCaller(number)).orElseThrow();
            audit.record(by, "incident.join", open.auditType(), open.auditId(), "incident=" + open.id() + " call=" + call.id()
                    + " reason=" + REASON);
            return new Raised(open, false, null, null);
        }
        long id = opened.get();
        repo.setState(id, "escalating"); // the AB phase at once: the elder spoke, nothing to redial
        Optional<Elder> elder = call.elderId() == null ? Optional.empty() : elders.get(call.elderId());
        String where = elder.map(e -> "address: " + e.address() + (e.landmarks() == null ? "" : " (" + e.landmarks() + ")"))
                .orElse("caller " + number);
        repo.openTask(id, 1, "task-a", "agent:" + by.id(), "call-help: call 120 / 110 / 119 as needed and the elder's "
                + "contacts; give the address, the elder's state and the access route; " + where, now);
        Long seatB = seatB(by.id());
        String seatBExtension = seatB == null ? null : extensionOf.apply(seatB);
        repo.openTask(id, 2, "task-b", "agent:" + (seatB == null ? by.id() : seatB), "stay-on-line: stay with the elder, "
                + "calm them, tell them when help arrives" + (seatB == null ? " (no second seat was ready: seat A keeps the "
                + "elder)" : ""), now);
        Incident inc = repo.get(id).orElseThrow();
        // to seat A (the incident's agent) and seat B (its task's seat) both
        notifier.changed(new RescueEvents.IncidentOpened(inc));
        if (seatB != null) {
            notifier.taskAssigned(seatB, inc, "stay-on-line");
            notifier.alert(new RescueEvents.EmergencyAlert(inc, seatB, null));
        } else {
            // RULE (ARCHITECTURE "Faults": nobody ready): the supervisors know at once that seat A is alone with it
            notifier.alert(new RescueEvents.EmergencyAlert(inc, null, "emergency on call " + call.id() + ": no second "
                    + "seat ready for task B; seat " + by.username() + " keeps the elder"));
        }
        audit.record(by, "incident.emergency", inc.auditType(), inc.auditId(), "incident=" + id + " call=" + call.id()
                + " seatB=" + (seatB == null ? "none" : seatB));
        log.warn("rescue.emergency incident={} call={} elder={} seatA={} seatB={}", id, call.id(), call.elderId(),
                by.username(), seatB);
        return new Raised(inc, true, seatB, seatBExtension);
    }

    /** A second seat for task B: a ready agent other than seat A with a phone to bring into the room. */
    private Long seatB(long seatA) {
        try {
            return readyAgents.get().stream().filter(id -> id != seatA && extensionOf.apply(id) != null).findFirst()
                    .orElse(null);
        } catch (RuntimeException e) {
            log.warn("rescue.emergency-ready-agents-unknown error={}", e.toString());
            return null;
        }
    }

    /** The wire shape of the outcome: the incident, created, and seat B ({@code seatB}: accountId and extension, or null). */
    public static Map<String, Object> shape(Raised r) {
        Map<String, Object> m = new LinkedHashMap<>(RescueService.shape(r.incident()));
        m.put("created", r.created());
        if (r.seatB() != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("accountId", r.seatB());
            b.put("extension", r.seatBExtension());
            m.put("seatB", b);
        } else {
            m.put("seatB", null);
        }
        return m;
    }
}
