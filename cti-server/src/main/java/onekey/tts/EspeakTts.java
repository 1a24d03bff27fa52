package onekey.tts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * espeak-ng as an external process: {@code espeak-ng -v <voice> -s <wpm> -b 1 --stdin -w <tmp.wav>}, then
 * resampled to 8 kHz in Java. Text goes through stdin (UTF-8) so it is never parsed as an option and
 * never shows up in the process list.
 */
public final class EspeakTts implements TtsEngine {

    /** Slower than espeak's 175 wpm default: listeners are 80+ and on a telephone line. */
    public static final int ELDER_FRIENDLY_WPM = 140;

    private final String executable;
    private final String language;
    private final String voice;
    private final int wordsPerMinute;
    private final Duration timeout;
    private final ReentrantLock probeLock = new ReentrantLock();
    private volatile Boolean available;
    private volatile String unavailableReason = "";

    public EspeakTts(String executable, String language, String voice, int wordsPerMinute, Duration timeout) {
        this.executable = executable;
        this.language = language;
        this.voice = voice;
        this.wordsPerMinute = wordsPerMinute;
        this.timeout = timeout;
    }

    /** Mandarin: voice "cmn". */
    public static EspeakTts mandarin() {
        return mandarin(100);
    }

    /** Mandarin at {@code ratePercent} of the elder-friendly rate (config {@code tts.ratePercent}). */
    public static EspeakTts mandarin(int ratePercent) {
        return new EspeakTts("espeak-ng", "zh", "cmn", ELDER_FRIENDLY_WPM * ratePercent / 100, Duration.ofSeconds(10));
    }

    /** US English: voice "en-us". */
    public static EspeakTts english() {
        return english(100);
    }

    /** US English at {@code ratePercent} of the elder-friendly rate. */
    public static EspeakTts english(int ratePercent) {
        return new EspeakTts("espeak-ng", "en", "en-us", ELDER_FRIENDLY_WPM * ratePercent / 100, Duration.ofSeconds(10));
    }

    @Override
    public String language() {
        return language;
    }

    public String voice() {
        return voice;
    }

    /**
     * Checks once that espeak-ng runs and lists the voice in {@code espeak-ng --voices}, then speaks "1"
     * to nowhere ({@code -q}); the result is cached. The list check matters: espeak-ng silently picks a
     * voice by prefix for unknown names (e.g. "no-such-voice" speaks Norwegian) and exits 0.
     */
    @Override
    public boolean available() {
        Boolean a = available;
        if (a != null) {
            return a;
        }
        probeLock.lock();
        try {
            a = available;
            if (a != null) {
                return a;
            }
            try {
                String voices = run(List.of(executable, "--voices"), "");
                if (!listsVoice(voices, voice)) {
                    throw new TtsException("espeak-ng voice " + voice + " is not installed (not in espeak-ng --voices)");
                }
                run(List.of(executable, "-v", voice, "-q", "-b", "1", "--stdin"), "1");
                a = true;
            } catch (TtsException e) {
                unavailableReason = e.getMessage();
                a = false;
            }
            available = a;
            return a;
        } finally {
            probeLock.unlock();
        }
    }

    /** Matches the Language or VoiceName column, or the voice file name; "+variant" suffixes are ignored. */
    static boolean listsVoice(String voicesOutput, String voice) {
        String wanted = voice.split("\\+")[0];
        return voicesOutput.lines().skip(1).map(String::trim).map(l -> l.split("\\s+")).filter(c -> c.length >= 5)
                .anyMatch(c -> c[1].equalsIgnoreCase(wanted) || c[3].equalsIgnoreCase(wanted)
                        || c[4].substring(c[4].lastIndexOf('/') + 1).equalsIgnoreCase(wanted));
    }

    /** Why {@link #available()} is false; "" otherwise. */
    public String unavailableReason() {
        return unavailableReason;
    }

    @Override
    public void synthesize(String text, Path wav) {
        if (!available()) {
            throw new TtsException(unavailableReason);
        }
        Path tmp = null;
        try {
            Files.createDirectories(wav.toAbsolutePath().getParent());
            tmp = Files.createTempFile(wav.toAbsolutePath().getParent(), ".espeak-", ".wav");
            run(List.of(executable, "-v", voice, "-s", Integer.toString(wordsPerMinute), "-b", "1", "--stdin",
                    "-w", tmp.toString()), text);
            Wav.writeTelephony(Wav.read(tmp), wav, "espeak-ng voice " + voice);
        } catch (IOException e) {
            throw new TtsException("espeak-ng voice " + voice + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temp file in the prompt directory is harmless
                }
            }
        }
    }

    /** Runs espeak-ng with {@code stdin}; returns its output (stdout + stderr); fails on error or timeout. */
    private String run(List<String> command, String stdin) {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TtsException("espeak-ng not found (" + executable + "): install it, e.g. apt-get install espeak-ng ("
                    + e.getMessage() + ")", e);
        }
        // Read output concurrently so a chatty process never blocks on a full pipe.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()),
                Thread::startVirtualThread);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
            in.write('\n');
        } catch (IOException e) {
            // the process died early; its exit code and output say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new TtsException("espeak-ng voice " + voice + " timed out after " + timeout.toMillis() + " ms");
            }
            String out = output.get(2, TimeUnit.SECONDS).trim();
            if (p.exitValue() != 0 || out.contains("Error:")) {
                throw new TtsException("espeak-ng voice " + voice + " failed (exit " + p.exitValue() + ")"
                        + (out.isEmpty() ? "" : ": " + out.lines().findFirst().orElse(""))
                        + (out.contains("voice does not exist") ? " - is the voice installed? (espeak-ng --voices)" : ""));
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TtsException("interrupted while espeak-ng was speaking", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new TtsException("espeak-ng voice " + voice + ": cannot read its output", e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            byte[] b = in.readNBytes(64 * 1024);
            in.transferTo(OutputStream.nullOutputStream());
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "espeak-ng " + voice + " (" + language + ")";
    }
}
