package onekey.nodes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import onekey.calls.CallRecord;
import onekey.outbound.Lane;
import onekey.outbound.Leg;
import onekey.outbound.OutboundService;
import onekey.outbound.Outcome;
import onekey.telephony.LiveChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An elder cut off by a dead Asterisk node is called back (issue 25). RULE (ARCHITECTURE "Faults": one Asterisk node
 * dies — elders cut off are called back): every SOS call, and every answered call from an elder, that was live on
 * the node when it died ended because the node died, not because anyone hung up. Each is redialled at once, through
 * the outbound service (a leg row before the dial, on the SOS lane, through a live node): when the elder answers,
 * the dialplan ({@code [onekey-callback]}) rings the seat that had the call first (with the pop, as an incident's
 * agent), then the queue at SOS priority; when the elder does not answer, the no-response rescue opens for them.
 */
public final class CutOffCallbacks {
    private static final Logger log = LoggerFactory.getLogger(CutOffCallbacks.class);

    /** The legs' owner column. */
    public static final String OWNER = "node-callback";
    /** How the legs' channel ids (and action ids) begin; the cut-off call's id follows. */
    public static final String PREFIX = "okcb-";

    /** A call cut off, as it was when its node died. */
    record CutOff(long callId, String linkedid, String node, String number, String dnis, String service, Long elderId,
                  String seat) {}

    /** What happens when the elder does not answer the call-back: the no-response rescue (the root wires it). */
    public interface NoAnswer {
        void noAnswer(Long elderId, String number, long callId, String reason);
    }

    private final OutboundService outbound;
    private final Function<String, Optional<CallRecord>> liveCall;
    private final LongFunction<String> seatOf;
    private final NoAnswer noAnswer;
    private final long ringMillis;
    private final Map<Long, CutOff> byCall = new ConcurrentHashMap<>();
    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();

    /**
     * @param liveCall   the call OneKey follows under a linkedid (its record as it is now)
     * @param seatOf     an agent's extension by account id (null: none)
     * @param ringMillis how long the elder's phone rings
     */
    public CutOffCallbacks(OutboundService outbound, Function<String, Optional<CallRecord>> liveCall, LongFunction<String> seatOf,
                           NoAnswer noAnswer, long ringMillis) {
        this.outbound = outbound;
        this.liveCall = liveCall;
        this.seatOf = seatOf;
        this.noAnswer = noAnswer;
        this.ringMillis = ringMillis;
        outbound.register(new Legs());
    }

    /** A node died (before its channels are reported ended): its elders' calls are planned for a call-back. */
    public void nodeLost(NodeSet.Lost lost) {
        int planned = 0;
        for (LiveChannel leg : lost.callerLegs()) {
            Optional<CallRecord> rec = liveCall.apply(leg.linkedid());
            if (rec.isEmpty()) {
                continue;
            }
            CallRecord r = rec.get();
            boolean sos = r.line() != null && r.line().name().equalsIgnoreCase("SOS");
            boolean answeredElder = r.answeredAt() != null && r.elderId() != null;
            if ((!sos && !answeredElder) || r.callerNumber() == null || r.callerNumber().isBlank()) {
                continue;
            }
            String seat = r.agentId() == null ? null : seatOf.apply(r.agentId());
            CutOff c = new CutOff(r.id(), r.linkedid(), lost.node(), r.callerNumber(), r.dnis(),
                    r.line() == null ? "sos" : r.line().name().toLowerCase(java.util.Locale.ROOT), r.elderId(), seat);
            byCall.put(r.id(), c);
            cutOff.add(r.linkedid());
            // RULE: the SOS lane: no trunk limit holds a call-back; idempotent on (owner, linkedid, 1)
            outbound.legs().plan(new Leg.Plan(OWNER, r.linkedid(), 1, r.id(), Lane.SOS, r.callerNumber(), false,
                    lost.at(), PREFIX + r.id()));
            planned++;
            log.warn("node.callback-planned node={} call={} linkedid={} seat={} answered={}", lost.node(), r.id(),
                    r.linkedid(), seat, r.answeredAt() != null);
        }
        if (planned > 0) {
            outbound.kick();
        }
    }

    /** True when the call ended with its node and is being called back (no other rescue should start for it). */
    public boolean calledBack(String linkedid) {
        return cutOff.contains(linkedid);
    }

    /** The call-backs planned so far (tests, health): call id → the node that died. */
    public Map<Long, String> planned() {
        Map<Long, String> m = new LinkedHashMap<>();
        byCall.forEach((id, c) -> m.put(id, c.node()));
        return m;
    }

    private final class Legs extends OutboundService.Owner {
        Legs() {
            super(OWNER, PREFIX, "ONEKEY_CB", false);
        }

        @Override
        public OutboundService.Dial prepare(Leg leg) {
            CutOff c = byCall.get(leg.rowId());
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("ONEKEY_CB", Long.toString(leg.rowId()));
            vars.put("ONEKEY_ELDER_NUMBER", leg.number());
            vars.put("ONEKEY_CB_SEAT", c == null || c.seat() == null ? "" : c.seat());
            vars.put("ONEKEY_CB_DNIS", c == null || c.dnis() == null ? "callback" : c.dnis());
            vars.put("ONEKEY_CB_SERVICE", c == null ? "sos" : c.service());
            return new OutboundService.Dial("PJSIP/" + leg.number() + "@trunk", "onekey-callback", ringMillis, null, vars);
        }

        @Override
        public void moved(Leg leg, OutboundService.Move move) {
            log.info("node.callback-{} call={}", move.name().toLowerCase(java.util.Locale.ROOT), leg.rowId());
        }

        @Override
        public void placed(Leg leg) {
            log.info("node.callback-dialling call={} leg={}", leg.rowId(), leg.id());
        }

        @Override
        public void answered(Leg leg) {
            // the elder is back: the dialplan puts them through to the seat (then the queue); the leg's work is done
            log.info("node.callback-answered call={} leg={}", leg.rowId(), leg.id());
            outbound.finish(OWNER, leg.reference(), leg.step(), Outcome.ANSWERED, "the elder answered the call-back");
        }

        @Override
        public void ended(Leg leg, Outcome outcome, String detail) {
            if (outcome == Outcome.HUNG_UP || outcome == Outcome.ANSWERED || outcome == Outcome.CANCELLED) {
                return;
            }
            CutOff c = byCall.get(leg.rowId());
            log.warn("node.callback-unanswered call={} outcome={}: no-response rescue", leg.rowId(), outcome.wire());
            try {
                noAnswer.noAnswer(c == null ? null : c.elderId(), leg.number(), leg.rowId(),
                        "cut off by the loss of node " + (c == null ? "?" : c.node()) + "; call-back " + outcome.wire());
            } catch (RuntimeException e) {
                log.error("node.callback no-response rescue not opened for call={}: {}", leg.rowId(), e.toString());
            }
        }

        @Override
        public long staleMillis(Leg leg) {
            return ringMillis + 60_000;
        }
    }
}
