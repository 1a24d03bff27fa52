package onekey.sms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A text received (a reply). {@code meaning}: "ack" (1 / 到 / 收到 to an open incident's text: the contact is on the
 * way), "reply" (anything else to an incident's text: shown to the incident's seat), "unmatched" (no incident text
 * went to that number).
 */
public record SmsInbound(long id, long receivedAt, String from, String text, Long elderId, Long incidentId,
                         String meaning) {

    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("receivedAt", receivedAt);
        m.put("from", from);
        m.put("text", text);
        m.put("elderId", elderId);
        m.put("incidentId", incidentId);
        m.put("meaning", meaning);
        return m;
    }
}
