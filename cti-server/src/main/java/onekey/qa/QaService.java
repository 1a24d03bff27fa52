package onekey.qa;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.auth.AuditLog;
import onekey.events.EventHub;
import onekey.recording.Recording;
import onekey.recording.RecordingRepository;

/**
 * Quality checking of seats (质检, issue 19 item 5). A checker scores a call on the configurable form (points 0–5 per
 * item, weights, a total 0–100) with a comment: audited {@code qa.score}, and the call's agent gets
 * {@code qa.scored {"qa":{…}}} on its softphone and acknowledges it ({@code qa.ack}, {@code qa.acked} to the
 * supervisors). The QA sample is every SOS call plus {@code samplePercent} % of the rest, drawn by the call's linkedid
 * so the same call is always in or out. A call marked as a teaching case has its recordings put on hold (retention
 * never removes them) and is listed.
 */
public final class QaService {

    /** A rule refused the request (the message says which); the API answers 409. */
    public static final class Refused extends RuntimeException {
        public Refused(String m) {
            super(m);
        }
    }

    private final QaRepository repo;
    private final RecordingRepository recordings;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final EventHub hub;
    private final Clock clock;

    public QaService(QaRepository repo, RecordingRepository recordings, AccountRepository accounts, AuditLog audit,
                     EventHub hub, Clock clock) {
        this.repo = repo;
        this.recordings = recordings;
        this.accounts = accounts;
        this.audit = audit;
        this.hub = hub;
        this.clock = clock;
    }

    public QaForm form() {
        return repo.form().orElse(QaForm.DEFAULT);
    }

    public QaForm saveForm(QaForm f, Account by) {
        repo.saveForm(f, by.username(), clock.millis());
        audit.record(by, "qa.form", "qa", "form", "items=" + f.items().stream().map(i -> i.key() + ":" + i.weight()).toList()
                + " samplePercent=" + f.samplePercent());
        return f;
    }

    /** Whether a call is drawn into the sample: every SOS call, and {@code percent} % of the rest by its linkedid. */
    public static boolean sampled(String service, String linkedid, int percent) {
        return "sos".equals(service) || Math.floorMod(linkedid.hashCode(), 100) < percent;
    }

    /** The QA sample of answered calls that arrived in [from, to), newest first. */
    public List<QaRepository.CallRow> sample(long from, long to, int limit) {
        int percent = form().samplePercent();
        return repo.finished(from, to, 10_000).stream().filter(c -> sampled(c.service(), c.linkedid(), percent))
                .limit(limit).toList();
    }

    /** Scores a call (IllegalArgumentException names a bad item; empty: no such call; Refused: nobody answered it). */
    public Optional<QaSheet> score(long callId, Map<String, Integer> scores, String comment, Account by) {
        Optional<QaRepository.CallRow> call = repo.call(callId);
        if (call.isEmpty()) {
            return Optional.empty();
        }
        if (call.get().agentId() == null) {
            throw new Refused("call " + callId + " was not answered by a seat: there is nobody to score");
        }
        QaForm f = form();
        int total = f.total(scores);
        QaSheet s = repo.save(callId, call.get().agentId(), clock.millis(), by.username(), new LinkedHashMap<>(scores),
                f.items(), total, comment);
        audit.record(by, "qa.score", "call", Long.toString(callId), "agent=" + s.agentId() + " total=" + total + " scores=" + scores);
        hub.toAccount(s.agentId(), new QaEvents.Scored(s));
        return Optional.of(s);
    }

    public Optional<QaSheet> sheetOf(long callId) {
        return repo.byCall(callId);
    }

    public List<QaSheet> mine(Account agent, boolean openOnly) {
        return repo.ofAgent(agent.id(), openOnly, 200);
    }

    /** The agent read the feedback (only the sheet's own agent; Refused when acknowledged already). */
    public Optional<QaSheet> ack(long sheetId, Account agent, String note) {
        Optional<QaSheet> s = repo.get(sheetId);
        if (s.isEmpty()) {
            return s;
        }
        if (s.get().agentId() == null || s.get().agentId() != agent.id()) {
            throw new SecurityException("QA sheet " + sheetId + " is another agent's");
        }
        if (!repo.ack(sheetId, clock.millis(), note)) {
            throw new Refused("QA sheet " + sheetId + " was acknowledged already");
        }
        QaSheet done = repo.get(sheetId).orElseThrow();
        audit.record(agent, "qa.ack", "call", Long.toString(done.callId()), "sheet=" + sheetId
                + (note == null || note.isEmpty() ? "" : " note=" + note));
        hub.toAccount(agent.id(), new QaEvents.Acked(done));
        return Optional.of(done);
    }

    /** Per agent, sheets scored in [from, to): {agentId, username, displayName, sheets, average}. */
    public List<Map<String, Object>> figures(long from, long to) {
        return repo.figures(from, to).stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            Optional<Account> a = accounts.get(f.agentId());
            m.put("agentId", f.agentId());
            m.put("username", a.map(Account::username).orElse(null));
            m.put("displayName", a.map(Account::displayName).orElse(null));
            m.put("sheets", f.sheets());
            m.put("average", Math.round(f.average() * 10) / 10.0);
            return m;
        }).toList();
    }

    /** Marks a call as a teaching case: listed, and its recordings held past retention. Empty: no such call. */
    public Optional<List<Recording>> teaching(long callId, String note, Account by) {
        if (repo.call(callId).isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        repo.teaching(callId, now, by.username(), note);
        List<Recording> held = recordings.allByCall(callId);
        for (Recording r : held) {
            if (!r.onHold()) {
                recordings.setHold(r.id(), true, by.username(), now, "teaching case" + (note == null || note.isEmpty() ? "" : ": " + note));
            }
        }
        audit.record(by, "qa.teaching", "call", Long.toString(callId), "recordings=" + held.size()
                + (note == null || note.isEmpty() ? "" : " note=" + note));
        return Optional.of(recordings.allByCall(callId));
    }

    public List<Map<String, Object>> teachingCases() {
        return repo.teachingCases(500);
    }

    /** The call row of the sample and the sheet lists. */
    public static Map<String, Object> shape(QaRepository.CallRow c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("callId", c.id());
        m.put("line", c.service());
        m.put("agentId", c.agentId());
        m.put("agent", c.agentName());
        m.put("arrivedAt", c.arrivedAt());
        m.put("talkMs", c.talkMs());
        m.put("disposition", c.disposition());
        m.put("total", c.total());
        m.put("teaching", c.teaching());
        return m;
    }
}
