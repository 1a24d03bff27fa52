package onekey.sms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMPP 3.4 adapter of {@link SmsGateway}, on jsmpp: bound as a transceiver (submits out, receipts and replies
 * in on one link), {@code enquire_link} every {@code enquireLinkSeconds}, rebound after a loss with back-off (250 ms
 * doubling to 5 s). Submits are held to {@code windowSize} awaiting their response at once and {@code perSecond}
 * per second; a {@code ESME_RTHROTTLED} answer pauses every submit for a second and halves the pace until a minute
 * passes without one. Delivery receipts ({@code deliver_sm} with esm_class "SMSC delivery receipt") are matched by
 * the message id in {@code receipted_message_id} or, failing it, the receipt text's {@code id:}.
 */
public final class SmppGateway implements SmsGateway {
    private static final Logger log = LoggerFactory.getLogger(SmppGateway.class);

    /** What the adapter needs to know (config {@code sms.*}). */
    public record Settings(String host, int port, String systemId, String password, String sourceAddress,
                           int windowSize, int perSecond, int enquireLinkSeconds, long responseTimeoutMs) {}

    private final Settings settings;
    private final Semaphore window;
    private final Object linkLock = new Object();
    private volatile SMPPSession session;
    private volatile boolean closed;
    private volatile Listener listener;
    private Thread binder;
    /** Pacing: the earliest time (nanos) of the next submit; a throttle answer pushes it out. */
    private final Object paceLock = new Object();
    private long nextSlot;
    private long intervalNanos;
    private long lastThrottleNanos;
    private final AtomicLong submits = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong receipts = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong binds = new AtomicLong();
    private volatile String lastError = "";
    private volatile long downSince = System.currentTimeMillis();

    public SmppGateway(Settings settings) {
        this.settings = settings;
        this.window = new Semaphore(settings.windowSize(), true);
        this.intervalNanos = 1_000_000_000L / settings.perSecond();
    }

    @Override
    public synchronized void start(Listener l) {
        if (binder != null) {
            return;
        }
        this.listener = l;
        binder = Thread.ofPlatform().daemon().name("smpp-bind").start(this::bindLoop);
    }

    private void bindLoop() {
        long backoff = 250;
        while (!closed) {
            SMPPSession s = session;
            if (s != null && s.getSessionState().isBound()) {
                synchronized (linkLock) {
                    try {
                        linkLock.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            if (s != null) {
                s.close();
                session = null;
            }
            try {
                SMPPSession n = new SMPPSession();
                n.setEnquireLinkTimer(settings.enquireLinkSeconds() * 1000);
                n.setTransactionTimer(settings.responseTimeoutMs());
                n.setMessageReceiverListener(new Receiver());
                // receipts come as fast as submits are answered: threads and room enough that jsmpp does not answer
                // them ESME_RTHROTTLED (an SMSC retries those, but later)
                n.setPduProcessorDegree(Math.max(3, Math.min(8, settings.windowSize())));
                n.setQueueCapacity(Math.max(1000, settings.windowSize() * 40));
                n.addSessionStateListener(this::stateChanged);
                n.connectAndBind(settings.host(), settings.port(), new BindParameter(BindType.BIND_TRX,
                        settings.systemId(), settings.password(), "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                        null), 5_000);
                session = n;
                binds.incrementAndGet();
                backoff = 250;
                downSince = 0;
                log.info("sms.bound host={} port={} systemId={}", settings.host(), settings.port(), settings.systemId());
                Listener l = listener;
                if (l != null) {
                    l.link(true, "bound to " + settings.host() + ":" + settings.port());
                }
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                if (downSince == 0) {
                    downSince = System.currentTimeMillis();
                }
                log.debug("sms.bind-failed host={} port={} error={}", settings.host(), settings.port(), lastError);
                synchronized (linkLock) {
                    try {
                        linkLock.wait(backoff);
                    } catch (InterruptedException x) {
                        return;
                    }
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    private void stateChanged(SessionState now, SessionState before, Session source) {
        if (before.isBound() && !now.isBound()) {
            downSince = System.currentTimeMillis();
            lastError = "link lost (" + now + ")";
            log.warn("sms.link-lost host={} port={} state={}", settings.host(), settings.port(), now);
            Listener l = listener;
            if (l != null && !closed) {
                l.link(false, "the SMSC link was lost");
            }
            synchronized (linkLock) {
                linkLock.notifyAll();
            }
        }
    }

    @Override
    public boolean connected() {
        SMPPSession s = session;
        return s != null && s.getSessionState().isBound();
    }

    @Override
    public Submitted submit(Outgoing o) throws Refused, InterruptedException {
        SmsEncoding.Encoded enc = SmsEncoding.encode(o.text(), o.reference());
        List<String> ids = new ArrayList<>(enc.parts().size());
        ESMClass esm = enc.concatenated()
                ? new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI) : new ESMClass();
        DataCoding coding = new RawCoding(enc.dataCoding());
        for (byte[] part : enc.parts()) {
            window.acquire();
            try {
                pace();
                SMPPSession s = session;
                if (s == null || !s.getSessionState().isBound()) {
                    throw new Refused("NO_LINK", true, false, ids, "no link to the SMSC" + (lastError.isEmpty() ? ""
                            : " (" + lastError + ")"));
                }
                SubmitSmResult r = s.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                        settings.sourceAddress(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.ISDN, o.to(), esm,
                        (byte) 0, (byte) 1, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                        (byte) 0, coding, (byte) 0, part);
                submits.incrementAndGet();
                ids.add(r.getMessageId());
            } catch (NegativeResponseException e) {
                int status = e.getCommandStatus();
                if (status == SMPPConstant.STAT_ESME_RTHROTTLED) {
                    slowDown();
                }
                throw new Refused(statusName(status), transientStatus(status), false, ids,
                        "the SMSC refused the submit (command status 0x" + Integer.toHexString(status) + ")");
            } catch (ResponseTimeoutException e) {
                throw new Refused("TIMEOUT", true, true, ids, "no submit_sm_resp within " + settings.responseTimeoutMs()
                        + " ms");
            } catch (IOException e) {
                // sent or not: the link broke under it; the SMSC may have the part
                throw new Refused("NO_LINK", true, true, ids, "the link broke during the submit: " + e.getMessage());
            } catch (org.jsmpp.PDUException | org.jsmpp.InvalidResponseException e) {
                throw new Refused("INVALID", false, false, ids, e.getMessage());
            } finally {
                window.release();
            }
        }
        return new Submitted(List.copyOf(ids), enc.parts().size());
    }

    /** Waits for this submit's slot: {@code perSecond} at most, slower for a minute after a throttle answer. */
    private void pace() throws InterruptedException {
        long wait;
        synchronized (paceLock) {
            long now = System.nanoTime();
            if (lastThrottleNanos != 0 && now - lastThrottleNanos > 60_000_000_000L) {
                intervalNanos = 1_000_000_000L / settings.perSecond();
                lastThrottleNanos = 0;
            }
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
    }

    private void slowDown() {
        throttled.incrementAndGet();
        synchronized (paceLock) {
            long now = System.nanoTime();
            lastThrottleNanos = now;
            intervalNanos = Math.min(1_000_000_000L, intervalNanos * 2);
            nextSlot = Math.max(nextSlot, now + 1_000_000_000L);
        }
        log.warn("sms.throttled pausing=1s intervalMs={}", intervalNanos / 1_000_000L);
    }

    static boolean transientStatus(int status) {
        return status == SMPPConstant.STAT_ESME_RTHROTTLED || status == SMPPConstant.STAT_ESME_RMSGQFUL
                || status == SMPPConstant.STAT_ESME_RSYSERR || status == SMPPConstant.STAT_ESME_RX_T_APPN;
    }

    static String statusName(int status) {
        return switch (status) {
            case SMPPConstant.STAT_ESME_RTHROTTLED -> "ESME_RTHROTTLED";
            case SMPPConstant.STAT_ESME_RINVDSTADR -> "ESME_RINVDSTADR";
            case SMPPConstant.STAT_ESME_RMSGQFUL -> "ESME_RMSGQFUL";
            case SMPPConstant.STAT_ESME_RSYSERR -> "ESME_RSYSERR";
            case SMPPConstant.STAT_ESME_RX_T_APPN -> "ESME_RX_T_APPN";
            case SMPPConstant.STAT_ESME_RINVDSTTON -> "ESME_RINVDSTTON";
            case SMPPConstant.STAT_ESME_RINVDSTNPI -> "ESME_RINVDSTNPI";
            default -> String.format("0x%08X", status);
        };
    }

    /** The data coding byte as it is (jsmpp's GeneralDataCoding would do for 0 and 8; this keeps it exact). */
    private record RawCoding(byte value) implements DataCoding {
        @Override
        public byte toByte() {
            return value;
        }
    }

    private final class Receiver implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm d) throws ProcessRequestException {
            Listener l = listener;
            if (l == null) {
                throw new ProcessRequestException("not ready", SMPPConstant.STAT_ESME_RSYSERR);
            }
            try {
                if (MessageType.SMSC_DEL_RECEIPT.containedIn(d.getEsmClass())) {
                    receipts.incrementAndGet();
                    l.receipt(receipt(d));
                } else {
                    received.incrementAndGet();
                    String text = SmsEncoding.decode(d.getDataCoding(), d.getShortMessage(), d.isUdhi());
                    l.inbound(new Inbound(d.getSourceAddr(), d.getDestAddress(), text));
                }
            } catch (RuntimeException e) {
                // not acknowledged: the SMSC delivers it again later (nothing lost while the database is away)
                log.warn("sms.deliver-not-taken error={}", e.toString());
                throw new ProcessRequestException("not stored: " + e.getMessage(), SMPPConstant.STAT_ESME_RSYSERR);
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification a) {
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm d, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }

    private static Receipt receipt(DeliverSm d) {
        String id = null;
        OptionalParameter p = d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
        if (p instanceof OptionalParameter.COctetString c) {
            id = c.getValueAsString();
        }
        DeliveryReceiptState st = null;
        String err = null;
        try {
            DeliveryReceipt r = d.getShortMessageAsDeliveryReceipt();
            if (id == null || id.isBlank()) {
                id = r.getId();
            }
            st = r.getFinalStatus();
            err = r.getError();
        } catch (org.jsmpp.util.InvalidDeliveryReceiptException e) {
            OptionalParameter ms = d.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
            if (ms instanceof OptionalParameter.Byte b) {
                st = switch (b.getValue()) {
                    case 2 -> DeliveryReceiptState.DELIVRD;
                    case 3 -> DeliveryReceiptState.EXPIRED;
                    case 5 -> DeliveryReceiptState.UNDELIV;
                    case 8 -> DeliveryReceiptState.REJECTD;
                    default -> DeliveryReceiptState.UNKNOWN;
                };
            }
        }
        ReceiptState state = st == null ? ReceiptState.UNKNOWN : switch (st) {
            case DELIVRD -> ReceiptState.DELIVERED;
            case EXPIRED -> ReceiptState.EXPIRED;
            case UNDELIV, REJECTD, DELETED -> ReceiptState.FAILED;
            case ACCEPTD -> ReceiptState.ACCEPTED;
            case ENROUTE -> ReceiptState.ENROUTE;
            default -> ReceiptState.UNKNOWN;
        };
        return new Receipt(id == null ? "" : id.trim(), state, err);
    }

    @Override
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connected", connected());
        m.put("host", settings.host() + ":" + settings.port());
        m.put("binds", binds.get());
        m.put("submits", submits.get());
        m.put("throttled", throttled.get());
        m.put("receipts", receipts.get());
        m.put("received", received.get());
        m.put("windowFree", window.availablePermits());
        long since = downSince;
        if (since != 0) {
            m.put("downSinceMs", since);
            m.put("lastError", lastError);
        }
        return m;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (linkLock) {
            linkLock.notifyAll();
        }
        Thread b;
        synchronized (this) {
            b = binder;
        }
        if (b != null) {
            b.interrupt();
        }
        SMPPSession s = session;
        if (s != null) {
            try {
                s.unbindAndClose();
            } catch (RuntimeException e) {
                s.close();
            }
        }
    }
}
