package onekey.calls;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onekey.agents.AgentService;
import onekey.auth.Account;
import onekey.lines.Line;
import onekey.lines.LineCache;
import onekey.telephony.LiveChannel;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a PBX (re)connect: learn live calls from Asterisk (calls queued while OneKey was down, frozen or restarting)
 * and close calls OneKey believed live that Asterisk no longer has, and stored calls left unfinished. Asterisk and the
 * database are read here, off the call model's thread; the model changes on its thread.
 */
final class CallResync {
    private static final Logger log = LoggerFactory.getLogger(CallResync.class);

    private final CallTracker model;
    private final CallRepository calls;
    private final LineCache lines;
    private final AgentService agents;
    private final JournalAppliers appliers;
    private final CallJournal journal;
    private final SosAlerts alerts;

    CallResync(CallTracker model, CallRepository calls, LineCache lines, AgentService agents, JournalAppliers appliers,
               CallJournal journal, SosAlerts alerts) {
        this.model = model;
        this.calls = calls;
        this.lines = lines;
        this.agents = agents;
        this.appliers = appliers;
        this.journal = journal;
        this.alerts = alerts;
    }

    void resync(Pbx pbx) {
        Set<String> liveInAsterisk = new HashSet<>();
        int learned = 0;
        List<LiveChannel> channels = pbx.liveChannels(CallTracker.CALLER_VARIABLES);
        // agents' legs by call: a call bridged to an agent while OneKey was away is answered by them
        Map<String, LiveChannel> agentLegs = new LinkedHashMap<>();
        for (LiveChannel ch : channels) {
            if (!ch.callerLeg() && ch.channel() != null && ch.channel().startsWith("PJSIP/")) {
                String iface = ch.channel().substring(0, Math.max(ch.channel().lastIndexOf('-'), 0));
                if (!iface.isEmpty() && agents.accountForInterface(iface).isPresent()) {
                    agentLegs.putIfAbsent(ch.linkedid(), ch);
                }
            }
        }
        for (LiveChannel ch : channels) {
            liveInAsterisk.add(ch.linkedid());
            boolean inbound = ch.context() != null && (ch.context().startsWith("onekey-inbound") || ch.context().startsWith("onekey-queue")
                    || ch.context().startsWith("onekey-static"));
            if (!ch.callerLeg() || !inbound || model.isLive(ch.linkedid())) {
                continue;
            }
            Map<String, String> v = ch.variables();
            String dnis = v.getOrDefault("ONEKEY_DNIS", "s".equals(ch.exten()) ? null : ch.exten());
            Long arrived = parseLong(v.get("ONEKEY_ARRIVED"));
            long arrivedAt = arrived != null ? arrived : System.currentTimeMillis() - ch.durationMs();
            boolean failOpen = "1".equals(v.get("ONEKEY_FAILOPEN"));
            String path = failOpen ? "failopen" : "1".equals(v.get("ONEKEY_DIRECT")) ? "direct" : null;
            Line line = lines.lineFor(dnis);
            CallRecord read = null;
            try {
                read = calls.byLinkedid(ch.linkedid()).orElse(null);
            } catch (RuntimeException e) {
                log.warn("call={} stored row not read during resync: {}", ch.linkedid(), e.toString());
            }
            CallRecord stored = read;
            if (stored != null) {
                appliers.knownStored(ch.linkedid(), stored.id());
            }
            // the priority Asterisk queued the call with (the dialplan's QUEUE_PRIO: a known line keeps its own even
            // when it failed open); without it, as the dialplan would: SOS for a failure or an unknown line
            Integer queuedWith = parseInt(v.get("QUEUE_PRIO"));
            int priority = queuedWith != null ? queuedWith : failOpen || dnis == null ? CallTracker.FAIL_OPEN_PRIORITY
                    : line.priority();
            LiveChannel agentLeg = agentLegs.get(ch.linkedid());
            model.onModel(() -> {
                LiveCall lc = model.follow(ch.linkedid(), ch.channel(), ch.callerNumber(), dnis, line,
                        priority, failOpen || path == null, path,
                        v.get("ONEKEY_RECFILE"), arrivedAt, stored, "discovered",
                        "live in Asterisk when OneKey connected (app=" + ch.application() + ")");
                if (stored != null) {
                    lc.stored.complete(stored.id());
                }
                if (lc.record.queuedAt() == null && ("Queue".equalsIgnoreCase(ch.application()) || agentLeg != null)) {
                    model.setState(lc, r -> r.withQueuedAt(arrivedAt));
                }
                if (agentLeg != null && lc.record.answeredAt() == null) {
                    // answered while OneKey was away (killed, frozen, restarting): the agent's leg says by whom
                    String iface = agentLeg.channel().substring(0, agentLeg.channel().lastIndexOf('-'));
                    Account a = agents.accountForInterface(iface).orElseThrow();
                    long answeredAt = Math.max(arrivedAt, System.currentTimeMillis() - agentLeg.durationMs());
                    model.setState(lc, r -> r.withAnsweredAt(answeredAt).withOutcome(CallOutcome.ANSWERED)
                            .withAgent(a.id(), a.username()));
                    model.event(lc, answeredAt, "answered", "agent=" + a.username() + " (learned from Asterisk after reconnect)");
                    agents.callConnected(a.id());
                } else if (agentLeg != null) {
                    Long agentId = lc.record.agentId();
                    if (agentId == null) {
                        // answered just before OneKey went away, whose call it is not yet written (the journal writes
                        // the agent ms after the answer): the agent's leg says
                        String iface = agentLeg.channel().substring(0, agentLeg.channel().lastIndexOf('-'));
                        Account a = agents.accountForInterface(iface).orElseThrow();
                        model.setState(lc, r -> r.withAgent(a.id(), a.username()));
                        model.event(lc, System.currentTimeMillis(), "agent",
                                "agent=" + a.username() + " (learned from Asterisk after reconnect)");
                        agentId = a.id();
                    }
                    agents.callConnected(agentId); // the agent is still talking: on-call, not ready
                }
            });
            learned++;
        }
        for (String linkedid : model.liveLinkedids()) {
            if (!liveInAsterisk.contains(linkedid)) {
                model.onModel(() -> model.lost(linkedid));
            }
        }
        int closed = 0;
        try {
            for (CallRecord r : calls.unfinished()) {
                if (!liveInAsterisk.contains(r.linkedid()) && !model.isLive(r.linkedid())) {
                    long now = System.currentTimeMillis();
                    CallRecord ended = r.withEndedAt(now).withOutcome(CallOutcome.UNOBSERVED_END);
                    appliers.knownStored(r.linkedid(), r.id());
                    journal.append(new JournalOp.CallState(ended));
                    journal.append(new JournalOp.Events(r.linkedid(),
                            List.of(new JournalOp.Ev(now, "unobserved-end", "ended while OneKey was not connected"))));
                    journal.append(new JournalOp.RecordingDue(r.linkedid(), null));
                    closed++;
                }
            }
        } catch (RuntimeException e) {
            log.error("cannot reconcile stored calls: {}", e.toString());
        }
        log.info("calls resynced from Asterisk live={} learned={} closedUnobserved={}", model.liveCount(), learned, closed);
        alerts.afterResync();
    }

    private static Integer parseInt(String s) {
        Long l = parseLong(s);
        return l == null || l < 0 || l > 1_000 ? null : l.intValue();
    }

    private static Long parseLong(String s) {
        try {
            return s == null || s.isBlank() ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
