package onekey.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WavTest {

    private static Wav.Pcm tone(double hz, int rate, double seconds) {
        short[] s = new short[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (10000 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return new Wav.Pcm(s, rate);
    }

    private static double rms(short[] s, int from) {
        double sum = 0;
        for (int i = from; i < s.length - from; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / (s.length - 2 * from));
    }

    @Test
    void resamplingKeepsSpeechBandAndDuration() {
        Wav.Pcm out = Wav.resample(tone(1000, 22050, 1.0), 8000);
        assertEquals(8000, out.rate());
        assertEquals(1.0, out.seconds(), 0.01);
        int crossings = 0;
        for (int i = 1; i < out.samples().length; i++) {
            if ((out.samples()[i - 1] < 0) != (out.samples()[i] < 0)) {
                crossings++;
            }
        }
        assertEquals(2000, crossings, 10, "still 1 kHz");
        assertTrue(rms(out.samples(), 100) > 6500, "1 kHz passes");
    }

    @Test
    void toneAboveTelephoneNyquistIsFilteredNotAliased() {
        // 6 kHz would alias to 2 kHz at 8 kHz sampling without the low-pass.
        Wav.Pcm out = Wav.resample(tone(6000, 22050, 1.0), 8000);
        assertTrue(rms(out.samples(), 100) < 200, "rms " + rms(out.samples(), 100));
    }

    @Test
    void encodeThenReadRoundTrips() {
        Wav.Pcm in = tone(440, 8000, 0.25);
        Wav.Pcm back = Wav.read(Wav.encode(in));
        assertEquals(8000, back.rate());
        assertEquals(in.samples().length, back.samples().length);
        assertEquals(in.samples()[123], back.samples()[123]);
    }

    @Test
    void streamingHeaderWithPlaceholderSizesIsRead() {
        byte[] wav = Wav.encode(tone(440, 22050, 0.1));
        // espeak-ng --stdout writes 0x7fffffff-ish sizes because it cannot seek back
        java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 0x7ffff024).putInt(40, 0x7ffff000);
        assertEquals(2205, Wav.read(wav).samples().length);
    }
}
