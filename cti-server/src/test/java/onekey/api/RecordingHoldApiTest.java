package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import onekey.recording.Recording;
import onekey.recording.RecordingRetention;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, recordings: a supervisor puts a recording (or all of a call's) on hold through the API, an agent may
 * not; retention then removes the old recording that is not held, and playing it answers 410 with the date.
 */
class RecordingHoldApiTest {

    @TempDir
    Path dir;
    ApiFixture f;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private Recording recording(long id, long callId, long createdAt) throws Exception {
        Path file = dir.resolve("r" + id + ".wav");
        Files.write(file, new byte[100]);
        f.calls.update(new CallRecord(callId, "1700000000." + callId, "PJSIP/trunk-0001", "02155550001", "12349",
                Service.SOS, 10, 7L, f.agent.id(), "ann", createdAt, createdAt, createdAt, createdAt + 60_000, 0L, 60_000L,
                onekey.calls.CallOutcome.COMPLETED, null, null, false, id));
        return f.recordings.save(new Recording(id, callId, file.toString(), 1000, 100, "abc", "ok", createdAt));
    }

    @Test
    void holdKeepsARecordingThroughRetentionAndARemovedOneIs410() throws Exception {
        long now = ApiFixture.CLOCK.millis();
        long old = now - Duration.ofDays(200).toMillis();
        Recording kept = recording(21, 1, old);
        Recording gone = recording(22, 2, old);
        String sup = f.token(f.supervisor);
        String ann = f.token(f.agent);

        // agents may not hold; a hold needs a reason; the body is checked
        assertThat(f.send("PUT", "/api/recordings/21/hold", ann, "{\"hold\":true,\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        var noReason = f.send("PUT", "/api/recordings/21/hold", sup, "{\"hold\":true}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("\"field\":\"reason\"");
        assertThat(f.send("PUT", "/api/recordings/21/hold", sup, "{\"reason\":\"x\"}").body()).contains("\"field\":\"hold\"");
        assertThat(f.send("PUT", "/api/recordings/999/hold", sup, "{\"hold\":true,\"reason\":\"x\"}").statusCode()).isEqualTo(404);

        var held = f.send("PUT", "/api/recordings/21/hold", sup, "{\"hold\":true,\"reason\":\"complaint 2026-118\"}");
        assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
        JsonNode h = Json.MAPPER.readTree(held.body());
        assertThat(h.path("onHold").asBoolean()).isTrue();
        assertThat(h.path("holdBy").asText()).isEqualTo("sup");
        assertThat(h.path("holdReason").asText()).isEqualTo("complaint 2026-118");
        assertThat(f.audit.count("recording.hold", "21")).isEqualTo(1);

        try (RecordingRetention retention = new RecordingRetention(f.recordings, f.audit, dir, 180, ApiFixture.CLOCK)) {
            assertThat(retention.run()).containsEntry("removed", 1);
        }
        assertThat(Path.of(kept.path())).exists();
        assertThat(Path.of(gone.path())).doesNotExist();

        var play = f.send("GET", "/api/recordings/22", sup, null);
        assertThat(play.statusCode()).isEqualTo(410);
        assertThat(play.body()).contains("\"error\":\"recording_removed\"", "removed by retention on 2026-06-01");
        assertThat(f.audit.count("recording.play", "22")).isZero();
        assertThat(f.send("GET", "/api/recordings/21", sup, null).statusCode()).isEqualTo(200);

        JsonNode listed = Json.MAPPER.readTree(f.send("GET", "/api/recordings?callId=2", ann, null).body()).get(0);
        assertThat(listed.path("status").asText()).isEqualTo("removed");
        assertThat(listed.path("removedReason").asText()).isEqualTo("retention");
        assertThat(listed.path("removedAt").asLong()).isEqualTo(now);
        JsonNode call = Json.MAPPER.readTree(f.send("GET", "/api/calls/2", sup, null).body());
        assertThat(call.path("recordingStatus").asText()).isEqualTo("removed");

        // a removed recording cannot be put on hold any more; releasing the held one works (call-wide form)
        assertThat(f.send("PUT", "/api/calls/2/hold", sup, "{\"hold\":true,\"reason\":\"too late\"}").statusCode()).isEqualTo(409);
        var released = f.send("PUT", "/api/calls/1/hold", sup, "{\"hold\":false}");
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(released.body()).get(0).path("onHold").asBoolean()).isFalse();
        assertThat(f.audit.count("recording.release", "21")).isEqualTo(1);
    }
}
