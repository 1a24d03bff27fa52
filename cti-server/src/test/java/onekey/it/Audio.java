package onekey.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import onekey.tts.WavInfo;

/** Measures a 16-bit PCM WAV recording: is there real audio in it? */
final class Audio {
    private Audio() {
    }

    /** Root-mean-square amplitude of all samples, 0..1 of full scale. */
    static double rms(Path wav) throws IOException {
        byte[] all = Files.readAllBytes(wav);
        WavInfo info = WavInfo.read(wav);
        int dataStart = (int) (all.length - info.dataBytes());
        ByteBuffer b = ByteBuffer.wrap(all, dataStart, (int) info.dataBytes()).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        long n = 0;
        while (b.remaining() >= 2) {
            double s = b.getShort() / 32768.0;
            sum += s * s;
            n++;
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    /** The RMS of each {@code frameMs} frame (0..1 of full scale) of a 16-bit mono PCM WAV, from its start. */
    static double[] frameRms(Path wav, int frameMs) throws IOException {
        byte[] all = Files.readAllBytes(wav);
        WavInfo info = WavInfo.read(wav);
        int dataStart = (int) (all.length - info.dataBytes());
        ByteBuffer b = ByteBuffer.wrap(all, dataStart, (int) info.dataBytes()).order(ByteOrder.LITTLE_ENDIAN);
        int perFrame = info.sampleRate() * frameMs / 1000;
        double[] out = new double[(int) (info.dataBytes() / 2 / perFrame)];
        for (int f = 0; f < out.length; f++) {
            double sum = 0;
            for (int i = 0; i < perFrame; i++) {
                double v = b.getShort() / 32768.0;
                sum += v * v;
            }
            out[f] = Math.sqrt(sum / perFrame);
        }
        return out;
    }

    /**
     * Speech in the first {@code windowMs} of a recording, in 20 ms frames: a frame is voiced when its RMS is above
     * {@code threshold}; {@code firstMs}/{@code lastMs} bound the voiced frames (-1 when none), {@code voicedMs} counts
     * them.
     */
    record Speech(long firstMs, long lastMs, long voicedMs) {
        long spanMs() {
            return firstMs < 0 ? 0 : lastMs - firstMs + 20;
        }

        /** The voiced frames' share of the span (0..1). */
        double voicedShare() {
            return spanMs() == 0 ? 0 : (double) voicedMs / spanMs();
        }
    }

    static Speech speech(Path wav, long windowMs, double threshold) throws IOException {
        return speech(wav, 0, windowMs, threshold);
    }

    /** As above, between {@code fromMs} and {@code toMs} of the recording (the offsets stay the recording's). */
    static Speech speech(Path wav, long fromMs, long toMs, double threshold) throws IOException {
        double[] f = frameRms(wav, 20);
        int n = (int) Math.min(f.length, Math.max(0, toMs / 20));
        long first = -1;
        long last = -1;
        long voiced = 0;
        for (int i = (int) Math.max(0, fromMs / 20); i < n; i++) {
            if (f[i] > threshold) {
                if (first < 0) {
                    first = i * 20L;
                }
                last = i * 20L;
                voiced += 20;
            }
        }
        return new Speech(first, last, voiced);
    }
}
