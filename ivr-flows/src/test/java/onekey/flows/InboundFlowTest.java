package onekey.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InboundFlowTest {

    final Flow inbound = FlowLoader.fromClasspath("inbound");
    final FakeChannel channel = new FakeChannel();
    final FakeHost host = new FakeHost();
    final FlowRunner runner = new FlowRunner();

    private void caller(String service, String name, String language) {
        Map<String, String> v = new HashMap<>();
        v.put("ELDER_ID", name.isEmpty() ? "" : "42");
        v.put("ELDER_NAME", name);
        v.put("LANGUAGE", language);
        v.put("SERVICE", service);
        v.put("PRIORITY", service.equals("sos") ? "10" : "5");
        v.put("QUEUE", service);
        host.lookups.put("caller", v);
    }

    private FlowResult run() {
        return runner.run(inbound, channel, host, Map.of("CALLER", "13800001234", "DNIS", "96101"));
    }

    @Test
    void sosLinePlaysNothingAndQueues() {
        // the dialplan sends SOS lines straight to the queue; should one reach the flow (a line the
        // dialplan did not know yet), the flow still never greets it
        caller("sos", "王秀英", "zh");
        FlowResult r = run();
        assertTrue(r.ended(), r.reason());
        assertEquals(List.of(), channel.plays());
        assertTrue(host.spoken.isEmpty(), "no TTS on SOS lines");
        assertEquals(List.of("set CHANNEL(language)=zh", "set ONEKEY_PRIO=10", "set ONEKEY_QUEUE=sos"), channel.calls);
    }

    @Test
    void flowNeitherAnswersNorRecordsAsterisksDialplanDoesBoth() {
        caller("general", "王秀英", "zh");
        FlowResult r = run();
        assertTrue(r.ended(), r.reason());
        assertFalse(channel.calls.stream().anyMatch(c -> c.startsWith("answer") || c.startsWith("record")), channel.calls.toString());
        assertFalse(channel.channelVars.containsKey("ONEKEY_RECORDING"));
    }

    @Test
    void generalLineGreetsInChineseThenQueuesWithQueueSetLast() {
        caller("general", "王秀英", "zh");
        FlowResult r = run();
        assertTrue(r.ended(), r.reason());
        assertEquals(List.of("zh:王秀英您好，马上为您接通。"), host.spoken);
        assertEquals(List.of("play tts/zh/1"), channel.plays());
        assertEquals("set ONEKEY_QUEUE=general", channel.calls.getLast());
        assertEquals("5", r.variables().get("ONEKEY_PRIO"));
    }

    @Test
    void registrationGreetsInEnglishForAnEnglishElder() {
        caller("registration", "Mary", "en");
        assertTrue(run().ended());
        assertEquals(List.of("en:Hello Mary, connecting you to registration."), host.spoken);
        assertEquals("set CHANNEL(language)=en", channel.calls.getFirst(), "queue announcements in the elder's language");
    }

    @Test
    void eachNonSosServiceGetsItsOwnGreeting() {
        for (String s : List.of("taxi", "consult")) {
            FakeHost h = new FakeHost();
            caller(s, "李", "zh");
            h.lookups.putAll(host.lookups);
            runner.run(inbound, new FakeChannel(), h, Map.of());
            assertEquals(1, h.spoken.size());
            assertTrue(h.spoken.getFirst().contains(s.equals("taxi") ? "叫车" : "咨询"), h.spoken.toString());
        }
    }

    @Test
    void unknownCallerGetsNeutralGreetingDefaultingToChinese() {
        caller("general", "", "");
        assertTrue(run().ended());
        assertEquals(List.of("zh:您好，马上为您接通。"), host.spoken);
    }

    @Test
    void missingVoiceSkipsGreetingAndStillQueues() {
        caller("taxi", "Mary", "en");
        host.voices = Set.of("zh");
        FlowResult r = run();
        assertTrue(r.ended(), r.reason());
        assertEquals(List.of(), channel.plays());
        assertEquals("set ONEKEY_QUEUE=taxi", channel.calls.getLast());
        assertTrue(r.steps().stream().anyMatch(s -> s.step().endsWith("play") && s.detail().contains("skipped")));
    }

    @Test
    void lookupFailureFailsBeforeQueueSoDialplanFailsOpen() {
        caller("general", "王", "zh");
        host.lookupFailure = new IllegalStateException("database down");
        FlowResult r = run();
        assertTrue(r.failed());
        assertTrue(r.reason().contains("lookup 'caller' failed"), r.reason());
        assertFalse(channel.channelVars.containsKey("ONEKEY_QUEUE"));
    }

    @Test
    void hangupDuringGreetingIsReportedAsHungUp() {
        caller("general", "王", "zh");
        channel.hangUpOn = "play";
        FlowResult r = run();
        assertTrue(r.hungUp());
        assertFalse(channel.channelVars.containsKey("ONEKEY_QUEUE"));
        assertTrue(r.steps().getLast().step().endsWith(" play"));
    }

    @Test
    void stepLogHasMillisecondTimestampsInOrder() {
        caller("sos", "王", "zh");
        FlowResult r = run();
        assertEquals("#1 lookup", r.steps().getFirst().step());
        for (int i = 1; i < r.steps().size(); i++) {
            assertFalse(r.steps().get(i).at().isBefore(r.steps().get(i - 1).at()));
            assertEquals(0, r.steps().get(i).at().getNano() % 1_000_000);
        }
        assertFalse(r.steps().toString().contains("王"), "no personal data in the step log");
    }

    @Test
    void theRegistrationLineReadsTheEldersNextBookingBack1RepeatsAndThenTheQueue() {
        caller("registration", "王秀英", "zh");
        host.lookups.get("caller").put("BOOKING", "3月5日9点30分，瑞金医院，心内科");
        channel.digits.add("1"); // heard it, wants it again; then no key: an agent
        FlowResult r = run();
        assertTrue(r.ended(), r.reason());
        assertEquals(2, host.spoken.size(), host.spoken.toString());
        assertEquals("zh:王秀英您好，您的下一次预约是3月5日9点30分，瑞金医院，心内科。重听请按1，转人工请按0。",
                host.spoken.getFirst());
        assertEquals(host.spoken.get(0), host.spoken.get(1));
        assertEquals("set ONEKEY_QUEUE=registration", channel.calls.getLast());
    }

    @Test
    void aRegistrationCallerWithoutABookingIsGreetedAsBefore() {
        caller("registration", "王秀英", "zh");
        host.lookups.get("caller").put("BOOKING", "");
        assertTrue(run().ended());
        assertEquals(List.of("zh:王秀英您好，马上为您接通挂号。"), host.spoken);
    }
}
