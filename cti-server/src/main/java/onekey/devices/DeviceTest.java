package onekey.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/** One terminal test (issue 24): {@code via} call, contact-id, api or manual; {@code result} ok or what failed. */
public record DeviceTest(long id, long deviceId, long at, String by, String via, String result, String detail) {

    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("deviceId", deviceId);
        m.put("at", at);
        m.put("by", by);
        m.put("via", via);
        m.put("result", result);
        m.put("detail", detail);
        return m;
    }
}
