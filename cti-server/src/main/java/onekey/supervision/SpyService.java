package onekey.supervision;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.events.EventHub;
import onekey.outbound.OutboundService;
import onekey.outbound.Outcome;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listen, whisper and barge (ARCHITECTURE "Supervision", issue 7): Asterisk calls the supervisor's own extension
 * and, once answered, runs ChanSpy on the agent's channel in dialplan context {@value #CONTEXT}; a mode change
 * sends the supervisor's channel back into that context at the new mode's extension (AMI Redirect), so the
 * supervisor's phone stays up.
 *
 * <p>RULE (ARCHITECTURE "Principles": an audit row for every spy session): {@code spy.start} before Asterisk is
 * asked to ring the supervisor, {@code spy.mode} for every change, {@code spy.end} when the supervisor's channel
 * is gone — whoever ended it (the supervisor hanging up, the call ending, DELETE): the end comes from the PBX's
 * Hangup event, not from the API. Rows are about the call ({@code targetType=call}, {@code targetId=<call id>}).
 *
 * <p>Requests run on the API's threads; PBX events go to one worker thread (the AMI dispatcher never waits on the
 * database). Sessions live in memory; after an AMI reconnect {@link #resync} ends those Asterisk no longer has and
 * takes back the ones a restarted server left running (their channels carry the session in variables).
 */
public final class SpyService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpyService.class);

    public static final String CONTEXT = "onekey-spy";
    static final String ACTION_PREFIX = "spy-";
    static final String CHANNEL_PREFIX = "onekey-spy-";
    /** How long the supervisor's phone rings before the session is given up. */
    static final long RING_MILLIS = 30_000;
    /** Channel variables on the supervisor's channel (the dialplan reads the first three). */
    static final List<String> VARIABLES = List.of("ONEKEY_SPY_TARGET", "ONEKEY_SPY_MODE", "ONEKEY_SPY_SESSION",
            "ONEKEY_SPY_CALL", "ONEKEY_SPY_ACCOUNT");

    public enum Mode {
        /** The supervisor hears the elder and the agent; nobody hears the supervisor. */
        LISTEN,
        /** The agent hears the supervisor; the elder does not. */
        WHISPER,
        /** Both hear the supervisor. */
        BARGE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The dialplan extension in {@value #CONTEXT} that runs ChanSpy in this mode. */
        String exten() {
            return wire();
        }

        /** {@code mode} as sent by a client; throws {@link Refused} (bad request) naming the accepted values. */
        public static Mode parse(String mode) {
            if (mode == null || mode.isBlank()) {
                throw new Refused(Refused.Kind.BAD_REQUEST, "\"mode\" is required: listen, whisper or barge");
            }
            for (Mode m : values()) {
                if (m.wire().equals(mode.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new Refused(Refused.Kind.BAD_REQUEST, "\"mode\" must be listen, whisper or barge, got \"" + mode + "\"");
        }
    }

    public enum State { RINGING, ACTIVE, ENDED }

    /** Why a request cannot be done; the API turns {@link Kind} into its status. */
    public static final class Refused extends RuntimeException {
        public enum Kind { BAD_REQUEST, NOT_FOUND, FORBIDDEN, CONFLICT, PBX_UNAVAILABLE }

        public final Kind kind;

        public Refused(Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    /** A spy session as clients see it. Times are epoch ms; {@code endReason} once ended. */
    public record Session(String id, long callId, String linkedid, long supervisorId, String supervisor, String extension,
                          String agent, String agentChannel, Mode mode, State state, long requestedAt, Long answeredAt,
                          Long endedAt, String endReason) {

        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("callId", callId);
            m.put("linkedid", linkedid);
            m.put("supervisorId", supervisorId);
            m.put("supervisor", supervisor);
            m.put("extension", extension);
            m.put("agent", agent);
            m.put("mode", mode.wire());
            m.put("state", state.name().toLowerCase(Locale.ROOT));
            m.put("requestedAt", requestedAt);
            m.put("answeredAt", answeredAt);
            m.put("endedAt", endedAt);
            m.put("endReason", endReason);
            return m;
        }
    }

    /** What {@link #start} did: a new session, or the mode of this supervisor's session on the call changed. */
    public record Started(Session session, boolean created) {}

    /** One session's mutable state; changed under its own monitor. */
    private static final class Live {
        final String id;
        final String channelId;
        final long callId;
        final String linkedid;
        final long supervisorId;
        final String supervisor;
        final String extension;
        final String agent;
        final String agentChannel;
        final String agentUniqueid;
        final long requestedAt;
        Mode mode;
        State state = State.RINGING;
        Long answeredAt;
        Long endedAt;
        String endReason;
        boolean stopRequested;
        boolean callEnded;

        Live(String id, long callId, String linkedid, long supervisorId, String supervisor, String extension, String agent,
             String agentChannel, String agentUniqueid, Mode mode, long requestedAt) {
            this.id = id;
            this.channelId = CHANNEL_PREFIX + id;
            this.callId = callId;
            this.linkedid = linkedid;
            this.supervisorId = supervisorId;
            this.supervisor = supervisor;
            this.extension = extension;
            this.agent = agent;
            this.agentChannel = agentChannel;
            this.agentUniqueid = agentUniqueid;
            this.mode = mode;
            this.requestedAt = requestedAt;
        }

        synchronized Session snapshot() {
            return new Session(id, callId, linkedid, supervisorId, supervisor, extension, agent, agentChannel, mode, state,
                    requestedAt, answeredAt, endedAt, endReason);
        }
    }

    private final Pbx pbx;
    private final CallRepository calls;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final SpyNotifier notifier;
    private final Clock clock;
    private final Map<String, Live> sessions = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("spy").factory());
    private final SecureRandom random = new SecureRandom();

    public SpyService(Pbx pbx, CallRepository calls, AccountRepository accounts, AuditLog audit, EventHub hub, Clock clock) {
        this.pbx = pbx;
        this.calls = calls;
        this.accounts = accounts;
        this.audit = audit;
        this.notifier = new SpyNotifier(hub);
        this.clock = clock;
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    /**
     * Starts spying on call {@code callId} in {@code mode}: Asterisk rings the supervisor's own extension. The same
     * supervisor asking again for the same call changes the mode of the session it has.
     */
    public Started start(Account supervisor, long callId, Mode mode) {
        requireSupervisor(supervisor);
        CallRecord call = calls.get(callId).orElseThrow(() -> new Refused(Refused.Kind.NOT_FOUND, "no such call: " + callId));
        Optional<Live> same = sessions.values().stream()
                .filter(s -> s.supervisorId == supervisor.id() && s.callId == callId).findFirst();
        if (same.isPresent()) {
            return new Started(change(supervisor, same.get().id, mode), false);
        }
        Optional<Live> other = sessions.values().stream().filter(s -> s.supervisorId == supervisor.id()).findFirst();
        if (other.isPresent()) {
            throw new Refused(Refused.Kind.CONFLICT, "you are already in spy session " + other.get().id + " on call "
                    + other.get().callId + ": end it first (DELETE /api/spy/" + other.get().id + ")");
        }
        String extension = accounts.get(supervisor.id()).map(Account::extension).orElse(supervisor.extension());
        if (extension == null || extension.isBlank()) {
            throw new Refused(Refused.Kind.CONFLICT, "account " + supervisor.username()
                    + " has no phone extension for Asterisk to call: give it one (PUT /api/agents/{id})");
        }
        if (call.endedAt() != null) {
            throw new Refused(Refused.Kind.CONFLICT, "call " + callId + " has ended");
        }
        if (call.answeredAt() == null || call.agentId() == null) {
            throw new Refused(Refused.Kind.CONFLICT, "call " + callId + " is not bridged to an agent (it is "
                    + call.outcome() + "): only a call an agent has answered can be listened to");
        }
        Account agent = accounts.get(call.agentId()).orElseThrow(() ->
                new Refused(Refused.Kind.CONFLICT, "the agent of call " + callId + " no longer exists"));
        if (agent.extension() == null) {
            throw new Refused(Refused.Kind.CONFLICT, "agent " + agent.username() + " of call " + callId + " has no extension");
        }
        LiveChannel leg;
        try {
            String prefix = "PJSIP/" + agent.extension() + "-";
            leg = pbx.liveChannels(List.of()).stream()
                    .filter(ch -> call.linkedid().equals(ch.linkedid()) && ch.channel() != null && ch.channel().startsWith(prefix))
                    .findFirst().orElseThrow(() -> new Refused(Refused.Kind.CONFLICT, "call " + callId
                            + " is not bridged to agent " + agent.username() + " in Asterisk now (ended or not yet connected)"));
        } catch (Pbx.PbxException e) {
            throw new Refused(Refused.Kind.PBX_UNAVAILABLE, "Asterisk cannot be asked now: " + e.getMessage());
        }
        String id = newId();
        Live s = new Live(id, callId, call.linkedid(), supervisor.id(), supervisor.username(), extension, agent.username(),
                leg.channel(), leg.uniqueid(), mode, clock.millis());
        synchronized (this) {
            if (sessions.values().stream().anyMatch(x -> x.supervisorId == supervisor.id())) {
                throw new Refused(Refused.Kind.CONFLICT, "another spy session of yours started meanwhile; end it first");
            }
            sessions.put(id, s);
        }
        try {
            // the row exists before any audio can reach the supervisor
            audit.record(supervisor, "spy.start", "call", Long.toString(callId), "session=" + id + " mode=" + mode.wire()
                    + " agent=" + agent.username() + " extension=" + extension + " linkedid=" + call.linkedid());
        } catch (RuntimeException e) {
            sessions.remove(id);
            throw e;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ONEKEY_SPY_TARGET", leg.channel());
        vars.put("ONEKEY_SPY_MODE", mode.wire());
        vars.put("ONEKEY_SPY_SESSION", id);
        vars.put("ONEKEY_SPY_CALL", Long.toString(callId));
        vars.put("ONEKEY_SPY_ACCOUNT", Long.toString(supervisor.id()));
        try {
            // the supervisor's own extension, at once and without a row: the session is the record (audit rows)
            OutboundService.place(pbx, new OutboundService.Dial("PJSIP/" + extension, CONTEXT, RING_MILLIS, "\"OneKey "
                    + mode.wire() + " call " + callId + "\" <" + callId + ">", vars), ACTION_PREFIX + id, s.channelId);
        } catch (Pbx.PbxException e) {
            end(s, clock.millis(), "refused: " + e.getMessage());
            throw new Refused(Refused.Kind.PBX_UNAVAILABLE, "Asterisk refused to call extension " + extension + ": "
                    + e.getMessage());
        }
        log.info("spy.start session={} call={} supervisor={} mode={} agent={} extension={}", id, callId,
                supervisor.username(), mode.wire(), agent.username(), extension);
        return new Started(s.snapshot(), true);
    }

    /** Changes the mode of a session: its owner or an admin. The supervisor's phone stays up. */
    public Session change(Account actor, String sessionId, Mode mode) {
        Live s = owned(actor, sessionId);
        synchronized (s) {
            if (s.state == State.ENDED) {
                throw new Refused(Refused.Kind.NOT_FOUND, "spy session " + sessionId + " has ended");
            }
            if (s.mode == mode) {
                return s.snapshot();
            }
            if (s.state == State.RINGING) {
                throw new Refused(Refused.Kind.CONFLICT, "extension " + s.extension
                        + " is still ringing: change the mode once the supervisor has answered");
            }
            try {
                pbx.redirect(s.channelId, CONTEXT, mode.exten());
            } catch (Pbx.PbxException e) {
                throw new Refused(Refused.Kind.PBX_UNAVAILABLE, "Asterisk could not change the mode: " + e.getMessage());
            }
            Mode from = s.mode;
            s.mode = mode;
            audit.record(actor, "spy.mode", "call", Long.toString(s.callId), "session=" + s.id + " from=" + from.wire()
                    + " to=" + mode.wire() + " supervisor=" + s.supervisor);
            log.info("spy.mode session={} call={} from={} to={} by={}", s.id, s.callId, from.wire(), mode.wire(),
                    actor.username());
            Session snap = s.snapshot();
            notifier.publish(new SpyEvents.ModeChanged(snap));
            return snap;
        }
    }

    /**
     * Ends a session: Asterisk hangs up the supervisor's channel, and its Hangup event records the end. Returns the
     * session as it is now (still active until that event).
     */
    public Session stop(Account actor, String sessionId) {
        Live s = owned(actor, sessionId);
        synchronized (s) {
            s.stopRequested = true;
        }
        try {
            pbx.hangup(s.channelId);
        } catch (Pbx.PbxException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("no such channel")) {
                end(s, clock.millis(), "stopped"); // gone already (its Hangup raced this request)
            } else {
                throw new Refused(Refused.Kind.PBX_UNAVAILABLE, "Asterisk could not hang up extension " + s.extension
                        + ": " + e.getMessage());
            }
        }
        log.info("spy.stop session={} call={} by={}", s.id, s.callId, actor.username());
        return s.snapshot();
    }

    /** Live sessions (ringing or active), oldest first. */
    public List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        sessions.values().forEach(s -> out.add(s.snapshot()));
        out.sort(java.util.Comparator.comparingLong(Session::requestedAt));
        return out;
    }

    public Optional<Session> session(String id) {
        return Optional.ofNullable(sessions.get(id)).map(Live::snapshot);
    }

    private Live owned(Account actor, String sessionId) {
        requireSupervisor(actor);
        Live s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null) {
            throw new Refused(Refused.Kind.NOT_FOUND, "no live spy session " + sessionId + " (unknown or ended)");
        }
        if (s.supervisorId != actor.id() && actor.role() != Role.ADMIN) {
            throw new Refused(Refused.Kind.FORBIDDEN, "spy session " + sessionId + " belongs to " + s.supervisor
                    + ": only they or an admin may change or end it");
        }
        return s;
    }

    private static void requireSupervisor(Account a) {
        if (a == null || a.role() != Role.SUPERVISOR && a.role() != Role.ADMIN) {
            throw new Refused(Refused.Kind.FORBIDDEN, "only supervisors and admins may listen to, whisper into or barge "
                    + "into calls");
        }
    }

    private String newId() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---- PBX events --------------------------------------------------------------------------------------------

    /** From the AMI dispatcher: never blocks it. */
    public void onEvent(PbxEvent e) {
        switch (e) {
            case PbxEvent.OriginateResult o when o.actionId() != null && o.actionId().startsWith(ACTION_PREFIX) ->
                    worker.execute(() -> originated(o));
            case PbxEvent.ChannelHungUp h when !sessions.isEmpty() -> worker.execute(() -> hungUp(h));
            default -> { }
        }
    }

    private void originated(PbxEvent.OriginateResult o) {
        Live s = sessions.get(o.actionId().substring(ACTION_PREFIX.length()));
        if (s == null) {
            return;
        }
        if (!o.success()) {
            end(s, o.at(), switch (Outcome.ofOriginate(o.reason(), null)) {
                case NO_ANSWER -> "not-answered";
                case BUSY -> "busy";
                default -> "unavailable";
            });
            return;
        }
        Session snap;
        synchronized (s) {
            if (s.state != State.RINGING) {
                return;
            }
            s.state = State.ACTIVE;
            s.answeredAt = o.at();
            snap = s.snapshot();
        }
        log.info("spy.answered session={} call={} supervisor={} mode={}", s.id, s.callId, s.supervisor, snap.mode().wire());
        notifier.publish(new SpyEvents.Started(snap));
    }

    private void hungUp(PbxEvent.ChannelHungUp h) {
        for (Live s : List.copyOf(sessions.values())) {
            if (s.channelId.equals(h.uniqueid())) {
                String reason;
                synchronized (s) {
                    reason = s.stopRequested ? "stopped" : s.callEnded ? "call-ended"
                            : s.state == State.RINGING ? "not-answered" : "supervisor-hung-up";
                }
                end(s, h.at(), reason);
            } else if (h.uniqueid() != null && (h.uniqueid().equals(s.agentUniqueid)
                    || s.linkedid.equals(h.linkedid()) && h.callerLeg())) {
                synchronized (s) {
                    s.callEnded = true; // ChanSpy (option E) leaves now; the supervisor's channel follows
                }
            }
        }
    }

    /** Records the end once: audit row, event, forgotten. */
    private void end(Live s, long at, String reason) {
        Session snap;
        synchronized (s) {
            if (s.state == State.ENDED) {
                return;
            }
            s.state = State.ENDED;
            s.endedAt = at;
            s.endReason = reason;
            snap = s.snapshot();
        }
        sessions.remove(s.id);
        long listened = snap.answeredAt() == null ? 0 : Math.max(0, at - snap.answeredAt());
        try {
            audit.recordAs(s.supervisorId, s.supervisor, "spy.end", "call", Long.toString(s.callId), "session=" + s.id
                    + " mode=" + snap.mode().wire() + " reason=" + reason + " answeredAt=" + snap.answeredAt()
                    + " listenedMs=" + listened);
        } catch (RuntimeException e) {
            log.error("spy.end not audited session={} call={} reason={}: {}", s.id, s.callId, reason, e.toString());
        }
        log.info("spy.end session={} call={} supervisor={} reason={} listenedMs={}", s.id, s.callId, s.supervisor, reason,
                listened);
        notifier.publish(new SpyEvents.Ended(snap));
    }

    // ---- after a (re)connect -----------------------------------------------------------------------------------

    /**
     * After every AMI connect: a session whose channel Asterisk no longer has ended while OneKey could not hear it;
     * a spy channel OneKey does not know (the server restarted during a session) is followed again, so its end is
     * audited too.
     */
    public void resync() {
        List<LiveChannel> channels = pbx.liveChannels(VARIABLES);
        java.util.Set<String> alive = new java.util.HashSet<>();
        for (LiveChannel ch : channels) {
            alive.add(ch.uniqueid());
        }
        long now = clock.millis();
        for (Live s : List.copyOf(sessions.values())) {
            if (!alive.contains(s.channelId)) {
                end(s, now, "gone-while-disconnected"); // ended while OneKey could not hear Asterisk
            }
        }
        for (LiveChannel ch : channels) {
            if (ch.uniqueid() == null || !ch.uniqueid().startsWith(CHANNEL_PREFIX) || !CONTEXT.equals(ch.context())) {
                continue;
            }
            String id = ch.uniqueid().substring(CHANNEL_PREFIX.length());
            if (sessions.containsKey(id)) {
                continue;
            }
            try {
                adopt(id, ch, now);
            } catch (RuntimeException e) {
                log.warn("spy channel {} not followed again: {}", ch.uniqueid(), e.toString());
            }
        }
    }

    private void adopt(String id, LiveChannel ch, long now) {
        Map<String, String> v = ch.variables();
        long accountId = Long.parseLong(v.getOrDefault("ONEKEY_SPY_ACCOUNT", "0"));
        long callId = Long.parseLong(v.getOrDefault("ONEKEY_SPY_CALL", "0"));
        Account sup = accounts.get(accountId).orElseThrow(() -> new IllegalStateException("no account " + accountId));
        CallRecord call = calls.get(callId).orElseThrow(() -> new IllegalStateException("no call " + callId));
        Mode mode;
        try {
            mode = Mode.parse(v.get("ONEKEY_SPY_MODE"));
        } catch (Refused r) {
            mode = Mode.LISTEN;
        }
        String agent = call.agentName();
        Live s = new Live(id, callId, call.linkedid(), accountId, sup.username(), sup.extension(), agent,
                v.get("ONEKEY_SPY_TARGET"), null, mode, now - ch.durationMs());
        s.state = State.ACTIVE;
        s.answeredAt = now - ch.durationMs();
        sessions.put(id, s);
        audit.recordAs(accountId, sup.username(), "spy.resume", "call", Long.toString(callId), "session=" + id + " mode="
                + mode.wire() + " (still live in Asterisk when OneKey connected)");
        log.info("spy.resume session={} call={} supervisor={} mode={}", id, callId, sup.username(), mode.wire());
    }

    @Override
    public void close() {
        worker.shutdown();
    }
}
