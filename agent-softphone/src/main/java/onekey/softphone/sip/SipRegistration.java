package onekey.softphone.sip;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The phone's registration (apart from its lines, issue 17 item 7): REGISTER with digest authentication (the
 * challenge is the phone's), refreshed at half the time the server grants; a refusal or silence retried with a
 * doubling back-off up to {@link #MAX_RETRY_S}; and a keepalive (OPTIONS) that notices a server gone away — nothing
 * tells a UDP phone that Asterisk restarted. Runs on the phone's timer thread; its own lock guards its counters.
 */
final class SipRegistration {

    /** Longest wait between two registration attempts while the server is away or refuses. */
    static final int MAX_RETRY_S = 16;

    private final SipPhone phone;
    private final SipPhone.Settings s;
    private final ScheduledExecutorService timers;
    private final String callId = UUID.randomUUID().toString();
    private long cseq = 1;
    private volatile boolean registered;
    private ScheduledFuture<?> timer;
    private volatile boolean closed;
    /** Failures in a row: the retry waits 1, 2, 4 … up to {@link #MAX_RETRY_S} seconds. */
    private int failures;
    /** Any SIP response from the server (nanoTime): the keepalive's proof that the server is there. */
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile int keepaliveSeconds = 5;

    SipRegistration(SipPhone phone, SipPhone.Settings s, ScheduledExecutorService timers) {
        this.phone = phone;
        this.s = s;
        this.timers = timers;
    }

    void keepaliveSeconds(int seconds) {
        keepaliveSeconds = Math.max(2, seconds);
    }

    boolean registered() {
        return registered;
    }

    void start() {
        timers.execute(this::register);
        timers.scheduleWithFixedDelay(this::keepalive, keepaliveSeconds, keepaliveSeconds, TimeUnit.SECONDS);
    }

    /** A response from the server, whatever it answers: it is there. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * How often a registered phone asks the server whether it is still there (OPTIONS); no answer within
     * {@code seconds} - 1 s (at least 2 s) means unregistered, and registering starts again with back-off. A restarted
     * Asterisk, a network cut: a refresh due in half the registration time would take its transaction timeout (32 s)
     * more to fail.
     */
    private void keepalive() {
        if (closed || !registered) {
            return;
        }
        long sent = System.nanoTime();
        try {
            SipURI uri = phone.addresses.createSipURI(null, s.server() + ":" + s.serverPort());
            Address me = phone.addresses.createAddress(phone.addresses.createSipURI(s.user(), s.server()));
            Request r = phone.messages.createRequest(uri, Request.OPTIONS, phone.provider.getNewCallId(),
                    phone.headers.createCSeqHeader(1L, Request.OPTIONS), phone.headers.createFromHeader(me, phone.localTag),
                    phone.headers.createToHeader(phone.addresses.createAddress(uri), null), phone.vias(),
                    phone.headers.createMaxForwardsHeader(70));
            phone.provider.getNewClientTransaction(r).sendRequest();
        } catch (Exception e) {
            failed("keepalive not sent: " + e.getMessage());
            return;
        }
        long wait = Math.max(2, keepaliveSeconds - 1);
        timers.schedule(() -> {
            if (registered && lastHeardNanos - sent < 0) {
                failed("no answer from " + s.server() + ":" + s.serverPort() + " for " + wait + " s");
            }
        }, wait, TimeUnit.SECONDS);
    }

    private void register() {
        if (closed) {
            return;
        }
        try {
            Request r;
            synchronized (this) {
                SipURI uri = phone.addresses.createSipURI(null, s.server() + ":" + s.serverPort());
                Address me = phone.addresses.createAddress(phone.addresses.createSipURI(s.user(), s.server()));
                r = phone.messages.createRequest(uri, Request.REGISTER, phone.headers.createCallIdHeader(callId),
                        phone.headers.createCSeqHeader(cseq++, Request.REGISTER),
                        phone.headers.createFromHeader(me, phone.localTag), phone.headers.createToHeader(me, null),
                        phone.vias(), phone.headers.createMaxForwardsHeader(70));
                r.addHeader(phone.contact());
                r.addHeader(phone.headers.createExpiresHeader(s.registerExpires()));
                r.addHeader(phone.headers.createUserAgentHeader(List.of("OneKey-softphone")));
            }
            phone.provider.getNewClientTransaction(r).sendRequest();
        } catch (Exception e) {
            failed("REGISTER not sent: " + e.getMessage());
        }
    }

    /** The REGISTER was sent again with credentials: the next one counts on from its CSeq. */
    synchronized void challenged(Request retried) {
        cseq = ((CSeqHeader) retried.getHeader(CSeqHeader.NAME)).getSeqNumber() + 1;
    }

    void failed(String why) {
        registered = false;
        phone.fireRegistration(false, why); // every failure: the window shows the latest reason
        long wait;
        synchronized (this) {
            wait = Math.min(MAX_RETRY_S, 1L << Math.min(failures, 5));
            failures++;
        }
        schedule(this::register, wait);
    }

    void answered(int code, Response r) {
        if (code >= 200 && code < 300) {
            boolean was = registered;
            registered = true;
            synchronized (this) {
                failures = 0;
            }
            if (!was) {
                phone.fireRegistration(true, "registered as " + s.user() + " at " + s.server() + ":" + s.serverPort());
            }
            // refreshed at half the time the server granted (it may shorten or lengthen what we asked for)
            schedule(this::register, Math.max(5, grantedExpires(r) / 2));
        } else if (code >= 300) {
            failed("registration refused: " + code + " " + r.getReasonPhrase());
        }
    }

    /** A REGISTER went unanswered: a failure unless a newer REGISTER overtook it (which may have succeeded). */
    void timedOut(Request req) {
        long seq = ((CSeqHeader) req.getHeader(CSeqHeader.NAME)).getSeqNumber();
        synchronized (this) {
            if (seq < cseq - 1) {
                return;
            }
        }
        failed("no answer from " + s.server() + ":" + s.serverPort());
    }

    private int grantedExpires(Response r) {
        ContactHeader c = (ContactHeader) r.getHeader(ContactHeader.NAME);
        if (c != null && c.getExpires() > 0) {
            return c.getExpires();
        }
        javax.sip.header.ExpiresHeader e = (javax.sip.header.ExpiresHeader) r.getHeader(javax.sip.header.ExpiresHeader.NAME);
        return e != null && e.getExpires() > 0 ? e.getExpires() : s.registerExpires();
    }

    private synchronized void schedule(Runnable r, long seconds) {
        if (closed) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timer = timers.schedule(r, seconds, TimeUnit.SECONDS);
    }

    synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
