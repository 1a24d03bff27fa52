package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The SMS pane's words in English (the window test reads the Chinese ones): labels, states, the quiet-hour wait. */
class SmsPaneTest {

    @Test
    void thePaneReadsInEnglishWhenTheWindowDoes() throws Exception {
        I18n lang = new I18n(false);
        SmsPane p = new SmsPane(lang);
        assertEquals("发短信 (Ctrl+M)", p.send.getText());
        lang.english(true);
        p.relabel();
        assertEquals("Send text (Ctrl+M)", p.send.getText());
        var m = new ObjectMapper().readTree("""
                {"id":2,"createdAt":1780000000000,"to":"13916000009","text":"【一键通】x","state":"failed",
                 "errorCode":"ESME_RINVDSTADR","doneAt":1780000001000}""");
        String line = p.line(m);
        assertTrue(line.contains("→ 13916000009  ·  send failed") && line.contains("(ESME_RINVDSTADR)"), line);
        var q = new ObjectMapper().readTree("""
                {"id":3,"createdAt":1780000000000,"to":"13916000002","text":"【一键通】y","state":"queued",
                 "dueAt":1780039600000}""");
        assertTrue(p.line(q).contains("queued (quiet hours: goes after "), p.line(q));
        assertTrue(p.event("sms.reply", new ObjectMapper().readTree("""
                {"reply":{"from":"13916000001","text":"I'm abroad","incidentId":41,"meaning":"reply"}}""")));
        assertEquals("Family replied by text (incident #41, 13916000001): I'm abroad", p.notice.getText());
        assertTrue(!p.event("sms.reply", new ObjectMapper().readTree("""
                {"reply":{"from":"13916000001","text":"1","incidentId":41,"meaning":"ack"}}""")), "an ack is no notice");
    }
}
