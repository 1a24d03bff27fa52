package onekey.calls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import onekey.auth.Account;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call a seat makes is recorded and has a call row (issue 18 item 7; ARCHITECTURE "Recording"). The dialplan
 * ({@code [onekey-seat-call]}) starts MixMonitor on the seat's channel for every call its phone places — click-to-call,
 * the incident's 120/110/119 and contact buttons, consult legs, the follow-up call — and says so with the user event
 * OneKeySeatCall at the start and, from a hang-up handler, at the end. This class keeps the row: the far party's number
 * (masked in views like an elder's), the seat as the call's agent, the elder (the number is the elder's own or one of
 * an elder's contacts, or the incident's), the incident and step it was placed for, the times and outcome; at the end
 * the recording goes to the indexer, which links it to the row. A call whose end is missed (OneKey down at the time) is
 * closed by the call model's resync, which indexes its recording too.
 *
 * <p>RULE (ARCHITECTURE "Faults": database slow or away — nothing that should be written is lost): the row is written
 * through the {@link CallJournal}, as the elders' calls are ({@link JournalOp.SeatCallStarted}, {@link
 * JournalOp.SeatCallEnded}, written by {@link JournalAppliers}), in the order Asterisk sent the events and after the
 * elder's call rows before them. The PBX event thread only hands the event to this class's thread; that thread looks
 * the agent, elder and incident up, waiting at most the lookup timeout: when the database cannot answer, the op goes to
 * the journal without them and they are looked up when the row is written, once the database answers again.
 */
public final class SeatCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SeatCalls.class);

    /** What SeatCalls needs of the rescue: the incident a step belongs to, an elder's open incident. */
    public interface Incidents {
        Optional<IncidentLink> ofStep(long stepId);

        Optional<Long> openFor(long elderId);
    }

    /** An incident and its elder (null for an unregistered caller's incident). */
    public record IncidentLink(long incidentId, Long elderId) {}

    /** What a seat's call is linked to: the seat's account (or just its extension), the elder, the incident. */
    record Links(Long agentId, String agentName, Long elderId, Long incidentId) {}

    private final CallJournal journal;
    private final SeatCallRepository seat;
    private final CallRepository calls;
    private final Function<String, Optional<Account>> byExtension;
    private final ElderRepository elders;
    private final String defaultAreaCode;
    private final Incidents incidents;
    private final long lookupTimeoutMs;
    /** The linkedids whose start is journalled (bounded: a call whose end never comes is dropped from it eventually). */
    private final Set<String> started = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("seat-calls").daemon().factory());
    /** The lookups, so that a frozen database holds this class's thread no longer than the lookup timeout. */
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Wires itself to the journal's writer ({@code appliers}): construct it before the journal starts, since ops of an
     * earlier run may be seat calls. Reads ({@link #forIncident}, {@link #link}) go to {@code calls} and {@code seat}.
     */
    public SeatCalls(CallJournal journal, JournalAppliers appliers, CallRepository calls, SeatCallRepository seat,
                     Function<String, Optional<Account>> byExtension, ElderRepository elders, String defaultAreaCode,
                     Incidents incidents, long lookupTimeoutMs) {
        this.journal = journal;
        this.calls = calls;
        this.seat = seat;
        this.byExtension = byExtension;
        this.elders = elders;
        this.defaultAreaCode = defaultAreaCode;
        this.incidents = incidents;
        this.lookupTimeoutMs = lookupTimeoutMs;
        appliers.setSeatCalls(this);
    }

    SeatCallRepository repository() {
        return seat;
    }

    /** From the AMI dispatcher: handed to this class's thread at once. */
    public void onEvent(PbxEvent e) {
        if (e instanceof PbxEvent.SeatCall c && c.linkedid() != null) {
            worker.execute(() -> {
                try {
                    if ("end".equals(c.phase())) {
                        ended(c);
                    } else {
                        started(c);
                    }
                } catch (RuntimeException ex) {
                    log.error("seat-call.not-journalled call={} phase={} agent={} error={}", c.linkedid(), c.phase(), c.agent(),
                            ex.toString());
                }
            });
        }
    }

    /** The seat's phone dials: the row, linked to the elder and incident, recorded from now on. */
    private void started(PbxEvent.SeatCall c) {
        Long stepId = parse(c.step());
        Links l = linksWithin(c.linkedid(), c.agent(), c.number(), stepId);
        journal.append(new JournalOp.SeatCallStarted(new CallRecord(0, c.linkedid(),
                c.agent() == null ? null : "PJSIP/" + c.agent(), c.number(), null, null, 0,
                l == null ? null : l.elderId(), l == null ? null : l.agentId(), l == null ? c.agent() : l.agentName(),
                c.at(), null, null, null, null, null, CallOutcome.DIALLING, null, null, false, null),
                c.agent(), c.number(), stepId, l == null ? null : l.incidentId(), l != null));
        synchronized (started) {
            started.add(c.linkedid());
        }
        log.info("seat-call.start call={} agent={} number={} elder={} incident={} step={}", c.linkedid(), c.agent(),
                PhoneNumbers.mask(c.number()), l == null ? "?" : l.elderId(), l == null ? "?" : l.incidentId(), stepId);
    }

    /** The seat's channel hung up: times and outcome, and the recording to the indexer. */
    private void ended(PbxEvent.SeatCall c) {
        boolean known;
        synchronized (started) {
            known = started.remove(c.linkedid());
        }
        if (!known) {
            started(c); // the start was missed (OneKey was reconnecting): the row from the end's own fields
            synchronized (started) {
                started.remove(c.linkedid());
            }
        }
        journal.append(new JournalOp.SeatCallEnded(c.linkedid(), c.at(), c.dialStatus(), c.answeredSeconds(), c.recordingFile()));
        log.info("seat-call.end call={} agent={} status={} answeredSeconds={}", c.linkedid(), c.agent(), c.dialStatus(),
                c.answeredSeconds());
    }

    /** The links looked up within the lookup timeout; null (logged) when the database could not answer in time. */
    private Links linksWithin(String linkedid, String agent, String number, Long stepId) {
        Future<Links> f = lookups.submit(() -> linksNow(agent, number, stepId));
        try {
            return f.get(lookupTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            f.cancel(true);
            log.warn("seat-call.lookup-unavailable call={} agent={} number={} step={} error={}: the row is journalled "
                    + "without its elder and incident, looked up again when the database takes the row", linkedid, agent,
                    PhoneNumbers.mask(number), stepId, e instanceof ExecutionException x ? x.getCause().toString() : "timeout");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The agent, elder and incident of a seat's call, read from the database now (throws when it cannot answer). */
    Links linksNow(String agentExtension, String number, Long stepId) {
        Account agent = agentExtension == null ? null : byExtension.apply(agentExtension).orElse(null);
        Long incidentId = null;
        Long elderId = null;
        if (stepId != null) {
            Optional<IncidentLink> l = incidents.ofStep(stepId);
            if (l.isPresent()) {
                incidentId = l.get().incidentId();
                elderId = l.get().elderId();
            }
        }
        if (elderId == null) {
            elderId = elderOf(number).orElse(null);
        }
        if (incidentId == null && elderId != null) {
            incidentId = incidents.openFor(elderId).orElse(null);
        }
        return new Links(agent == null ? null : agent.id(), agent == null ? agentExtension : agent.username(), elderId,
                incidentId);
    }

    /** The elder whose own number, or one of whose contacts' numbers, was dialled. */
    private Optional<Long> elderOf(String number) {
        String n = PhoneNumbers.normalize(number, defaultAreaCode);
        if (n == null || n.length() < 5) {
            return Optional.empty(); // 110, 120, 119, a seat's extension
        }
        Optional<Long> own = elders.findByPhone(n).map(Elder::id);
        if (own.isPresent()) {
            return own;
        }
        List<String> forms = new ArrayList<>(List.of(number, n, "0" + n));
        return seat.elderOfContact(forms);
    }

    private static Long parse(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The seat calls placed for an incident (its call rows), oldest first. */
    public List<CallRecord> forIncident(long incidentId) {
        return seat.forIncident(incidentId).stream().map(calls::get).flatMap(Optional::stream).toList();
    }

    /** The seat link of a call row (incident and step); empty when it is not a seat's call. */
    public Optional<SeatCallRepository.Link> link(long callId) {
        return seat.link(callId);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        lookups.shutdownNow();
    }
}
