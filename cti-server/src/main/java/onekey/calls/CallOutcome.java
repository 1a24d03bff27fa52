package onekey.calls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
    ENDED("ended");

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
