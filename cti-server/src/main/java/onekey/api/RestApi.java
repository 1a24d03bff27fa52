package onekey.api;

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
        ApiServices services = ctx.services();
        Routes routes = new Routes();
        new AuthApi(ctx, services.accounts(), sessionsChanged).addTo(routes);
        new CentreApi(ctx).addTo(routes);
        new AgentApi(ctx, services.accounts(), sessionsChanged).addTo(routes);
        new ElderApi(ctx, services.elders()).addTo(routes);
        new CallApi(ctx, services.calls()).addTo(routes);
        new RecordingApi(ctx, services.recordings()).addTo(routes);
        new RescueApi(ctx).addTo(routes);
        new AuditApi(ctx).addTo(routes);
        new SupervisionApi(ctx).addTo(routes);
        return routes;
    }
}
