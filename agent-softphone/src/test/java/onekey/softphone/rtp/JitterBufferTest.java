package onekey.softphone.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class JitterBufferTest {

    private static short[] f(int v) {
        short[] s = new short[160];
        s[0] = (short) v;
        return s;
    }

    @Test
    void reordersFillsToDepthPlaysSilenceForALossAndDropsLatePackets() {
        JitterBuffer j = new JitterBuffer(3, 10);
        j.put(101, f(101));
        assertNull(j.take(), "filling");
        j.put(100, f(100));
        j.put(103, f(103));
        assertEquals(100, j.take()[0]);
        assertEquals(101, j.take()[0]);
        assertArrayEquals(new short[160], j.take(), "102 lost: silence");
        assertEquals(103, j.take()[0]);
        j.put(102, f(102));
        assertEquals(1, j.late());
        assertEquals(1, j.lost());
    }

    @Test
    void aNewStreamWithOtherNumbersIsPlayedNotDroppedAsLate() {
        JitterBuffer j = new JitterBuffer(2, 10);
        for (int i = 0; i < 5; i++) {
            j.put(40000 + i, f(1));
            j.take();
        }
        // after a transfer Asterisk relays the new party's packets, numbered from somewhere else (here: behind)
        j.put(1000, f(7));
        j.put(1001, f(8));
        assertEquals(7, j.take()[0]);
        assertEquals(8, j.take()[0]);
        assertEquals(0, j.late());
        assertEquals(1, j.resyncs());
        // and ahead: no silence for each of the numbers in between
        j.put(30000, f(9));
        j.put(30001, f(10));
        assertEquals(9, j.take()[0]);
        assertEquals(2, j.resyncs());
    }

    @Test
    void sequenceNumbersWrapAround() {
        JitterBuffer j = new JitterBuffer(2, 10);
        j.put(65534, f(1));
        j.put(65535, f(2));
        j.put(0, f(3));
        j.put(1, f(4));
        assertEquals(1, j.take()[0]);
        assertEquals(2, j.take()[0]);
        assertEquals(3, j.take()[0]);
        assertEquals(4, j.take()[0]);
    }

    @Test
    void tooManyQueuedFramesDropTheOldest() {
        JitterBuffer j = new JitterBuffer(2, 4);
        for (int i = 0; i < 8; i++) {
            j.put(i, f(i));
        }
        assertEquals(80, j.delayMs());
        assertEquals(4, j.take()[0]);
    }
}
