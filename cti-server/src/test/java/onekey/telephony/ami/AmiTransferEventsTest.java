package onekey.telephony.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import onekey.telephony.PbxEvent;
import org.asteriskjava.manager.event.AttendedTransferEvent;
import org.asteriskjava.manager.event.BlindTransferEvent;
import org.junit.jupiter.api.Test;

/** Asterisk's transfer events in OneKey's words (issue 7). */
class AmiTransferEventsTest {

    @Test
    void aBlindTransferNamesTheElderCallTheTransferringPhoneAndTheDialledTarget() {
        BlindTransferEvent e = new BlindTransferEvent(this);
        e.setTransfereeLinkedId("1795547693.0");
        e.setTransfererChannel("PJSIP/1001-0000002a");
        e.setExtension("1002");
        e.setResult("Success");
        e.setTimestamp(1795547700.25);
        assertEquals(new PbxEvent.Transferred("1795547693.0", 1795547700250L, false, "PJSIP/1001", "1002", true),
                AmiEvents.translate(e));
    }

    @Test
    void anAttendedTransferNamesTheTargetPhone() {
        AttendedTransferEvent e = new AttendedTransferEvent(this);
        e.setTransfereeLinkedId("1795547710.5");
        e.setOrigTransfererChannel("PJSIP/1001-00000007");
        e.setTransferTargetChannel("PJSIP/1002-00000009");
        e.setResult("Fail");
        PbxEvent.Transferred t = (PbxEvent.Transferred) AmiEvents.translate(e);
        assertEquals("PJSIP/1002", t.to());
        assertEquals("PJSIP/1001", t.fromInterface());
        assertEquals(false, t.success());
        assertEquals(true, t.attended());
    }

    @Test
    void aTransferWithoutATransfereeCallIsNotFollowed() {
        assertNull(AmiEvents.translate(new BlindTransferEvent(this)));
        assertEquals("PJSIP/trunk", AmiEvents.iface("PJSIP/trunk-0000000a"));
        assertNull(AmiEvents.iface(""));
    }
}
