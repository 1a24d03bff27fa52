package onekey.api;

import java.util.Optional;
import onekey.auth.AccountService;
import onekey.elders.ElderService;

/**
 * The REST API as a set of resources, one per feature, each adding its routes with their roles: validation at the
 * edge, the rules and audit rows in the services (the WebSocket commands, {@link WsCommands}, call the same ones).
 */
final class RestApi {
    private final ApiContext ctx;
    private final Runnable sessionsChanged;

    /** @param sessionsChanged asks the server to check open WebSockets now (a token was revoked, an account changed) */
    RestApi(ApiContext ctx, Runnable sessionsChanged) {
        this.ctx = ctx;
        this.sessionsChanged = sessionsChanged;
    }

    Routes routes() {
        AccountService accounts = new AccountService(ctx.accounts(), ctx.tokens(), ctx.audit());
        Routes routes = new Routes();
        new AuthApi(ctx, accounts, sessionsChanged).addTo(routes);
        new CentreApi(ctx).addTo(routes);
        new AgentApi(ctx, accounts, sessionsChanged).addTo(routes);
        new ElderApi(ctx, elderService(ctx)).addTo(routes);
        new CallApi(ctx, callAccess(ctx)).addTo(routes);
        new RecordingApi(ctx, new onekey.recording.RecordingAccess(ctx.recordings(), ctx.calls(), ctx.audit(), ctx.clock()))
                .addTo(routes);
        new RescueApi(ctx).addTo(routes);
        new AuditApi(ctx).addTo(routes);
        new SupervisionApi(ctx).addTo(routes);
        return routes;
    }

    /** The calls' rules; a disposition saved is handed to the rescue where one runs (a call-back on the worklist). */
    static onekey.calls.CallAccess callAccess(ApiContext ctx) {
        return new onekey.calls.CallAccess(ctx.calls(), ctx.audit(), ctx.clock(),
                c -> {
                    if (ctx.rescue() != null) {
                        ctx.rescue().dispositionSaved(c);
                    }
                });
    }

    /** The elders' rules over this context's calls and incidents. */
    static ElderService elderService(ApiContext ctx) {
        return new ElderService(ctx.elders(), ctx.audit(), ctx.clock(),
                (elderId, accountId, since) -> ctx.calls().find(elderId, accountId, null, 5).stream()
                        .filter(c -> c.endedAt() == null || c.endedAt() >= since).findFirst()
                        .map(c -> Optional.of(c.id())).orElse(Optional.empty()),
                (elderId, accountId) -> ctx.rescue() != null && ctx.rescue().find(elderId, "open", 20).stream()
                        .anyMatch(i -> i.agentId() != null && i.agentId() == accountId));
    }
}
