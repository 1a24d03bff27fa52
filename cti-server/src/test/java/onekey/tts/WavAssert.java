package onekey.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;

/** Checks a file is what Asterisk's "wav" format expects, read by the JDK's own WAV reader. */
final class WavAssert {
    private WavAssert() {}

    /** @return duration in seconds */
    static double assertTelephonyWav(Path wav) throws Exception {
        AudioFileFormat f = AudioSystem.getAudioFileFormat(new File(wav.toString()));
        assertEquals(AudioFileFormat.Type.WAVE, f.getType());
        AudioFormat a = f.getFormat();
        assertEquals(AudioFormat.Encoding.PCM_SIGNED, a.getEncoding());
        assertEquals(8000f, a.getSampleRate());
        assertEquals(1, a.getChannels());
        assertEquals(16, a.getSampleSizeInBits());
        assertEquals(false, a.isBigEndian());
        Wav.Pcm pcm = Wav.read(wav);
        assertEquals(f.getFrameLength(), pcm.samples().length, "header length matches data");
        double sum = 0;
        int peak = 0;
        for (short s : pcm.samples()) {
            sum += (double) s * s;
            peak = Math.max(peak, Math.abs(s));
        }
        double rms = Math.sqrt(sum / Math.max(1, pcm.samples().length));
        assertTrue(rms > 300, "audible speech expected, rms=" + rms);
        assertTrue(peak < 32767 || rms < 20000, "not clipped noise");
        return pcm.seconds();
    }
}
