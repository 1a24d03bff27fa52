package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Issue 24's texts: every key has Chinese and English, the English has no Chinese, and a terminal's detail in an
 * English window is English but for the elder's own data; the kinds have names in both.
 */
class DevicesTextsTest {

    static boolean chinese(String s) {
        return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN
                || c == '：' || c == '（' || c == '）');
    }

    @Test
    void everyTextHasBothLanguagesAndTheEnglishHasNoChinese() {
        DevicesTexts.T.forEach((k, v) -> {
            assertEquals(2, v.length, k);
            assertFalse(v[0].isBlank(), k);
            assertFalse(chinese(v[1]), k + " in English: " + v[1]);
        });
        I18n en = new I18n(true);
        I18n zh = new I18n(false);
        for (String kind : DeviceForm.KINDS) {
            assertFalse(DeviceForm.kindName(en, kind).equals(kind), kind);
            assertTrue(chinese(DeviceForm.kindName(zh, kind)), kind);
        }
    }

    @Test
    void aTerminalsDetailInEnglishIsEnglishButTheEldersData() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode d = m.readTree("{\"id\":6,\"elderId\":8,\"kind\":\"sos-button\",\"serial\":\"SOS-6\",\"make\":\"Acme\","
                + "\"model\":\"S1\",\"callerNumber\":\"02155550001\",\"heartbeatMinutes\":60,\"installedOn\":\"2026-05-01\","
                + "\"installedBy\":\"wang\",\"lastHeardAt\":1764979330000,\"lastTest\":{\"at\":1764979330000,\"by\":\"ivr\","
                + "\"result\":\"ok\"},\"testModeUntil\":null}");
        JsonNode tests = m.readTree("[{\"at\":1764979330000,\"by\":\"ivr\",\"via\":\"call\",\"result\":\"ok\"},"
                + "{\"at\":1764979000000,\"by\":\"zhou\",\"via\":\"manual\",\"result\":\"no-tone\"}]");
        JsonNode alarms = m.readTree("[{\"deviceId\":6,\"receivedAt\":1764979330000,\"kind\":\"fall\",\"source\":\"api\","
                + "\"escalated\":true,\"incidentId\":44,\"lat\":31.27,\"lon\":121.52}]");
        I18n en = new I18n(true);
        String text = DevicesPanel.detailText(en, d, String.format(en.t("dv.elderRef"), "李阿婆", 8), tests, alarms);
        assertTrue(text.startsWith("#6  Portable SOS button (GPS)  SOS-6  Elder 李阿婆 (#8)\n"), text);
        assertTrue(text.contains("Caller number: 02155550001"), text);
        assertTrue(text.contains("failed no-tone  via manual  zhou"), text);
        assertTrue(text.contains("fall  api  incident #44  31.27000, 121.52000"), text);
        assertFalse(chinese(text.replace("李阿婆", "")), text);
    }
}
