package onekey.calls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * the recording goes to the indexer, which links it to the row. Rows are written on this class's own thread, in the
 * order Asterisk sent the events; a call whose end is missed (OneKey down at the time) is closed by the call model's
 * resync, which indexes its recording too.
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

    private final CallRepository calls;
    private final SeatCallRepository seat;
    private final Function<String, Optional<Account>> byExtension;
    private final ElderRepository elders;
    private final String defaultAreaCode;
    private final Incidents incidents;
    private final CallTracker.RecordingSink recordings;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("seat-calls").daemon().factory());

    public SeatCalls(CallRepository calls, SeatCallRepository seat, Function<String, Optional<Account>> byExtension,
                     ElderRepository elders, String defaultAreaCode, Incidents incidents, CallTracker.RecordingSink recordings) {
        this.calls = calls;
        this.seat = seat;
        this.byExtension = byExtension;
        this.elders = elders;
        this.defaultAreaCode = defaultAreaCode;
        this.incidents = incidents;
        this.recordings = recordings;
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
                    log.error("seat-call.not-stored call={} phase={} agent={} error={}", c.linkedid(), c.phase(), c.agent(),
                            ex.toString());
                }
            });
        }
    }

    /** The seat's phone dials: the row, linked to the elder and incident, recorded from now on. */
    private CallRecord started(PbxEvent.SeatCall c) {
        Optional<CallRecord> known = calls.byLinkedid(c.linkedid());
        if (known.isPresent()) {
            return seat.link(known.get().id()).isPresent() ? known.get() : null; // an elder's call: not a seat's
        }
        Account agent = c.agent() == null ? null : byExtension.apply(c.agent()).orElse(null);
        Long stepId = parse(c.step());
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
            elderId = elderOf(c.number()).orElse(null);
        }
        if (incidentId == null && elderId != null) {
            incidentId = incidents.openFor(elderId).orElse(null);
        }
        CallRecord row = calls.insertIfAbsent(new CallRecord(0, c.linkedid(), c.agent() == null ? null : "PJSIP/" + c.agent(),
                c.number(), null, null, 0, elderId, agent == null ? null : agent.id(), agent == null ? c.agent() : agent.username(),
                c.at(), null, null, null, null, null, CallOutcome.DIALLING, null, null, false, null));
        seat.markSeat(row.id(), incidentId, stepId);
        calls.addEvent(row.id(), c.at(), "seat-call", "agent=" + c.agent() + " number=" + PhoneNumbers.mask(c.number())
                + (incidentId == null ? "" : " incident=" + incidentId) + (stepId == null ? "" : " step=" + stepId));
        log.info("seat-call.start call={} id={} agent={} number={} elder={} incident={} step={}", c.linkedid(), row.id(),
                c.agent(), PhoneNumbers.mask(c.number()), elderId, incidentId, stepId);
        return row;
    }

    /** The seat's channel hung up: times and outcome, and the recording to the indexer. */
    private void ended(PbxEvent.SeatCall c) {
        CallRecord row = calls.byLinkedid(c.linkedid()).orElse(null);
        if (row == null) {
            row = started(c); // the start was missed (OneKey was reconnecting): the row from the end's own fields
        } else if (seat.link(row.id()).isEmpty()) {
            row = null;
        }
        if (row == null || row.endedAt() != null) {
            return;
        }
        String status = c.dialStatus() == null ? "UNKNOWN" : c.dialStatus().toUpperCase(Locale.ROOT);
        boolean answered = status.equals("ANSWER");
        long talk = answered && c.answeredSeconds() != null ? c.answeredSeconds() * 1000 : 0;
        Long answeredAt = answered ? Math.max(row.arrivedAt(), c.at() - talk) : null;
        CallRecord done = new CallRecord(row.id(), row.linkedid(), row.callerChannel(), row.callerNumber(), row.dnis(),
                row.line(), row.priority(), row.elderId(), row.agentId(), row.agentName(), row.arrivedAt(), null, answeredAt,
                c.at(), (answeredAt == null ? c.at() : answeredAt) - row.arrivedAt(), answeredAt == null ? null : c.at() - answeredAt,
                CallOutcome.ofDialStatus(status), row.disposition(), row.notes(), false, row.recordingId());
        calls.updateState(row.id(), done);
        calls.addEvent(row.id(), c.at(), "seat-call-ended", "dialStatus=" + status + (answered ? " talkMs=" + talk : ""));
        log.info("seat-call.end call={} id={} agent={} status={} talkMs={}", c.linkedid(), row.id(), c.agent(), status, talk);
        recordings.callEnded(done, c.recordingFile());
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
    }
}
