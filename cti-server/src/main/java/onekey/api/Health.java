package onekey.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GET /api/health assembled from each component's own report, in declared order:
 * {@code {"status":"ok|degraded","alerts":[…],"<part>":{…},…}}. The status is ok when every part is up and none has
 * an alert; the alerts are the parts' in the same order.
 */
public final class Health implements HealthProbe {

    /** What one component says of itself: its figures, whether it is up, and its alerts (each a JSON object). */
    public record Report(Object figures, boolean up, List<Map<String, Object>> alerts) {
        public static Report of(Object figures) {
            return new Report(figures, true, List.of());
        }
    }

    /** A component's place in the JSON and how to ask it. */
    public record Part(String key, Supplier<Report> report) {}

    private final List<Part> parts;

    public Health(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public Map<String, Object> health() {
        boolean up = true;
        List<Map<String, Object>> alerts = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Part p : parts) {
            Report r = p.report().get();
            up &= r.up();
            alerts.addAll(r.alerts());
            figures.put(p.key(), r.figures());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", up && alerts.isEmpty() ? "ok" : "degraded");
        m.put("alerts", alerts);
        m.putAll(figures);
        return m;
    }
}
