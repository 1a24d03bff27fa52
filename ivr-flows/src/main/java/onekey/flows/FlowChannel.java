package onekey.flows;

import java.util.Optional;

/**
 * The live call a flow talks to. The host binds it to a real channel (in OneKey: a FastAGI session);
 * tests bind it to a fake. Every operation blocks the calling thread until Asterisk has done it, and
 * throws {@link ChannelHungUpException} when the caller is gone.
 */
public interface FlowChannel {

    void answer() throws ChannelHungUpException;

    /** Sets a channel variable the dialplan can read after the flow returns. */
    void setVariable(String name, String value) throws ChannelHungUpException;

    /** A channel variable or dialplan function value; null or empty when unset. */
    String getVariable(String name) throws ChannelHungUpException;

    /**
     * Plays a sound file.
     *
     * @param soundPath path or sound name WITHOUT extension, as Asterisk's Playback/STREAM FILE take it
     * @param interruptOnDigits when true any DTMF digit stops playback
     * @return the digit that interrupted playback, empty when it played to the end
     */
    Optional<String> playFile(String soundPath, boolean interruptOnDigits) throws ChannelHungUpException;

    /**
     * Plays {@code promptOrNull} (path without extension; null = no prompt) and collects up to
     * {@code maxDigits} DTMF digits, waiting at most {@code timeoutMs}.
     *
     * @return the digits pressed, "" on timeout
     */
    String readDigits(String promptOrNull, int maxDigits, long timeoutMs) throws ChannelHungUpException;

    /** Starts recording the call to {@code path} (MixMonitor; the format follows the extension). */
    void startRecording(String path) throws ChannelHungUpException;

    void hangup() throws ChannelHungUpException;
}
