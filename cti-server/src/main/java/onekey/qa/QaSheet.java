package onekey.qa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A call's QA score sheet: points per item of the form it was scored on, the total, the comment, the agent's ack. */
public record QaSheet(long id, long callId, Long agentId, long scoredAt, String scoredBy, Map<String, Integer> scores,
                      List<QaForm.Item> form, int total, String comment, Long ackedAt, String ackNote) {

    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("callId", callId);
        m.put("agentId", agentId);
        m.put("scoredAt", scoredAt);
        m.put("scoredBy", scoredBy);
        m.put("items", form.stream().map(i -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", i.key());
            x.put("label", i.label());
            x.put("weight", i.weight());
            x.put("points", scores.get(i.key()));
            return x;
        }).toList());
        m.put("scores", scores);
        m.put("total", total);
        m.put("comment", comment);
        m.put("ackedAt", ackedAt);
        m.put("ackNote", ackNote);
        return m;
    }
}
