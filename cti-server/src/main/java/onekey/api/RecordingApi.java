package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Routes.PUBLIC;
import static onekey.api.Fields.blankToNull;
import static onekey.api.Fields.required;
import static onekey.api.Fields.tooMany;
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
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import onekey.events.Shapes;
import onekey.agents.AgentStatus;
import onekey.api.Requests.AgentBody;
import onekey.api.Requests.ContactBody;
import onekey.api.Requests.DispositionBody;
import onekey.api.Requests.ElderBody;
import onekey.api.Requests.HoldBody;
import onekey.api.Requests.Login;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.LoginGuard;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.PhoneNumbers;
import onekey.recording.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recordings: list, play (with byte ranges), legal hold. Agents only those of their own calls; every play and hold is audited. */
final class RecordingApi {
    private static final Logger log = LoggerFactory.getLogger(RecordingApi.class);

    private final ApiContext ctx;

    RecordingApi(ApiContext ctx) {
        this.ctx = ctx;
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
        if (r.is(AGENT)) {
            boolean own = ctx.calls().get(callId).map(c -> c.agentId() != null && c.agentId() == r.account.id())
                    .orElse(false);
            if (!own) {
                throw ApiException.forbidden("agents may list only the recordings of calls they took");
            }
        }
        return Reply.ok(ctx.recordings().byCall(callId).map(Json::recording).stream().toList());
    }

    private Reply playRecording(Req r) throws java.io.IOException {
        long id = r.id("recording");
        Recording rec = ctx.recordings().get(id).orElseThrow(() -> ApiException.notFound("no such recording: " + id));
        if (r.is(AGENT)) {
            boolean own = rec.callId() != null && ctx.calls().get(rec.callId())
                    .map(c -> c.agentId() != null && c.agentId() == r.account.id()).orElse(false);
            if (!own) {
                throw ApiException.forbidden("agents may play only the recordings of calls they took");
            }
        }
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
            ctx.audit().record(r.account, "recording.play", "recording", Long.toString(id),
                    "call=" + rec.callId() + (range == null ? "" : " bytes=" + range.start() + "-" + range.end()));
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
        for (Recording rec : recs) {
            if (b.hold() && rec.removed()) {
                throw ApiException.conflict("recording " + rec.id() + " was already removed by " + rec.removedReason()
                        + "; its audio cannot be held", "hold");
            }
        }
        long now = ctx.clock().millis();
        List<Recording> out = new ArrayList<>();
        for (Recording rec : recs) {
            ctx.recordings().setHold(rec.id(), b.hold(), r.account.username(), now, reason);
            ctx.audit().record(r.account, b.hold() ? "recording.hold" : "recording.release", "recording",
                    Long.toString(rec.id()), "call=" + rec.callId() + (reason == null ? "" : " reason=" + reason));
            log.info("api.recording-hold recording={} call={} hold={} by={}", rec.id(), rec.callId(), b.hold(),
                    r.account.username());
            out.add(ctx.recordings().get(rec.id()).orElse(rec));
        }
        return out;
    }

    private CallRecord call(Req r) {
        long id = r.id("call");
        return ctx.calls().get(id).orElseThrow(() -> ApiException.notFound("no such call: " + id));
    }
}
