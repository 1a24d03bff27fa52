package onekey.lines;

import java.util.Locale;

/** The button an elder pressed, known from the dialled number (service rules: terminals). */
public enum Service {
    SOS, REGISTRATION, TAXI, CONSULT, GENERAL,
    /** The alarm line (issue 24): alarm panels' Contact ID calls, and alarms the dialplan queues as SOS. */
    ALARM;

    /** Wire form: lower case ("sos", "registration", ...). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Service fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
