package onekey.sms;

import java.util.List;
import java.util.Map;

/**
 * The SMS port, beside {@code telephony/Pbx}: what OneKey needs of an SMSC in domain words. One adapter speaks SMPP
 * 3.4 ({@link SmppGateway}); nothing outside this package knows the protocol. Submits are blocking and may run on
 * many threads at once (the adapter holds them to its window and rate); receipts and received texts come to the
 * {@link Listener} on the adapter's threads.
 */
public interface SmsGateway extends AutoCloseable {

    /** What the SMSC tells OneKey. Called on the adapter's threads; must not block for long. */
    interface Listener {
        /** Bound (true) or lost (false): texts wait while it is down. */
        void link(boolean up, String detail);

        /** A delivery receipt for a part the SMSC accepted with {@code smscId}. */
        void receipt(Receipt r);

        /** A text received (a reply from a family member). */
        void inbound(Inbound m);
    }

    /** The final (or intermediate) state the SMSC reports for one submitted part. */
    enum ReceiptState {
        DELIVERED, EXPIRED, FAILED, ACCEPTED, ENROUTE, UNKNOWN;

        public boolean last() {
            return this == DELIVERED || this == EXPIRED || this == FAILED;
        }
    }

    record Receipt(String smscId, ReceiptState state, String error) {}

    record Inbound(String from, String to, String text) {}

    /** A text to one number (already signed and rendered). */
    record Outgoing(String to, String text, int reference) {}

    /** The SMSC took every part: its message id per part, in order. */
    record Submitted(List<String> smscIds, int parts) {}

    /**
     * The SMSC refused (a negative submit_sm_resp) or could not be reached. {@code code}: the SMPP command status
     * as named in SMPP 3.4 (ESME_RTHROTTLED, ESME_RINVDSTADR, …) or "NO_LINK" / "TIMEOUT". {@code partsAccepted}: the
     * parts of a long text the SMSC took before it refused one (their ids; they are not submitted again).
     * {@code inDoubt}: the submit was sent and no answer came — the SMSC may have taken it.
     */
    final class Refused extends Exception {
        public final String code;
        public final boolean transientFailure;
        public final boolean inDoubt;
        public final List<String> partsAccepted;

        public Refused(String code, boolean transientFailure, boolean inDoubt, List<String> partsAccepted, String message) {
            super(code + ": " + message);
            this.code = code;
            this.transientFailure = transientFailure;
            this.inDoubt = inDoubt;
            this.partsAccepted = List.copyOf(partsAccepted);
        }
    }

    /** Starts binding (and rebinding after a loss, with back-off). */
    void start(Listener listener);

    boolean connected();

    /** Submits every part of one text; returns when the SMSC answered each. */
    Submitted submit(Outgoing text) throws Refused, InterruptedException;

    /** Figures for /api/health. */
    Map<String, Object> metrics();

    @Override
    void close();
}
