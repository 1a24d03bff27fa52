package onekey.telephony.agi;

import java.util.Optional;
import onekey.flows.ChannelHungUpException;
import onekey.flows.FlowChannel;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiNetworkException;

/** Binds an ivr-flows {@link FlowChannel} to a FastAGI session. */
final class AgiFlowChannel implements FlowChannel {

    private static final String ALL_DIGITS = "0123456789*#";
    private final AgiChannel ch;

    AgiFlowChannel(AgiChannel ch) {
        this.ch = ch;
    }

    @FunctionalInterface
    private interface AgiCall<T> {
        T call() throws AgiException;
    }

    private <T> T agi(String what, AgiCall<T> c) throws ChannelHungUpException {
        try {
            return c.call();
        } catch (AgiHangupException | AgiNetworkException e) {
            throw new ChannelHungUpException(what + ": caller hung up", e);
        } catch (AgiException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void answer() throws ChannelHungUpException {
        agi("answer", () -> {
            ch.answer();
            return null;
        });
    }

    @Override
    public void setVariable(String name, String value) throws ChannelHungUpException {
        agi("set " + name, () -> {
            ch.setVariable(name, value);
            return null;
        });
    }

    @Override
    public String getVariable(String name) throws ChannelHungUpException {
        return agi("get " + name, () -> ch.getVariable(name));
    }

    /**
     * Before a prompt plays, the dialplan's absolute timeout (the bound Asterisk enforces on OneKey's
     * flow, see extensions.conf [onekey-inbound]) is moved to the prompt's length plus
     * {@value #BOUND_SLACK_S} s from now: a legitimate greeting is never cut, and a cti-server that
     * freezes during it still lets the call go to the fail-open branch soon after.
     */
    static final int BOUND_SLACK_S = 2;

    @Override
    public Optional<String> playFile(String soundPath, boolean interruptOnDigits) throws ChannelHungUpException {
        long ms = promptMillis(soundPath);
        if (ms > 0) {
            setVariable("TIMEOUT(absolute)", String.valueOf((ms + 999) / 1000 + BOUND_SLACK_S));
        }
        return agi("play", () -> {
            if (!interruptOnDigits) {
                ch.streamFile(soundPath);
                return Optional.empty();
            }
            char c = ch.streamFile(soundPath, ALL_DIGITS);
            return c == 0 ? Optional.<String>empty() : Optional.of(String.valueOf(c));
        });
    }

    /**
     * The lengths of OneKey's own prompts (named by the hash of what they say, so a name's length never changes), kept
     * for the prompts played lately (issue 23: every prompt of every call read its file's header); at most 4,096,
     * forgotten all at once past that.
     */
    private static final java.util.concurrent.ConcurrentMap<String, Long> OWN_PROMPT_MILLIS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.regex.Pattern OWN_PROMPT = java.util.regex.Pattern.compile(".*/[0-9a-f]{64}");

    /** Length of {@code soundPath}.wav in ms, 0 when unknown. */
    static long promptMillis(String soundPath) {
        Long known = OWN_PROMPT_MILLIS.get(soundPath);
        if (known != null) {
            return known;
        }
        long ms = readPromptMillis(soundPath);
        if (ms > 0 && OWN_PROMPT.matcher(soundPath).matches()) {
            if (OWN_PROMPT_MILLIS.size() >= 4_096) {
                OWN_PROMPT_MILLIS.clear();
            }
            OWN_PROMPT_MILLIS.put(soundPath, ms);
        }
        return ms;
    }

    private static long readPromptMillis(String soundPath) {
        try {
            java.nio.file.Path wav = java.nio.file.Path.of(soundPath + ".wav");
            return java.nio.file.Files.exists(wav) ? onekey.tts.WavInfo.read(wav).durationMs() : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public String readDigits(String promptOrNull, int maxDigits, long timeoutMs) throws ChannelHungUpException {
        // a menu (issue 21, the registration line's booking read back): the bound covers its prompt and its wait
        long ms = promptOrNull == null ? 0 : promptMillis(promptOrNull);
        if (ms > 0) {
            setVariable("TIMEOUT(absolute)", String.valueOf((ms + timeoutMs + 999) / 1000 + BOUND_SLACK_S));
        }
        String r = agi("read digits", () -> ch.getData(promptOrNull == null ? "silence/1" : promptOrNull, timeoutMs, maxDigits));
        return r == null ? "" : r;
    }

    @Override
    public void startRecording(String path) throws ChannelHungUpException {
        agi("MixMonitor", () -> ch.exec("MixMonitor", path));
    }

    @Override
    public void hangup() throws ChannelHungUpException {
        agi("hangup", () -> {
            ch.hangup();
            return null;
        });
    }
}
