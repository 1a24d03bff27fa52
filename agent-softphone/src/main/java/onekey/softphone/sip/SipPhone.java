package onekey.softphone.sip;

import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.audio.AudioSource;
import onekey.softphone.rtp.RtpSession;

/**
 * A SIP user agent on JAIN-SIP (UDP): registers with digest authentication, rings on an INVITE and answers
 * it, calls out, hangs up (BYE either way, CANCEL / decline while ringing), holds (re-INVITE sendonly),
 * mutes, sends RFC 4733 DTMF. One call at a time; a second INVITE is answered 486 Busy Here. Audio is G.711
 * over {@link RtpSession} from an {@link AudioSource} to an {@link AudioSink}.
 *
 * <p>Transfers (issue 7): a blind transfer is a REFER on the call ({@link #transfer}); for an attended one the
 * agent opens a second line ({@link #consult}: the call is held, the target called) and completes it with a
 * REFER carrying Replaces ({@link #completeTransfer}). A three-way conference ({@link #conference}) moves both
 * parties with REFER into the seat's ConfBridge room on Asterisk ({@code *3<user>}) and dials in: Asterisk
 * mixes, so the elder and the third party stay together whatever happens to this phone.
 *
 * <p>Issue 17 item 7: both lines are a {@link SipLine} driven by the same code, the registration is its own class
 * ({@link SipRegistration}), and a failure in the phone's own handling of a SIP message is never swallowed: it is
 * logged at ERROR with the method and Call-ID, a request is answered 500, a call the failure leaves half set up
 * is hung up and shown ended.
 */
public final class SipPhone implements SipListener, AutoCloseable {

    /**
     * @param localHost  the address Asterisk reaches us at (and RTP binds to)
     * @param user       the extension (registration and From user); for an unregistered caller its number
     * @param secret     the SIP secret; null: do not register (a caller through an IP-identified trunk)
     */
    public record Settings(String localHost, String server, int serverPort, String user, String secret,
                           int rtpStart, int rtpEnd, int registerExpires) {
        public Settings(String localHost, String server, int serverPort, String user, String secret) {
            this(localHost, server, serverPort, user, secret, 0, 0, 60);
        }
    }

    public enum CallState { IDLE, RINGING, CALLING, ACTIVE, HELD }

    /** Callbacks arrive on one thread of the phone's own, in order. */
    public interface Listener {
        default void registration(boolean registered, String detail) {
        }

        /** An incoming call rings: from whom (user part and display name). */
        default void ringing(String fromUser, String fromName) {
        }

        default void callState(CallState state, String detail) {
        }

        /** The second line (a consultation call, or the third party before a conference) changed state. */
        default void consultState(CallState state, String detail) {
        }

        /** A transfer or conference this phone asked for succeeded, or failed (the call stays as it was). */
        default void transferResult(boolean ok, String detail) {
        }
    }

    private static final List<Integer> CODECS = List.of(0, 8);
    /** Longest wait between two registration attempts while the server is away or refuses. */
    static final int MAX_RETRY_S = SipRegistration.MAX_RETRY_S;
    static final int DTMF_PT = 101;
    private static final System.Logger log = System.getLogger(SipPhone.class.getName());
    private static final AudioSource SILENCE = () -> new short[AudioSource.FRAME];

    private final Settings s;
    private final AudioSource source;
    private final AudioSink sink;
    private final Listener listener;
    private final ExecutorService events;
    private final ScheduledExecutorService timers;
    private final SipRegistration registration;
    private SipStack stack;
    SipProvider provider;
    AddressFactory addresses;
    HeaderFactory headers;
    MessageFactory messages;
    private AuthenticationHelper auth;

    private int localPort;
    final String localTag = Long.toHexString(Double.doubleToLongBits(Math.random()));

    // the two lines and what joins them (guarded by this)
    private final SipLine call = new SipLine(SipLine.Kind.CALL);
    private final SipLine consult = new SipLine(SipLine.Kind.CONSULT);
    private long callsAnswered;
    private String transferTarget;      // a REFER on the call is under way: to whom
    private String conferenceRoom;      // both parties are being moved into this room
    private boolean heldForConsult;     // consult() put the call on hold: a second line that ends alone resumes it

    public SipPhone(Settings settings, AudioSource source, AudioSink sink, Listener listener) {
        this.s = settings;
        this.source = source;
        this.sink = sink;
        this.listener = listener == null ? new Listener() { } : listener;
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "sip-events-" + settings.user()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sip-timers-" + settings.user()));
        this.registration = new SipRegistration(this, settings, timers);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the SIP stack on a free UDP port and, with a secret, registers (and keeps registering). */
    public synchronized SipPhone start() throws IOException {
        try {
            SipFactory f = SipFactory.getInstance();
            f.setPathName("gov.nist");
            Properties p = new Properties();
            p.setProperty("javax.sip.STACK_NAME", "onekey-" + s.user() + "-" + UUID.randomUUID());
            p.setProperty("gov.nist.javax.sip.STACK_LOGGER", QuietSipLog.Stack.class.getName());
            p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", QuietSipLog.Server.class.getName());
            p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
            p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
            p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "false");
            stack = f.createSipStack(p);
            addresses = f.createAddressFactory();
            headers = f.createHeaderFactory();
            messages = f.createMessageFactory();
            ListeningPoint lp = listen(stack);
            provider = stack.createSipProvider(lp);
            provider.addSipListener(this);
            auth = ((SipStackExt) stack).getAuthenticationHelper(new AccountManager() {
                @Override
                public UserCredentials getCredentials(ClientTransaction tx, String realm) {
                    return new UserCredentials() {
                        @Override
                        public String getUserName() {
                            return s.user();
                        }

                        @Override
                        public String getPassword() {
                            return s.secret();
                        }

                        @Override
                        public String getSipDomain() {
                            return s.server();
                        }
                    };
                }
            }, headers);
            stack.start();
        } catch (Exception e) {
            throw new IOException("cannot start the SIP stack on " + s.localHost() + ": " + e.getMessage(), e);
        }
        if (s.secret() != null) {
            registration.start();
        }
        return this;
    }

    /**
     * How often a registered phone asks the server whether it is still there (OPTIONS); no answer within
     * {@code seconds} - 1 s (at least 2 s) means unregistered, and registering starts again with back-off. Before start.
     */
    public SipPhone keepalive(int seconds) {
        registration.keepaliveSeconds(seconds);
        return this;
    }

    /**
     * A listening point on a free UDP port. The port is found free and then bound by the stack: another program (an
     * RTP socket, another phone) may take it in between, so a port taken meanwhile is given up for another, a few
     * times.
     */
    private ListeningPoint listen(SipStack stack) throws Exception {
        for (int attempt = 1; ; attempt++) {
            localPort = portChooser.applyAsInt(s.localHost());
            try {
                return stack.createListeningPoint(s.localHost(), localPort, ListeningPoint.UDP);
            } catch (javax.sip.InvalidArgumentException e) {
                if (attempt >= BIND_ATTEMPTS || !bindFailure(e)) {
                    throw e;
                }
                log.log(System.Logger.Level.INFO, "sip.port-taken port=" + localPort + " attempt=" + attempt + ": another port");
            }
        }
    }

    static final int BIND_ATTEMPTS = 5;

    /** Where a phone's SIP port comes from: a free one; a test gives a taken one first. */
    static volatile java.util.function.ToIntFunction<String> portChooser = SipPhone::freeUdpPortOrThrow;

    private static int freeUdpPortOrThrow(String host) {
        try {
            return freeUdpPort(host);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static int freeUdpPort(String host) throws IOException {
        try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(host, 0))) {
            return d.getLocalPort();
        }
    }

    public int localPort() {
        return localPort;
    }

    public boolean registered() {
        return registration.registered();
    }

    public synchronized CallState state() {
        return call.state;
    }

    /** The current (or last) call's RTP session, for statistics; null before the first call. */
    public synchronized RtpSession rtp() {
        return call.rtp;
    }

    public synchronized long callsAnswered() {
        return callsAnswered;
    }

    ArrayList<ViaHeader> vias() throws Exception {
        ArrayList<ViaHeader> v = new ArrayList<>();
        ViaHeader via = headers.createViaHeader(s.localHost(), localPort, ListeningPoint.UDP, null);
        via.setRPort();
        v.add(via);
        return v;
    }

    ContactHeader contact() throws Exception {
        SipURI c = addresses.createSipURI(s.user(), s.localHost() + ":" + localPort);
        c.setTransportParam("udp");
        return headers.createContactHeader(addresses.createAddress(c));
    }

    void fireRegistration(boolean registered, String detail) {
        fire(() -> listener.registration(registered, detail));
    }

    private void fire(Runnable r) {
        if (!events.isShutdown()) {
            events.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // a listener's bug must not stop the phone, nor vanish
                    log.log(System.Logger.Level.ERROR, "sip.listener-failed error=" + e, e);
                }
            });
        }
    }

    // ---- the call ----------------------------------------------------------------------------------------

    /** Answers the ringing call with G.711 (the caller's preferred of PCMU/PCMA). */
    public synchronized void answer() throws IOException {
        if (call.state != CallState.RINGING || call.inviteIn == null) {
            throw new IllegalStateException("no call is ringing");
        }
        try {
            Request inv = call.inviteIn.getRequest();
            int pt = call.remoteSdp.g711();
            if (pt < 0) {
                call.inviteIn.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, inv));
                end(call, "no G.711 in the offer");
                return;
            }
            call.payloadType = pt;
            call.dtmfType = call.remoteSdp.dtmfType() > 0 ? call.remoteSdp.dtmfType() : DTMF_PT;
            openRtp(call);
            Response ok = messages.createResponse(Response.OK, inv);
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(localTag);
            ok.addHeader(contact());
            ok.setContent(Sdp.write(s.localHost(), call.rtp.localPort(), List.of(pt), call.dtmfType, "sendrecv"),
                    headers.createContentTypeHeader("application", "sdp"));
            call.inviteIn.sendResponse(ok);
            call.dialog = call.inviteIn.getDialog();
            call.rtp.start(new InetSocketAddress(call.remoteSdp.host(), call.remoteSdp.port()), call.payloadType,
                    call.dtmfType);
            callsAnswered++;
            setState(call, CallState.ACTIVE, "answered");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not answer: " + e.getMessage(), e);
        }
    }

    /** Calls {@code number} at the server (no registration needed through an IP-identified trunk). */
    public synchronized void call(String number) throws IOException {
        if (!call.idle() || !consult.idle()) {
            throw new IllegalStateException("already in a call");
        }
        dial(call, number, "call");
    }

    /** Opens the line's audio and sends its INVITE to {@code number}. */
    private void dial(SipLine line, String number, String what) throws IOException {
        try {
            openRtp(line);
            line.number = number;
            line.inviteOut = provider.getNewClientTransaction(invite(number, line.rtp.localPort()));
            setState(line, CallState.CALLING, "dialling " + number);
            line.inviteOut.sendRequest();
        } catch (Exception e) {
            end(line, (line.kind == SipLine.Kind.CALL ? "call" : "consultation call") + " failed: " + e.getMessage());
            throw new IOException("could not " + what + " " + number + ": " + e.getMessage(), e);
        }
    }

    private Request invite(String number, int rtpPort) throws Exception {
        SipURI to = addresses.createSipURI(number, s.server() + ":" + s.serverPort());
        Address from = addresses.createAddress(addresses.createSipURI(s.user(), s.localHost() + ":" + localPort));
        CallIdHeader callId = provider.getNewCallId();
        Request inv = messages.createRequest(to, Request.INVITE, callId, headers.createCSeqHeader(1L, Request.INVITE),
                headers.createFromHeader(from, Long.toHexString(System.nanoTime())),
                headers.createToHeader(addresses.createAddress(to), null), vias(), headers.createMaxForwardsHeader(70),
                headers.createContentTypeHeader("application", "sdp"),
                Sdp.write(s.localHost(), rtpPort, CODECS, DTMF_PT, "sendrecv"));
        inv.addHeader(contact());
        return inv;
    }

    /** Hangs up: BYE when connected, CANCEL when calling out, 603 Decline when ringing; nothing when idle. */
    public synchronized void hangup() {
        if (call.idle()) {
            return;
        }
        sendHangup(call);
        end(call, "hung up");
        hangupConsult();
    }

    /** What ends the line's call at the other side, by its state; the peer may be gone already (then it is noted). */
    private void sendHangup(SipLine line) {
        try {
            switch (line.state) {
                case IDLE -> {
                }
                case RINGING -> {
                    Response decline = messages.createResponse(Response.DECLINE, line.inviteIn.getRequest());
                    ((ToHeader) decline.getHeader(ToHeader.NAME)).setTag(localTag);
                    line.inviteIn.sendResponse(decline);
                }
                case CALLING -> {
                    if (line.inviteOut != null) {
                        provider.getNewClientTransaction(line.inviteOut.createCancel()).sendRequest();
                    }
                }
                case ACTIVE, HELD -> line.dialog.sendRequest(provider.getNewClientTransaction(line.dialog.createRequest(Request.BYE)));
            }
        } catch (Exception e) {
            // the peer may already be gone (a BYE crossing ours, a CANCEL after the answer): our side ends anyway
            log.log(System.Logger.Level.INFO, "sip.hangup-not-sent line=" + line.kind + " state=" + line.state
                    + " callId=" + line.callId() + " error=" + e);
        }
    }

    /** Hold (re-INVITE a=sendonly, stop sending audio) or resume. */
    public synchronized void hold(boolean on) throws IOException {
        if (!call.connected()) {
            throw new IllegalStateException("no call to " + (on ? "hold" : "resume"));
        }
        if (!on && !consult.idle()) {
            throw new IllegalStateException("a consultation call is open: complete, conference or hang it up first");
        }
        try {
            Request re = call.dialog.createRequest(Request.INVITE);
            re.addHeader(contact());
            re.setContent(Sdp.write(s.localHost(), call.rtp.localPort(), List.of(call.payloadType), call.dtmfType,
                    on ? "sendonly" : "sendrecv"), headers.createContentTypeHeader("application", "sdp"));
            call.dialog.sendRequest(provider.getNewClientTransaction(re));
            call.rtp.setHeld(on);
            setState(call, on ? CallState.HELD : CallState.ACTIVE, on ? "on hold" : "resumed");
        } catch (Exception e) {
            throw new IOException("hold failed: " + e.getMessage(), e);
        }
    }

    public synchronized void mute(boolean on) {
        if (call.rtp != null) {
            call.rtp.setMuted(on);
        }
    }

    public synchronized boolean muted() {
        return call.rtp != null && call.rtp.muted();
    }

    /** Sends RFC 4733 DTMF on the call. */
    public synchronized void sendDtmf(String digits) {
        if (call.rtp == null || call.state != CallState.ACTIVE) {
            throw new IllegalStateException("no active call for DTMF");
        }
        call.rtp.sendDtmf(digits);
    }

    // ---- transfer, the second line, conference (issue 7) ---------------------------------------------

    /**
     * Blind transfer (REFER): Asterisk puts the other party through to {@code target} (a seat's extension, or
     * any number, which goes out through the trunk) and this phone's call ends when Asterisk reports success.
     */
    public synchronized void transfer(String target) throws IOException {
        requireCall("transfer");
        if (!consult.idle()) {
            throw new IllegalStateException("a consultation call is open: complete the transfer or hang it up first");
        }
        String t = checkNumber(target);
        try {
            refer(call.dialog, addresses.createSipURI(t, s.server() + ":" + s.serverPort()));
            transferTarget = t;
        } catch (Exception e) {
            throw new IOException("transfer to " + t + " not sent: " + e.getMessage(), e);
        }
    }

    /**
     * Attended transfer, first step (also the way to a conference): holds the call and calls {@code number} on
     * a second line; this phone's audio goes to the second line until it ends.
     */
    public synchronized void consult(String number) throws IOException {
        requireCall("consult from");
        if (!consult.idle()) {
            throw new IllegalStateException("a consultation call is already open");
        }
        String n = checkNumber(number);
        heldForConsult = call.state == CallState.ACTIVE;
        if (heldForConsult) {
            hold(true);
        }
        call.rtp.setSource(SILENCE); // one microphone, one loudspeaker: they follow the line in use
        call.rtp.setSink(null);
        dial(consult, n, "call");
    }

    /** Attended transfer, second step: REFER with Replaces; the held party and the consulted one are joined. */
    public synchronized void completeTransfer() throws IOException {
        requireCall("transfer");
        if (consult.state != CallState.ACTIVE || consult.dialog == null) {
            throw new IllegalStateException("no answered consultation call to transfer to");
        }
        Dialog d = consult.dialog;
        try {
            String replaces = d.getCallId().getCallId() + ";to-tag=" + d.getRemoteTag() + ";from-tag=" + d.getLocalTag();
            refer(call.dialog, addresses.createURI("sip:" + consult.number + "@" + s.server() + ":" + s.serverPort()
                    + "?Replaces=" + URLEncoder.encode(replaces, StandardCharsets.UTF_8)));
            transferTarget = consult.number;
        } catch (Exception e) {
            throw new IOException("attended transfer to " + consult.number + " not sent: " + e.getMessage(), e);
        }
    }

    /**
     * Three-way conference: with the call held and the third party answered on the second line, both are
     * moved (REFER) into this seat's conference room on Asterisk, then this phone dials into it; the room
     * call is this phone's call from then on.
     */
    public synchronized void conference() throws IOException {
        requireCall("conference");
        if (consult.state != CallState.ACTIVE || consult.dialog == null) {
            throw new IllegalStateException("call the third party first (consult), then conference");
        }
        String room = conferenceExtension();
        try {
            conferenceRoom = room;
            refer(call.dialog, addresses.createSipURI(room, s.server() + ":" + s.serverPort()));
            refer(consult.dialog, addresses.createSipURI(room, s.server() + ":" + s.serverPort()));
        } catch (Exception e) {
            conferenceRoom = null;
            throw new IOException("conference not started: " + e.getMessage(), e);
        }
    }

    /** This seat's conference room as dialled ({@code *3<extension>}, [onekey-conference] in the dialplan). */
    public String conferenceExtension() {
        return "*3" + s.user();
    }

    /** Hangs up the second line; the call {@link #consult} held is resumed. */
    public synchronized void hangupConsult() {
        if (consult.state == CallState.IDLE || consult.state == CallState.RINGING || consult.state == CallState.HELD) {
            return; // the second line only calls out: it never rings, and is never held
        }
        sendHangup(consult);
        endConsult("hung up");
    }

    public synchronized CallState consultState() {
        return consult.state;
    }

    /** The second line's RTP session (statistics); null when there is none. */
    public synchronized RtpSession consultRtp() {
        return consult.rtp;
    }

    private void requireCall(String what) {
        if (!call.connected()) {
            throw new IllegalStateException("no call to " + what);
        }
        if (transferTarget != null || conferenceRoom != null) {
            throw new IllegalStateException("a transfer is already under way");
        }
    }

    private static String checkNumber(String n) {
        String t = n == null ? "" : n.trim();
        if (!t.matches("[0-9*#+]{1,32}")) {
            throw new IllegalArgumentException("not a number to dial: '" + n + "' (digits, * # + only)");
        }
        return t;
    }

    private void refer(Dialog d, javax.sip.address.URI target) throws Exception {
        Request r = d.createRequest(Request.REFER);
        r.addHeader(headers.createReferToHeader(addresses.createAddress(target)));
        r.addHeader(headers.createHeader("Referred-By", "<sip:" + s.user() + "@" + s.server() + ">"));
        r.addHeader(contact());
        d.sendRequest(provider.getNewClientTransaction(r));
    }

    /** Ends a line: the call ({@link #end(String)}) or the second line ({@link #endConsult}). */
    private void end(SipLine line, String why) {
        if (line == call) {
            end(why);
        } else {
            endConsult(why);
        }
    }

    private synchronized void endConsult(String why) {
        boolean was = !consult.idle();
        consult.clear();
        if (call.rtp != null) {
            call.rtp.setSource(source); // back to the held call (still held until resumed)
            call.rtp.setSink(sink);
        }
        if (was) {
            setState(consult, CallState.IDLE, why);
        }
        if (heldForConsult && call.state == CallState.HELD && transferTarget == null && conferenceRoom == null) {
            try {
                hold(false); // the consultation is over without a transfer: back to the elder
            } catch (IOException | IllegalStateException e) {
                log.log(System.Logger.Level.WARNING, "sip.resume-failed callId=" + call.callId() + " error=" + e);
            }
        }
        heldForConsult = false;
        joinConferenceWhenMoved();
    }

    /** Both parties left for the room (their legs ended after the REFERs): dial in. */
    private void joinConferenceWhenMoved() {
        if (conferenceRoom == null || !call.idle() || !consult.idle()) {
            return;
        }
        String room = conferenceRoom;
        conferenceRoom = null;
        timers.execute(() -> {
            try {
                call(room);
                fire(() -> listener.transferResult(true, "conference: joining room " + room));
            } catch (Exception e) {
                fire(() -> listener.transferResult(false, "conference room " + room + " not reached: " + e.getMessage()));
            }
        });
    }

    /** The progress of our REFER (RFC 3515 NOTIFY with a sipfrag): act on the final status. */
    private synchronized void onReferNotify(String callId, Request req) {
        byte[] body = req.getRawContent();
        if (body == null) {
            return;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SIP/2\\.0 (\\d{3})")
                .matcher(new String(body, StandardCharsets.US_ASCII));
        if (!m.find()) {
            return;
        }
        int code = Integer.parseInt(m.group(1));
        if (code < 200) {
            return;
        }
        boolean onConsult = consult.owns(callId);
        boolean onMain = call.dialog != null && call.owns(callId);
        if (!onConsult && !onMain) {
            return;
        }
        if (code >= 300) {
            referFailed(code + " " + (m.end() < body.length ? new String(body, StandardCharsets.US_ASCII).substring(m.end()).trim() : ""));
            return;
        }
        if (onConsult) {
            byeQuietly(consult.dialog);
            endConsult("moved into the conference");
        } else if (conferenceRoom != null) {
            byeQuietly(call.dialog);
            end("moved into the conference");
        } else {
            String target = transferTarget;
            byeQuietly(call.dialog);
            end("transferred to " + target);
            if (!consult.idle()) {
                byeQuietly(consult.dialog);
                endConsult("transferred to " + target);
            }
            fire(() -> listener.transferResult(true, "transferred to " + target));
        }
    }

    private void referFailed(String why) {
        String what = conferenceRoom != null ? "conference" : "transfer to " + transferTarget;
        transferTarget = null;
        conferenceRoom = null;
        fire(() -> listener.transferResult(false, what + " failed: " + why));
    }

    private void byeQuietly(Dialog d) {
        try {
            if (d != null && d.getState() != null && d.getState() != javax.sip.DialogState.TERMINATED) {
                d.sendRequest(provider.getNewClientTransaction(d.createRequest(Request.BYE)));
            }
        } catch (Exception e) {
            // Asterisk hung it up first (its BYE crossed ours): nothing left to end
            log.log(System.Logger.Level.INFO, "sip.bye-not-sent callId=" + d.getCallId().getCallId() + " error=" + e);
        }
    }

    /** An answer to a line's INVITE: connected (ACK, audio), refused (the line ends), or early media. */
    private synchronized void onInviteResponse(SipLine line, ResponseEvent evt, int code, CSeqHeader cseq) throws Exception {
        Dialog d = evt.getDialog();
        if (code >= 200 && code < 300) {
            if (d != null) {
                d.sendAck(d.createAck(cseq.getSeqNumber()));
            }
            if (line.state == CallState.CALLING && evt.getClientTransaction() != null) {
                line.dialog = d;
                line.media(evt.getResponse().getRawContent());
                setState(line, CallState.ACTIVE, line == call ? "connected" : "connected to " + line.number);
            }
        } else if (code >= 300 && line.state == CallState.CALLING) {
            end(line, "call refused: " + code + " " + evt.getResponse().getReasonPhrase());
        } else if ((code == 183 || code == 180) && line.state == CallState.CALLING) {
            byte[] body = evt.getResponse().getRawContent();
            if (body != null && body.length > 0) {
                line.media(body); // early media (ring-back, IVR prompts): listen to it already
            }
        }
    }

    /** The line whose call this Call-ID is (the second line's first: its INVITE is the newer), or null. */
    private synchronized SipLine lineOf(String callId) {
        return consult.owns(callId) ? consult : call.owns(callId) ? call : null;
    }

    private static String callIdOf(javax.sip.message.Message m) {
        return SipLine.callIdOf(m);
    }

    private void openRtp(SipLine line) throws IOException {
        if (line.rtp != null) {
            line.rtp.close();
        }
        line.rtp = new RtpSession(s.localHost(), s.rtpStart(), s.rtpEnd(), source, sink);
    }

    private synchronized void end(String why) {
        if (call.idle()) {
            return;
        }
        call.clear();
        transferTarget = null;
        setState(call, CallState.IDLE, why);
        joinConferenceWhenMoved();
    }

    private void setState(SipLine line, CallState st, String detail) {
        line.state = st;
        if (line == call) {
            fire(() -> listener.callState(st, detail));
        } else {
            fire(() -> listener.consultState(st, detail));
        }
    }

    // ---- SipListener -------------------------------------------------------------------------------------

    @Override
    public void processRequest(RequestEvent evt) {
        Request req = evt.getRequest();
        String method = req.getMethod();
        ServerTransaction st = evt.getServerTransaction();
        try {
            if (st == null && !Request.ACK.equals(method)) {
                try {
                    st = provider.getNewServerTransaction(req);
                } catch (TransactionAlreadyExistsException e) {
                    return; // a retransmission
                }
            }
            switch (method) {
                case Request.INVITE -> onInvite(st, req);
                case Request.BYE -> {
                    st.sendResponse(messages.createResponse(Response.OK, req));
                    synchronized (this) {
                        SipLine line = lineOf(callIdOf(req));
                        if (line == consult) {
                            endConsult(conferenceRoom != null ? "moved into the conference" : "the other side hung up");
                        } else if (line == call) {
                            end(conferenceRoom != null ? "moved into the conference"
                                    : transferTarget != null ? "transferred to " + transferTarget : "the other side hung up");
                        }
                    }
                }
                case Request.NOTIFY -> {
                    st.sendResponse(messages.createResponse(Response.OK, req));
                    if ("refer".equalsIgnoreCase(String.valueOf(req.getHeader("Event")).replaceFirst("(?i)^Event:", "").trim()
                            .split(";")[0].trim())) {
                        onReferNotify(callIdOf(req), req);
                    }
                }
                case Request.CANCEL -> {
                    st.sendResponse(messages.createResponse(Response.OK, req));
                    synchronized (this) {
                        if (call.state == CallState.RINGING && call.inviteIn != null) {
                            Response terminated = messages.createResponse(Response.REQUEST_TERMINATED, call.inviteIn.getRequest());
                            ((ToHeader) terminated.getHeader(ToHeader.NAME)).setTag(localTag);
                            call.inviteIn.sendResponse(terminated);
                            end("the caller gave up");
                        }
                    }
                }
                case Request.ACK -> {
                    // dialog confirmed
                }
                case Request.OPTIONS, Request.UPDATE, Request.INFO ->
                        st.sendResponse(messages.createResponse(Response.OK, req));
                default -> st.sendResponse(messages.createResponse(Response.METHOD_NOT_ALLOWED, req));
            }
        } catch (java.text.ParseException | javax.sip.InvalidArgumentException | SipException e) {
            // what a malformed request (or one the stack cannot answer on) makes JAIN-SIP throw
            log.log(System.Logger.Level.WARNING, "sip.request-refused method=" + method + " callId=" + callIdOf(req)
                    + " error=" + e);
        } catch (Exception e) {
            // a bug in our handling: never silent, and the other side hears it instead of retransmitting
            log.log(System.Logger.Level.ERROR, "sip.request-failed method=" + method + " callId=" + callIdOf(req)
                    + " error=" + e, e);
            answerServerError(st, req);
        }
    }

    /** 500 Server Internal Error on a transaction that has not sent its final answer yet. */
    private void answerServerError(ServerTransaction st, Request req) {
        if (st == null || Request.ACK.equals(req.getMethod())) {
            return;
        }
        javax.sip.TransactionState ts = st.getState();
        if (ts != null && ts != javax.sip.TransactionState.TRYING && ts != javax.sip.TransactionState.PROCEEDING) {
            return; // a final answer went out already
        }
        try {
            Response r = messages.createResponse(Response.SERVER_INTERNAL_ERROR, req);
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (to != null && to.getTag() == null) {
                to.setTag(localTag);
            }
            st.sendResponse(r);
        } catch (Exception x) {
            log.log(System.Logger.Level.WARNING, "sip.answer-failed method=" + req.getMethod() + " callId="
                    + callIdOf(req) + " status=500 error=" + x);
        }
        synchronized (this) {
            if (call.state == CallState.RINGING && call.inviteIn == st) {
                end("the call could not be taken (internal error)");
            }
        }
    }

    private synchronized void onInvite(ServerTransaction st, Request req) throws Exception {
        SipLine line = lineOf(callIdOf(req));
        if (line != null && line.dialog != null && line.rtp != null) {
            // a re-INVITE on a line (session refresh, remote hold): answer with its current SDP
            line.remoteMoved(req.getRawContent());
            Response ok = messages.createResponse(Response.OK, req);
            ok.addHeader(contact());
            ok.setContent(Sdp.write(s.localHost(), line.rtp.localPort(), List.of(line.payloadType), line.dtmfType,
                    line.state == CallState.HELD ? "sendonly" : "sendrecv"), headers.createContentTypeHeader("application", "sdp"));
            st.sendResponse(ok);
            return;
        }
        if (!call.idle() || !consult.idle()) { // one call (and its second line) at a time
            st.sendResponse(messages.createResponse(Response.BUSY_HERE, req));
            return;
        }
        byte[] body = req.getRawContent();
        if (body == null || body.length == 0) {
            st.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, req));
            return;
        }
        call.remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
        call.inviteIn = st;
        Response ringing = messages.createResponse(Response.RINGING, req);
        ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(localTag);
        ringing.addHeader(contact());
        st.sendResponse(ringing);
        FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
        String user = from.getAddress().getURI() instanceof SipURI u ? u.getUser() : from.getAddress().getURI().toString();
        String name = from.getAddress().getDisplayName();
        setState(call, CallState.RINGING, "ringing");
        fire(() -> listener.ringing(user, name));
    }

    @Override
    public void processResponse(ResponseEvent evt) {
        Response r = evt.getResponse();
        registration.heard();
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        String method = cseq.getMethod();
        int code = r.getStatusCode();
        ClientTransaction ct = evt.getClientTransaction();
        if (Request.OPTIONS.equals(method)) {
            return; // the keepalive: any answer (even 401) says the server is there
        }
        try {
            if ((code == Response.UNAUTHORIZED || code == Response.PROXY_AUTHENTICATION_REQUIRED) && ct != null) {
                if (Request.REGISTER.equals(method) && ct.getRequest().getHeader("Authorization") != null
                        && !isStale(r)) {
                    registration.failed("wrong SIP secret for " + s.user() + " (" + code + ")");
                    return;
                }
                ClientTransaction retry = auth.handleChallenge(r, ct, provider, 5);
                if (Request.REGISTER.equals(method)) {
                    registration.challenged(retry.getRequest());
                } else if (Request.INVITE.equals(method)) {
                    synchronized (this) {
                        SipLine line = lineOf(callIdOf(r));
                        if (line != null) {
                            line.inviteOut = retry;
                        }
                    }
                }
                retry.sendRequest();
                return;
            }
            switch (method) {
                case Request.REGISTER -> registration.answered(code, r);
                case Request.INVITE -> {
                    SipLine line = lineOf(callIdOf(r));
                    if (line != null) {
                        onInviteResponse(line, evt, code, cseq);
                    } else if (code >= 200 && code < 300 && evt.getDialog() != null) {
                        // an answer to a call this phone gave up meanwhile (CANCEL crossed the 200): ACK and end it
                        evt.getDialog().sendAck(evt.getDialog().createAck(cseq.getSeqNumber()));
                        byeQuietly(evt.getDialog());
                    }
                }
                case Request.REFER -> {
                    if (code >= 300) {
                        synchronized (this) {
                            referFailed(code + " " + r.getReasonPhrase());
                        }
                    }
                }
                default -> {
                    // BYE/CANCEL answers need nothing
                }
            }
        } catch (Exception e) {
            responseFailed(evt, method, code, e);
        }
    }

    /**
     * Our handling of a response failed: never silent. A REGISTER's counts as a failed registration (retried); an
     * INVITE's leaves a line half set up, so the dialog (if the answer made one) is ended with BYE and the line is
     * shown ended, rather than a phone that believes it is still dialling while the other side waits for ACK.
     */
    private void responseFailed(ResponseEvent evt, String method, int code, Exception e) {
        String callId = callIdOf(evt.getResponse());
        boolean expected = e instanceof java.text.ParseException || e instanceof javax.sip.InvalidArgumentException
                || e instanceof SipException;
        log.log(expected ? System.Logger.Level.WARNING : System.Logger.Level.ERROR, "sip.response-failed method="
                + method + " status=" + code + " callId=" + callId + " error=" + e, expected ? null : e);
        if (Request.REGISTER.equals(method)) {
            registration.failed("registration failed: " + e.getMessage());
        } else if (Request.INVITE.equals(method)) {
            synchronized (this) {
                SipLine line = lineOf(callId);
                if (line != null && line.state == CallState.CALLING) {
                    byeQuietly(evt.getDialog());
                    end(line, "call failed: " + e);
                }
            }
        }
    }

    private static boolean isStale(Response r) {
        var h = r.getHeader("WWW-Authenticate");
        return h != null && h.toString().toLowerCase().contains("stale=true");
    }

    @Override
    public void processTimeout(TimeoutEvent evt) {
        if (evt.isServerTransaction()) {
            return;
        }
        Request req = evt.getClientTransaction().getRequest();
        String method = req.getMethod();
        try {
            if (Request.REGISTER.equals(method)) {
                registration.timedOut(req);
            } else if (Request.INVITE.equals(method)) {
                synchronized (this) {
                    SipLine line = lineOf(callIdOf(req));
                    if (line != null) {
                        end(line, "no answer to the call");
                    }
                }
            }
            // OPTIONS: the keepalive's own deadline has said so already
        } catch (RuntimeException e) {
            // the stack would log it to its own quiet log only
            log.log(System.Logger.Level.ERROR, "sip.timeout-failed method=" + method + " callId=" + callIdOf(req)
                    + " error=" + e, e);
        }
    }

    @Override
    public void processIOException(IOExceptionEvent evt) {
        // UDP: nothing to do, the transaction times out
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent evt) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent evt) {
    }

    /** Unregisters (Expires 0) best effort, hangs up and stops the stack. */
    @Override
    public void close() {
        hangup();
        registration.close();
        timers.shutdownNow();
        events.shutdown();
        if (stack != null) {
            try {
                provider.removeSipListener(this);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.DEBUG, "sip.close listener already removed: " + e);
            }
            try {
                stack.stop();
            } catch (RuntimeException e) {
                // JAIN-SIP's UDP processor makes its list of channel threads on its own thread after the start: a phone
                // closed right after its start meets it unmade (NullPointerException) or being filled
                // (ConcurrentModificationException; fresh clones' SipPhonePortTest, twice). Its socket is closed and
                // it is out of the stack before that; the second stop finishes the rest of the stack
                log.log(System.Logger.Level.WARNING, "sip.close stack stopped during its own start: " + e + "; stopping again");
                try {
                    stack.stop();
                } catch (RuntimeException again) {
                    log.log(System.Logger.Level.WARNING, "sip.close second stop: " + again);
                }
            }
        }
    }
}
