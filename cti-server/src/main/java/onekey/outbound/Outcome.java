package onekey.outbound;

import java.util.Locale;

/**
 * How a leg ended as far as the call itself goes; what it meant (confirmed, spoke, acknowledged…) is the feature's.
 * The one mapping of Asterisk's originate reasons and hangup causes to outcomes.
 */
public enum Outcome {
    /** Answered, and the feature heard its result (a key, speech, a dial status). */
    ANSWERED,
    /** Answered, then hung up before the feature heard a result. */
    HUNG_UP,
    BUSY,
    NO_ANSWER,
    /** Refused, congested, unreachable, or the call could not be prepared. */
    FAILED,
    /** Nobody knows: the server restarted while it was placed, or Asterisk never said. Never dialled again. */
    UNKNOWN,
    /** No longer wanted when it fell due (the incident or the broadcast closed). */
    CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * An originate that did not connect: AMI OriginateResponse reason 5 (busy) or hangup cause 17 (user busy) is
     * busy; reason 1 (hung up) or 3 (ring timeout), or cause 18 (no user responding) or 19 (no answer) is no answer;
     * anything else (reason 0 or 8 without such a cause: congestion, unreachable) failed.
     */
    public static Outcome ofOriginate(int reason, Integer cause) {
        if (reason == 5 || cause != null && cause == 17) {
            return BUSY;
        }
        if (reason == 3 || reason == 1 || cause != null && (cause == 18 || cause == 19)) {
            return NO_ANSWER;
        }
        return FAILED;
    }

    /** What the detail of such an outcome says: "originate reason 3" (", hangup cause 17"). */
    public static String originateDetail(int reason, Integer cause) {
        return "originate reason " + reason + (cause == null ? "" : ", hangup cause " + cause);
    }
}
