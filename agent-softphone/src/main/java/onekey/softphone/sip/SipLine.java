package onekey.softphone.sip;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Message;
import onekey.softphone.rtp.RtpSession;
import onekey.softphone.sip.SipPhone.CallState;

/**
 * One line of the phone: its SIP dialogue (the INVITE it received or sent, then the dialog), its state, the remote
 * SDP and codec, and its RTP session. {@link SipPhone} has two, the call and the consultation line (issue 7's second
 * line), and drives both with the same code (issue 17 item 7: they used to be two sets of fields). Not thread-safe:
 * guarded by the phone's lock.
 */
final class SipLine {

    enum Kind { CALL, CONSULT }

    final Kind kind;
    CallState state = CallState.IDLE;
    /** The INVITE that rings this line (an incoming call), until it ends. */
    ServerTransaction inviteIn;
    /** The INVITE this line sent (after a digest challenge: the retried one), until it ends. */
    ClientTransaction inviteOut;
    Dialog dialog;
    Sdp remoteSdp;
    /** The line's audio; the call keeps its last session after it ends (statistics), the consultation line does not. */
    RtpSession rtp;
    int payloadType;
    int dtmfType = SipPhone.DTMF_PT;
    /** What this line dialled (the consultation's target: a transfer or conference goes there). */
    String number;

    SipLine(Kind kind) {
        this.kind = kind;
    }

    boolean idle() {
        return state == CallState.IDLE;
    }

    /** Connected (talking or held) with a dialog to send requests on. */
    boolean connected() {
        return (state == CallState.ACTIVE || state == CallState.HELD) && dialog != null;
    }

    /** The Call-ID of this line's call (connected, ringing or being dialled); null when it has none. */
    String callId() {
        if (dialog != null) {
            return dialog.getCallId().getCallId();
        }
        if (inviteIn != null) {
            return callIdOf(inviteIn.getRequest());
        }
        return inviteOut != null ? callIdOf(inviteOut.getRequest()) : null;
    }

    boolean owns(String callId) {
        return callId != null && callId.equals(callId());
    }

    /** The remote SDP of an answer (or of early media): codec and telephone-event type taken, RTP started towards it. */
    void media(byte[] body) {
        remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
        payloadType = Math.max(0, remoteSdp.g711());
        dtmfType = remoteSdp.dtmfType() > 0 ? remoteSdp.dtmfType() : SipPhone.DTMF_PT;
        rtp.start(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()), payloadType, dtmfType);
    }

    /** A re-INVITE's offer on the connected line: the audio goes where it says from now on. */
    void remoteMoved(byte[] body) {
        if (body != null && body.length > 0) {
            remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
            rtp.setRemote(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()));
        }
    }

    /** The line's call is over: audio stopped, the dialogue forgotten (state is the caller's to set and announce). */
    void clear() {
        if (rtp != null) {
            rtp.close();
            if (kind == Kind.CONSULT) {
                rtp = null;
            }
        }
        inviteIn = null;
        inviteOut = null;
        dialog = null;
        remoteSdp = null;
        number = null;
    }

    static String callIdOf(Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }
}
