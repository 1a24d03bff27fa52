package onekey.telephony.ami;

import java.util.List;
import onekey.telephony.PbxEvent;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentRingNoAnswerEvent;
import org.asteriskjava.manager.event.AttendedTransferEvent;
import org.asteriskjava.manager.event.BlindTransferEvent;
import org.asteriskjava.manager.event.ChannelTalkingStartEvent;
import org.asteriskjava.manager.event.ChannelTalkingStopEvent;
import org.asteriskjava.manager.event.ConfbridgeJoinEvent;
import org.asteriskjava.manager.event.ConfbridgeLeaveEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.UserEvent;

/**
 * The one table from Asterisk's manager events to OneKey's {@link PbxEvent}s. Events OneKey does not
 * follow translate to null.
 */
public final class AmiEvents {

    private AmiEvents() {}

    /** The user events the dialplan sends; registered on every AMI connection. */
    public static final List<Class<? extends UserEvent>> USER_EVENTS =
            List.of(OneKeyQueueEvent.class, OneKeyOverflowEvent.class, OneKeyOverflowEndedEvent.class,
                    OneKeyOutResultEvent.class, OneKeyIncidentEvent.Ring.class, OneKeyIncidentEvent.Answered.class,
                    OneKeyIncidentEvent.NoAnswer.class, OneKeySeatAnsweredEvent.class,
                    OneKeyBcastEvent.class, OneKeySeatCallEvent.class, OneKeyDeviceTestEvent.class,
                    OneKeyOrderEvent.class);

    public static PbxEvent translate(ManagerEvent e) {
        long at = at(e);
        return switch (e) {
            case OneKeyQueueEvent q -> new PbxEvent.QueueEntry(q.getLinkedid(), at, q.getChannel(), q.getCallerIdNum(),
                    blankToNull(q.getDnis()), blankToNull(q.getService()), blankToNull(q.getPath()), blankToNull(q.getRecfile()),
                    millis(q.getArrived()));
            case OneKeyOverflowEvent o -> new PbxEvent.Overflow(o.getLinkedid(), at, o.getNumber(), o.getWaited(), o.getService());
            case OneKeyOverflowEndedEvent o -> new PbxEvent.OverflowEnded(o.getLinkedid(), at, o.getNumber(), o.getDialStatus());
            // the incident's agent rings / answers like a queue member (so the pop and the call's state follow)
            case OneKeyIncidentEvent.Ring r -> new PbxEvent.MemberRinging(r.getLinkedid(), at, r.getAgent(), member(r.getAgent()));
            case OneKeyIncidentEvent.Answered r -> new PbxEvent.MemberConnected(r.getLinkedid(), at, r.getAgent(),
                    member(r.getAgent()), 0);
            case OneKeyIncidentEvent.NoAnswer r -> new PbxEvent.MemberNoAnswer(r.getLinkedid(), at, member(r.getAgent()), 0);
            // a seat answered an elder blind-transferred to it (issue 7): connected like a queue member
            case OneKeySeatAnsweredEvent s -> new PbxEvent.MemberConnected(s.getLinkedid(), at, s.getAgent(),
                    member(s.getAgent()), 0);
            case OneKeyBcastEvent b -> new PbxEvent.BroadcastResult(b.getLinkedid(), at, b.getUniqueId(),
                    blankToNull(b.getAttempt()), blankToNull(b.getResult()), b.getDigits() == null ? "" : b.getDigits().trim(),
                    blankToNull(b.getRecfile()));
            case OneKeyOrderEvent o -> new PbxEvent.OrderResult(o.getLinkedid(), at, o.getUniqueId(), blankToNull(o.getLeg()),
                    blankToNull(o.getResult()), o.getDigits() == null ? "" : o.getDigits().trim());
            case OneKeySeatCallEvent c -> new PbxEvent.SeatCall(c.getLinkedid(), at, c.getUniqueId(), blankToNull(c.getPhase()),
                    blankToNull(c.getAgent()), blankToNull(c.getNumber()), blankToNull(c.getStep()), blankToNull(c.getRecfile()),
                    blankToNull(c.getDialStatus()), millis(c.getAnswered()));
            case OneKeyOutResultEvent o -> new PbxEvent.OutResult(o.getLinkedid(), at, o.getStep(), o.getResult());
            case OneKeyDeviceTestEvent d -> new PbxEvent.DeviceTest(d.getLinkedid(), at, blankToNull(d.getNumber()),
                    blankToNull(d.getResult()));
            case OriginateResponseEvent o -> new PbxEvent.OriginateResult(blankToNull(o.getUniqueId()), at, o.getActionId(),
                    o.isSuccess(), o.getReason() == null ? 0 : o.getReason());
            case ChannelTalkingStartEvent t -> t.getLinkedId() == null ? null
                    : new PbxEvent.Talking(t.getLinkedId(), at, t.getUniqueId(), true);
            case ChannelTalkingStopEvent t -> t.getLinkedId() == null ? null
                    : new PbxEvent.Talking(t.getLinkedId(), at, t.getUniqueId(), false);
            case QueueCallerJoinEvent j -> new PbxEvent.CallerQueued(j.getLinkedId(), at, j.getChannel(), j.getCallerIdNum(),
                    j.getQueue(), j.getPosition() == null ? 0 : j.getPosition(), j.getExten());
            case AgentCalledEvent c -> new PbxEvent.MemberRinging(c.getLinkedId(), at, c.getInterface(), c.getMemberName());
            case AgentConnectEvent c -> new PbxEvent.MemberConnected(c.getLinkedId(), at, c.getInterface(), c.getMemberName(),
                    c.getHoldTime() == null ? 0 : c.getHoldTime());
            case AgentRingNoAnswerEvent r -> new PbxEvent.MemberNoAnswer(r.getLinkedId(), at, r.getMemberName(),
                    r.getRingtime() == null ? 0 : r.getRingtime());
            case AgentCompleteEvent c -> new PbxEvent.MemberComplete(c.getLinkedId(), at, c.getMemberName(),
                    c.getReason(), c.getTalkTime() == null ? 0 : c.getTalkTime());
            case QueueCallerAbandonEvent a -> new PbxEvent.CallerAbandoned(a.getLinkedId(), at,
                    a.getPosition() == null ? 0 : a.getPosition(), a.getHoldTime() == null ? 0 : a.getHoldTime());
            case BlindTransferEvent t -> t.getTransfereeLinkedId() == null ? null
                    : new PbxEvent.Transferred(t.getTransfereeLinkedId(), at, false, iface(t.getTransfererChannel()),
                    t.getExtension(), "Success".equalsIgnoreCase(t.getResult()));
            case AttendedTransferEvent t -> t.getTransfereeLinkedId() == null ? null
                    : new PbxEvent.Transferred(t.getTransfereeLinkedId(), at, true, iface(t.getOrigTransfererChannel()),
                    iface(t.getTransferTargetChannel()), "Success".equalsIgnoreCase(t.getResult()));
            case ConfbridgeJoinEvent j -> new PbxEvent.ConferenceJoined(j.getLinkedId(), at, j.getConference(),
                    j.getUniqueId(), j.getChannel());
            case ConfbridgeLeaveEvent l -> new PbxEvent.ConferenceLeft(l.getLinkedId(), at, l.getConference(),
                    l.getUniqueId(), l.getChannel());
            case NewChannelEvent n -> n.getLinkedid() == null || n.getUniqueId() == null ? null
                    : new PbxEvent.ChannelCreated(n.getLinkedid(), at, n.getUniqueId(), n.getChannel());
            case HangupEvent h -> h.getLinkedId() == null ? null : new PbxEvent.ChannelHungUp(h.getLinkedId(), at, h.getUniqueId(),
                    h.getLinkedId().equals(h.getUniqueId()), h.getCause() == null ? 0 : h.getCause(), h.getCauseTxt());
            default -> null;
        };
    }

    /** Asterisk's event timestamp (timestampevents=yes) in ms, or now. */
    static long at(ManagerEvent e) {
        Double ts = e.getTimestamp();
        return ts != null ? Math.round(ts * 1000) : System.currentTimeMillis();
    }

    /** "1795526051123" (STRFTIME %s%3q) → ms; null when absent or malformed. */
    static Long millis(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** A channel name "PJSIP/1001-0000002a" → its device "PJSIP/1001". */
    static String iface(String channel) {
        if (channel == null || channel.isBlank()) {
            return null;
        }
        int dash = channel.lastIndexOf('-');
        return dash > channel.indexOf('/') ? channel.substring(0, dash) : channel;
    }

    /** "PJSIP/1001" → "1001". */
    private static String member(String iface) {
        return iface == null ? null : iface.substring(iface.indexOf('/') + 1);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
