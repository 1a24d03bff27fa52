package onekey.devices;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An elder's terminal or sensor (issue 24): known by its caller number, its Contact ID account or its SCAIP identity.
 * Times in epoch ms; {@code heartbeatMinutes} null for a device that does not report by itself.
 */
public record Device(long id, long elderId, String kind, String serial, String make, String model, String callerNumber,
                     String contactIdAccount, String sipIdentity, Integer heartbeatMinutes, LocalDate installedOn,
                     String installedBy, Long lastHeardAt, Long lastTestAt, String lastTestBy, String lastTestResult,
                     Long testModeUntil, Long silentSince, long createdAt, long updatedAt) {

    /** The kinds of device a centre registers (the seeds: one-key phone, portable SOS with GPS, sensors, health). */
    public static final Set<String> KINDS = Set.of("one-key-phone", "sos-button", "smoke-sensor", "fall-sensor",
            "door-sensor", "health-monitor", "alarm-panel");

    /** In test mode at {@code now}: a call or alarm from it is a terminal test. */
    public boolean inTestMode(long now) {
        return testModeUntil != null && testModeUntil > now;
    }

    /** The JSON shape of {@code /api/devices} and of the {@code device.*} events. */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("elderId", elderId);
        m.put("kind", kind);
        m.put("serial", serial);
        m.put("make", make);
        m.put("model", model);
        m.put("callerNumber", callerNumber);
        m.put("contactIdAccount", contactIdAccount);
        m.put("sipIdentity", sipIdentity);
        m.put("heartbeatMinutes", heartbeatMinutes);
        m.put("installedOn", installedOn == null ? null : installedOn.toString());
        m.put("installedBy", installedBy);
        m.put("lastHeardAt", lastHeardAt);
        Map<String, Object> test = null;
        if (lastTestAt != null) {
            test = new LinkedHashMap<>();
            test.put("at", lastTestAt);
            test.put("by", lastTestBy);
            test.put("result", lastTestResult);
        }
        m.put("lastTest", test);
        m.put("testModeUntil", testModeUntil);
        m.put("silentSince", silentSince);
        return m;
    }
}
