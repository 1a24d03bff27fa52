package onekey.outbound;

/**
 * Which rules a leg is dialled under. RULE (issue 9 delivery rules, ARCHITECTURE "Faults"): an elder's emergency is
 * never held back by the trunk's limits.
 */
public enum Lane {
    /** Rescue redials, contacts, seat B's calls, an agent's emergency call: dialled when due, no limit applies. */
    SOS,
    /** Broadcasts: at most maxChannels, callsPerSecond, never the trunk's last sosReserve channels; quiet hours. */
    BULK;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Lane of(String wire) {
        return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
}
