package onekey.auth;

import java.util.Locale;

public enum Role {
    AGENT, SUPERVISOR, ADMIN,
    /** 派单专员 (issue 21): suppliers, work orders, their matching, dispatch and complaints. */
    DISPATCHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
