package onekey.tts;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.VoiceManager;
import com.sun.speech.freetts.audio.AudioPlayer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import javax.sound.sampled.AudioFormat;

/**
 * English through FreeTTS embedded (net.sf.sociaal:freetts, voice "kevin16": 16 kHz, resampled to 8 kHz).
 * A FreeTTS {@link Voice} is not thread-safe, so synthesis is serialized (a lock, not {@code synchronized}, so
 * waiting virtual threads do not pin their carrier on Java 21); prompts are cached anyway.
 */
public final class FreeTts implements TtsEngine {

    private static final String VOICE = "kevin16";
    private static final String VOICE_DIRECTORY = "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory";

    private final ReentrantLock lock = new ReentrantLock();
    /** Of the voice's own rate (config {@code tts.ratePercent}). */
    private final int ratePercent;
    private Voice voice;
    private String unavailableReason = "";
    private boolean probed;

    public FreeTts() {
        this(100);
    }

    public FreeTts(int ratePercent) {
        this.ratePercent = ratePercent;
    }

    @Override
    public String language() {
        return "en";
    }

    @Override
    public boolean available() {
        lock.lock();
        try {
            return probe();
        } finally {
            lock.unlock();
        }
    }

    private boolean probe() {
        if (!probed) {
            probed = true;
            try {
                // The jar's internal voice list is empty; name the directory that holds kevin16.
                if (System.getProperty("freetts.voices") == null) {
                    System.setProperty("freetts.voices", VOICE_DIRECTORY);
                }
                Voice v = VoiceManager.getInstance().getVoice(VOICE);
                if (v == null) {
                    unavailableReason = "FreeTTS voice " + VOICE + " not found (freetts.voices=" + System.getProperty("freetts.voices") + ")";
                } else {
                    v.allocate();
                    if (ratePercent != 100) {
                        v.setRate(v.getRate() * ratePercent / 100f);
                    }
                    voice = v;
                }
            } catch (RuntimeException | LinkageError e) {
                unavailableReason = "FreeTTS not usable: " + e;
            }
        }
        return voice != null;
    }

    public String unavailableReason() {
        lock.lock();
        try {
            return unavailableReason;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void synthesize(String text, Path wav) {
        lock.lock();
        try {
            speak(text, wav);
        } finally {
            lock.unlock();
        }
    }

    private void speak(String text, Path wav) {
        if (!probe()) {
            throw new TtsException(unavailableReason);
        }
        Capture capture = new Capture();
        voice.setAudioPlayer(capture);
        boolean ok;
        try {
            ok = voice.speak(text);
        } catch (RuntimeException e) {
            throw new TtsException("FreeTTS failed: " + e, e);
        }
        if (!ok || capture.format == null) {
            throw new TtsException("FreeTTS did not speak the text");
        }
        Wav.writeTelephony(capture.pcm(), wav, "FreeTTS " + VOICE);
    }

    /** Collects FreeTTS output in memory instead of a sound card. */
    private static final class Capture implements AudioPlayer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AudioFormat format;

        Wav.Pcm pcm() {
            if (format.getSampleSizeInBits() != 16 || format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
                throw new TtsException("FreeTTS format not supported: " + format);
            }
            byte[] b = bytes.toByteArray();
            int channels = Math.max(1, format.getChannels());
            int frame = 2 * channels;
            short[] s = new short[b.length / frame];
            for (int i = 0; i < s.length; i++) {
                int o = i * frame;
                s[i] = format.isBigEndian()
                        ? (short) ((b[o] << 8) | (b[o + 1] & 0xff))
                        : (short) ((b[o + 1] << 8) | (b[o] & 0xff));
            }
            return new Wav.Pcm(s, Math.round(format.getSampleRate()));
        }

        @Override public void setAudioFormat(AudioFormat f) { format = f; }
        @Override public AudioFormat getAudioFormat() { return format; }
        @Override public void pause() {}
        @Override public void resume() {}
        @Override public void reset() {}
        @Override public boolean drain() { return true; }
        @Override public void begin(int size) {}
        @Override public boolean end() { return true; }
        @Override public void cancel() {}
        @Override public void close() {}
        @Override public float getVolume() { return 1f; }
        @Override public void setVolume(float v) {}
        @Override public long getTime() { return 0; }
        @Override public void resetTime() {}
        @Override public void startFirstSampleTimer() {}
        @Override public boolean write(byte[] b) { return write(b, 0, b.length); }
        @Override public boolean write(byte[] b, int off, int len) { bytes.write(b, off, len); return true; }
        @Override public void showMetrics() {}
    }

    @Override
    public String toString() {
        return "FreeTTS " + VOICE + " (en)";
    }
}
