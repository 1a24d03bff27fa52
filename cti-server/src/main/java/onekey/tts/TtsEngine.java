package onekey.tts;

import java.nio.file.Path;

/** A text-to-speech voice for one language, producing files Asterisk plays without transcoding surprises. */
public interface TtsEngine {

    /** "zh" or "en". */
    String language();

    /** Whether the engine and its voice are installed; cheap after the first call. */
    boolean available();

    /**
     * Speaks {@code text} into {@code wav}: RIFF WAV, 8000 Hz, mono, 16-bit signed little-endian PCM
     * (Asterisk's "wav" format). Overwrites the file.
     *
     * @throws TtsException when the engine or voice is missing, times out or produces no audio
     */
    void synthesize(String text, Path wav);
}
