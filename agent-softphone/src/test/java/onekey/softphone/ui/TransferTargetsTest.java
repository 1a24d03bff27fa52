package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TransferTargetsTest {

    @Test
    void parsesNamedTargetsAndLeavesOutEntriesWithoutANumber() {
        assertEquals(List.of(new TransferTargets("医生 刘", "1003"), new TransferTargets("心理咨询", "02161230000"),
                        new TransferTargets("1004", "1004")),
                TransferTargets.parse("医生 刘=1003; 心理咨询 = 02161230000;律师=abc;1004;"));
        assertEquals(List.of(), TransferTargets.parse(null));
    }

    @Test
    void theNumberComesFromWhatIsShownOrTyped() {
        assertEquals("1003", TransferTargets.number("医生 刘 (1003)"));
        assertEquals("13816000001", TransferTargets.number(" 13816000001 "));
        assertEquals("", TransferTargets.number("Dr. Liu"));
        assertEquals("", TransferTargets.number(""));
    }
}
