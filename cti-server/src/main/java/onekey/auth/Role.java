package onekey.auth;

import java.util.Locale;

public enum Role {
    AGENT, SUPERVISOR, ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
