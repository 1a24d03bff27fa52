package onekey.tts;

/**
 * One level for every prompt, whoever made it (espeak-ng, FreeTTS, a person in a recording booth): the active-speech
 * RMS is brought to {@link #TARGET_DBFS} and no sample goes above {@link #PEAK_DBFS}. Without this an elder hears a
 * loud recorded greeting, then a quiet synthesised name, then turns the handset up and is deafened by the next piece.
 *
 * <p>Levels are RMS relative to full scale 32768 (a full-scale sine is -3 dBFS). "Active speech" follows the idea of
 * ITU-T P.56, simplified: 20 ms frames; frames below -50 dBFS are silence; of the rest, frames more than 16 dB below
 * their mean level are pauses and breath, not speech. Silence therefore never drags the measured level down, and a
 * prompt with long pauses comes out no louder than one without.
 *
 * <p>Peaks: after the gain, a limiter (a per-sample gain that is the minimum of what each nearby peak needs, smoothed
 * over 5 ms so it never clicks) keeps every sample under the ceiling; its loss of level is made up by measuring again
 * (at most ten rounds).
 */
public final class Loudness {

    /** The level every prompt is written at (active-speech RMS). */
    public static final double TARGET_DBFS = -20.0;
    /** No sample above this (about 29 200 of 32 767): headroom for the codec, never a clipped peak. */
    public static final double PEAK_DBFS = -1.0;
    static final double SILENCE_DBFS = -50.0;
    /** Frames this far below the mean level of the non-silent ones are pauses, not speech (P.56's 15.9 dB margin). */
    static final double ACTIVE_MARGIN_DB = 16.0;
    private static final double FULL_SCALE = 32768.0;

    private Loudness() {}

    /** The active-speech level of {@code pcm} in dBFS; {@code -Infinity} for silence. */
    public static double activeLevelDbfs(short[] samples, int rate) {
        double[] x = new double[samples.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i];
        }
        return activeLevel(x, rate);
    }

    /** The highest absolute sample in dBFS. */
    public static double peakDbfs(short[] samples) {
        int peak = 0;
        for (short s : samples) {
            peak = Math.max(peak, Math.abs((int) s));
        }
        return peak == 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(peak / FULL_SCALE);
    }

    /** {@code pcm} at {@link #TARGET_DBFS} active level, peaks under {@link #PEAK_DBFS}. Silence is returned as is. */
    static Wav.Pcm normalize(Wav.Pcm pcm) {
        short[] in = pcm.samples();
        double[] x = new double[in.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = in[i];
        }
        double level = activeLevel(x, pcm.rate());
        if (Double.isInfinite(level)) {
            return pcm;
        }
        double ceiling = FULL_SCALE * Math.pow(10, PEAK_DBFS / 20);
        // gain in dB; where the limiter holds peaks down, more gain raises the level by less: a secant step (the
        // slope seen between the last two rounds, at least 0.2 dB per dB) converges in a few rounds
        double gainDb = TARGET_DBFS - level;
        double[] y = x;
        double lastGain = Double.NaN;
        double lastLevel = Double.NaN;
        for (int round = 0; round < 10; round++) {
            y = limit(scale(x, Math.pow(10, gainDb / 20)), ceiling, pcm.rate());
            double got = activeLevel(y, pcm.rate());
            double off = TARGET_DBFS - got;
            if (Math.abs(off) < 0.1) {
                break;
            }
            double slope = Double.isNaN(lastGain) || gainDb == lastGain ? 1.0
                    : Math.max(0.2, Math.min(1.0, (got - lastLevel) / (gainDb - lastGain)));
            lastGain = gainDb;
            lastLevel = got;
            gainDb += off / slope;
        }
        short[] out = new short[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (short) Math.max(-ceiling, Math.min(ceiling, Math.round(y[i])));
        }
        return new Wav.Pcm(out, pcm.rate());
    }

    private static double[] scale(double[] x, double gain) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * gain;
        }
        return y;
    }

    /**
     * A look-ahead limiter: each sample's gain is the smallest gain any peak within ±5 ms needs, averaged over ±2.5 ms.
     * An average of values each at most what sample n needs is at most what n needs, so no sample exceeds the
     * ceiling, and the gain moves smoothly (no clicks) around a peak.
     */
    private static double[] limit(double[] x, double ceiling, int rate) {
        int n = x.length;
        boolean over = false;
        for (double v : x) {
            if (Math.abs(v) > ceiling) {
                over = true;
                break;
            }
        }
        if (!over) {
            return x;
        }
        int w = Math.max(1, rate / 200);
        int half = Math.max(1, w / 2);
        double[] need = new double[n];
        for (int i = 0; i < n; i++) {
            double a = Math.abs(x[i]);
            need[i] = a > ceiling ? ceiling / a : 1.0;
        }
        double[] min = slidingMin(need, w);
        double[] g = new double[n];
        double sum = 0;
        int count = 0;
        // moving average of min over [i - half, i + half]
        for (int i = 0; i < Math.min(n, half); i++) {
            sum += min[i];
            count++;
        }
        for (int i = 0; i < n; i++) {
            int add = i + half;
            if (add < n) {
                sum += min[add];
                count++;
            }
            int drop = i - half - 1;
            if (drop >= 0) {
                sum -= min[drop];
                count--;
            }
            g[i] = sum / count;
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[i] * Math.min(g[i], need[i]);
        }
        return y;
    }

    /** min over [i - w, i + w] for every i (a monotonic deque, O(n)). */
    private static double[] slidingMin(double[] a, int w) {
        int n = a.length;
        double[] out = new double[n];
        int[] dq = new int[n];
        int head = 0, tail = 0;
        int next = 0;
        for (int i = 0; i < n; i++) {
            int hi = Math.min(n - 1, i + w);
            while (next <= hi) {
                while (tail > head && a[dq[tail - 1]] >= a[next]) {
                    tail--;
                }
                dq[tail++] = next++;
            }
            while (dq[head] < i - w) {
                head++;
            }
            out[i] = a[dq[head]];
        }
        return out;
    }

    /** Active-speech level of {@code x} (16-bit scale) in dBFS. */
    private static double activeLevel(double[] x, int rate) {
        int frame = Math.max(1, rate / 50);
        int frames = x.length / frame;
        if (frames == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] ms = new double[frames];
        double silence = Math.pow(FULL_SCALE * Math.pow(10, SILENCE_DBFS / 20), 2);
        double sum = 0;
        int voiced = 0;
        for (int f = 0; f < frames; f++) {
            double e = 0;
            for (int i = f * frame; i < (f + 1) * frame; i++) {
                e += x[i] * x[i];
            }
            ms[f] = e / frame;
            if (ms[f] > silence) {
                sum += ms[f];
                voiced++;
            }
        }
        if (voiced == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double gate = Math.max(silence, sum / voiced * Math.pow(10, -ACTIVE_MARGIN_DB / 10));
        double active = 0;
        int n = 0;
        for (double e : ms) {
            if (e > gate) {
                active += e;
                n++;
            }
        }
        return 10 * Math.log10(active / n / (FULL_SCALE * FULL_SCALE));
    }
}
