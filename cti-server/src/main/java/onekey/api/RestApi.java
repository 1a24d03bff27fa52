package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Routes.PUBLIC;
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

/** The REST endpoints: validation at the edge, then one repository call; no business rules here. */
final class RestApi {
    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{2,32}");
    private static final Pattern EXTENSION = Pattern.compile("[0-9]{3,8}");
    private static final Pattern PHONE_QUERY = Pattern.compile("[+0-9][0-9 ()-]{4,}");
    /** zh, en, and the dialect wuu (Shanghainese: its recordings, Mandarin TTS for the rest). */
    private static final Set<String> LANGUAGES = Set.copyOf(onekey.tts.Languages.ALL);
    private static final Set<String> CATEGORIES = Set.of("district-paid", "subsidised", "market");
    private static final int MIN_PASSWORD = 8;
    private static final int MIN_SIP_SECRET = 8;

    private final ApiContext ctx;
    /** Asks the server to check open WebSockets now (a token was revoked or an account changed). */
    private final Runnable sessionsChanged;
    private volatile String dummyHash;

    RestApi(ApiContext ctx, Runnable sessionsChanged) {
        this.ctx = ctx;
        this.sessionsChanged = sessionsChanged;
    }

    Routes routes() {
        return new Routes()
                .add(POST, "/api/login", PUBLIC, this::login)
                .add(POST, "/api/logout", ANY, this::logout)
                .add(GET, "/api/health", PUBLIC, this::health)
                .add(GET, "/api/agents", roles(ADMIN, SUPERVISOR), this::listAgents)
                .add(POST, "/api/agents", roles(ADMIN), r -> saveAgent(r, null))
                .add(GET, "/api/agents/{agent}", roles(ADMIN, SUPERVISOR), this::getAgent)
                .add(PUT, "/api/agents/{agent}", roles(ADMIN), r -> saveAgent(r, r.id("agent")))
                .add(DELETE, "/api/agents/{agent}/sessions", roles(ADMIN), this::revokeSessions)
                .add(GET, "/api/elders", ANY, this::listElders)
                // agents too, but only for the unregistered caller of the call they are on (createElder checks)
                .add(POST, "/api/elders", ANY, this::createElder)
                .add(GET, "/api/elders/{elder}", ANY, this::getElder)
                .add(PUT, "/api/elders/{elder}", roles(SUPERVISOR, ADMIN), r -> saveElder(r, r.id("elder")))
                // issue 18: seats append notes (a rescue's record); they do not rewrite the record
                .add(POST, "/api/elders/{elder}/notes", ANY, this::addElderNote)
                .add(GET, "/api/calls", ANY, this::listCalls)
                .add(GET, "/api/calls/{call}", ANY, this::getCall)
                .add(PUT, "/api/calls/{call}/disposition", ANY, this::disposition)
                .add(GET, "/api/recordings", ANY, this::listRecordings)
                .add(GET, "/api/recordings/{recording}", ANY, this::playRecording)
                .add(PUT, "/api/recordings/{recording}/hold", roles(SUPERVISOR, ADMIN), this::holdRecording)
                .add(PUT, "/api/calls/{call}/hold", roles(SUPERVISOR, ADMIN), this::holdCallRecordings)
                .add(POST, "/api/calls/{call}/no-response", ANY, this::noResponse)
                .add(GET, "/api/incidents", ANY, this::listIncidents)
                .add(GET, "/api/incidents/{incident}", ANY, this::getIncident)
                .add(POST, "/api/incidents/{incident}/arrived", ANY, this::incidentArrived)
                .add(POST, "/api/incidents/{incident}/cancel", ANY, this::incidentCancel)
                .add(POST, "/api/incidents/{incident}/call", ANY, this::incidentCall)
                .add(POST, "/api/incidents/{incident}/follow-up", ANY, this::incidentFollowUp)
                .add(POST, "/api/incidents/{incident}/follow-up/outcome", ANY, this::followUpOutcome)
                .add(GET, "/api/followups/{followup}", ANY, this::getCallFollowUp)
                .add(POST, "/api/followups/{followup}/dialled", ANY, this::callFollowUpDialled)
                .add(POST, "/api/followups/{followup}/outcome", ANY, this::callFollowUpOutcome)
                .add(POST, "/api/incidents/{incident}/tasks/{seq}/take", ANY, this::takeTask)
                .add(POST, "/api/incidents/{incident}/tasks/{seq}/done", ANY, this::completeTask)
                .add(GET, "/api/worklist", ANY, this::worklist)
                .add(GET, "/api/lines", ANY, this::listLines)
                .add(GET, "/api/audit", roles(SUPERVISOR, ADMIN), this::listAudit)
                .add(GET, "/api/me", ANY, this::me)
                .add(POST, "/api/calls/{call}/spy", roles(SUPERVISOR, ADMIN), this::spyStart)
                .add(GET, "/api/spy", roles(SUPERVISOR, ADMIN), this::spyList)
                .add(PUT, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyMode)
                .add(POST, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyMode)
                .add(DELETE, "/api/spy/{session}", roles(SUPERVISOR, ADMIN), this::spyStop)
                .add(GET, "/api/wallboard", roles(SUPERVISOR, ADMIN), this::wallboard);
    }

    // ---- auth ----------------------------------------------------------------------------------------------

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

    private static ApiException tooMany(String message, long retryAfterSeconds) {
        return new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_requests", message, null)
                .header("Retry-After", Long.toString(retryAfterSeconds));
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
        ctx.tokens().revoke(r.token);
        ctx.audit().record(r.account, "logout", "account", Long.toString(r.account.id()), "remote=" + r.remote);
        sessionsChanged.run();
        return Reply.ok(Map.of("loggedOut", true));
    }

    /** An admin ends every session of an account (a lost laptop, a leaver): tokens revoked, WebSockets closed. */
    private Reply revokeSessions(Req r) {
        long id = r.id("agent");
        Account a = ctx.accounts().get(id).orElseThrow(() -> ApiException.notFound("no such agent: " + id));
        int n = ctx.tokens().revokeAll(id);
        ctx.audit().record(r.account, "account.sessions-revoked", "account", Long.toString(id),
                "username=" + a.username() + " tokens=" + n);
        sessionsChanged.run();
        return Reply.ok(Map.of("revoked", n));
    }

    private Reply health(Req r) {
        Map<String, Object> h;
        try {
            h = ctx.health().health();
        } catch (RuntimeException e) {
            log.warn("api.health-probe-failed error={}", e.toString());
            h = new LinkedHashMap<>();
            h.put("status", "degraded");
            h.put("error", "health probe failed");
        }
        boolean ok = "ok".equals(h.get("status"));
        return Reply.status(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, h);
    }

    // ---- agents (accounts) ---------------------------------------------------------------------------------

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
                throw ApiException.invalid("role", "\"role\" must be agent, supervisor or admin");
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
                if (id == null) {
                    saved = ctx.accounts().create(draft, hash);
                } else {
                    saved = ctx.accounts().update(id, draft, hash)
                            .orElseThrow(() -> ApiException.notFound("no such agent: " + id));
                }
            } catch (IllegalArgumentException e) {
                String msg = String.valueOf(e.getMessage());
                throw ApiException.conflict(msg, msg.toLowerCase(java.util.Locale.ROOT).contains("extension")
                        ? "extension" : "username");
            }
            int revoked = 0;
            if (!saved.enabled()) {
                // a disabled account keeps no session: its tokens go and its WebSockets close
                revoked = ctx.tokens().revokeAll(saved.id());
                sessionsChanged.run();
            }
            ctx.audit().record(r.account, id == null ? "account.create" : "account.update", "account",
                    Long.toString(saved.id()), "username=" + saved.username() + " role=" + saved.role().wire()
                            + " enabled=" + saved.enabled() + (revoked > 0 ? " tokensRevoked=" + revoked : ""));
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

    // ---- elders --------------------------------------------------------------------------------------------

    /**
     * Summaries only, phones masked: the list is not audited, so it shows no more than an agent needs to pick
     * a record; the full record comes from GET /api/elders/{id}, which is audited.
     */
    private Reply listElders(Req r) {
        String q = r.param("q");
        int offset = r.intParam("offset", 0, 0, Integer.MAX_VALUE);
        int limit = r.intParam("limit", 50, 1, 500);
        List<Elder> found;
        if (q != null && PHONE_QUERY.matcher(q).matches()) {
            String normalized = normalizeOrNull(q);
            found = normalized == null ? List.of()
                    : ctx.elders().findByPhone(normalized).map(List::of).orElse(List.of());
        } else {
            found = ctx.elders().list(q, offset, limit);
        }
        LocalDate today = LocalDate.now(ctx.clock());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Elder e : found) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("name", e.name());
            m.put("district", e.district());
            m.put("age", e.age(today));
            m.put("language", e.language());
            m.put("category", e.category());
            m.put("livingAlone", e.livingAlone());
            m.put("phones", e.phones() == null ? List.of() : e.phones().stream().map(PhoneNumbers::mask).toList());
            out.add(m);
        }
        // summaries are personal data too: one row per search, with what was asked (a number masked)
        ctx.audit().record(r.account, "elder.list", "elder", null, "q=" + (q == null ? "" : PHONE_QUERY.matcher(q).matches()
                ? PhoneNumbers.mask(q) : q) + " results=" + out.size());
        return Reply.ok(out);
    }

    /** How long after a call an agent may still open the caller's record without a reason (wrap-up, notes). */
    static final long AFTER_CALL_MILLIS = 30 * 60_000L;

    /**
     * An agent reads the record of an elder it is talking to (or has just talked to) without more ado; any other
     * record only with {@code ?reason=} (a deliberate look-up, e.g. a call-back), which goes into the audit row.
     * Supervisors and admins may give a reason too. Every read is audited before the record leaves the server.
     */
    private Reply getElder(Req r) {
        long id = r.id("elder");
        Elder e = ctx.elders().get(id).orElseThrow(() -> ApiException.notFound("no such elder: " + id));
        String reason = r.param("reason");
        if (reason != null && reason.length() > 200) {
            throw ApiException.badRequest("invalid_param", "query parameter \"reason\" must be at most 200 characters",
                    "reason");
        }
        String because;
        Optional<CallRecord> onCall = Optional.empty();
        if (r.is(AGENT)) {
            long since = ctx.clock().millis() - AFTER_CALL_MILLIS;
            onCall = ctx.calls().find(id, r.account.id(), null, 5).stream()
                    .filter(c -> c.endedAt() == null || c.endedAt() >= since).findFirst();
        }
        if (onCall.isPresent()) {
            because = "call=" + onCall.get().id();
        } else if (reason != null && reason.length() >= 3) {
            because = "reason=" + reason;
        } else if (r.is(AGENT)) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "reason_required", "elder " + id
                    + " is not on a call of yours: give ?reason= (at least 3 characters) to open the record", "reason");
        } else {
            because = reason == null ? null : "reason=" + reason;
        }
        // architecture: an audit row for every profile view; written before the record leaves the server
        ctx.audit().record(r.account, "elder.view", "elder", Long.toString(id), because);
        Map<String, Object> shown = Shapes.elder(e, LocalDate.now(ctx.clock()));
        shown.put("addedNotes", ctx.elders().notes(id).stream().map(RestApi::note).toList());
        return Reply.ok(shown);
    }

    private static Map<String, Object> note(onekey.elders.ElderNote n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("at", n.at());
        m.put("by", n.by());
        m.put("text", n.text());
        return m;
    }

    /**
     * Issue 18 (service rules, Emergency help 2: "record the rescue in the system and update the elder's record"):
     * {@code {"text":"…"}} appended to the record with who and when, audited {@code elder.note}. Supervisors and
     * admins for any elder; an agent for the elder of a call it is on or took in the last 30 minutes, or of an open
     * incident it holds.
     */
    private Reply addElderNote(Req r) {
        long id = r.id("elder");
        String text = required("text", r.body(Requests.NoteBody.class).text());
        if (text.length() > 2000) {
            throw ApiException.invalid("text", "\"text\" must be at most 2000 characters");
        }
        ctx.elders().get(id).orElseThrow(() -> ApiException.notFound("no such elder: " + id));
        if (r.is(AGENT)) {
            long since = ctx.clock().millis() - AFTER_CALL_MILLIS;
            boolean onCall = ctx.calls().find(id, r.account.id(), null, 5).stream()
                    .anyMatch(c -> c.endedAt() == null || c.endedAt() >= since);
            boolean holds = ctx.rescue() != null && ctx.rescue().find(id, "open", 20).stream()
                    .anyMatch(i -> i.agentId() != null && i.agentId() == r.account.id());
            if (!onCall && !holds) {
                throw ApiException.forbidden("elder " + id + " is not on a call or an open incident of yours: an agent "
                        + "may add a note only then");
            }
        }
        onekey.elders.ElderNote n = ctx.elders().addNote(id, r.account.username(), text)
                .orElseThrow(() -> ApiException.notFound("no such elder: " + id));
        // the note may hold health data: the audit row names it, not its text
        ctx.audit().record(r.account, "elder.note", "elder", Long.toString(id), "note=" + n.id() + " chars=" + text.length());
        return Reply.status(HttpResponseStatus.CREATED, note(n));
    }

    /**
     * POST /api/elders. With {@code callId} the new record is linked to that call (its unregistered caller): a
     * supervisor or admin for any call without an elder, an agent only for the call they are on or wrapping up.
     * Without {@code callId}: supervisors and admins only.
     */
    private Reply createElder(Req r) {
        ElderBody b = r.body(ElderBody.class);
        CallRecord call = null;
        if (b.callId() != null) {
            call = ctx.calls().get(b.callId()).orElseThrow(() -> ApiException.invalid("callId", "no such call: " + b.callId()));
            if (call.elderId() != null) {
                throw ApiException.conflict("call " + call.id() + " is already linked to elder " + call.elderId(), "callId");
            }
        }
        if (r.is(AGENT)) {
            if (call == null) {
                throw ApiException.forbidden("agents may create an elder record only for the unregistered caller of the "
                        + "call they are on: give \"callId\"");
            }
            long callId = call.id();
            boolean own = call.agentId() != null && call.agentId() == r.account.id();
            boolean onIt = ctx.agentCommands().status(r.account.id()).map(st -> st.state() == onekey.agents.AgentState.ON_CALL
                    || st.state() == onekey.agents.AgentState.WRAP_UP).orElse(false);
            if (!own || !onIt || latestCallOf(r.account.id()) != callId) {
                throw ApiException.forbidden("call " + callId + " is not the call you are on (or wrapping up): agents may "
                        + "create an elder record only for their current caller");
            }
        }
        if (!r.is(AGENT) && call == null) {
            return saveElder(r, null, b);
        }
        Elder e = storeElder(r, null, b);
        Map<String, Object> body = Shapes.elder(e, LocalDate.now(ctx.clock()));
        if (call != null) {
            long elderId = e.id();
            boolean linked = ctx.tracker() != null ? ctx.tracker().linkElder(call.id(), e, r.account.username())
                    : ctx.calls().setElder(call.id(), elderId);
            if (ctx.tracker() == null && linked) {
                ctx.calls().addEvent(call.id(), ctx.clock().millis(), "elder.linked", "elder=" + elderId + " by "
                        + r.account.username());
            }
            ctx.audit().record(r.account, "call.elder-linked", "call", Long.toString(call.id()), "elder=" + elderId
                    + (linked ? "" : " not-linked=already-linked"));
            log.info("api.elder-created-for-call call={} elder={} by={} linked={}", call.id(), elderId,
                    r.account.username(), linked);
            body.put("callId", call.id());
            body.put("linked", linked);
        }
        return Reply.created(body);
    }

    /** The id of the agent's most recent call (the one they are on or wrapping up), or -1. */
    private long latestCallOf(long accountId) {
        return ctx.calls().find(null, accountId, null, 1).stream().mapToLong(CallRecord::id).findFirst().orElse(-1);
    }

    private Reply wallboard(Req r) {
        var w = new onekey.supervision.Wallboard(ctx.calls(),
                ctx.tracker() == null ? List::of : ctx.tracker()::snapshot, ctx.agentCommands()::all,
                ctx.accounts()::all, ctx.clock(), java.time.ZoneId.systemDefault());
        return Reply.ok(w.now());
    }

    private Reply saveElder(Req r, Long id) {
        return saveElder(r, id, r.body(ElderBody.class));
    }

    private Reply saveElder(Req r, Long id, ElderBody body) {
        Elder saved = storeElder(r, id, body);
        Map<String, Object> out = Shapes.elder(saved, LocalDate.now(ctx.clock()));
        return id == null ? Reply.created(out) : Reply.ok(out);
    }

    private Elder storeElder(Req r, Long id, ElderBody body) {
        ElderDraft draft = elderDraft(body);
        for (int i = 0; i < draft.phones().size(); i++) {
            String p = draft.phones().get(i);
            Optional<Elder> owner = ctx.elders().findByPhone(p);
            if (owner.isPresent() && (id == null || owner.get().id() != id)) {
                throw ApiException.conflict("phone " + PhoneNumbers.mask(p) + " already belongs to elder "
                        + owner.get().id(), "phones[" + i + "]");
            }
        }
        Elder saved;
        try {
            saved = id == null ? ctx.elders().create(draft)
                    : ctx.elders().update(id, draft).orElseThrow(() -> ApiException.notFound("no such elder: " + id));
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.toLowerCase(java.util.Locale.ROOT).contains("phone")) {
                throw ApiException.conflict(msg, "phones");
            }
            throw ApiException.badRequest("invalid_field", msg, null);
        }
        ctx.audit().record(r.account, id == null ? "elder.create" : "elder.update", "elder",
                Long.toString(saved.id()), body.callId() == null ? null : "call=" + body.callId());
        return saved;
    }

    private ElderDraft elderDraft(ElderBody b) {
        String name = required("name", b.name());
        if (name.length() > 100) {
            throw ApiException.invalid("name", "\"name\" must be at most 100 characters");
        }
        if (b.phones() == null || b.phones().isEmpty()) {
            throw ApiException.badRequest("missing_field", "\"phones\" needs at least one number", "phones");
        }
        List<String> phones = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < b.phones().size(); i++) {
            String field = "phones[" + i + "]";
            String p = phone(field, b.phones().get(i));
            if (!seen.add(p)) {
                throw ApiException.invalid(field, "\"" + field + "\" repeats another phone of this elder");
            }
            phones.add(p);
        }
        String language = blankToNull(b.language());
        if (language == null) {
            language = "zh"; // architecture: Mandarin by default
        } else if (!LANGUAGES.contains(language)) {
            throw ApiException.invalid("language", "\"language\" must be one of " + String.join(", ",
                    onekey.tts.Languages.ALL) + " (or absent: zh)");
        }
        String category = blankToNull(b.category());
        if (category != null && !CATEGORIES.contains(category)) {
            throw ApiException.invalid("category", "\"category\" must be district-paid, subsidised or market");
        }
        LocalDate birthDate = null;
        if (blankToNull(b.birthDate()) != null) {
            try {
                birthDate = LocalDate.parse(b.birthDate().trim());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("birthDate", "\"birthDate\" must be a date yyyy-MM-dd");
            }
            if (birthDate.isAfter(LocalDate.now(ctx.clock()))) {
                throw ApiException.invalid("birthDate", "\"birthDate\" is in the future");
            }
        }
        List<Contact> contacts = new ArrayList<>();
        if (b.contacts() != null) {
            for (int i = 0; i < b.contacts().size(); i++) {
                ContactBody c = b.contacts().get(i);
                String f = "contacts[" + i + "]";
                if (c == null) {
                    throw ApiException.invalid(f, "\"" + f + "\" must be an object");
                }
                String lang = blankToNull(c.language());
                if (lang != null && !LANGUAGES.contains(lang)) {
                    throw ApiException.invalid(f + ".language", "\"" + f + ".language\" must be one of "
                            + String.join(", ", onekey.tts.Languages.ALL) + " (or absent: zh)");
                }
                contacts.add(new Contact(required(f + ".name", c.name()), blankToNull(c.relation()),
                        phone(f + ".phone", c.phone()), lang));
            }
        }
        return new ElderDraft(name, birthDate, blankToNull(b.gender()), List.copyOf(phones), blankToNull(b.address()),
                blankToNull(b.landmarks()), blankToNull(b.district()), language, category,
                blankToNull(b.healthConditions()), blankToNull(b.medications()), blankToNull(b.allergies()),
                blankToNull(b.mobility()), blankToNull(b.device()), blankToNull(b.notes()), List.copyOf(contacts),
                b.livingAlone());
    }

    private String phone(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.missing(field);
        }
        String n = normalizeOrNull(raw);
        if (n == null) {
            throw ApiException.invalid(field, "\"" + field + "\" is not a phone number");
        }
        return n;
    }

    private String normalizeOrNull(String raw) {
        try {
            String n = PhoneNumbers.normalize(raw, ctx.defaultAreaCode());
            return n == null || n.length() < 3 || n.length() > 20 ? null : n;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- calls ---------------------------------------------------------------------------------------------

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

    // ---- recordings ----------------------------------------------------------------------------------------

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

    // ---- rescue (issue 8) -----------------------------------------------------------------------------------

    private onekey.rescue.RescueService rescue() {
        if (ctx.rescue() == null) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "rescue_unavailable",
                    "the rescue service is not running on this server", null);
        }
        return ctx.rescue();
    }

    /**
     * The agent on an SOS call confirms the elder does not respond: an incident opens and redial 1 starts at
     * once (201), or the elder's open incident is returned (200, {@code "created":false}). A caller who is not a
     * registered elder gets the same rescue on the calling number (409 {@code cannot_redial} only when the number
     * was withheld).
     */
    private Reply noResponse(Req r) {
        CallRecord c = ownCall(r, "raise an incident on");
        onekey.rescue.RescueService.Opened o;
        try {
            o = rescue().noResponseOnCall(c.elderId(), c.callerNumber(), c.id(), r.account, "no-response");
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "cannot_redial", e.getMessage(), null);
        }
        ctx.audit().record(r.account, o.created() ? "incident.open" : "incident.join", o.incident().auditType(),
                o.incident().auditId(), "incident=" + o.incident().id() + " call=" + c.id()
                        + (c.elderId() == null ? " caller=" + PhoneNumbers.mask(o.incident().callerNumber()) : ""));
        Map<String, Object> m = new LinkedHashMap<>(onekey.rescue.RescueService.shape(o.incident()));
        m.put("created", o.created());
        return o.created() ? Reply.created(m) : Reply.ok(m);
    }

    private Reply listIncidents(Req r) {
        Long elderId = r.longParam("elderId", 1);
        String state = r.param("state");
        if (state != null && !Set.of("open", "redialling", "escalating", "resolved", "cancelled").contains(state)) {
            throw ApiException.invalid("state", "\"state\" must be open, redialling, escalating, resolved or cancelled");
        }
        int limit = r.intParam("limit", 50, 1, 500);
        return Reply.ok(rescue().find(elderId, state, limit).stream()
                .filter(i -> !r.is(AGENT) || i.agentId() != null && i.agentId() == r.account.id())
                .map(onekey.rescue.RescueService::shape).toList());
    }

    private Reply getIncident(Req r) {
        long id = r.id("incident");
        onekey.rescue.Incident i = rescue().get(id).orElseThrow(() -> ApiException.notFound("no such incident: " + id));
        if (r.is(AGENT) && (i.agentId() == null || i.agentId() != r.account.id())) {
            throw ApiException.forbidden("incident " + id + " belongs to another agent");
        }
        return Reply.ok(onekey.rescue.RescueService.shape(i));
    }

    private onekey.rescue.Incident ownIncident(Req r) {
        long id = r.id("incident");
        onekey.rescue.Incident i = rescue().get(id).orElseThrow(() -> ApiException.notFound("no such incident: " + id));
        if (r.is(AGENT) && (i.agentId() == null || i.agentId() != r.account.id())) {
            throw ApiException.forbidden("incident " + id + " belongs to another agent");
        }
        return i;
    }

    /** Responders arrived: {@code {"outcome":"…"}} resolves the incident and plans the follow-up call. */
    private Reply incidentArrived(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String outcome = required("outcome", r.body(Requests.IncidentActionBody.class).outcome());
        if (outcome.length() > 200) {
            throw ApiException.invalid("outcome", "\"outcome\" must be at most 200 characters");
        }
        try {
            onekey.rescue.Incident done = rescue().arrived(i.id(), r.account, outcome);
            ctx.audit().record(r.account, "incident.resolve", i.auditType(), i.auditId(),
                    "incident=" + i.id() + " outcome=" + outcome);
            return Reply.ok(onekey.rescue.RescueService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** The elder is well: {@code {"reason":"…"}} cancels the alarm; nothing more is dialled. */
    private Reply incidentCancel(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String reason = required("reason", r.body(Requests.IncidentActionBody.class).reason());
        if (reason.length() > 200) {
            throw ApiException.invalid("reason", "\"reason\" must be at most 200 characters");
        }
        try {
            onekey.rescue.Incident done = rescue().cancel(i.id(), r.account, reason);
            ctx.audit().record(r.account, "incident.cancel", i.auditType(), i.auditId(),
                    "incident=" + i.id() + " reason=" + reason);
            return Reply.ok(onekey.rescue.RescueService.shape(done));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** Click-to-call for the incident ({@code {"number":"110"}}): the agent's phone rings, then the number. */
    private Reply incidentCall(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        String number = required("number", r.body(Requests.IncidentActionBody.class).number());
        if (!number.matches("[0-9]{3,20}")) {
            throw ApiException.invalid("number", "\"number\" must be 3 to 20 digits");
        }
        try {
            onekey.rescue.Incident now = rescue().callFromAgent(i.id(), r.account, number);
            ctx.audit().record(r.account, "incident.call", i.auditType(), i.auditId(),
                    "incident=" + i.id() + " number=" + PhoneNumbers.mask(number));
            return Reply.status(HttpResponseStatus.ACCEPTED, onekey.rescue.RescueService.shape(now));
        } catch (IllegalArgumentException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** Issue 18: an agent's seat task is done (完成); audited by the service, as the WebSocket command. */
    private Reply completeTask(Req r) {
        long id = r.id("incident");
        int seq = (int) r.id("seq");
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().completeTask(id, seq, r.account)));
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** An agent takes its seat task (A or B); the supervisors' "not taken" alert stops for it. */
    private Reply takeTask(Req r) {
        long id = r.id("incident");
        int seq = (int) r.id("seq");
        try {
            onekey.rescue.Incident now = rescue().take(id, seq, r.account);
            ctx.audit().record(r.account, "incident.task-take", now.auditType(), now.auditId(),
                    "incident=" + id + " task=" + seq);
            return Reply.ok(onekey.rescue.RescueService.shape(now));
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private Reply incidentFollowUp(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        try {
            onekey.rescue.Incident now = rescue().followUp(i.id(), r.account);
            ctx.audit().record(r.account, "incident.follow-up", i.auditType(), i.auditId(), "incident=" + i.id());
            return Reply.status(HttpResponseStatus.ACCEPTED, onekey.rescue.RescueService.shape(now));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /**
     * The follow-up's outcome, saved by the seat: {@code {"reached":true,"condition":"…","satisfaction":4}} completes
     * it, {@code {"reached":false}} keeps it on the worklist (the rule and the audit row are the service's).
     */
    private Reply followUpOutcome(Req r) {
        onekey.rescue.Incident i = ownIncident(r);
        onekey.rescue.RescueService.FollowUpOutcome o = outcome(r.body(Requests.FollowUpOutcomeBody.class));
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().followUpOutcome(i.id(), r.account, o)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    private static onekey.rescue.RescueService.FollowUpOutcome outcome(Requests.FollowUpOutcomeBody b) {
        if (b.reached() == null) {
            throw ApiException.missing("reached");
        }
        try {
            return new onekey.rescue.RescueService.FollowUpOutcome(b.reached(), b.condition(), b.satisfaction());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage().contains("satisfaction") ? "satisfaction" : "condition", e.getMessage());
        }
    }

    private onekey.rescue.FollowUp callFollowUp(Req r) {
        long id = r.id("followup");
        return rescue().callFollowUp(id).orElseThrow(() -> ApiException.notFound("no such follow-up: " + id));
    }

    private Reply getCallFollowUp(Req r) {
        return Reply.ok(onekey.rescue.RescueService.shape(callFollowUp(r)));
    }

    /** The seat dialled a call's follow-up from its own phone: the attempt is noted, nothing is completed. */
    private Reply callFollowUpDialled(Req r) {
        onekey.rescue.FollowUp f = callFollowUp(r);
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().callFollowUpDialled(f.id(), r.account)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /** A call's follow-up outcome, as for an incident's (the service's rule and audit row). */
    private Reply callFollowUpOutcome(Req r) {
        onekey.rescue.FollowUp f = callFollowUp(r);
        onekey.rescue.RescueService.FollowUpOutcome o = outcome(r.body(Requests.FollowUpOutcomeBody.class));
        try {
            return Reply.ok(onekey.rescue.RescueService.shape(rescue().callFollowUpOutcome(f.id(), r.account, o)));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage(), null);
        }
    }

    /**
     * Follow-up calls due within {@code ?hours=} (default 48): the worklist an agent dials from — the incidents'
     * follow-ups ({@code incidentId}) and the answered SOS calls' and consultations' ({@code followUpId}, issue 18).
     */
    private Reply worklist(Req r) {
        int hours = r.intParam("hours", 48, 0, 24 * 14);
        long until = ctx.clock().millis() + hours * 3_600_000L;
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (onekey.rescue.FollowUp f : rescue().callFollowUps(until)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("followUpId", f.id());
            m.put("incidentId", null);
            m.put("reason", f.reason());
            m.put("kind", "follow-up");
            m.put("dueAt", f.dueAt());
            m.put("number", f.number() == null ? null : PhoneNumbers.mask(f.number()));
            m.put("elderId", f.elderId());
            m.put("callId", f.callId());
            m.put("detail", f.detail());
            m.put("result", f.result());
            out.add(m);
        }
        rescue().followUps(until).stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("followUpId", null);
            m.put("reason", "incident");
            m.put("incidentId", s.incidentId());
            m.put("seq", s.seq());
            m.put("kind", s.kind());
            m.put("dueAt", s.dueAt());
            m.put("number", s.target() == null ? null : PhoneNumbers.mask(s.target()));
            m.put("detail", s.detail());
            m.put("result", s.result()); // the last attempt: dialled, not-reached (issue 18)
            return m;
        }).forEach(out::add);
        out.sort(java.util.Comparator.comparingLong(m -> (Long) m.get("dueAt")));
        return Reply.ok(out);
    }

    // ---- lines, audit --------------------------------------------------------------------------------------

    private Reply listLines(Req r) {
        return Reply.ok(ctx.lines().all().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", l.number());
            m.put("service", l.service() == null ? null : l.service().wire());
            m.put("priority", l.priority());
            m.put("name", l.name());
            return m;
        }).toList());
    }

    /**
     * {@code ?actor=username}, {@code ?elderId=} (rows about that elder: views, pops, calls), or
     * {@code ?targetType=&targetId=}, and {@code ?from=&to=} (epoch ms or ISO-8601 instants; from inclusive).
     */
    private Reply listAudit(Req r) {
        int limit = r.intParam("limit", 100, 1, 1000);
        String targetType = r.param("targetType");
        String targetId = r.param("targetId");
        Long elderId = r.longParam("elderId", 1);
        if (elderId != null) {
            if (targetType != null && !targetType.equals("elder") || targetId != null && !targetId.equals(elderId.toString())) {
                throw ApiException.badRequest("invalid_param", "\"elderId\" cannot be combined with another target",
                        "elderId");
            }
            targetType = "elder";
            targetId = elderId.toString();
        }
        Long from = instantParam(r, "from");
        Long to = instantParam(r, "to");
        if (from != null && to != null && to <= from) {
            throw ApiException.badRequest("invalid_param", "\"to\" must be after \"from\"", "to");
        }
        String type = r.param("type");
        if (type != null && !AUDIT_TYPE.matcher(type).matches()) {
            throw ApiException.badRequest("invalid_param", "\"type\" must be an action or its first part, e.g. spy or "
                    + "elder.view", "type");
        }
        return Reply.ok(ctx.audit().find(r.param("actor"), type, targetType, targetId, from, to, limit).stream()
                .map(Json::audit).toList());
    }

    private static Long instantParam(Req r, String name) {
        String v = r.param(name);
        if (v == null) {
            return null;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Long.parseLong(v) : java.time.Instant.parse(v).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiException.badRequest("invalid_param", "query parameter \"" + name
                    + "\" must be epoch milliseconds or an ISO-8601 instant like 2026-11-24T08:00:00Z", name);
        }
    }

    // ---- listen, whisper, barge (issue 7) -------------------------------------------------------------------

    private static final Pattern AUDIT_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

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

    // ---- helpers -------------------------------------------------------------------------------------------

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.missing(field);
        }
        return value.trim();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
