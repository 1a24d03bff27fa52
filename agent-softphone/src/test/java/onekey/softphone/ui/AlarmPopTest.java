package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Issue 24: the alarm pop's text names the nearest 驿站 — open or closed, how far, its phone and who is on duty. */
class AlarmPopTest {
    static final ObjectMapper M = new ObjectMapper();

    static JsonNode pop(String station) throws Exception {
        return M.readTree("{\"alarm\":{\"kind\":\"fall\",\"detail\":\"kind=fall\"},\"device\":{\"kind\":\"sos-button\","
                + "\"serial\":\"SOS-1\"},\"incident\":{\"id\":9},\"elder\":{\"name\":\"王德明\",\"address\":\"天平路 1 号\","
                + "\"home\":{\"lat\":31.202,\"lon\":121.442},\"fix\":null" + (station == null ? "" : ",\"station\":" + station)
                + "}}");
    }

    @Test
    void theNearestOpenStationIsNamedWithDistancePhoneAndStaff() throws Exception {
        String text = AlarmPop.text(pop("{\"name\":\"天平路街道为老服务驿站\",\"open\":true,\"from\":\"home\",\"meters\":372,"
                + "\"phone\":\"02164310001\",\"address\":\"天平路245号\",\"staff\":\"孙阿姨\",\"lat\":31.2046,\"lon\":121.4447}"));
        assertTrue(text.contains("最近驿站：天平路街道为老服务驿站（开放中）　距家 372 米　电话 02164310001　天平路245号　值班：孙阿姨"), text);
        String closed = AlarmPop.text(pop("{\"name\":\"长白新村驿站\",\"open\":false,\"from\":\"fix\",\"meters\":1200,"
                + "\"phone\":\"02165430003\",\"address\":\"长白路150号\",\"lat\":31.28,\"lon\":121.523}"));
        assertTrue(closed.contains("最近驿站：长白新村驿站（已关门）　距定位 1200 米　电话 02165430003"), closed);
        assertFalse(closed.contains("值班"), closed);
        assertTrue(AlarmPop.text(pop(null)).contains("最近驿站：未登记"));
    }
}
