package onekey.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alarm without a voice (issue 24), as received and stored once per (platform, alarmId). {@code source}:
 * {@code contact-id} (an alarm panel on the alarm line), {@code scaip} (a SIP MESSAGE), {@code api} (a device
 * platform). {@code kind}: fall, smoke, medical, personal-emergency, health-reading, …; test and restore events are
 * stored with kinds {@code test} and {@code restore} and are not escalated. Position in WGS-84 when the device sent one.
 */
public record Alarm(long id, String platform, String alarmId, String source, Long deviceId, Long elderId, String kind,
                    long receivedAt, Long occurredAt, Double lat, Double lon, Double accuracyM, String detail,
                    boolean escalated, Long incidentId) {

    /** Alarm kinds that are recorded and never escalated. */
    public static boolean quiet(String kind) {
        return "test".equals(kind) || "restore".equals(kind) || "heartbeat".equals(kind);
    }

    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("platform", platform);
        m.put("alarmId", alarmId);
        m.put("source", source);
        m.put("deviceId", deviceId);
        m.put("elderId", elderId);
        m.put("kind", kind);
        m.put("receivedAt", receivedAt);
        m.put("occurredAt", occurredAt);
        m.put("lat", lat);
        m.put("lon", lon);
        m.put("accuracyM", accuracyM);
        m.put("detail", detail);
        m.put("escalated", escalated);
        m.put("incidentId", incidentId);
        return m;
    }
}
