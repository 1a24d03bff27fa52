package onekey.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real audio for the tests: speech from espeak-ng (another voice than the TTS under test stands in for a person in a
 * recording booth) and sox to turn it into what recorders write (44.1 kHz stereo, 24-bit, float, A-law, …).
 */
public final class AudioFiles {
    private AudioFiles() {}

    /** {@code text} spoken by espeak-ng {@code voice} (e.g. "cmn+f2", "en-us+m3") into {@code out}, 22.05 kHz. */
    public static Path speech(Path out, String voice, String text) {
        run(List.of("espeak-ng", "-v", voice, "-s", "150", "-w", out.toString(), text), "espeak-ng (apt-get install espeak-ng)");
        return out;
    }

    /** {@code sox in [outOptions] out [effects]}: e.g. outOptions "-r 44100 -c 2", effects "vol 0.03". */
    public static Path sox(Path in, Path out, String outOptions, String effects) {
        List<String> cmd = new ArrayList<>(List.of("sox", in.toString()));
        if (!outOptions.isBlank()) {
            cmd.addAll(List.of(outOptions.trim().split("\\s+")));
        }
        cmd.add(out.toString());
        if (!effects.isBlank()) {
            cmd.addAll(List.of(effects.trim().split("\\s+")));
        }
        run(cmd, "sox (apt-get install sox)");
        return out;
    }

    public static short[] samples(Path wav) throws IOException {
        return Wav.read(wav).samples();
    }

    public static int rate(Path wav) throws IOException {
        return Wav.read(wav).rate();
    }

    /** Active-speech level in dBFS of a WAV file. */
    public static double level(Path wav) throws IOException {
        Wav.Pcm p = Wav.read(wav);
        return Loudness.activeLevelDbfs(p.samples(), p.rate());
    }

    public static double peak(Path wav) throws IOException {
        return Loudness.peakDbfs(Wav.read(wav).samples());
    }

    /**
     * The best normalised cross-correlation of {@code needle} against any stretch of {@code haystack} (1.0: the
     * needle is in there, at some gain). The offset is found with the loudest 250 ms of the needle, then the whole
     * needle is compared there. The needle may stick out of either end by a tenth of its length (that part counts as
     * silence).
     */
    public static double contains(short[] message, short[] needle) {
        // a piece at either end of a message may have lost a few ms of its silence to the trimming: pad with zeros
        int pad = needle.length / 10;
        short[] haystack = new short[message.length + 2 * pad];
        System.arraycopy(message, 0, haystack, pad, message.length);
        if (needle.length == 0 || needle.length > haystack.length) {
            return 0;
        }
        int probeLen = Math.min(2000, needle.length);
        int probeAt = 0;
        double best = -1;
        for (int i = 0; i + probeLen <= needle.length; i += 200) {
            double e = energy(needle, i, probeLen);
            if (e > best) {
                best = e;
                probeAt = i;
            }
        }
        double bestCorr = -1;
        int bestOffset = 0;
        for (int off = 0; off + needle.length <= haystack.length; off++) {
            double c = corr(haystack, off + probeAt, needle, probeAt, probeLen);
            if (c > bestCorr) {
                bestCorr = c;
                bestOffset = off;
            }
        }
        return corr(haystack, bestOffset, needle, 0, needle.length);
    }

    private static double energy(short[] a, int from, int len) {
        double e = 0;
        for (int i = from; i < from + len; i++) {
            e += (double) a[i] * a[i];
        }
        return e;
    }

    private static double corr(short[] a, int aFrom, short[] b, int bFrom, int len) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < len; i++) {
            double x = a[aFrom + i], y = b[bFrom + i];
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    private static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + what + ": " + e.getMessage() + " (./onekey setup installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a manifest.txt for a language folder. */
    public static void manifest(Path langDir, String... lines) throws IOException {
        Files.createDirectories(langDir);
        Files.writeString(langDir.resolve(RecordedPrompts.MANIFEST), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}
