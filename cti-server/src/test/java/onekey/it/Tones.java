package onekey.it;

import java.io.IOException;
import java.nio.file.Path;
import onekey.softphone.audio.Audio;

/** Which tone a phone heard: counts 20 ms frames of a WAV recording dominated by a frequency (Goertzel). */
final class Tones {
    private Tones() {
    }

    /** Frames of 160 samples that are loud (peak > 1000) and have most of their energy at {@code hz}. */
    static int framesOf(Path wav, double hz) throws IOException {
        short[] s = Audio.readWav(wav);
        int n = 0;
        for (int off = 0; off + 160 <= s.length; off += 160) {
            double total = 0;
            int peak = 0;
            for (int i = 0; i < 160; i++) {
                total += (double) s[off + i] * s[off + i];
                peak = Math.max(peak, Math.abs(s[off + i]));
            }
            if (peak < 1000) {
                continue;
            }
            double coeff = 2 * Math.cos(2 * Math.PI * hz / 8000);
            double q1 = 0;
            double q2 = 0;
            for (int i = 0; i < 160; i++) {
                double q0 = coeff * q1 - q2 + s[off + i];
                q2 = q1;
                q1 = q0;
            }
            double power = q1 * q1 + q2 * q2 - coeff * q1 * q2; // ≈ (N/2)² A²/... ; compare with N/2 × total
            if (power / (80.0 * total) > 0.5) {
                n++;
            }
        }
        return n;
    }
}
