package onekey.flows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Records every call as a line ("answer", "play x", "set A=B", ...); scripted digits; hangs up on demand. */
final class FakeChannel implements FlowChannel {
    final List<String> calls = new ArrayList<>();
    final Map<String, String> channelVars = new LinkedHashMap<>();
    final Deque<String> digits = new ArrayDeque<>();
    /** Hang up when this operation (prefix of a call line) is attempted. */
    String hangUpOn;

    private void op(String line) throws ChannelHungUpException {
        if (hangUpOn != null && line.startsWith(hangUpOn)) {
            calls.add("HUNGUP " + line);
            throw new ChannelHungUpException("caller gone");
        }
        calls.add(line);
    }

    @Override public void answer() throws ChannelHungUpException { op("answer"); }

    @Override public void setVariable(String name, String value) throws ChannelHungUpException {
        op("set " + name + "=" + value);
        channelVars.put(name, value);
    }

    @Override public String getVariable(String name) throws ChannelHungUpException {
        op("get " + name);
        return channelVars.get(name);
    }

    @Override public Optional<String> playFile(String soundPath, boolean interrupt) throws ChannelHungUpException {
        op("play " + soundPath + (interrupt ? " interruptible" : ""));
        return interrupt && !digits.isEmpty() ? Optional.of(digits.poll()) : Optional.empty();
    }

    @Override public String readDigits(String prompt, int maxDigits, long timeoutMs) throws ChannelHungUpException {
        op("read " + prompt + " max=" + maxDigits + " timeout=" + timeoutMs);
        return digits.isEmpty() ? "" : digits.poll();
    }

    @Override public void startRecording(String path) throws ChannelHungUpException { op("record " + path); }

    @Override public void hangup() throws ChannelHungUpException { op("hangup"); }

    List<String> plays() {
        return calls.stream().filter(c -> c.startsWith("play ")).toList();
    }
}
