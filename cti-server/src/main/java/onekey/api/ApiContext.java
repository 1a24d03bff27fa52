package onekey.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import onekey.agents.AgentCommands;
import onekey.agents.SipProvisioner;
import onekey.auth.AccountRepository;
import onekey.auth.AuditLog;
import onekey.auth.TokenStore;
import onekey.calls.CallRepository;
import onekey.elders.ElderRepository;
import onekey.events.EventHub;
import onekey.lines.LineRepository;
import onekey.recording.RecordingRepository;

/**
 * Everything the REST + WebSocket API needs, built by the composition root.
 *
 * @param bindHost        address to listen on; null means all interfaces
 * @param port            TCP port; 0 picks an ephemeral port (see {@link ApiServer#port()})
 * @param defaultAreaCode passed to {@code PhoneNumbers.normalize} for numbers typed without one
 * @param tokenTtlMillis  lifetime of a login token; 0 or less means 12 hours (one shift)
 * @param maxBodyBytes    largest accepted request body (and WebSocket frame); 0 or less means 64 KiB
 * @param recordingFile   maps {@code Recording.path} to a readable file, or to null when it must not be served
 *                        (outside the recordings folder: 404); null means {@code Path::of}
 * @param clock           time source for ages and timeline entries; null means the system clock
 * @param security        login throttling, delivery audit, session checks; null means {@link ApiSecurity#defaults}
 *                        with deliveries written straight to {@code audit}
 * @param rescue          no-response incidents (issue 8); null: its endpoints answer 503
 * @param sipHost         where agents' phones register (GET /api/me); null means 127.0.0.1
 * @param sipPort         Asterisk's SIP (UDP) port for agents' phones; 0 or less means 5060
 * @param wrapUpSeconds   the wrap-up after each call (GET /api/me, so a softphone can count it down)
 * @param spy             listen / whisper / barge (issue 7); null: its endpoints answer 503
 * @param tracker         live calls (wallboard, unregistered-caller form; issue 7); null in API-only tests
 * @param services        the accounts', elders', calls' and recordings' rules; null: built over the repositories
 */
public record ApiContext(
        String bindHost,
        int port,
        ElderRepository elders,
        LineRepository lines,
        AccountRepository accounts,
        TokenStore tokens,
        AuditLog audit,
        CallRepository calls,
        RecordingRepository recordings,
        AgentCommands agentCommands,
        SipProvisioner sipProvisioner,
        EventHub hub,
        HealthProbe health,
        String defaultAreaCode,
        long tokenTtlMillis,
        int maxBodyBytes,
        Function<String, Path> recordingFile,
        Clock clock,
        ApiSecurity security,
        onekey.rescue.RescueService rescue,
        String sipHost,
        int sipPort,
        int wrapUpSeconds,
        onekey.supervision.SpyService spy,
        // live calls for the wallboard and the unregistered-caller form (issue 7); null in API-only tests
        onekey.calls.CallTracker tracker,
        // the rules the resources apply, built by the root; null: built here over the repositories above (tests)
        ApiServices services) {

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final long DEFAULT_TOKEN_TTL_MILLIS = 12L * 60 * 60 * 1000;

    /** Without the agents' SIP settings (127.0.0.1:5060). */
    public ApiContext(String bindHost, int port, ElderRepository elders, LineRepository lines, AccountRepository accounts,
            TokenStore tokens, AuditLog audit, CallRepository calls, RecordingRepository recordings,
            AgentCommands agentCommands, SipProvisioner sipProvisioner, EventHub hub, HealthProbe health,
            String defaultAreaCode, long tokenTtlMillis, int maxBodyBytes, Function<String, Path> recordingFile,
            Clock clock, ApiSecurity security, onekey.rescue.RescueService rescue) {
        this(bindHost, port, elders, lines, accounts, tokens, audit, calls, recordings, agentCommands, sipProvisioner,
                hub, health, defaultAreaCode, tokenTtlMillis, maxBodyBytes, recordingFile, clock, security, rescue,
                null, 0, 0, null, null, null);
    }

    /** Without supervision (spy endpoints answer 503). */
    public ApiContext(String bindHost, int port, ElderRepository elders, LineRepository lines, AccountRepository accounts,
            TokenStore tokens, AuditLog audit, CallRepository calls, RecordingRepository recordings,
            AgentCommands agentCommands, SipProvisioner sipProvisioner, EventHub hub, HealthProbe health,
            String defaultAreaCode, long tokenTtlMillis, int maxBodyBytes, Function<String, Path> recordingFile,
            Clock clock, ApiSecurity security, onekey.rescue.RescueService rescue, String sipHost, int sipPort,
            int wrapUpSeconds) {
        this(bindHost, port, elders, lines, accounts, tokens, audit, calls, recordings, agentCommands, sipProvisioner,
                hub, health, defaultAreaCode, tokenTtlMillis, maxBodyBytes, recordingFile, clock, security, rescue,
                sipHost, sipPort, wrapUpSeconds, null, null, null);
    }

    public ApiContext {
        if (sipHost == null || sipHost.isBlank()) {
            sipHost = "127.0.0.1";
        }
        if (sipPort <= 0) {
            sipPort = 5060;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("api port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(elders, "elders");
        Objects.requireNonNull(lines, "lines");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(recordings, "recordings");
        Objects.requireNonNull(agentCommands, "agentCommands");
        Objects.requireNonNull(sipProvisioner, "sipProvisioner");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(health, "health");
        if (bindHost == null || bindHost.isBlank()) {
            bindHost = "0.0.0.0";
        }
        if (tokenTtlMillis <= 0) {
            tokenTtlMillis = DEFAULT_TOKEN_TTL_MILLIS;
        }
        if (maxBodyBytes <= 0) {
            maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        }
        if (recordingFile == null) {
            recordingFile = Path::of;
        }
        if (clock == null) {
            clock = Clock.systemDefaultZone();
        }
        if (services == null) {
            services = ApiServices.over(accounts, tokens, audit, elders, calls, recordings, rescue, clock);
        }
        if (security == null) {
            AuditLog a = audit;
            security = ApiSecurity.defaults(clock, (at, to, action, type, id, detail) ->
                    a.record(to, action, type, id, detail));
        }
    }
}
