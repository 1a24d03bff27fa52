package onekey.auth;

import java.util.Locale;

public enum Role {
    AGENT, SUPERVISOR, ADMIN,
    /** 派单专员 (issue 21): suppliers, work orders, their matching, dispatch and complaints. */
    DISPATCHER,

    /**
     * The district civil-affairs office (issue 22): read-only reports and aggregate figures, every download audited;
     * no elders, calls, recordings, audit trail or live events (routes name it explicitly; "any role" means staff).
     */
    DISTRICT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
