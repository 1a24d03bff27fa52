package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentEvents;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.calls.CallEvents;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.events.DomainEvent;
import onekey.events.Event;
import onekey.lines.Service;
import onekey.recording.RecordingEvents;
import onekey.rescue.Incident;
import onekey.rescue.RescueEvents;
import onekey.rescue.RescueService;
import org.junit.jupiter.api.Test;

/**
 * The typed events go on the wire exactly as the hand-built maps did before (issue 17): each expected body below is
 * what the domain used to build, field for field, and the frame must read the same.
 */
class EventViewsTest {

    static final CallRecord CALL = new CallRecord(12, "1700000000.9", "PJSIP/trunk-1", "02155550001", "9001", Service.SOS,
            10, 3L, 5L, "1001", 1_000, 1_100L, null, null, null, null, onekey.calls.CallOutcome.RINGING, null, null, false, null);
    static final CallRecord EARLIER = new CallRecord(4, "1690000000.1", "PJSIP/trunk-0", "02155550001", "9001",
            Service.SOS, 10, 3L, 5L, "1001", 500, 510L, 520L, 900L, 20L, 380L, onekey.calls.CallOutcome.COMPLETED, "resolved", "ok", false, 7L);
    static final Elder ELDER = new Elder(3, "张桂英", LocalDate.of(1940, 5, 1), "F", List.of("2155550001"), "徐汇区 1 号",
            "near the park", "徐汇", "zh", "district-paid", "diabetes", "insulin", "penicillin", "cane", "button", "",
            List.of(new Contact("王强", "son", "13800138000", null), new Contact("Li", "daughter", "13900139000", "en")),
            10, 20, true);

    static JsonNode frame(DomainEvent e, Long to) throws Exception {
        return Json.MAPPER.readTree(EventViews.frame(new Event(42, 99, to, e)));
    }

    /** The frame as the WebSocket used to write it: type, seq, at, then the body's fields except those three. */
    static JsonNode old(String type, Map<String, Object> body) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("seq", 42L);
        m.put("at", 99L);
        body.forEach(m::putIfAbsent);
        return Json.MAPPER.readTree(Json.write(m));
    }

    @Test
    void theScreenPopIsTheOldPopFieldForField() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("call", Shapes.call(CALL));
        Map<String, Object> elder = new LinkedHashMap<>(Shapes.elder(ELDER, LocalDate.now()));
        elder.put("lastCalls", List.of(Shapes.call(EARLIER)));
        body.put("elder", elder);
        body.put("registered", true);
        body.put("recordUnavailable", false);
        body.put("callerNumber", CALL.callerNumber());
        body.put("agent", "1001");
        body.put("amiEventAt", 100_300L);
        assertThat(frame(new CallEvents.Offered(CALL, ELDER, List.of(EARLIER), false, "1001", 100_300L), 5L))
                .isEqualTo(old("call.offered", body));

        Map<String, Object> unknown = new LinkedHashMap<>();
        unknown.put("call", Shapes.call(CALL));
        unknown.put("elder", null);
        unknown.put("registered", false);
        unknown.put("recordUnavailable", true);
        unknown.put("recordMessage", "the caller's record could not be read in time (database slow or unavailable)");
        unknown.put("callerNumber", CALL.callerNumber());
        unknown.put("agent", "1001");
        unknown.put("amiEventAt", 7L);
        assertThat(frame(new CallEvents.Offered(CALL, null, List.of(), true, "1001", 7L), 5L))
                .isEqualTo(old("call.offered", unknown));
    }

    @Test
    void callEventsAndAlertsAreTheOldBodies() throws Exception {
        assertThat(frame(new CallEvents.Queued(CALL, "onekey", 1), null))
                .isEqualTo(old("call.queued", Map.of("call", Shapes.call(CALL), "queue", "onekey", "position", 1)));
        assertThat(frame(new CallEvents.Answered(CALL), 5L)).isEqualTo(old("call.answered", Map.of("call", Shapes.call(CALL))));
        assertThat(frame(new CallEvents.Ended(CALL, null), 5L)).isEqualTo(old("call.ended", Map.of("call", Shapes.call(CALL))));
        assertThat(frame(new CallEvents.Ended(CALL, "1002"), 5L))
                .isEqualTo(old("call.ended", Map.of("call", Shapes.call(CALL), "transferredTo", "1002")));
        assertThat(frame(new CallEvents.Finished(CALL), null)).isEqualTo(old("call.finished", Map.of("call", Shapes.call(CALL))));

        Map<String, Object> noAgent = new LinkedHashMap<>();
        noAgent.put("kind", "no-agent-ready");
        noAgent.put("call", Shapes.call(CALL));
        noAgent.put("waiting", 2L);
        noAgent.put("message", "SOS call waiting and no agent is ready");
        assertThat(frame(new CallEvents.NoAgentReady(CALL, 2, "SOS call waiting and no agent is ready"), null))
                .isEqualTo(old("queue.alert", noAgent));
        Map<String, Object> afterReconnect = new LinkedHashMap<>();
        afterReconnect.put("kind", "no-agent-ready");
        afterReconnect.put("waiting", 3L);
        afterReconnect.put("message", "3 waited");
        assertThat(frame(new CallEvents.NoAgentReady(null, 3, "3 waited"), null)).isEqualTo(old("queue.alert", afterReconnect));

        Map<String, Object> overflow = new LinkedHashMap<>();
        overflow.put("kind", "overflow");
        overflow.put("call", Map.of("linkedid", "1700000000.5"));
        overflow.put("waitedSeconds", "30");
        overflow.put("backupNumber", "****0000");
        overflow.put("message", "m");
        assertThat(frame(new CallEvents.Overflow("1700000000.5", null, "30", "****0000", "m"), null))
                .isEqualTo(old("queue.alert", overflow));
        assertThat(frame(new CallEvents.ConferenceAlone("1700000000.5", "6001", "m"), null)).isEqualTo(old("queue.alert",
                Map.of("kind", "conference-alone", "linkedid", "1700000000.5", "room", "6001", "message", "m")));
    }

    @Test
    void agentRescueAndRecordingEventsAreTheOldBodies() throws Exception {
        AgentStatus s = new AgentStatus(5, "1001", "1001", AgentState.WRAP_UP, null, 77);
        assertThat(frame(new AgentEvents.StateChanged(s), 5L)).isEqualTo(old("agent.state", Map.of("agent", Shapes.agent(s))));

        Incident inc = new Incident(1, 3L, 12L, 5L, 1_000, "1001", "no-response", "escalating", null, null,
                List.of(new Incident.Step(9, 1, 2, "task-a", "agent:5", 2_000, "open", null, null, null, "call 110")), null);
        assertThat(frame(new RescueEvents.TaskNotTaken(2, "task-a", inc), null)).as("the body's seq never hid the event's")
                .isEqualTo(old("queue.alert", Map.of("kind", "task-not-taken", "seq", 2, "taskKind", "task-a",
                        "incident", RescueService.shape(inc))));
        assertThat(frame(new RescueEvents.FollowUpOverdue(2, "follow-up", 5_000L, inc), null))
                .isEqualTo(old("queue.alert", Map.of("kind", "follow-up-overdue", "seq", 2, "taskKind", "follow-up",
                        "dueAt", 5_000L, "incident", RescueService.shape(inc))));
        assertThat(frame(new RescueEvents.TaskAssigned(inc, "stay-with-elder"), 6L))
                .isEqualTo(old("incident.task", Map.of("incident", RescueService.shape(inc), "task", "stay-with-elder")));
        assertThat(frame(new RescueEvents.IncidentStep(inc), 5L))
                .isEqualTo(old("incident.step", Map.of("incident", RescueService.shape(inc))));
        assertThat(frame(new RescueEvents.CallSilent("1700000000.9", 8_000, "POST …"), 5L))
                .isEqualTo(old("call.silent", Map.of("linkedid", "1700000000.9", "silentMs", 8_000L, "action", "POST …")));

        Map<String, Object> missing = new LinkedHashMap<>();
        missing.put("kind", "recording-missing");
        missing.put("state", "raised");
        missing.put("callId", 12L);
        missing.put("linkedid", "1700000000.9");
        missing.put("recordingId", null);
        missing.put("status", "missing");
        missing.put("message", "m");
        assertThat(frame(new RecordingEvents.RecordingMissing(12, "1700000000.9", null, "missing", "m"), null))
                .isEqualTo(old("system.alert", missing));
        Map<String, Object> raised = new LinkedHashMap<>();
        raised.put("state", "raised");
        raised.put("kind", "recordings-disk-low");
        raised.put("freeMb", 4L);
        raised.put("totalMb", 24L);
        raised.put("minFreeMb", 8L);
        raised.put("minFreePercent", 0);
        raised.put("message", "low");
        assertThat(frame(new RecordingEvents.DiskLow(true, 4L, 24L, 8L, 0, "low"), null)).isEqualTo(old("system.alert", raised));
        Map<String, Object> cleared = new LinkedHashMap<>();
        cleared.put("state", "cleared");
        cleared.put("kind", "recordings-disk-low");
        cleared.put("freeMb", 40L);
        cleared.put("totalMb", 1000L);
        cleared.put("message", "back");
        assertThat(frame(new RecordingEvents.DiskLow(false, 40L, 1000L, null, null, "back"), null))
                .isEqualTo(old("system.alert", cleared));
    }

    @Test
    void theFrameStartsWithTypeSeqAt() throws Exception {
        String text = new String(EventViews.frame(new Event(42, 99, null, new CallEvents.Finished(CALL))),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"type\":\"call.finished\",\"seq\":42,\"at\":99,\"call\":{\"id\":12,");
    }

    /**
     * Issue 23: a frame is written in one pass, the view's fields unwrapped into it; it is byte for byte the frame the
     * tree made (the same fields in the same order, the same numbers and nulls). A view with a field named as the frame's
     * own (seq) still goes through the tree, which leaves that field out.
     */
    @Test
    void aFrameWrittenInOnePassIsTheTreesByteForByte() {
        AgentStatus s = new AgentStatus(5, "1001", "1001", AgentState.WRAP_UP, null, 77);
        Incident inc = new Incident(1, 3L, 12L, 5L, 1_000, "1001", "no-response", "escalating", null, null,
                List.of(new Incident.Step(9, 1, 2, "task-a", "agent:5", 2_000, "open", null, null, null, "call 110")), null);
        List<DomainEvent> events = List.of(new CallEvents.Offered(CALL, ELDER, List.of(EARLIER), false, "1001", 100_300L),
                new CallEvents.Offered(CALL, null, List.of(), true, "1001", 7L), new CallEvents.Queued(CALL, "onekey", 1),
                new CallEvents.Answered(CALL), new CallEvents.Ended(CALL, null), new CallEvents.Ended(CALL, "1002"),
                new CallEvents.NoAgentReady(null, 3, "3 waited"), new CallEvents.Overflow("1700000000.5", null, "30", "****0000", "m"),
                new AgentEvents.StateChanged(s), new RescueEvents.TaskAssigned(inc, "stay-with-elder"),
                new RescueEvents.CallSilent("1700000000.9", 8_000, "POST …"),
                new RecordingEvents.RecordingMissing(12, "1700000000.9", null, "missing", "m"),
                new RecordingEvents.DiskLow(false, 40L, 1000L, null, null, "back"),
                new RescueEvents.TaskNotTaken(2, "task-a", inc));
        for (DomainEvent d : events) {
            Event e = new Event(42, 99, null, d);
            String onePass = new String(EventViews.frame(e), java.nio.charset.StandardCharsets.UTF_8);
            String tree = new String(EventViews.frameViaTree(e, EventViews.view(d)), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(onePass).as(d.getClass().getSimpleName()).isEqualTo(tree);
        }
        // the clash: the frame's seq, not the body's
        assertThat(new String(EventViews.frame(new Event(42, 99, null, new RescueEvents.TaskNotTaken(2, "task-a", inc))),
                java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"type\":\"queue.alert\",\"seq\":42,\"at\":99,\"kind\":\"task-not-taken\",\"taskKind\"");
    }
}
