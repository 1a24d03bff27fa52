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

    @Test
    void piecesJoinWithoutAStepAndSilenceIsTrimmedToWhatIsKept() {
        short[] s = new short[8000 + 2 * 4000];
        for (int i = 4000; i < 12000; i++) {
            s[i] = (short) (10000 * Math.sin(2 * Math.PI * 300 * i / 8000.0) + 5000); // ends away from zero
        }
        Wav.Pcm trimmed = Wav.trimSilence(new Wav.Pcm(s, 8000), 100);
        assertEquals(8000 + 2 * 800, trimmed.samples().length, "0.5 s of silence each side cut to 0.1 s");
        Wav.Pcm faded = Wav.fade(new Wav.Pcm(java.util.Arrays.copyOfRange(s, 4000, 12000), 8000), 5);
        assertTrue(Math.abs(faded.samples()[0]) < 200, "starts near zero: " + faded.samples()[0]);
        assertTrue(Math.abs(faded.samples()[faded.samples().length - 1]) < 200, "ends near zero");
        assertEquals(s[4000 + 4000], faded.samples()[4000], "the middle untouched");
        assertEquals(0, Wav.trimSilence(new Wav.Pcm(new short[4000], 8000), 100).samples().length, "silence alone: nothing");
    }

    @Test
    void g711DecodesToTheStandardsValues() {
        // ITU-T G.711: A-law 0xD5 and µ-law 0xFF are the smallest positive steps; 0x2A / 0x00 the largest negative
        assertEquals(8, Wav.alaw(0xD5));
        assertEquals(-32256, Wav.alaw(0x2A));
        assertEquals(0, Wav.ulaw(0xFF));
        assertEquals(-32124, Wav.ulaw(0x00));
        assertEquals(32124, Wav.ulaw(0x80));
    }
}
