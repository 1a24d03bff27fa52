package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.SUPERVISOR;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/** Listen, whisper, barge (issue 7) and the wallboard: supervisors and admins; the rules and audit rows are in {@link onekey.supervision.SpyService}, which the WebSocket commands call too. */
final class SupervisionApi {

    private final ApiContext ctx;

    SupervisionApi(ApiContext ctx) {
        this.ctx = ctx;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/calls/{call}/spy", roles(SUPERVISOR, ADMIN), this::spyStart);
        routes.add(GET, "/api/spy", roles(SUPERVISOR, ADMIN), this::spyList);
        routes.add(PUT, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyMode);
        routes.add(POST, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyMode);
        routes.add(DELETE, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyStop);
        routes.add(GET, "/api/wallboard", roles(SUPERVISOR, ADMIN), this::wallboard);
    }

    private onekey.supervision.SpyService spy() {
        if (ctx.spy() == null) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "spy_unavailable",
                    "listening to calls is not available on this server", null);
        }
        return ctx.spy();
    }

    /** The service's refusal as the client sees it (shared with the WebSocket commands). */
    static ApiException refused(onekey.supervision.SpyService.Refused e) {
        return switch (e.kind) {
            case BAD_REQUEST -> ApiException.invalid("mode", e.getMessage());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case FORBIDDEN -> ApiException.forbidden(e.getMessage());
            case CONFLICT -> ApiException.conflict(e.getMessage(), null);
            case PBX_UNAVAILABLE -> new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "pbx_unavailable",
                    e.getMessage(), null);
        };
    }

    /** 201 with a new session (Asterisk rings the caller's own extension); 200 when it changed the mode of theirs. */
    private Reply spyStart(Req r) {
        long callId = r.id("call");
        Requests.SpyBody b = r.body(Requests.SpyBody.class);
        try {
            var mode = onekey.supervision.SpyService.Mode.parse(b.mode());
            var started = spy().start(r.account, callId, mode);
            Map<String, Object> m = started.session().shape();
            return started.created() ? Reply.created(m) : Reply.ok(m);
        } catch (onekey.supervision.SpyService.Refused e) {
            throw refused(e);
        }
    }

    private Reply spyList(Req r) {
        return Reply.ok(spy().sessions().stream().map(onekey.supervision.SpyService.Session::shape).toList());
    }

    private Reply spyMode(Req r) {
        Requests.SpyBody b = r.body(Requests.SpyBody.class);
        try {
            var mode = onekey.supervision.SpyService.Mode.parse(b.mode());
            return Reply.ok(spy().change(r.account, r.pathParams.get("session"), mode).shape());
        } catch (onekey.supervision.SpyService.Refused e) {
            throw refused(e);
        }
    }

    private Reply spyStop(Req r) {
        try {
            return Reply.ok(spy().stop(r.account, r.pathParams.get("session")).shape());
        } catch (onekey.supervision.SpyService.Refused e) {
            throw refused(e);
        }
    }

    private Reply wallboard(Req r) {
        var w = new onekey.supervision.Wallboard(ctx.calls(),
                ctx.tracker() == null ? List::of : ctx.tracker()::snapshot, ctx.agentCommands()::all,
                ctx.accounts()::all, ctx.clock(), java.time.ZoneId.systemDefault());
        return Reply.ok(w.now());
    }
}
