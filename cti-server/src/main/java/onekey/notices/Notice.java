package onekey.notices;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A notice to seats (公告便签, issue 19 item 6): its text, until when it is pinned, to whom ({@code to} empty: every
 * seat; else usernames), and who acknowledged it.
 */
public record Notice(long id, long createdAt, String createdBy, String text, long until, List<String> to,
                     Map<String, Long> acks) {

    public boolean forUser(String username) {
        return to.isEmpty() || to.contains(username);
    }

    /** {@code me}: the reader's username, for "acked" (null: not said). */
    public Map<String, Object> shape(String me) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("createdAt", createdAt);
        m.put("createdBy", createdBy);
        m.put("text", text);
        m.put("until", until);
        m.put("to", to.isEmpty() ? "all" : String.join(",", to));
        if (me != null) {
            m.put("acked", acks.containsKey(me));
        }
        m.put("acks", acks);
        return m;
    }
}
