package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueNamesTest {

    @Test
    void theRecordsValuesReadInChineseByDefaultAndInEnglishWhenTheWindowIs() {
        ValueNames zh = new ValueNames(new I18n(false));
        assertEquals("女", zh.name("sex", "female"));
        assertEquals("男", zh.name("sex", "M"));
        assertEquals("普通话", zh.name("language", "zh"));
        assertEquals("上海话", zh.name("language", "wuu"));
        assertEquals("English", zh.name("language", "en"));
        assertEquals("一键通座机", zh.name("device", "one-key landline"));
        assertEquals("便携式紧急呼叫器", zh.name("device", "portable SOS"));
        assertEquals("SOS 紧急呼叫", zh.name("line", "sos"));
        assertEquals("已通知家属", zh.name("disposition", "family-informed"));
        assertEquals("AB 救援中", zh.name("incidentState", "escalating"));
        assertEquals("无响应", zh.name("reason", "no-response"));
        assertEquals("无人接听", zh.name("result", "no-answer"));
        assertEquals("已接通", zh.name("result", "ANSWER"), "Asterisk's dial status");
        assertTrue(zh.name("task", "call-110").startsWith("呼叫110"));
        // issue 20: texts on the incident's timeline, Chinese first
        assertEquals("短信通知", zh.name("step", "sms"));
        assertEquals("已送达", zh.name("result", "delivered"));
        assertEquals("家属短信回复", zh.name("step", "sms-reply"));

        I18n lang = new I18n(false);
        ValueNames names = new ValueNames(lang);
        lang.english(true);
        assertEquals("female", names.name("sex", "female"), "follows the window's language menu");
        assertEquals("Shanghainese", names.name("language", "wuu"));
        assertEquals("answered, silent", names.name("result", "silent"));
        assertEquals("text", names.name("step", "sms"));
        assertEquals("delivered", names.name("result", "delivered"));
    }

    @Test
    void aFailedTextStepReadsSendFailedNotCallFailed() {
        assertEquals("发送失败", ValueNames.stepResult("sms", "failed", false));
        assertEquals("send failed", ValueNames.stepResult("sms", "failed", true));
        assertEquals("发送结果未知", ValueNames.stepResult("sms", "unknown", false));
        assertEquals("已送达", ValueNames.stepResult("sms", "delivered", false), "the shared names where they fit");
        assertEquals("呼叫失败", ValueNames.stepResult("redial", "failed", false), "a call's failure is still a call's");
        assertEquals("呼叫失败", ValueNames.stepResult("contact", "failed", false));
        I18n lang = new I18n(false);
        ValueNames names = new ValueNames(lang);
        assertEquals("发送失败", names.stepResult("sms", "failed"));
        lang.english(true);
        assertEquals("send failed", names.stepResult("sms", "failed"));
    }

    @Test
    void aValueTheTableDoesNotKnowIsShownAsItCameAndNothingAsADash() {
        assertEquals("儿子", ValueNames.name("relation", "儿子", false));
        assertEquals("home robot", ValueNames.name("device", "home robot", false));
        assertEquals("—", ValueNames.name("sex", null, false));
        assertEquals("—", ValueNames.name("sex", " ", true));
        assertTrue(ValueNames.known("result", "ack"));
        assertFalse(ValueNames.known("result", "whatever"));
    }

    @Test
    void everyCodeTheServerSendsForAnIncidentHasANameInBothLanguages() {
        for (String r : new String[] {"spoke", "silent", "no-answer", "busy", "failed", "hung-up", "unknown", "ack", "no-ack",
                "cancelled", "joined", "called"}) {
            assertTrue(ValueNames.known("result", r), r);
            assertTrue(!ValueNames.name("result", r, false).equals(r) && ValueNames.name("result", r, false).matches(".*\\p{IsHan}.*"), r);
        }
        for (String k : new String[] {"redial", "contact", "elder-retry", "task-a", "task-b", "call", "follow-up", "sos-call"}) {
            assertTrue(ValueNames.name("step", k, false).matches(".*\\p{IsHan}.*"), k);
        }
        for (String s : new String[] {"redialling", "escalating", "resolved", "cancelled"}) {
            assertTrue(ValueNames.name("incidentState", s, false).matches(".*\\p{IsHan}.*"), s);
        }
    }
}
