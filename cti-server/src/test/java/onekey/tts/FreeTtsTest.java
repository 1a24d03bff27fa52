package onekey.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeTtsTest {

    @TempDir Path dir;

    @Test
    void kevin16SpeaksEnglishAsTelephonyWav() throws Exception {
        FreeTts tts = new FreeTts();
        assertEquals("en", tts.language());
        assertTrue(tts.available(), tts.unavailableReason());
        Path wav = dir.resolve("en.wav");
        tts.synthesize("Hello Mary, connecting you to hospital registration, please hold.", wav);
        double seconds = WavAssert.assertTelephonyWav(wav);
        assertTrue(seconds > 1.5 && seconds < 15, "duration " + seconds);
    }
}
