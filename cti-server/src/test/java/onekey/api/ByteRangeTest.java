package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void singleRanges() {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000));
        assertEquals(new ByteRange(990, 999), ByteRange.parse("bytes=990-5000", 1000), "end is clamped");
    }

    @Test
    void whatIsNotOneWellFormedRangeIsIgnored() {
        assertNull(ByteRange.parse(null, 1000));
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 1000));
        assertNull(ByteRange.parse("bytes=9-3", 1000));
        assertNull(ByteRange.parse("bytes=a-b", 1000));
        assertNull(ByteRange.parse("bytes=-", 1000));
    }

    @Test
    void unsatisfiableIs416WithTheSize() {
        ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse("bytes=1000-", 1000));
        assertEquals(416, e.status.code());
        assertEquals("bytes */1000", e.headers.get("Content-Range"));
        assertEquals(416, assertThrows(ApiException.class, () -> ByteRange.parse("bytes=-0", 1000)).status.code());
        assertEquals(416, assertThrows(ApiException.class, () -> ByteRange.parse("bytes=0-", 0)).status.code());
    }
}
