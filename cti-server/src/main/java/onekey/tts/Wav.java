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
     * Reads a WAV file to mono 16-bit samples at its own rate: PCM 8/16/24/32-bit, IEEE float 32/64-bit, G.711
     * A-law and µ-law, plain or WAVE_FORMAT_EXTENSIBLE; several channels are mixed down (averaged). Tolerates the
     * placeholder sizes (0x7fffffff) that streaming writers such as {@code espeak-ng --stdout} put in the header.
     * Recorded prompts come from any recorder or editor, so anything a recorder commonly writes is read here.
     *
     * @throws TtsException what is wrong with the file (not RIFF/WAVE, no data, an unsupported encoding)
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
                if (body + 16 > wav.length) {
                    throw new TtsException("WAV fmt chunk is cut short");
                }
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
                if (format == 0xFFFE && size >= 40 && body + 26 <= wav.length) {
                    format = b.getShort(body + 24) & 0xffff; // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
                }
            } else if (id == 0x61746164 /* "data" */) {
                if (format < 0) {
                    throw new TtsException("WAV has no fmt chunk before its data");
                }
                if (rate < 1000 || rate > 384_000) {
                    throw new TtsException("unsupported WAV sample rate " + rate + " Hz");
                }
                int end = (int) Math.min(wav.length, body + size);
                return new Pcm(decode(b, body, end, format, bits, channels), rate);
            }
            pos = body + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - body);
        }
        throw new TtsException("WAV has no data chunk");
    }

    private static short[] decode(ByteBuffer b, int from, int end, int format, int bits, int channels) {
        boolean pcm = format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == 3 && (bits == 32 || bits == 64);
        boolean g711 = (format == 6 || format == 7) && bits == 8;
        if (!(pcm || flt || g711) || channels < 1 || channels > 16) {
            throw new TtsException("unsupported WAV encoding: format=" + format + " bits=" + bits + " channels=" + channels
                    + " (PCM 8/16/24/32-bit, float 32/64-bit, A-law or µ-law are read)");
        }
        int bytes = bits / 8;
        int frame = bytes * channels;
        short[] s = new short[Math.max(0, (end - from) / frame)];
        for (int i = 0; i < s.length; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int o = from + i * frame + c * bytes;
                sum += sample(b, o, format, bits);
            }
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(sum / channels)));
        }
        return s;
    }

    /** One sample as a 16-bit-scaled value (full scale ±32768). */
    private static double sample(ByteBuffer b, int o, int format, int bits) {
        return switch (format) {
            case 3 -> (bits == 32 ? b.getFloat(o) : b.getDouble(o)) * 32768.0;
            case 6 -> alaw(b.get(o) & 0xff);
            case 7 -> ulaw(b.get(o) & 0xff);
            default -> switch (bits) {
                case 8 -> ((b.get(o) & 0xff) - 128) << 8;
                case 16 -> b.getShort(o);
                case 24 -> ((b.get(o) & 0xff) | ((b.get(o + 1) & 0xff) << 8) | (b.get(o + 2) << 16)) / 256.0;
                default -> b.getInt(o) / 65536.0;
            };
        };
    }

    /** G.711 A-law to linear (ITU-T G.711). */
    static int alaw(int a) {
        a ^= 0x55;
        int t = (a & 0x0f) << 4;
        int seg = (a & 0x70) >> 4;
        t = switch (seg) {
            case 0 -> t + 8;
            case 1 -> t + 0x108;
            default -> (t + 0x108) << (seg - 1);
        };
        return (a & 0x80) != 0 ? t : -t;
    }

    /** G.711 µ-law to linear (ITU-T G.711). */
    static int ulaw(int u) {
        u = ~u & 0xff;
        int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (u & 0x80) != 0 ? 0x84 - t : t - 0x84;
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

    /** The pieces one after the other (all at {@code rate} Hz). */
    static Pcm concat(java.util.List<Pcm> pieces, int rate) {
        int n = 0;
        for (Pcm p : pieces) {
            if (p.rate() != rate) {
                throw new IllegalArgumentException("piece at " + p.rate() + " Hz, expected " + rate);
            }
            n += p.samples().length;
        }
        short[] out = new short[n];
        int at = 0;
        for (Pcm p : pieces) {
            System.arraycopy(p.samples(), 0, out, at, p.samples().length);
            at += p.samples().length;
        }
        return new Pcm(out, rate);
    }

    /**
     * Leading and trailing silence cut down to {@code keepMillis}: a recording's or a voice's own lead-in would
     * otherwise add up to long gaps between the pieces of a composed prompt. Silence: 10 ms frames more than 40 dB
     * below the loudest frame (and below -50 dBFS counts as silence whatever the loudest).
     */
    static Pcm trimSilence(Pcm in, int keepMillis) {
        short[] s = in.samples();
        int frame = Math.max(1, in.rate() / 100);
        int frames = s.length / frame;
        if (frames == 0) {
            return in;
        }
        double[] e = new double[frames];
        double max = 0;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int i = f * frame; i < (f + 1) * frame; i++) {
                sum += (double) s[i] * s[i];
            }
            e[f] = sum / frame;
            max = Math.max(max, e[f]);
        }
        double floor = Math.max(max * 1e-4, Math.pow(32768 * Math.pow(10, -50 / 20.0), 2));
        int first = 0;
        while (first < frames && e[first] <= floor) {
            first++;
        }
        if (first == frames) {
            return new Pcm(new short[0], in.rate()); // nothing but silence
        }
        int last = frames - 1;
        while (last > first && e[last] <= floor) {
            last--;
        }
        int keep = in.rate() * keepMillis / 1000;
        int from = Math.max(0, first * frame - keep);
        int to = Math.min(s.length, (last + 1) * frame + keep);
        return new Pcm(java.util.Arrays.copyOfRange(s, from, to), in.rate());
    }

    /** A short linear fade-in and fade-out, so pieces joined end to end never click where they meet. */
    static Pcm fade(Pcm in, int millis) {
        short[] s = in.samples().clone();
        int n = Math.min(s.length / 2, in.rate() * millis / 1000);
        for (int i = 0; i < n; i++) {
            double g = (i + 1) / (double) (n + 1);
            s[i] = (short) Math.round(s[i] * g);
            s[s.length - 1 - i] = (short) Math.round(s[s.length - 1 - i] * g);
        }
        return new Pcm(s, in.rate());
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

    /**
     * Resamples to 8 kHz, brings it to the common prompt level ({@link Loudness#normalize}) and writes; fails when the
     * engine produced no audio.
     */
    static void writeTelephony(Pcm pcm, Path wav, String engine) {
        if (pcm.samples().length == 0) {
            throw new TtsException(engine + " produced no audio");
        }
        try {
            write(Loudness.normalize(resample(pcm, TELEPHONY_RATE)), wav);
        } catch (IOException e) {
            throw new TtsException("cannot write " + wav + ": " + e.getMessage(), e);
        }
    }
}
