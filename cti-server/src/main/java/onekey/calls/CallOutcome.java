package onekey.calls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Where a call stands (the {@code outcome} column and the API's {@code outcome}): arrived → queued → ringing →
 * answered → completed, or abandoned / overflowed; {@code unobserved-end} for a call that ended while OneKey was not
 * connected; {@code ended} for one seen again after it ended (never stored).
 */
public enum CallOutcome {
    ARRIVED("arrived"),
    QUEUED("queued"),
    RINGING("ringing"),
    ANSWERED("answered"),
    COMPLETED("completed"),
    ABANDONED("abandoned"),
    OVERFLOWED("overflowed"),
    UNOBSERVED_END("unobserved-end"),
    ENDED("ended"),
    // a call a seat placed (issue 18 item 7): dialling, then Asterisk's DIALSTATUS when not answered (completed when it was)
    DIALLING("dialling"),
    BUSY("busy"),
    NO_ANSWER("noanswer"),
    CANCELLED("cancel"),
    CONGESTION("congestion"),
    UNAVAILABLE("chanunavail"),
    UNKNOWN("unknown"),
    FAILED("failed");

    /** A seat's call by Asterisk's DIALSTATUS: ANSWER completed, the others as named; an unexpected one failed. */
    public static CallOutcome ofDialStatus(String dialStatus) {
        String s = dialStatus == null ? "unknown" : dialStatus.toLowerCase(java.util.Locale.ROOT);
        if (s.equals("answer")) {
            return COMPLETED;
        }
        for (CallOutcome o : List.of(BUSY, NO_ANSWER, CANCELLED, CONGESTION, UNAVAILABLE, UNKNOWN)) {
            if (o.wire.equals(s)) {
                return o;
            }
        }
        return FAILED;
    }

    private final String wire;

    CallOutcome(String wire) {
        this.wire = wire;
    }

    /** The stored and wire form. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The stored form back (null stays null); an unknown one is refused. */
    @JsonCreator
    public static CallOutcome fromWire(String s) {
        if (s == null) {
            return null;
        }
        for (CallOutcome o : values()) {
            if (o.wire.equals(s)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown call outcome: " + s);
    }

    @Override
    public String toString() {
        return wire;
    }
}
