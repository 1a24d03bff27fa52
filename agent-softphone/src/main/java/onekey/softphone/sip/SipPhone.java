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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    static final int MAX_RETRY_S = 16;
    private static final int DTMF_PT = 101;

    private final Settings s;
    private final AudioSource source;
    private final AudioSink sink;
    private final Listener listener;
    private final ExecutorService events;
    private final ScheduledExecutorService timers;
    private SipStack stack;
    private SipProvider provider;
    private AddressFactory addresses;
    private HeaderFactory headers;
    private MessageFactory messages;
    private AuthenticationHelper auth;
    private static final System.Logger log = System.getLogger(SipPhone.class.getName());

    private int localPort;
    private final String localTag = Long.toHexString(Double.doubleToLongBits(Math.random()));

    // registration
    private final String registerCallId = UUID.randomUUID().toString();
    private long registerCseq = 1;
    private volatile boolean registered;
    private ScheduledFuture<?> registerTimer;
    private volatile boolean closed;
    /** Registration failures in a row: the retry waits 1, 2, 4 … up to {@link #MAX_RETRY_S} seconds. */
    private int failures;
    /** Any SIP response from the server (nanoTime): the keepalive's proof that the server is there. */
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile int keepaliveSeconds = 5;

    // the call (guarded by this)
    private CallState state = CallState.IDLE;
    private ServerTransaction inviteIn;
    private ClientTransaction inviteOut;
    private Dialog dialog;
    private Sdp remoteSdp;
    private RtpSession rtp;
    private int payloadType = 0;
    private int dtmfType = DTMF_PT;
    private long callsAnswered;

    // transfer and the second line (guarded by this)
    private static final AudioSource SILENCE = () -> new short[AudioSource.FRAME];
    private String transferTarget;      // a REFER on the call is under way: to whom
    private String consultCallId;
    private ClientTransaction consultOut;
    private Dialog consultDialog;
    private RtpSession consultRtp;
    private CallState consultState = CallState.IDLE;
    private int consultPt;
    private String consultNumber;
    private String conferenceRoom;      // both parties are being moved into this room
    private boolean heldForConsult;     // consult() put the call on hold: a second line that ends alone resumes it

    public SipPhone(Settings settings, AudioSource source, AudioSink sink, Listener listener) {
        this.s = settings;
        this.source = source;
        this.sink = sink;
        this.listener = listener == null ? new Listener() { } : listener;
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "sip-events-" + settings.user()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sip-timers-" + settings.user()));
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
            localPort = freeUdpPort(s.localHost());
            ListeningPoint lp = stack.createListeningPoint(s.localHost(), localPort, ListeningPoint.UDP);
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
            timers.execute(this::register);
            timers.scheduleWithFixedDelay(this::keepalive, keepaliveSeconds, keepaliveSeconds, TimeUnit.SECONDS);
        }
        return this;
    }

    /**
     * How often a registered phone asks the server whether it is still there (OPTIONS); no answer within
     * {@code seconds} - 1 s (at least 2 s) means unregistered, and registering starts again with back-off. Before start.
     */
    public SipPhone keepalive(int seconds) {
        keepaliveSeconds = Math.max(2, seconds);
        return this;
    }

    /**
     * A restarted Asterisk, a network cut: nothing tells a UDP phone, and a refresh due in half the registration
     * time would take its transaction timeout (32 s) more to fail. So a registered phone pings the server.
     */
    private void keepalive() {
        if (closed || !registered) {
            return;
        }
        long sent = System.nanoTime();
        try {
            Request r;
            synchronized (this) {
                SipURI uri = addresses.createSipURI(null, s.server() + ":" + s.serverPort());
                Address me = addresses.createAddress(addresses.createSipURI(s.user(), s.server()));
                r = messages.createRequest(uri, Request.OPTIONS, provider.getNewCallId(),
                        headers.createCSeqHeader(1L, Request.OPTIONS), headers.createFromHeader(me, localTag),
                        headers.createToHeader(addresses.createAddress(uri), null), vias(), headers.createMaxForwardsHeader(70));
            }
            provider.getNewClientTransaction(r).sendRequest();
        } catch (Exception e) {
            registrationFailed("keepalive not sent: " + e.getMessage());
            return;
        }
        long wait = Math.max(2, keepaliveSeconds - 1);
        timers.schedule(() -> {
            if (registered && lastHeardNanos - sent < 0) {
                registrationFailed("no answer from " + s.server() + ":" + s.serverPort() + " for " + wait + " s");
            }
        }, wait, TimeUnit.SECONDS);
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
        return registered;
    }

    public synchronized CallState state() {
        return state;
    }

    /** The current (or last) call's RTP session, for statistics; null before the first call. */
    public synchronized RtpSession rtp() {
        return rtp;
    }

    public synchronized long callsAnswered() {
        return callsAnswered;
    }

    // ---- registration ------------------------------------------------------------------------------------

    private void register() {
        if (closed) {
            return;
        }
        try {
            Request r;
            synchronized (this) {
                SipURI uri = addresses.createSipURI(null, s.server() + ":" + s.serverPort());
                Address me = addresses.createAddress(addresses.createSipURI(s.user(), s.server()));
                r = messages.createRequest(uri, Request.REGISTER, headers.createCallIdHeader(registerCallId),
                        headers.createCSeqHeader(registerCseq++, Request.REGISTER), headers.createFromHeader(me, localTag),
                        headers.createToHeader(me, null), vias(), headers.createMaxForwardsHeader(70));
                r.addHeader(contact());
                r.addHeader(headers.createExpiresHeader(s.registerExpires()));
                r.addHeader(headers.createUserAgentHeader(List.of("OneKey-softphone")));
            }
            provider.getNewClientTransaction(r).sendRequest();
        } catch (Exception e) {
            registrationFailed("REGISTER not sent: " + e.getMessage());
        }
    }

    private void registrationFailed(String why) {
        registered = false;
        fire(() -> listener.registration(false, why)); // every failure: the window shows the latest reason
        long wait;
        synchronized (this) {
            wait = Math.min(MAX_RETRY_S, 1L << Math.min(failures, 5));
            failures++;
        }
        schedule(this::register, wait);
    }

    private synchronized void schedule(Runnable r, long seconds) {
        if (closed) {
            return;
        }
        if (registerTimer != null) {
            registerTimer.cancel(false);
        }
        registerTimer = timers.schedule(r, seconds, TimeUnit.SECONDS);
    }

    private ArrayList<ViaHeader> vias() throws Exception {
        ArrayList<ViaHeader> v = new ArrayList<>();
        ViaHeader via = headers.createViaHeader(s.localHost(), localPort, ListeningPoint.UDP, null);
        via.setRPort();
        v.add(via);
        return v;
    }

    private ContactHeader contact() throws Exception {
        SipURI c = addresses.createSipURI(s.user(), s.localHost() + ":" + localPort);
        c.setTransportParam("udp");
        return headers.createContactHeader(addresses.createAddress(c));
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
        if (state != CallState.RINGING || inviteIn == null) {
            throw new IllegalStateException("no call is ringing");
        }
        try {
            Request inv = inviteIn.getRequest();
            int pt = remoteSdp.g711();
            if (pt < 0) {
                inviteIn.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, inv));
                end("no G.711 in the offer");
                return;
            }
            payloadType = pt;
            dtmfType = remoteSdp.dtmfType() > 0 ? remoteSdp.dtmfType() : DTMF_PT;
            openRtp();
            Response ok = messages.createResponse(Response.OK, inv);
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(localTag);
            ok.addHeader(contact());
            ok.setContent(Sdp.write(s.localHost(), rtp.localPort(), List.of(pt), dtmfType, "sendrecv"),
                    headers.createContentTypeHeader("application", "sdp"));
            inviteIn.sendResponse(ok);
            dialog = inviteIn.getDialog();
            rtp.start(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()), payloadType, dtmfType);
            callsAnswered++;
            setState(CallState.ACTIVE, "answered");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not answer: " + e.getMessage(), e);
        }
    }

    /** Calls {@code number} at the server (no registration needed through an IP-identified trunk). */
    public synchronized void call(String number) throws IOException {
        if (state != CallState.IDLE || consultState != CallState.IDLE) {
            throw new IllegalStateException("already in a call");
        }
        try {
            openRtp();
            inviteOut = provider.getNewClientTransaction(invite(number, rtp.localPort()));
            setState(CallState.CALLING, "dialling " + number);
            inviteOut.sendRequest();
        } catch (Exception e) {
            end("call failed: " + e.getMessage());
            throw new IOException("could not call " + number + ": " + e.getMessage(), e);
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
        try {
            switch (state) {
                case IDLE -> {
                    return;
                }
                case RINGING -> {
                    Response decline = messages.createResponse(Response.DECLINE, inviteIn.getRequest());
                    ((ToHeader) decline.getHeader(ToHeader.NAME)).setTag(localTag);
                    inviteIn.sendResponse(decline);
                }
                case CALLING -> {
                    if (inviteOut != null) {
                        provider.getNewClientTransaction(inviteOut.createCancel()).sendRequest();
                    }
                }
                case ACTIVE, HELD -> {
                    Request bye = dialog.createRequest(Request.BYE);
                    dialog.sendRequest(provider.getNewClientTransaction(bye));
                }
            }
        } catch (Exception e) {
            // the peer may already be gone: end our side anyway
        }
        end("hung up");
        hangupConsult();
    }

    /** Hold (re-INVITE a=sendonly, stop sending audio) or resume. */
    public synchronized void hold(boolean on) throws IOException {
        if (state != CallState.ACTIVE && state != CallState.HELD || dialog == null) {
            throw new IllegalStateException("no call to " + (on ? "hold" : "resume"));
        }
        if (!on && consultState != CallState.IDLE) {
            throw new IllegalStateException("a consultation call is open: complete, conference or hang it up first");
        }
        try {
            Request re = dialog.createRequest(Request.INVITE);
            re.addHeader(contact());
            re.setContent(Sdp.write(s.localHost(), rtp.localPort(), List.of(payloadType), dtmfType,
                    on ? "sendonly" : "sendrecv"), headers.createContentTypeHeader("application", "sdp"));
            dialog.sendRequest(provider.getNewClientTransaction(re));
            rtp.setHeld(on);
            setState(on ? CallState.HELD : CallState.ACTIVE, on ? "on hold" : "resumed");
        } catch (Exception e) {
            throw new IOException("hold failed: " + e.getMessage(), e);
        }
    }

    public synchronized void mute(boolean on) {
        if (rtp != null) {
            rtp.setMuted(on);
        }
    }

    public synchronized boolean muted() {
        return rtp != null && rtp.muted();
    }

    /** Sends RFC 4733 DTMF on the call. */
    public synchronized void sendDtmf(String digits) {
        if (rtp == null || state != CallState.ACTIVE) {
            throw new IllegalStateException("no active call for DTMF");
        }
        rtp.sendDtmf(digits);
    }

    // ---- transfer, the second line, conference (issue 7) ---------------------------------------------

    /**
     * Blind transfer (REFER): Asterisk puts the other party through to {@code target} (a seat's extension, or
     * any number, which goes out through the trunk) and this phone's call ends when Asterisk reports success.
     */
    public synchronized void transfer(String target) throws IOException {
        requireCall("transfer");
        if (consultState != CallState.IDLE) {
            throw new IllegalStateException("a consultation call is open: complete the transfer or hang it up first");
        }
        String t = checkNumber(target);
        try {
            refer(dialog, addresses.createSipURI(t, s.server() + ":" + s.serverPort()));
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
        if (consultState != CallState.IDLE) {
            throw new IllegalStateException("a consultation call is already open");
        }
        String n = checkNumber(number);
        heldForConsult = state == CallState.ACTIVE;
        if (heldForConsult) {
            hold(true);
        }
        rtp.setSource(SILENCE); // one microphone, one loudspeaker: they follow the line in use
        rtp.setSink(null);
        try {
            consultRtp = new RtpSession(s.localHost(), s.rtpStart(), s.rtpEnd(), source, sink);
            Request inv = invite(n, consultRtp.localPort());
            consultCallId = ((CallIdHeader) inv.getHeader(CallIdHeader.NAME)).getCallId();
            consultOut = provider.getNewClientTransaction(inv);
            consultNumber = n;
            setConsultState(CallState.CALLING, "dialling " + n);
            consultOut.sendRequest();
        } catch (Exception e) {
            endConsult("consultation call failed: " + e.getMessage());
            throw new IOException("could not call " + n + ": " + e.getMessage(), e);
        }
    }

    /** Attended transfer, second step: REFER with Replaces; the held party and the consulted one are joined. */
    public synchronized void completeTransfer() throws IOException {
        requireCall("transfer");
        if (consultState != CallState.ACTIVE || consultDialog == null) {
            throw new IllegalStateException("no answered consultation call to transfer to");
        }
        try {
            String replaces = consultDialog.getCallId().getCallId() + ";to-tag=" + consultDialog.getRemoteTag()
                    + ";from-tag=" + consultDialog.getLocalTag();
            refer(dialog, addresses.createURI("sip:" + consultNumber + "@" + s.server() + ":" + s.serverPort()
                    + "?Replaces=" + URLEncoder.encode(replaces, StandardCharsets.UTF_8)));
            transferTarget = consultNumber;
        } catch (Exception e) {
            throw new IOException("attended transfer to " + consultNumber + " not sent: " + e.getMessage(), e);
        }
    }

    /**
     * Three-way conference: with the call held and the third party answered on the second line, both are
     * moved (REFER) into this seat's conference room on Asterisk, then this phone dials into it; the room
     * call is this phone's call from then on.
     */
    public synchronized void conference() throws IOException {
        requireCall("conference");
        if (consultState != CallState.ACTIVE || consultDialog == null) {
            throw new IllegalStateException("call the third party first (consult), then conference");
        }
        String room = conferenceExtension();
        try {
            conferenceRoom = room;
            refer(dialog, addresses.createSipURI(room, s.server() + ":" + s.serverPort()));
            refer(consultDialog, addresses.createSipURI(room, s.server() + ":" + s.serverPort()));
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
        try {
            switch (consultState) {
                case IDLE, RINGING, HELD -> {
                    return;
                }
                case CALLING -> {
                    if (consultOut != null) {
                        provider.getNewClientTransaction(consultOut.createCancel()).sendRequest();
                    }
                }
                case ACTIVE -> consultDialog.sendRequest(provider.getNewClientTransaction(consultDialog.createRequest(Request.BYE)));
            }
        } catch (Exception e) {
            // the peer may already be gone
        }
        endConsult("hung up");
    }

    public synchronized CallState consultState() {
        return consultState;
    }

    /** The second line's RTP session (statistics); null when there is none. */
    public synchronized RtpSession consultRtp() {
        return consultRtp;
    }

    private void requireCall(String what) {
        if (state != CallState.ACTIVE && state != CallState.HELD || dialog == null) {
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

    private void setConsultState(CallState st, String detail) {
        consultState = st;
        fire(() -> listener.consultState(st, detail));
    }

    private synchronized void endConsult(String why) {
        if (consultRtp != null) {
            consultRtp.close();
        }
        boolean was = consultState != CallState.IDLE;
        consultRtp = null;
        consultOut = null;
        consultDialog = null;
        consultCallId = null;
        consultNumber = null;
        if (rtp != null) {
            rtp.setSource(source); // back to the held call (still held until resumed)
            rtp.setSink(sink);
        }
        if (was) {
            setConsultState(CallState.IDLE, why);
        }
        if (heldForConsult && state == CallState.HELD && transferTarget == null && conferenceRoom == null) {
            try {
                hold(false); // the consultation is over without a transfer: back to the elder
            } catch (IOException | IllegalStateException e) {
                // the call ended meanwhile
            }
        }
        heldForConsult = false;
        joinConferenceWhenMoved();
    }

    /** Both parties left for the room (their legs ended after the REFERs): dial in. */
    private void joinConferenceWhenMoved() {
        if (conferenceRoom == null || state != CallState.IDLE || consultState != CallState.IDLE) {
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
        boolean onConsult = callId.equals(consultCallId);
        boolean onMain = dialog != null && callId.equals(dialog.getCallId().getCallId());
        if (!onConsult && !onMain) {
            return;
        }
        if (code >= 300) {
            referFailed(code + " " + (m.end() < body.length ? new String(body, StandardCharsets.US_ASCII).substring(m.end()).trim() : ""));
            return;
        }
        if (onConsult) {
            byeQuietly(consultDialog);
            endConsult("moved into the conference");
        } else if (conferenceRoom != null) {
            byeQuietly(dialog);
            end("moved into the conference");
        } else {
            String target = transferTarget;
            byeQuietly(dialog);
            end("transferred to " + target);
            if (consultState != CallState.IDLE) {
                byeQuietly(consultDialog);
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
            // Asterisk hung it up first
        }
    }

    private synchronized void onConsultInviteResponse(ResponseEvent evt, int code, CSeqHeader cseq) throws Exception {
        Dialog d = evt.getDialog();
        if (code >= 200 && code < 300) {
            if (d != null) {
                d.sendAck(d.createAck(cseq.getSeqNumber()));
            }
            if (consultState == CallState.CALLING) {
                consultDialog = d;
                Sdp sdp = Sdp.parse(new String(evt.getResponse().getRawContent(), StandardCharsets.US_ASCII));
                consultPt = Math.max(0, sdp.g711());
                consultRtp.start(new InetSocketAddress(sdp.host(), sdp.port()), Math.max(0, sdp.g711()),
                        sdp.dtmfType() > 0 ? sdp.dtmfType() : DTMF_PT);
                setConsultState(CallState.ACTIVE, "connected to " + consultNumber);
            }
        } else if (code >= 300 && consultState == CallState.CALLING) {
            endConsult("call refused: " + code + " " + evt.getResponse().getReasonPhrase());
        } else if ((code == 183 || code == 180) && consultState == CallState.CALLING) {
            byte[] body = evt.getResponse().getRawContent();
            if (body != null && body.length > 0) {
                Sdp sdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
                consultRtp.start(new InetSocketAddress(sdp.host(), sdp.port()), Math.max(0, sdp.g711()),
                        sdp.dtmfType() > 0 ? sdp.dtmfType() : DTMF_PT);
            }
        }
    }

    /** The call-id of the call (connected, ringing or being dialled); null when idle. */
    private String mainCallId() {
        if (dialog != null) {
            return dialog.getCallId().getCallId();
        }
        if (inviteIn != null) {
            return callIdOf(inviteIn.getRequest());
        }
        return inviteOut != null ? callIdOf(inviteOut.getRequest()) : null;
    }

    private synchronized String consultCallIdNow() {
        return consultCallId;
    }

    private static String callIdOf(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? "" : h.getCallId();
    }

    private void openRtp() throws IOException {
        if (rtp != null) {
            rtp.close();
        }
        rtp = new RtpSession(s.localHost(), s.rtpStart(), s.rtpEnd(), source, sink);
    }

    private synchronized void end(String why) {
        if (state == CallState.IDLE) {
            return;
        }
        if (rtp != null) {
            rtp.close();
        }
        inviteIn = null;
        inviteOut = null;
        dialog = null;
        remoteSdp = null;
        transferTarget = null;
        setState(CallState.IDLE, why);
        joinConferenceWhenMoved();
    }

    private void setState(CallState st, String detail) {
        state = st;
        fire(() -> listener.callState(st, detail));
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
                        if (callIdOf(req).equals(consultCallId)) {
                            endConsult(conferenceRoom != null ? "moved into the conference" : "the other side hung up");
                        } else if (callIdOf(req).equals(mainCallId())) {
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
                        if (state == CallState.RINGING && inviteIn != null) {
                            Response terminated = messages.createResponse(Response.REQUEST_TERMINATED, inviteIn.getRequest());
                            ((ToHeader) terminated.getHeader(ToHeader.NAME)).setTag(localTag);
                            inviteIn.sendResponse(terminated);
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
    }

    private synchronized void onInvite(ServerTransaction st, Request req) throws Exception {
        if (consultRtp != null && callIdOf(req).equals(consultCallId)) {
            // re-INVITE on the second line: answer with its current SDP
            byte[] body = req.getRawContent();
            if (body != null && body.length > 0) {
                Sdp sdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
                consultRtp.setRemote(new InetSocketAddress(sdp.host(), sdp.port()));
            }
            Response ok = messages.createResponse(Response.OK, req);
            ok.addHeader(contact());
            ok.setContent(Sdp.write(s.localHost(), consultRtp.localPort(), List.of(consultPt), DTMF_PT, "sendrecv"),
                    headers.createContentTypeHeader("application", "sdp"));
            st.sendResponse(ok);
            return;
        }
        if (st.getDialog() != null && dialog != null && st.getDialog().equals(dialog)) {
            // re-INVITE inside our call (session refresh, remote hold): answer with our current SDP
            byte[] body = req.getRawContent();
            if (body != null && body.length > 0) {
                remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
                rtp.setRemote(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()));
            }
            Response ok = messages.createResponse(Response.OK, req);
            ok.addHeader(contact());
            ok.setContent(Sdp.write(s.localHost(), rtp.localPort(), List.of(payloadType), dtmfType,
                    state == CallState.HELD ? "sendonly" : "sendrecv"), headers.createContentTypeHeader("application", "sdp"));
            st.sendResponse(ok);
            return;
        }
        if (state != CallState.IDLE || consultState != CallState.IDLE) { // one call (and its second line) at a time
            st.sendResponse(messages.createResponse(Response.BUSY_HERE, req));
            return;
        }
        byte[] body = req.getRawContent();
        if (body == null || body.length == 0) {
            st.sendResponse(messages.createResponse(Response.NOT_ACCEPTABLE_HERE, req));
            return;
        }
        remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
        inviteIn = st;
        Response ringing = messages.createResponse(Response.RINGING, req);
        ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(localTag);
        ringing.addHeader(contact());
        st.sendResponse(ringing);
        FromHeader from = (FromHeader) req.getHeader(FromHeader.NAME);
        String user = from.getAddress().getURI() instanceof SipURI u ? u.getUser() : from.getAddress().getURI().toString();
        String name = from.getAddress().getDisplayName();
        setState(CallState.RINGING, "ringing");
        fire(() -> listener.ringing(user, name));
    }

    @Override
    public void processResponse(ResponseEvent evt) {
        Response r = evt.getResponse();
        lastHeardNanos = System.nanoTime();
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
                    registrationFailed("wrong SIP secret for " + s.user() + " (" + code + ")");
                    return;
                }
                ClientTransaction retry = auth.handleChallenge(r, ct, provider, 5);
                if (Request.REGISTER.equals(method)) {
                    synchronized (this) {
                        registerCseq = ((CSeqHeader) retry.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber() + 1;
                    }
                } else if (Request.INVITE.equals(method)) {
                    synchronized (this) {
                        if (callIdOf(r).equals(consultCallId)) {
                            consultOut = retry;
                        } else {
                            inviteOut = retry;
                        }
                    }
                }
                retry.sendRequest();
                return;
            }
            switch (method) {
                case Request.REGISTER -> onRegisterResponse(code, r);
                case Request.INVITE -> {
                    if (callIdOf(r).equals(consultCallIdNow())) {
                        onConsultInviteResponse(evt, code, cseq);
                    } else {
                        onInviteResponse(evt, code, cseq);
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
            if (Request.REGISTER.equals(method)) {
                registrationFailed("registration failed: " + e.getMessage());
            }
        }
    }

    private int grantedExpires(Response r) {
        ContactHeader c = (ContactHeader) r.getHeader(ContactHeader.NAME);
        if (c != null && c.getExpires() > 0) {
            return c.getExpires();
        }
        javax.sip.header.ExpiresHeader e = (javax.sip.header.ExpiresHeader) r.getHeader(javax.sip.header.ExpiresHeader.NAME);
        return e != null && e.getExpires() > 0 ? e.getExpires() : s.registerExpires();
    }

    private static boolean isStale(Response r) {
        var h = r.getHeader("WWW-Authenticate");
        return h != null && h.toString().toLowerCase().contains("stale=true");
    }

    private void onRegisterResponse(int code, Response r) {
        if (code >= 200 && code < 300) {
            boolean was = registered;
            registered = true;
            synchronized (this) {
                failures = 0;
            }
            if (!was) {
                fire(() -> listener.registration(true, "registered as " + s.user() + " at " + s.server() + ":" + s.serverPort()));
            }
            // refreshed at half the time the server granted (it may shorten or lengthen what we asked for)
            schedule(this::register, Math.max(5, grantedExpires(r) / 2));
        } else if (code >= 300) {
            registrationFailed("registration refused: " + code + " " + r.getReasonPhrase());
        }
    }

    private synchronized void onInviteResponse(ResponseEvent evt, int code, CSeqHeader cseq) throws Exception {
        Dialog d = evt.getDialog();
        if (code >= 200 && code < 300) {
            if (d != null) {
                d.sendAck(d.createAck(cseq.getSeqNumber()));
            }
            if (state == CallState.CALLING && evt.getClientTransaction() != null) {
                dialog = d;
                byte[] body = evt.getResponse().getRawContent();
                remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
                payloadType = Math.max(0, remoteSdp.g711());
                dtmfType = remoteSdp.dtmfType() > 0 ? remoteSdp.dtmfType() : DTMF_PT;
                rtp.start(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()), payloadType, dtmfType);
                setState(CallState.ACTIVE, "connected");
            }
        } else if (code >= 300 && state == CallState.CALLING) {
            end("call refused: " + code + " " + evt.getResponse().getReasonPhrase());
        } else if (code == 183 || code == 180) {
            byte[] body = evt.getResponse().getRawContent();
            if (body != null && body.length > 0 && state == CallState.CALLING) {
                // early media (ring-back, IVR prompts): listen to it already
                remoteSdp = Sdp.parse(new String(body, StandardCharsets.US_ASCII));
                payloadType = Math.max(0, remoteSdp.g711());
                rtp.start(new InetSocketAddress(remoteSdp.host(), remoteSdp.port()), payloadType,
                        remoteSdp.dtmfType() > 0 ? remoteSdp.dtmfType() : DTMF_PT);
            }
        }
    }

    @Override
    public void processTimeout(TimeoutEvent evt) {
        if (evt.isServerTransaction()) {
            return;
        }
        Request req = evt.getClientTransaction().getRequest();
        String method = req.getMethod();
        if (Request.REGISTER.equals(method)) {
            long seq = ((CSeqHeader) req.getHeader(CSeqHeader.NAME)).getSeqNumber();
            synchronized (this) {
                if (seq < registerCseq - 1) {
                    return; // an older attempt, overtaken by a newer REGISTER (which may have succeeded)
                }
            }
            registrationFailed("no answer from " + s.server() + ":" + s.serverPort());
        } else if (Request.OPTIONS.equals(method)) {
            // the keepalive's own deadline has said so already
        } else if (Request.INVITE.equals(method)) {
            if (callIdOf(evt.getClientTransaction().getRequest()).equals(consultCallIdNow())) {
                endConsult("no answer to the call");
            } else {
                end("no answer to the call");
            }
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
        synchronized (this) {
            closed = true;
            if (registerTimer != null) {
                registerTimer.cancel(false);
            }
        }
        timers.shutdownNow();
        events.shutdown();
        if (stack != null) {
            try {
                provider.removeSipListener(this);
            } catch (RuntimeException e) {
                // closing
            }
            stack.stop();
        }
    }
}
