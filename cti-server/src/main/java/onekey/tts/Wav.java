package onekey.tts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Minimal PCM WAV reading, resampling and writing. Telephony wants 8 kHz mono 16-bit; TTS engines give
 * 16 kHz (FreeTTS) or 22.05 kHz (espeak-ng). No sox needed.
 */
final class Wav {

    static final int TELEPHONY_RATE = 8000;

    private Wav() {}

    /** 16-bit mono samples at {@code rate} Hz. */
    record Pcm(short[] samples, int rate) {
        double seconds() {
            return samples.length / (double) rate;
        }
    }

    /**
     * Reads a 16-bit PCM WAV (mono or the first channel). Tolerates the placeholder sizes (0x7fffffff)
     * that streaming writers such as {@code espeak-ng --stdout} put in the header.
     */
    static Pcm read(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 /* RIFF */ || b.getInt(8) != 0x45564157 /* WAVE */) {
            throw new TtsException("not a RIFF/WAVE file (" + wav.length + " bytes)");
        }
        int pos = 12;
        int channels = -1, rate = -1, bits = -1, format = -1;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id == 0x20746d66 /* "fmt " */) {
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
            } else if (id == 0x61746164 /* "data" */) {
                if (format != 1 || bits != 16 || channels < 1) {
                    throw new TtsException("unsupported WAV: format=" + format + " bits=" + bits + " channels=" + channels);
                }
                int end = (int) Math.min(wav.length, body + size);
                int frame = 2 * channels;
                short[] s = new short[(end - body) / frame];
                for (int i = 0; i < s.length; i++) {
                    s[i] = b.getShort(body + i * frame);
                }
                return new Pcm(s, rate);
            }
            pos = body + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - body);
        }
        throw new TtsException("WAV has no data chunk");
    }

    static Pcm read(Path wav) throws IOException {
        return read(Files.readAllBytes(wav));
    }

    /**
     * Resamples to {@code target} Hz: a windowed-sinc low-pass at 0.9 × the target Nyquist frequency
     * (so nothing aliases into the telephone band) followed by linear interpolation.
     */
    static Pcm resample(Pcm in, int target) {
        if (in.rate() == target) {
            return in;
        }
        double[] x = new double[in.samples().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = in.samples()[i];
        }
        if (target < in.rate()) {
            x = lowPass(x, 0.9 * (target / 2.0) / in.rate());
        }
        double step = in.rate() / (double) target;
        int n = (int) Math.floor((x.length - 1) / step) + 1;
        if (x.length == 0) {
            n = 0;
        }
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double p = i * step;
            int j = (int) p;
            double f = p - j;
            double v = j + 1 < x.length ? x[j] * (1 - f) + x[j + 1] * f : x[j];
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return new Pcm(out, target);
    }

    /** FIR low-pass, Blackman-windowed sinc; {@code cutoff} as a fraction of the sample rate. */
    private static double[] lowPass(double[] x, double cutoff) {
        int taps = 101;
        int mid = taps / 2;
        double[] h = new double[taps];
        double sum = 0;
        for (int i = 0; i < taps; i++) {
            int k = i - mid;
            double sinc = k == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
            double w = 0.42 - 0.5 * Math.cos(2 * Math.PI * i / (taps - 1)) + 0.08 * Math.cos(4 * Math.PI * i / (taps - 1));
            h[i] = sinc * w;
            sum += h[i];
        }
        for (int i = 0; i < taps; i++) {
            h[i] /= sum;
        }
        double[] y = new double[x.length];
        for (int n = 0; n < x.length; n++) {
            double acc = 0;
            int lo = Math.max(0, n - mid), hi = Math.min(x.length - 1, n + mid);
            for (int m = lo; m <= hi; m++) {
                acc += x[m] * h[n - m + mid];
            }
            y[n] = acc;
        }
        return y;
    }

    static byte[] encode(Pcm pcm) {
        int dataLen = pcm.samples().length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataLen).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(pcm.rate()).putInt(pcm.rate() * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(dataLen);
        for (short s : pcm.samples()) {
            b.putShort(s);
        }
        return b.array();
    }

    /** Writes atomically (temp file + move) so Asterisk never plays a half-written prompt. */
    static void write(Pcm pcm, Path wav) throws IOException {
        Path dir = wav.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tts-", ".part");
        try {
            Files.write(tmp, encode(pcm));
            Files.move(tmp, wav, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Resamples to 8 kHz and writes; fails when the engine produced no audio. */
    static void writeTelephony(Pcm pcm, Path wav, String engine) {
        if (pcm.samples().length == 0) {
            throw new TtsException(engine + " produced no audio");
        }
        try {
            write(resample(pcm, TELEPHONY_RATE), wav);
        } catch (IOException e) {
            throw new TtsException("cannot write " + wav + ": " + e.getMessage(), e);
        }
    }
}
