package onekey.tts;

/** Synthesis failed: engine or voice missing, timeout, no audio. The message says which. */
public class TtsException extends RuntimeException {
    public TtsException(String message) {
        super(message);
    }

    public TtsException(String message, Throwable cause) {
        super(message, cause);
    }
}
