package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 item 8 the other way round: a window in English (--lang en) shows the server's codes as English values —
 * in the pop (sex, language, device) and in the incident panel (reason, state, steps, results, tasks, buttons) — and
 * no Chinese but the elder's own data.
 */
class EnglishWorkspaceWindowTest {

    @Test
    void aWindowInEnglishShowsEnglishValuesInThePopAndTheIncidentPanel() throws Exception {
        try (DatagramSocket sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             FakeCti cti = new FakeCti(IncidentWorkspaceWindowTest.ME, "1001", sip.getLocalPort())) {
            cti.answers.put("GET /api/elders/7", IncidentWorkspaceWindowTest.elder());
            try (WindowProcess ui = new WindowProcess(cti.api(), true)) {
                IncidentWorkspaceWindowTest.await("CTI connected").until(() -> ui.text("ctiStatus").contains("CTI connected")
                        || ui.text("ctiStatus").toLowerCase().contains("connected"));
                cti.send("""
                        {"type":"call.offered","registered":true,"callerNumber":"02155550001",
                         "call":{"id":51,"linkedid":"1796540429.51","line":"sos","elderId":7},
                         "elder":{"id":7,"name":"Zhang Guiying","age":82,"gender":"female","address":"Kongjiang Rd 1029",
                          "language":"wuu","device":"one-key landline","contacts":[],"lastCalls":[]}}""");
                IncidentWorkspaceWindowTest.await("the pop").until(() -> ui.text("elderName").equals("Zhang Guiying"));
                assertEquals("82 · female", ui.text("elderAge"));
                assertEquals("Shanghainese", ui.text("elderLanguage"));
                assertEquals("one-key landline", ui.text("elderDevice"));

                String steps = IncidentWorkspaceWindowTest.REDIAL_DONE
                        + ",{\"seq\":2,\"kind\":\"contact\",\"target\":\"*******0001\",\"state\":\"done\",\"endedAt\":1764979330000,\"result\":\"ack\"},"
                        + IncidentWorkspaceWindowTest.task(3, "task-a", "open", "call-110", null);
                cti.send("{\"type\":\"incident.escalated\",\"incident\":"
                        + IncidentWorkspaceWindowTest.incident(31, "escalating", "null", steps) + "}");
                IncidentWorkspaceWindowTest.await("the card in English").until(() -> ui.text("incidentTitle")
                        .contains("Incident #31 · no response") && ui.text("incidentCallContact1").startsWith("Call "));
                assertTrue(ui.text("incidentState").startsWith("State: escalating (seats A and B)"), ui.text("incidentState"));
                String shown = ui.text("incidentSteps");
                assertTrue(shown.contains("redial 1") && shown.contains("no answer"), shown);
                assertTrue(shown.contains("contact") && shown.contains("acknowledged: on the way"), shown);
                assertTrue(shown.contains("seat A task: call 110 for the police to check") && shown.contains("open"), shown);
                assertEquals("Seat A task: call 110 for the police to check · open", ui.text("taskA"));
                assertTrue(shown.contains("contact  李建国 (儿子) *******0001  ·  acknowledged: on the way"), shown);
                assertTrue(ui.text("incidentAddress").startsWith("Address: "), ui.text("incidentAddress"));
                assertEquals("Take (F6)", ui.text("taskATake"));
                assertEquals("Call 110 (Ctrl+2)", ui.text("incidentCall110"));
                assertEquals("Cancel the alarm (Ctrl+F8)", ui.text("cancelButton"));
                assertEquals("Call 李建国 (儿子) (Ctrl+4)", ui.text("incidentCallContact1")); // the contact's own name, as typed
                for (String name : new String[] {"incidentTitle", "incidentState", "taskA", "taskB", "incidentCall120",
                        "arrivedButton", "rescueNoteButton", "elderAge", "elderLanguage", "elderDevice", "popBanner"}) {
                    String t = ui.text(name).replace("张桂英", "");
                    assertFalse(t.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN),
                            name + " has Chinese in an English window: " + t);
                }
                String withoutNames = shown.replace("李建国", "").replace("儿子", "");
                assertFalse(withoutNames.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN
                        || c == '：' || c == '（' || c == '）'), "steps in English: " + shown);
            }
        }
    }
}
