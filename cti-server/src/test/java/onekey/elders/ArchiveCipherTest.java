package onekey.elders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class ArchiveCipherTest {
    private static final String HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @Test
    void sealsWithAFreshNonceEachTimeAndOpensWithTheSameKeyInEitherSpelling() {
        ArchiveCipher c = ArchiveCipher.of(HEX);
        InsuranceCard a = c.seal("310101193803121234");
        InsuranceCard b = c.seal("310101193803121234");
        assertNotEquals(a.sealed(), b.sealed(), "a fresh nonce per value");
        assertFalse(a.sealed().contains("1938"));
        assertEquals("1234", a.last4());
        assertEquals("************1234", a.masked());
        byte[] raw = new byte[32];
        for (int i = 0; i < 32; i++) {
            raw[i] = (byte) i;
        }
        assertEquals("310101193803121234", ArchiveCipher.of(Base64.getEncoder().encodeToString(raw)).open(7, b));
        assertFalse(a.toString().contains(a.sealed()), "never the ciphertext in a log line");
    }

    @Test
    void anotherKeyOrATamperedValueDoesNotOpen() {
        InsuranceCard a = ArchiveCipher.of(HEX).seal("310101193803121234");
        assertThrows(SecurityException.class,
                () -> ArchiveCipher.of(HEX.replace('0', 'f')).open(1, a));
        byte[] t = Base64.getDecoder().decode(a.sealed());
        t[t.length - 1] ^= 1;
        assertThrows(SecurityException.class,
                () -> ArchiveCipher.of(HEX).open(1, new InsuranceCard(Base64.getEncoder().encodeToString(t), "1234")));
        assertThrows(IllegalArgumentException.class, () -> ArchiveCipher.of("short"));
        assertThrows(IllegalArgumentException.class, () -> ArchiveCipher.of(""));
    }
}
