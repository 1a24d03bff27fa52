package onekey.telephony.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import onekey.telephony.PbxEvent;
import org.junit.jupiter.api.Test;

/** The dialplan's OneKeySeatCall user event (issue 18 item 7) in OneKey's words, and registered on every connection. */
class AmiSeatCallEventTest {

    @Test
    void theStartAndTheEndOfASeatsCall() {
        OneKeySeatCallEvent s = new OneKeySeatCallEvent(this);
        s.setLinkedid("1796540707.7");
        s.setUniqueId("1796540707.7");
        s.setPhase("start");
        s.setAgent("1001");
        s.setNumber("13816000001");
        s.setStep("3");
        s.setRecfile("/rec/2026/12/06/1796540707.7.wav");
        s.setDialStatus(" ");
        s.setAnswered("");
        s.setTimestamp(1796540708.5);
        assertEquals(new PbxEvent.SeatCall("1796540707.7", 1796540708500L, "1796540707.7", "start", "1001", "13816000001", "3",
                "/rec/2026/12/06/1796540707.7.wav", null, null), AmiEvents.translate(s));

        OneKeySeatCallEvent e = new OneKeySeatCallEvent(this);
        e.setLinkedid("1796540707.7");
        e.setPhase("end");
        e.setAgent("1001");
        e.setStep("");
        e.setDialStatus("ANSWER");
        e.setAnswered("12");
        PbxEvent.SeatCall end = (PbxEvent.SeatCall) AmiEvents.translate(e);
        assertEquals("end", end.phase());
        assertEquals(null, end.step());
        assertEquals("ANSWER", end.dialStatus());
        assertEquals(12L, end.answeredSeconds());
        assertTrue(AmiEvents.USER_EVENTS.contains(OneKeySeatCallEvent.class));
    }
}
