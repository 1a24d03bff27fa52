package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Fields.required;
import static onekey.auth.Role.AGENT;
import static onekey.auth.Role.SUPERVISOR;

import java.util.List;
import java.util.Map;
import onekey.api.Requests.DispositionBody;
import onekey.calls.CallRecord;
import onekey.elders.PhoneNumbers;
import onekey.recording.Recording;

/** Calls: lists, one call with its timeline, the disposition. Agents see only their own calls. */
final class CallApi {

    private final ApiContext ctx;
    private final onekey.calls.CallAccess access;

    CallApi(ApiContext ctx, onekey.calls.CallAccess access) {
        this.ctx = ctx;
        this.access = access;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/calls", ANY, this::listCalls);
        routes.add(GET, "/api/calls/{call}", ANY, this::getCall);
        routes.add(PUT, "/api/calls/{call}/disposition", ANY, this::disposition);
    }

    /**
     * Agents list their own calls only. Caller numbers are masked in lists except for supervisors, who call
     * back; the full number is in GET /api/calls/{id}, which is audited. Each list is audited as one row. Paged with
     * {@code from} (or {@code since}), {@code to}, {@code limit} and {@code cursor} ({@link Paging}).
     */
    private Reply listCalls(Req r) {
        Long elderId = r.longParam("elderId", 1);
        Long since = r.longParam("since", 0);
        // from (or the older since), to, limit and cursor: the list's page (issue 22)
        Paging.Window w = Paging.window(r, 50, 500);
        Long from = w.from() != null ? w.from() : since;
        Long agentId = r.is(AGENT) ? null : r.longParam("agentId", 1);
        boolean mask = !r.is(SUPERVISOR);
        // an agent's own calls only, and one audit row for the list: the service's rule
        var page = access.page(r.account, elderId, agentId, from, w.to(), w.after(), w.limit());
        List<Map<String, Object>> out = page.items().stream().map(c -> {
            Map<String, Object> m = Shapes.call(c);
            if (mask) {
                m.put("callerNumber", c.callerNumber() == null ? null : PhoneNumbers.mask(c.callerNumber()));
            }
            return m;
        }).toList();
        return Paging.reply(w, out, page.next());
    }

    /** The service's refusals as the client sees them. */
    static <T> T checked(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        }
    }

    private Reply getCall(Req r) {
        long id = r.id("call");
        CallRecord c = checked(() -> access.view(id, r.account)); // agents their own calls; audited
        Map<String, Object> m = Shapes.call(c);
        // issue 6: a call whose recording is missing, empty or removed says so (null: none indexed yet)
        m.put("recordingStatus", ctx.recordings().byCall(c.id()).map(Recording::status).orElse(null));
        m.put("timeline", ctx.calls().timeline(c.id()).stream().map(Json::callEvent).toList());
        return Reply.ok(m);
    }

    private Reply disposition(Req r) {
        long id = r.id("call");
        CallRecord c = checked(() -> access.mayDispose(id, r.account));
        DispositionBody b = r.body(DispositionBody.class);
        String disposition = required("disposition", b.disposition());
        if (disposition.length() > 64) {
            throw ApiException.invalid("disposition", "\"disposition\" must be at most 64 characters");
        }
        String notes = b.notes();
        if (notes != null && notes.length() > 4000) {
            throw ApiException.invalid("notes", "\"notes\" must be at most 4000 characters");
        }
        CallRecord updated = access.dispose(c, r.account, disposition, notes);
        Map<String, Object> m = Shapes.call(updated);
        m.put("timeline", ctx.calls().timeline(c.id()).stream().map(Json::callEvent).toList());
        return Reply.ok(m);
    }
}
