package onekey.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowRunnerTest {

    final FakeChannel channel = new FakeChannel();
    final FakeHost host = new FakeHost();

    private static Flow flow(String steps) {
        return FlowLoader.parse("{\"name\":\"t\",\"steps\":[" + steps + "]}", "test");
    }

    private FlowResult run(Flow f, Map<String, String> vars) {
        return new FlowRunner().run(f, channel, host, vars);
    }

    private static final String MENU = """
            {"step":"menu","prompt":{"sound":"menu/main"},"choices":{"1":"one","2":"two"},
             "retries":2,"timeoutMs":3000,"default":"dflt","var":"CHOICE"},
            {"step":"label","name":"one"},{"step":"set","var":"OUT","value":"one"},{"step":"goto","label":"end"},
            {"step":"label","name":"two"},{"step":"set","var":"OUT","value":"two"},{"step":"goto","label":"end"},
            {"step":"label","name":"dflt"},{"step":"set","var":"OUT","value":"default"},
            {"step":"label","name":"end"}
            """;

    @Test
    void menuGoesToTheChosenLabel() {
        channel.digits.add("2");
        FlowResult r = run(flow(MENU), Map.of());
        assertEquals("two", r.variables().get("OUT"));
        assertEquals("2", r.variables().get("CHOICE"));
        assertEquals(List.of("read menu/main max=1 timeout=3000"), channel.calls);
    }

    @Test
    void menuRetriesOnWrongDigitAndTimeout() {
        channel.digits.addAll(List.of("9", "", "1"));
        FlowResult r = run(flow(MENU), Map.of());
        assertEquals("one", r.variables().get("OUT"));
        assertEquals(3, channel.calls.size());
    }

    @Test
    void menuFallsToDefaultAfterRetries() {
        FlowResult r = run(flow(MENU), Map.of());
        assertEquals("default", r.variables().get("OUT"));
        assertEquals(3, channel.calls.size(), "one try + 2 retries");
        assertEquals("", r.variables().get("CHOICE"));
    }

    @Test
    void readDigitsStoresDigitsWithTtsPrompt() {
        channel.digits.add("1234");
        FlowResult r = run(flow("""
                {"step":"readDigits","prompt":{"text":"请输入 ${WHAT}","language":"zh"},"maxDigits":4,"timeoutMs":5000,"var":"PIN"}
                """), Map.of("WHAT", "密码"));
        assertEquals("1234", r.variables().get("PIN"));
        assertEquals(List.of("zh:请输入 密码"), host.spoken);
        assertEquals(List.of("read tts/zh/1 max=4 timeout=5000"), channel.calls);
    }

    @Test
    void readDigitsWithMissingVoiceStillReadsWithoutPrompt() {
        host.voices = java.util.Set.of();
        FlowResult r = run(flow("""
                {"step":"readDigits","prompt":{"text":"press"},"maxDigits":1,"timeoutMs":100,"var":"K"}
                """), Map.of());
        assertTrue(r.ended());
        assertEquals(List.of("read null max=1 timeout=100"), channel.calls);
        assertEquals("", r.variables().get("K"));
    }

    @Test
    void branchConditions() {
        Flow f = flow("""
                {"step":"branch","var":"A","equals":"SOS","goto":"eq"},
                {"step":"branch","var":"A","in":["x","y"],"goto":"in"},
                {"step":"branch","var":"A","empty":true,"goto":"empty"},
                {"step":"branch","var":"A","notEmpty":true,"goto":"ne"},
                {"step":"label","name":"eq"},{"step":"set","var":"R","value":"eq"},{"step":"hangup"},
                {"step":"label","name":"in"},{"step":"set","var":"R","value":"in"},{"step":"hangup"},
                {"step":"label","name":"empty"},{"step":"set","var":"R","value":"empty"},{"step":"hangup"},
                {"step":"label","name":"ne"},{"step":"set","var":"R","value":"ne"},{"step":"hangup"}
                """);
        assertEquals("eq", run(f, Map.of("A", " sos ")).variables().get("R"));
        assertEquals("in", run(f, Map.of("A", "Y")).variables().get("R"));
        assertEquals("empty", run(f, Map.of()).variables().get("R"));
        assertEquals("ne", run(f, Map.of("A", "zzz")).variables().get("R"));
    }

    @Test
    void setRendersTemplatesWithDefaultsAndExports() {
        channel.channelVars.put("CALLERID(num)", "555");
        FlowResult r = run(flow("""
                {"step":"set","var":"G","value":"${NAME}/${LANG:-zh}/${NONE}","export":true},
                {"step":"set","var":"NUM","fromChannel":"CALLERID(num)"}
                """), Map.of("NAME", "a$b\\c"));
        assertEquals("a$b\\c/zh/", r.variables().get("G"));
        assertEquals("a$b\\c/zh/", channel.channelVars.get("G"));
        assertEquals("555", r.variables().get("NUM"));
    }

    @Test
    void interruptiblePlayStoresDigit() {
        channel.digits.add("5");
        FlowResult r = run(flow("{\"step\":\"play\",\"sound\":\"beep\",\"interrupt\":true,\"var\":\"D\"}"), Map.of());
        assertEquals("5", r.variables().get("D"));
        assertEquals(List.of("play beep interruptible"), channel.calls);
    }

    @Test
    void hangupStepEndsFlow() {
        FlowResult r = run(flow("{\"step\":\"hangup\"},{\"step\":\"answer\"}"), Map.of());
        assertTrue(r.ended());
        assertEquals(List.of("hangup"), channel.calls);
    }

    @Test
    void callerHangingUpGivesHungUp() {
        channel.hangUpOn = "answer";
        FlowResult r = run(flow("{\"step\":\"answer\"},{\"step\":\"play\",\"sound\":\"x\"}"), Map.of());
        assertTrue(r.hungUp());
        assertEquals(1, r.steps().size());
    }

    @Test
    void endlessLoopIsStoppedByStepCap() {
        Flow f = flow("{\"step\":\"label\",\"name\":\"top\"},{\"step\":\"goto\",\"label\":\"top\"}");
        FlowResult r = new FlowRunner(Clock.systemUTC(), 50).run(f, channel, host, Map.of());
        assertTrue(r.failed());
        assertTrue(r.reason().contains("step limit 50 exceeded"), r.reason());
        assertEquals(50, r.steps().size());
    }

    @Test
    void queueWithBadPriorityFailsWithoutSettingQueue() {
        FlowResult r = run(flow("{\"step\":\"queue\",\"queue\":\"q\",\"priority\":\"${P}\"}"), Map.of("P", "high"));
        assertTrue(r.failed());
        assertTrue(r.reason().contains("priority 'high'"), r.reason());
        assertTrue(channel.channelVars.isEmpty());
    }

    @Test
    void optionalLookupFailureContinues() {
        host.lookupFailure = new IllegalStateException("down");
        FlowResult r = run(flow("{\"step\":\"lookup\",\"name\":\"caller\",\"optional\":true},{\"step\":\"answer\"}"), Map.of());
        assertTrue(r.ended(), r.reason());
        assertEquals(List.of("answer"), channel.calls);
    }

    @Test
    void hostBugBecomesFailedResultNotException() {
        FlowHost broken = new FlowHost() {
            public Map<String, String> lookup(String n, Map<String, String> v) { return Map.of(); }
            public java.util.Optional<String> prompt(String t, String l) { throw new IllegalStateException("tts exploded"); }
        };
        FlowResult r = new FlowRunner().run(flow("{\"step\":\"play\",\"text\":\"hi\"},{\"step\":\"answer\"}"), channel, broken, Map.of());
        assertTrue(r.ended(), "a TTS failure skips the prompt");
        assertEquals(List.of("answer"), channel.calls);
    }
}
