package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Fields.blankToNull;
import static onekey.api.Fields.required;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.AGENT;
import static onekey.auth.Role.SUPERVISOR;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.FileNotFoundException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.api.Requests.HoldBody;
import onekey.calls.CallRecord;
import onekey.recording.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recordings: list, play (with byte ranges), legal hold. Agents only those of their own calls; every play and hold is audited. */
final class RecordingApi {
    private static final Logger log = LoggerFactory.getLogger(RecordingApi.class);

    private final ApiContext ctx;
    private final onekey.recording.RecordingAccess access;

    RecordingApi(ApiContext ctx, onekey.recording.RecordingAccess access) {
        this.ctx = ctx;
        this.access = access;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/recordings", ANY, this::listRecordings);
        routes.add(GET, "/api/recordings/{recording}", ANY, this::playRecording);
        routes.add(PUT, "/api/recordings/{recording}/hold", roles(SUPERVISOR, ADMIN), this::holdRecording);
        routes.add(PUT, "/api/calls/{call}/hold", roles(SUPERVISOR, ADMIN), this::holdCallRecordings);
    }

    private Reply listRecordings(Req r) {
        Long callId = r.longParam("callId", 1);
        if (callId == null) {
            throw ApiException.badRequest("missing_param", "query parameter \"callId\" is required", "callId");
        }
        return Reply.ok(CallApi.checked(() -> access.ofCall(r.account, callId)).stream().map(Json::recording).toList());
    }

    private Reply playRecording(Req r) throws java.io.IOException {
        long id = r.id("recording");
        Recording rec = CallApi.checked(() -> access.forPlay(r.account, id)); // agents: their own calls' only
        if (rec.removed()) {
            throw new ApiException(HttpResponseStatus.GONE, "recording_removed", "recording " + id + " was removed by "
                    + rec.removedReason() + " on " + java.time.Instant.ofEpochMilli(rec.removedAt())
                    .atZone(java.time.ZoneOffset.UTC).toLocalDate(), null);
        }
        if ("empty".equals(rec.status())) {
            throw new ApiException(HttpResponseStatus.GONE, "recording_empty", "recording " + id
                    + " holds no audio: it could not be written (recordings disk full or not writable)", null);
        }
        Path file = ctx.recordingFile().apply(rec.path());
        if (file == null) {
            // the row points outside the recordings folder (written by hand, or before paths were checked)
            log.warn("api.recording-refused recording={} call={}: path not under the recordings folder", id, rec.callId());
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "recording_outside_folder", "recording " + id
                    + " is not under the recordings folder and is not served", null);
        }
        RandomAccessFile raf;
        try {
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException();
            }
            raf = new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException | SecurityException e) {
            log.warn("api.recording-gone recording={} call={}", id, rec.callId());
            throw new ApiException(HttpResponseStatus.GONE, "recording_gone", "recording " + id
                    + " is indexed but its audio file is no longer on the server", null);
        }
        try {
            long size = raf.length();
            ByteRange range = ByteRange.parse(r.http.headers().get(HttpHeaderNames.RANGE), size);
            access.played(r.account, rec, range == null ? null : range.start() + "-" + range.end());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept-Ranges", "bytes");
            headers.put("Content-Disposition", "inline; filename=\"recording-" + id + ".wav\"");
            if (range == null) {
                return new Reply.FileReply(HttpResponseStatus.OK, raf, 0, size, "audio/wav", headers);
            }
            headers.put("Content-Range", range.contentRange(size));
            return new Reply.FileReply(HttpResponseStatus.PARTIAL_CONTENT, raf, range.start(), range.length(),
                    "audio/wav", headers);
        } catch (RuntimeException | java.io.IOException e) {
            raf.close();
            throw e;
        }
    }

    /** Legal hold (issue 6): a recording on hold is never removed by retention. Supervisors and admins; audited. */
    private Reply holdRecording(Req r) {
        long id = r.id("recording");
        Recording rec = ctx.recordings().get(id).orElseThrow(() -> ApiException.notFound("no such recording: " + id));
        return Reply.ok(Json.recording(hold(r, List.of(rec), r.body(HoldBody.class)).get(0)));
    }

    /** Puts every recording of a call on hold, or releases them. */
    private Reply holdCallRecordings(Req r) {
        CallRecord c = call(r);
        HoldBody b = r.body(HoldBody.class);
        List<Recording> recs = ctx.recordings().allByCall(c.id());
        if (recs.isEmpty()) {
            throw ApiException.notFound("call " + c.id() + " has no recording");
        }
        return Reply.ok(hold(r, recs, b).stream().map(Json::recording).toList());
    }

    private List<Recording> hold(Req r, List<Recording> recs, HoldBody b) {
        if (b.hold() == null) {
            throw ApiException.missing("hold");
        }
        String reason = blankToNull(b.reason());
        if (b.hold() && reason == null) {
            throw ApiException.invalid("reason", "\"reason\" is required to put a recording on hold (e.g. a complaint number)");
        }
        if (reason != null && reason.length() > 500) {
            throw ApiException.invalid("reason", "\"reason\" must be at most 500 characters");
        }
        try {
            return access.hold(r.account, recs, b.hold(), reason); // the rule and the audit rows are the service's
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), "hold");
        }
    }

    private CallRecord call(Req r) {
        long id = r.id("call");
        return ctx.calls().get(id).orElseThrow(() -> ApiException.notFound("no such call: " + id));
    }
}
