package onekey.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import onekey.rescue.Incident;
import org.junit.jupiter.api.Test;

/** Issue 19 item 2: the stage the board shows, from an incident's state and steps. */
class IncidentBoardTest {

    private final List<Incident.Step> steps = new ArrayList<>();

    private void step(String kind, String state) {
        steps.add(new Incident.Step(steps.size() + 1, 1, steps.size() + 1, kind, "x", 0, state, null, null, null, null));
    }

    private IncidentBoard.Stage stage(String state) {
        return IncidentBoard.stage(new Incident(1, 1L, 2L, 3L, 0, "1001", "no-response", state,
                state.equals("resolved") ? 5L : null, null, List.copyOf(steps), null), 2);
    }

    @Test
    void theStageFollowsTheRescueRedialsContactsTasksAndResponders() {
        step("redial", "planned");
        assertThat(stage("redialling")).isEqualTo(new IncidentBoard.Stage("redial", 1, 2));
        steps.set(0, new Incident.Step(1, 1, 1, "redial", "x", 0, "done", 1L, 2L, "silent", null));
        step("redial", "dialing");
        assertThat(stage("redialling")).isEqualTo(new IncidentBoard.Stage("redial", 2, 2));
        step("contact", "dialing");
        step("contact", "planned");
        step("task-b", "open");
        assertThat(stage("escalating").code()).as("seat A's calls to the contacts go on").isEqualTo("contacts");
        steps.replaceAll(s -> s.kind().equals("contact") ? new Incident.Step(s.id(), 1, s.seq(), "contact", "x", 0, "done",
                1L, 2L, "no-answer", null) : s);
        assertThat(stage("escalating").code()).isEqualTo("task-b");
        step("task-a", "open");
        assertThat(stage("escalating").code()).as("seat A first").isEqualTo("task-a");
        steps.replaceAll(s -> s.kind().startsWith("task-") ? new Incident.Step(s.id(), 1, s.seq(), s.kind(), "agent:3", 0,
                "taken", 1L, null, "taken by 1001", null) : s);
        assertThat(stage("escalating").code()).isEqualTo("waiting-responders");
        assertThat(stage("resolved").code()).isEqualTo("closed");
    }
}
