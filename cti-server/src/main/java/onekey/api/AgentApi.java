package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Fields.blankToNull;
import static onekey.api.Fields.required;
import static onekey.api.Fields.tooMany;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.AGENT;
import static onekey.auth.Role.SUPERVISOR;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import onekey.agents.AgentStatus;
import onekey.api.Requests.AgentBody;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.Passwords;
import onekey.auth.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agents' accounts (admins change them, supervisors read them): the shape of a request is checked here; the rules ("a disabled account loses its tokens") and the audit rows are in {@link onekey.auth.AccountService}. */
final class AgentApi {
    private static final Logger log = LoggerFactory.getLogger(AgentApi.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{2,32}");
    private static final Pattern EXTENSION = Pattern.compile("[0-9]{3,8}");
    private static final int MIN_PASSWORD = 8;
    private static final int MIN_SIP_SECRET = 8;

    private final ApiContext ctx;
    /** Asks the server to check open WebSockets now (a token was revoked or an account changed). */
    private final Runnable sessionsChanged;

    private final onekey.auth.AccountService accounts;

    AgentApi(ApiContext ctx, onekey.auth.AccountService accounts, Runnable sessionsChanged) {
        this.ctx = ctx;
        this.accounts = accounts;
        this.sessionsChanged = sessionsChanged;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/agents", roles(ADMIN, SUPERVISOR), this::listAgents);
        routes.add(POST, "/api/agents", roles(ADMIN), r -> saveAgent(r, null));
        routes.add(GET, "/api/agents/{agent}", roles(ADMIN, SUPERVISOR), this::getAgent);
        routes.add(PUT, "/api/agents/{agent}", roles(ADMIN), r -> saveAgent(r, r.id("agent")));
        routes.add(DELETE, "/api/agents/{agent}/sessions", roles(ADMIN), this::revokeSessions);
    }

    private Reply listAgents(Req r) {
        Map<Long, AgentStatus> live = new HashMap<>();
        for (AgentStatus s : ctx.agentCommands().all()) {
            live.put(s.accountId(), s);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : ctx.accounts().all()) {
            out.add(agentView(a, r.is(ADMIN), live.get(a.id())));
        }
        return Reply.ok(out);
    }

    private Reply getAgent(Req r) {
        long id = r.id("agent");
        Account a = ctx.accounts().get(id).orElseThrow(() -> ApiException.notFound("no such agent: " + id));
        return Reply.ok(agentView(a, r.is(ADMIN), ctx.agentCommands().status(id).orElse(null)));
    }

    private static Map<String, Object> agentView(Account a, boolean admin, AgentStatus s) {
        Map<String, Object> m = Json.account(a, admin);
        m.put("agent", s == null ? null : Shapes.agent(s));
        return m;
    }

    private Reply saveAgent(Req r, Long id) {
        AgentBody b = r.body(AgentBody.class);
        String hash = null;
        try {
            required("username", b.username());
            // the login's rule: stored lower-case, refused (not trimmed) with a control character or an outer space
            String username = Usernames.canonical(b.username());
            if (!USERNAME.matcher(username).matches()) {
                throw ApiException.invalid("username", "\"username\" must be 2-32 of a-z 0-9 . _ - (capitals are taken as small letters)");
            }
            String roleText = required("role", b.role());
            Role role;
            try {
                role = Role.fromWire(roleText);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("role", "\"role\" must be agent, supervisor, admin or dispatcher");
            }
            String extension = blankToNull(b.extension());
            if (extension == null && role == AGENT) {
                throw ApiException.missing("extension");
            }
            if (extension != null && !EXTENSION.matcher(extension).matches()) {
                throw ApiException.invalid("extension", "\"extension\" must be 3 to 8 digits");
            }
            String sipSecret = blankToNull(b.sipSecret());
            if (extension != null && sipSecret == null) {
                throw ApiException.missing("sipSecret");
            }
            // SIP endpoints are brute-forced from the internet: no short secrets
            if (sipSecret != null && sipSecret.length() < MIN_SIP_SECRET) {
                throw ApiException.invalid("sipSecret", "\"sipSecret\" must be at least " + MIN_SIP_SECRET + " characters");
            }
            if (b.password() == null || b.password().length == 0) {
                if (id == null) {
                    throw ApiException.missing("password");
                }
            } else if (b.password().length < MIN_PASSWORD) {
                throw ApiException.invalid("password", "\"password\" must be at least " + MIN_PASSWORD + " characters");
            } else {
                char[] pw = b.password();
                try {
                    hash = ctx.security().logins().hash(() -> Passwords.hash(pw));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    throw tooMany("the server is busy checking logins; try again in 1 s", 1);
                }
            }
            String displayName = blankToNull(b.displayName());
            if (displayName != null && displayName.length() > 100) {
                throw ApiException.invalid("displayName", "\"displayName\" must be at most 100 characters");
            }
            AccountDraft draft = new AccountDraft(username, role, extension, sipSecret, displayName,
                    b.enabled() == null || b.enabled());
            Account saved;
            try {
                onekey.auth.AccountService.Saved s = accounts.save(r.account, id, draft, hash);
                saved = s.account();
                if (s.tokensRevoked() > 0 || !saved.enabled()) {
                    sessionsChanged.run(); // its WebSockets close
                }
            } catch (java.util.NoSuchElementException e) {
                throw ApiException.notFound(e.getMessage());
            } catch (IllegalArgumentException e) {
                String msg = String.valueOf(e.getMessage());
                throw ApiException.conflict(msg, msg.toLowerCase(java.util.Locale.ROOT).contains("extension")
                        ? "extension" : "username");
            }
            Map<String, Object> out = agentView(saved, true, ctx.agentCommands().status(saved.id()).orElse(null));
            out.put("sipSynced", syncSip());
            return id == null ? Reply.created(out) : Reply.ok(out);
        } finally {
            if (b.password() != null) {
                Arrays.fill(b.password(), '\0');
            }
        }
    }

    /** Pushes the endpoints to Asterisk. The account is saved either way; a failure is reported, not hidden. */
    private boolean syncSip() {
        try {
            ctx.sipProvisioner().sync(ctx.accounts().all());
            return true;
        } catch (RuntimeException e) {
            log.warn("api.sip-sync-failed error={}", e.toString());
            return false;
        }
    }

    /** An admin ends every session of an account (a lost laptop, a leaver): tokens revoked, WebSockets closed. */
    private Reply revokeSessions(Req r) {
        long id = r.id("agent");
        int n;
        try {
            n = accounts.revokeSessions(r.account, id);
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        }
        sessionsChanged.run();
        return Reply.ok(Map.of("revoked", n));
    }
}
