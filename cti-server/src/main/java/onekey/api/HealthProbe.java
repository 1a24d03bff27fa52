package onekey.api;

import java.util.Map;

/** What GET /api/health reports: {"status":"ok|degraded","asterisk":{...},"database":{...},"queues":{...}}. */
public interface HealthProbe {
    Map<String, Object> health();
}
