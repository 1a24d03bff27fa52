package onekey.softphone.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdpTest {

    @Test
    void readsAsterisksOffer() {
        Sdp s = Sdp.parse("""
                v=0\r
                o=- 1 3 IN IP4 127.0.0.1\r
                s=Asterisk\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio 10042 RTP/AVP 8 0 101\r
                a=rtpmap:8 PCMA/8000\r
                a=rtpmap:0 PCMU/8000\r
                a=rtpmap:101 telephone-event/8000\r
                a=fmtp:101 0-16\r
                a=sendrecv\r
                """);
        assertEquals("127.0.0.1", s.host());
        assertEquals(10042, s.port());
        assertEquals(List.of(8, 0, 101), s.payloadTypes());
        assertEquals(8, s.g711(), "the peer's preference");
        assertEquals(101, s.dtmfType());
        assertEquals("sendrecv", s.direction());
    }

    @Test
    void writesAnOfferItCanRead() {
        Sdp s = Sdp.parse(Sdp.write("10.0.0.5", 4000, List.of(0, 8), 101, "sendonly"));
        assertEquals("10.0.0.5", s.host());
        assertEquals(4000, s.port());
        assertEquals(List.of(0, 8, 101), s.payloadTypes());
        assertEquals("sendonly", s.direction());
    }

    @Test
    void noAudioIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> Sdp.parse("v=0\r\ns=x\r\n"));
    }
}
