package onekey.elders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumbersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "02155550001        | 2155550001",
            "+86 21 5555 0001   | 2155550001",
            "0086-21-5555-0001  | 2155550001",
            "862155550001       | 2155550001",
            "+86 021 55550001   | 2155550001",
            "(021) 5555-0001    | 2155550001",
            "55550001           | 2155550001",
            "13800138000        | 13800138000",
            "+86 138 0013 8000  | 13800138000",
            "008613800138000    | 13800138000",
            "8613800138000      | 13800138000",
            "075512345678       | 75512345678",
            "110                | 110",
            "1001               | 1001",
    })
    void normalizes(String raw, String expected) {
        assertEquals(expected, PhoneNumbers.normalize(raw, "21"));
    }

    @Test
    void areaCodeMayCarryTrunkZeroOrBeAbsent() {
        assertEquals("2155550001", PhoneNumbers.normalize("55550001", "021"));
        assertEquals("55550001", PhoneNumbers.normalize("55550001", null));
        assertEquals("7552345678", PhoneNumbers.normalize("2345678", "0755"));
    }

    @Test
    void noDigitsIsNull() {
        assertNull(PhoneNumbers.normalize(null, "21"));
        assertNull(PhoneNumbers.normalize("", "21"));
        assertNull(PhoneNumbers.normalize("anonymous", "21"));
        assertNull(PhoneNumbers.normalize("+ - ()", "21"));
    }

    @Test
    void masksAllButLastFourDigits() {
        assertEquals("******0001", PhoneNumbers.mask("2155550001"));
        assertEquals("*******8000", PhoneNumbers.mask("13800138000"));
        assertEquals("+** ** ****-0001", PhoneNumbers.mask("+86 21 5555-0001"));
        assertEquals("110", PhoneNumbers.mask("110"));
        assertNull(PhoneNumbers.mask(null));
    }
}
