package onekey.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A 驿站 (community service station) of the register (schema V30): where it is (WGS-84), its phone, its opening hours
 * ({@link StationHours}) and who is on duty. The alarm pop names the nearest open one to the elder (issue 24).
 */
public record Station(long id, String name, String address, double lat, double lon, String phone, String hours,
                      String staff, String subDistrict, boolean active, long createdAt, long updatedAt) {

    /** The JSON shape of {@code /api/stations}. */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("address", address);
        m.put("lat", lat);
        m.put("lon", lon);
        m.put("phone", phone);
        m.put("hours", hours);
        m.put("staff", staff);
        m.put("subDistrict", subDistrict);
        m.put("active", active);
        m.put("updatedAt", updatedAt);
        return m;
    }

    /** What a station is to be: every field checked by {@link StationService}. */
    public record Draft(String name, String address, Double lat, Double lon, String coordSystem, String phone,
                        String hours, String staff, String subDistrict, Boolean active) {}
}
