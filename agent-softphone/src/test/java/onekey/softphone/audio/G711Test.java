package onekey.softphone.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void knownCodeWords() {
        // ITU-T G.711: silence is 0xFF in μ-law and 0xD5 in A-law; full scale is 0x80 / 0x7F (μ), 0xAA / 0x2A (A)
        assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x00, G711.linearToUlaw((short) -32768));
        assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x2A, G711.linearToAlaw((short) -32768));
        assertEquals(0, G711.ulaw((byte) 0xFF));
        assertEquals(8, G711.alaw((byte) 0xD5));
    }

    @Test
    void roundTripStaysWithinTheCompandingStepBothLaws() {
        for (int pt : new int[] {0, 8}) {
            for (int v = -32768; v <= 32767; v += 7) {
                short s = (short) v;
                short back = G711.decode(pt, G711.encode(pt, new short[] {s}), 0, 1)[0];
                int err = Math.abs(back - s);
                // the quantisation step grows with the level: at most 1/16 of the value plus the smallest step
                assertTrue(err <= Math.abs(v) / 16 + 40, "pt " + pt + " " + v + " -> " + back);
            }
        }
    }

    @Test
    void everyCodeWordDecodesAndReEncodesToItself() {
        for (int b = 0; b < 256; b++) {
            assertEquals((byte) b == (byte) 0x7F ? (byte) 0xFF : (byte) b, G711.linearToUlaw(G711.ulaw((byte) b)),
                    "μ-law " + b);
            assertEquals((byte) b, G711.linearToAlaw(G711.alaw((byte) b)), "A-law " + b);
        }
    }
}
