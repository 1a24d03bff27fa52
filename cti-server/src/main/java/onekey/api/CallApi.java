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

/** Calls: lists, one call with its timeline, the disposition. Agents see only their own calls. */
final class CallApi {


    private final ApiContext ctx;

    CallApi(ApiContext ctx) {
        this.ctx = ctx;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/calls", ANY, this::listCalls);
        routes.add(GET, "/api/calls/{call}", ANY, this::getCall);
        routes.add(PUT, "/api/calls/{call}/disposition", ANY, this::disposition);
    }

    /**
     * Agents list their own calls only. Caller numbers are masked in lists except for supervisors, who call
     * back; the full number is in GET /api/calls/{id}, which is audited. Each list is audited as one row.
     */
    private Reply listCalls(Req r) {
        Long elderId = r.longParam("elderId", 1);
        Long since = r.longParam("since", 0);
        int limit = r.intParam("limit", 50, 1, 500);
        Long agentId = r.is(AGENT) ? Long.valueOf(r.account.id()) : r.longParam("agentId", 1);
        boolean mask = !r.is(SUPERVISOR);
        List<Map<String, Object>> out = ctx.calls().find(elderId, agentId, since, limit).stream().map(c -> {
            Map<String, Object> m = Shapes.call(c);
            if (mask) {
                m.put("callerNumber", c.callerNumber() == null ? null : PhoneNumbers.mask(c.callerNumber()));
            }
            return m;
        }).toList();
        ctx.audit().record(r.account, "call.list", elderId == null ? null : "elder",
                elderId == null ? null : elderId.toString(), "agent=" + agentId + " results=" + out.size());
        return Reply.ok(out);
    }

    private CallRecord call(Req r) {
        long id = r.id("call");
        return ctx.calls().get(id).orElseThrow(() -> ApiException.notFound("no such call: " + id));
    }

    /** Agents may open only calls they took (403 otherwise, not 404: the id is not a secret). */
    private CallRecord ownCall(Req r, String what) {
        CallRecord c = call(r);
        if (r.is(AGENT) && (c.agentId() == null || c.agentId() != r.account.id())) {
            throw ApiException.forbidden("call " + c.id() + " was taken by another agent: agents may " + what
                    + " only their own calls");
        }
        return c;
    }

    private Reply getCall(Req r) {
        CallRecord c = ownCall(r, "open");
        ctx.audit().record(r.account, "call.view", c.elderId() == null ? "call" : "elder",
                c.elderId() == null ? Long.toString(c.id()) : c.elderId().toString(), "call=" + c.id());
        Map<String, Object> m = Shapes.call(c);
        // issue 6: a call whose recording is missing, empty or removed says so (null: none indexed yet)
        m.put("recordingStatus", ctx.recordings().byCall(c.id()).map(Recording::status).orElse(null));
        m.put("timeline", ctx.calls().timeline(c.id()).stream().map(Json::callEvent).toList());
        return Reply.ok(m);
    }

    private Reply disposition(Req r) {
        CallRecord c = call(r);
        if (r.is(AGENT) && (c.agentId() == null || c.agentId() != r.account.id())) {
            throw ApiException.forbidden("only the agent who took call " + c.id() + ", a supervisor or an admin may set its disposition");
        }
        DispositionBody b = r.body(DispositionBody.class);
        String disposition = required("disposition", b.disposition());
        if (disposition.length() > 64) {
            throw ApiException.invalid("disposition", "\"disposition\" must be at most 64 characters");
        }
        String notes = b.notes();
        if (notes != null && notes.length() > 4000) {
            throw ApiException.invalid("notes", "\"notes\" must be at most 4000 characters");
        }
        // by column: a disposition never rewrites the call's state or recording from this (possibly stale) copy
        ctx.calls().setDisposition(c.id(), disposition, notes);
        ctx.calls().addEvent(c.id(), ctx.clock().millis(), "disposition", disposition + " by " + r.account.username());
        CallRecord updated = ctx.calls().get(c.id()).orElse(c);
        if (ctx.rescue() != null) { // rescue() would refuse the disposition itself when there is no rescue service
            ctx.rescue().dispositionSaved(updated); // "callback-needed": a call-back on the worklist (issue 18)
        }
        Map<String, Object> m = Shapes.call(updated);
        m.put("timeline", ctx.calls().timeline(c.id()).stream().map(Json::callEvent).toList());
        return Reply.ok(m);
    }
}
