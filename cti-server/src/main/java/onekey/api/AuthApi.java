package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static onekey.api.Routes.ANY;
import static onekey.api.Routes.PUBLIC;
import static onekey.api.Fields.tooMany;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import onekey.api.Requests.Login;
import onekey.auth.Account;
import onekey.auth.LoginGuard;
import onekey.auth.Passwords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signing in and out, and the signed-in account's own settings (GET /api/me). Throttled logins at the edge; the session rules and their audit rows are in {@link onekey.auth.AccountService}. */
final class AuthApi {
    private static final Logger log = LoggerFactory.getLogger(AuthApi.class);

    private final ApiContext ctx;
    private final onekey.auth.AccountService accounts;
    private final Runnable sessionsChanged;

    AuthApi(ApiContext ctx, onekey.auth.AccountService accounts, Runnable sessionsChanged) {
        this.ctx = ctx;
        this.accounts = accounts;
        this.sessionsChanged = sessionsChanged;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/login", PUBLIC, this::login);
        routes.add(POST, "/api/logout", Routes.ALL, this::logout);
        routes.add(GET, "/api/me", Routes.ALL, this::me);
    }

    private volatile String dummyHash;

    private Reply login(Req r) {
        Login b = r.body(Login.class);
        try {
            if (b.username() == null || b.username().isBlank()) {
                throw ApiException.missing("username");
            }
            if (b.password() == null || b.password().length == 0) {
                throw ApiException.missing("password");
            }
            // case-insensitive, but a control character or an outer space is refused, never stripped (issue 16)
            String username = Usernames.canonical(b.username());
            String shown = username.length() <= 32 ? username : username.substring(0, 32) + "…";
            LoginGuard guard = ctx.security().logins();
            // throttled before any hashing: a burst of guesses costs no CPU and learns nothing
            Optional<LoginGuard.Refusal> refused = guard.begin(username, r.remote);
            if (refused.isPresent()) {
                throttledLog(shown, r.remote, refused.get());
                throw tooMany("too many failed logins for this " + refused.get().reason() + "; try again in "
                        + refused.get().retryAfterSeconds() + " s", refused.get().retryAfterSeconds());
            }
            Optional<Account> account;
            Optional<Account> known;
            boolean ok;
            Optional<String> hash;
            try {
                hash = ctx.accounts().passwordHash(username);
                // verify against a dummy hash for unknown users too, so timing does not reveal which usernames exist
                ok = guard.hash(() -> Passwords.verify(b.password(), hash.orElseGet(this::dummyHash))) && hash.isPresent();
                known = hash.isPresent() ? ctx.accounts().byUsername(username) : Optional.empty();
                account = ok ? known.filter(Account::enabled) : Optional.empty();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                guard.abandoned(username, r.remote);
                log.info("api.login-busy user={} remote={}", shown, r.remote);
                throw tooMany("the server is busy checking other logins; try again in 1 s", 1);
            } catch (RuntimeException e) {
                guard.abandoned(username, r.remote);
                throw e;
            }
            if (account.isEmpty()) {
                guard.failed(username, r.remote);
                String why = !hash.isPresent() ? "unknown-user" : ok ? "account-disabled" : "wrong-password";
                log.info("api.login-failed user={} remote={} reason={}", shown, r.remote, why);
                ctx.audit().recordAs(known.map(Account::id).orElse(null), shown, "login.failed", "account",
                        known.map(a -> Long.toString(a.id())).orElse(null), "remote=" + r.remote + " reason=" + why);
                throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "invalid_credentials",
                        "wrong username or password", null).header("WWW-Authenticate", "Bearer realm=\"onekey\"");
            }
            guard.succeeded(username, r.remote);
            Account a = account.get();
            String token = ctx.tokens().issue(a, ctx.tokenTtlMillis());
            ctx.audit().record(a, "login.ok", "account", Long.toString(a.id()), "remote=" + r.remote);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token", token);
            m.put("role", a.role().wire());
            m.put("accountId", a.id());
            m.put("username", a.username());
            m.put("extension", a.extension());
            m.put("displayName", a.displayName());
            m.put("expiresAt", ctx.clock().millis() + ctx.tokenTtlMillis());
            return Reply.ok(m);
        } finally {
            if (b.password() != null) {
                Arrays.fill(b.password(), '\0');
            }
        }
    }

    private final java.util.concurrent.atomic.AtomicLong throttledSince = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong throttledQuiet = new java.util.concurrent.atomic.AtomicLong();

    /** A flood is logged once per 10 s with how many were refused meanwhile, not once per request. */
    private void throttledLog(String user, String remote, LoginGuard.Refusal refusal) {
        long now = System.currentTimeMillis();
        long last = throttledSince.get();
        if (now - last >= 10_000 && throttledSince.compareAndSet(last, now)) {
            log.warn("api.login-throttled user={} remote={} by={} retryAfter={} alsoRefusedSinceLastLine={}", user, remote,
                    refusal.reason(), refusal.retryAfterSeconds(), throttledQuiet.getAndSet(0));
        } else {
            throttledQuiet.incrementAndGet();
        }
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = Passwords.hash("not-a-real-password".toCharArray());
            dummyHash = h;
        }
        return h;
    }

    /** The signed-in account with its own SIP settings (the softphone registers with them); audited. */
    private Reply me(Req r) {
        Account a = ctx.accounts().get(r.account.id()).orElse(r.account);
        Map<String, Object> sip = new LinkedHashMap<>();
        sip.put("extension", a.extension());
        sip.put("secret", a.extension() == null ? null : a.sipSecret());
        sip.put("host", ctx.sipHost());
        sip.put("port", ctx.sipPort());
        sip.put("transport", "udp");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", a.id());
        body.put("username", a.username());
        body.put("role", a.role().wire());
        body.put("extension", a.extension());
        body.put("displayName", a.displayName());
        body.put("sip", a.extension() == null ? null : sip);
        body.put("wrapUpSeconds", ctx.wrapUpSeconds());
        ctx.audit().record(r.account, "account.sip-settings", "account", Long.toString(a.id()), "remote=" + r.remote);
        return Reply.ok(body);
    }

    private Reply logout(Req r) {
        accounts.logout(r.account, r.token, r.remote);
        sessionsChanged.run();
        return Reply.ok(Map.of("loggedOut", true));
    }
}
