package onekey.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import onekey.agents.AgentCommands;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.agents.SipProvisioner;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.AccountRepository;
import onekey.auth.AuditEntry;
import onekey.auth.AuditLog;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.auth.TokenStore;
import onekey.calls.CallEvent;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.ElderRepository;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.LineRepository;
import onekey.recording.Recording;
import onekey.recording.RecordingRepository;

/** A real ApiServer on an ephemeral port over in-memory fakes of the repositories. */
final class ApiFixture implements AutoCloseable {
    static final String PASSWORD = "correct-horse";
    private static final String HASH = Passwords.hash(PASSWORD.toCharArray());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T08:00:00Z"), ZoneId.of("Asia/Shanghai"));
    /** The archive key of the API tests (issue 22): 32 bytes as hex. */
    static final String ARCHIVE_KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    final Accounts accounts = new Accounts();
    final Tokens tokens = new Tokens();
    final Audit audit = new Audit();
    final Elders elders = new Elders();
    final Calls calls = new Calls();
    final Recordings recordings = new Recordings();
    final Agents agents = new Agents();
    final List<List<Account>> sipSyncs = new CopyOnWriteArrayList<>();
    /** A call as events carry it: id, linkedid, caller number and line; nothing else has happened yet. */
    static CallRecord call(long id, String linkedid, String callerNumber, onekey.lines.Service line) {
        return new CallRecord(id, linkedid, null, callerNumber, null, line, 0, null, null, null, 0, null, null, null, null,
                null, onekey.calls.CallOutcome.QUEUED, null, null, false, null);
    }

    static CallRecord call(long id) {
        return call(id, null, null, null);
    }

    /** A screen pop for an unregistered (elder null) or registered caller. */
    static onekey.calls.CallEvents.Offered pop(CallRecord call, Elder elder) {
        return new onekey.calls.CallEvents.Offered(call, elder, List.of(), false, "ann", 0);
    }

    static Elder elder(long id, String name) {
        return new Elder(id, name, null, null, List.of(), null, null, null, "zh", null, null, null, null, null, null, null,
                List.of(), 0, 0);
    }

    final EventHub hub = new EventHub(100);
    final AtomicReference<Map<String, Object>> health = new AtomicReference<>(Map.of("status", "ok"));
    final Path recordingDir;
    final ApiServer server;
    final HttpClient http;
    /** The certificate clients trust when the server speaks HTTPS; null in clear. */
    final onekey.testkit.TlsTrust.Pem tls;

    final Account admin;
    final Account supervisor;
    final Account agent;
    final Account agent2;

    ApiFixture(Path recordingDir) {
        this(recordingDir, null, null);
    }

    /**
     * @param tls         a certificate and key: the server speaks only HTTPS/WSS and {@link #http} trusts it; null
     *                    for plain HTTP
     * @param headTimeout the server's request-head bound; null for its default
     */
    ApiFixture(Path recordingDir, onekey.testkit.TlsTrust.Pem tls, java.time.Duration headTimeout) {
        this(recordingDir, tls, headTimeout, null);
    }

    /** With the rescue service {@code rescue} builds over this fixture's repositories (null: its endpoints answer 503). */
    ApiFixture(Path recordingDir, java.util.function.Function<ApiFixture, onekey.rescue.RescueService> rescue) {
        this(recordingDir, null, null, rescue);
    }

    /** With more resources added to the server before it starts (a feature's API over its own services). */
    ApiFixture(Path recordingDir, java.util.function.Consumer<ApiServer> extra, boolean unused) {
        this(recordingDir, null, null, null, extra == null ? null : (f, server) -> extra.accept(server));
    }

    private ApiFixture(Path recordingDir, onekey.testkit.TlsTrust.Pem tls, java.time.Duration headTimeout,
                       java.util.function.Function<ApiFixture, onekey.rescue.RescueService> rescue) {
        this(recordingDir, tls, headTimeout, rescue, null);
    }

    /** With more resources added to the server before it starts (the reports, issue 22). */
    static ApiFixture with(Path recordingDir, java.util.function.BiConsumer<ApiFixture, ApiServer> extra) {
        return new ApiFixture(recordingDir, null, null, null, extra);
    }

    /** The same over HTTPS/WSS with {@code tls} (the server as production runs it); {@link #http} trusts it. */
    static ApiFixture with(Path recordingDir, onekey.testkit.TlsTrust.Pem tls,
                           java.util.function.BiConsumer<ApiFixture, ApiServer> extra) {
        return new ApiFixture(recordingDir, tls, null, null, extra);
    }

    private ApiFixture(Path recordingDir, onekey.testkit.TlsTrust.Pem tls, java.time.Duration headTimeout,
                       java.util.function.Function<ApiFixture, onekey.rescue.RescueService> rescue,
                       java.util.function.BiConsumer<ApiFixture, ApiServer> extra) {
        this.recordingDir = recordingDir;
        this.tls = tls;
        HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            hb.sslContext(onekey.testkit.TlsTrust.trusting(tls.cert()));
        }
        this.http = hb.build();
        admin = accounts.create(new AccountDraft("admin", Role.ADMIN, null, null, "Admin", true), HASH);
        supervisor = accounts.create(new AccountDraft("sup", Role.SUPERVISOR, "2001", "sup-secret-1", "Sup", true), HASH);
        agent = accounts.create(new AccountDraft("ann", Role.AGENT, "1001", "ann-secret-1", "Ann", true), HASH);
        agent2 = accounts.create(new AccountDraft("bob", Role.AGENT, "1002", "bob-secret-1", "Bob", true), HASH);
        LineRepository lines = new LineRepository() {
            @Override
            public Optional<Line> find(String number) {
                return Optional.empty();
            }

            @Override
            public List<Line> all() {
                return List.of();
            }

            @Override
            public void save(Line line) {}
        };
        SipProvisioner sip = sipSyncs::add;
        onekey.rescue.RescueService rescueService = rescue == null ? null : rescue.apply(this);
        // the elders' archive sealed with a test key (issue 22), as the root does with archive.key
        ApiContext ctx = new ApiContext("127.0.0.1", 0, elders, lines, accounts, tokens, audit, calls, recordings,
                agents, sip, hub, health::get, "21", 0, 4096, p -> recordingDir.resolve(p), CLOCK, null,
                rescueService, null, 0, 0, null, null, ApiServices.over(accounts, tokens, audit, elders, calls, recordings,
                        rescueService, CLOCK, onekey.elders.ArchiveCipher.of(ARCHIVE_KEY)));
        ApiServer s = new ApiServer(ctx, tls == null ? null : new ApiServer.Tls(tls.cert(), tls.key()), false);
        if (headTimeout != null) {
            s.headerTimeout(headTimeout);
        }
        if (extra != null) {
            extra.accept(this, s);
        }
        server = s.start();
    }

    URI uri(String path) {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + server.port() + path);
    }

    String token(Account a) {
        return tokens.issue(a, 60_000);
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }

    // ---- fakes ---------------------------------------------------------------------------------------------

    static final class Accounts implements AccountRepository {
        final Map<Long, Account> byId = new ConcurrentHashMap<>();
        final Map<Long, String> hashes = new ConcurrentHashMap<>();
        final AtomicLong ids = new AtomicLong();

        @Override
        public synchronized Account create(AccountDraft d, String passwordHash) {
            if (byUsername(d.username()).isPresent()) {
                throw new IllegalArgumentException("username taken: " + d.username());
            }
            if (d.extension() != null && byExtension(d.extension()).isPresent()) {
                throw new IllegalArgumentException("extension taken: " + d.extension());
            }
            Account a = new Account(ids.incrementAndGet(), d.username(), d.role(), d.extension(), d.sipSecret(),
                    d.displayName(), d.enabled());
            byId.put(a.id(), a);
            hashes.put(a.id(), passwordHash);
            return a;
        }

        @Override
        public synchronized Optional<Account> update(long id, AccountDraft d, String passwordHash) {
            if (!byId.containsKey(id)) {
                return Optional.empty();
            }
            Account a = new Account(id, d.username(), d.role(), d.extension(), d.sipSecret(), d.displayName(),
                    d.enabled());
            byId.put(id, a);
            if (passwordHash != null) {
                hashes.put(id, passwordHash);
            }
            return Optional.of(a);
        }

        @Override
        public Optional<Account> get(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Optional<Account> byUsername(String username) {
            return byId.values().stream().filter(a -> a.username().equals(username)).findFirst();
        }

        @Override
        public Optional<Account> byExtension(String extension) {
            return byId.values().stream().filter(a -> extension.equals(a.extension())).findFirst();
        }

        @Override
        public List<Account> all() {
            return byId.values().stream().sorted(java.util.Comparator.comparingLong(Account::id)).toList();
        }

        @Override
        public Optional<String> passwordHash(String username) {
            return byUsername(username).filter(Account::enabled).map(a -> hashes.get(a.id()));
        }

        @Override
        public long count() {
            return byId.size();
        }
    }

    /** The token store's clock (epoch ms), moved by tests to expire tokens. */
    final AtomicLong tokenNow = new AtomicLong(CLOCK.millis());

    final class Tokens implements TokenStore {
        final Map<String, Long> live = new ConcurrentHashMap<>();
        final Map<String, Long> expires = new ConcurrentHashMap<>();

        @Override
        public String issue(Account account, long ttlMillis) {
            String t = UUID.randomUUID().toString();
            expires.put(t, tokenNow.get() + ttlMillis);
            live.put(t, account.id());
            return t;
        }

        @Override
        public Optional<Account> resolve(String token) {
            Long id = live.get(token);
            if (id == null || expires.getOrDefault(token, 0L) <= tokenNow.get()) {
                return Optional.empty();
            }
            return accounts.get(id).filter(Account::enabled);
        }

        @Override
        public void revoke(String token) {
            live.remove(token);
        }

        @Override
        public int revokeAll(long accountId) {
            int n = 0;
            for (var it = live.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue() == accountId) {
                    it.remove();
                    n++;
                }
            }
            return n;
        }

        @Override
        public java.util.Set<String> stillValid(java.util.Collection<String> tokens) {
            java.util.Set<String> out = new java.util.HashSet<>();
            for (String t : tokens) {
                if (resolve(t).isPresent()) {
                    out.add(t);
                }
            }
            return out;
        }
    }

    static final class Audit implements AuditLog {
        final List<AuditEntry> rows = new CopyOnWriteArrayList<>();

        @Override
        public void record(Account actor, String action, String targetType, String targetId, String detail) {
            rows.add(new AuditEntry(rows.size() + 1, System.currentTimeMillis(), actor == null ? null : actor.id(),
                    actor == null ? null : actor.username(), action, targetType, targetId, detail));
        }

        @Override
        public List<AuditEntry> recent(String targetType, String targetId, int limit) {
            List<AuditEntry> out = new ArrayList<>();
            for (int i = rows.size() - 1; i >= 0 && out.size() < limit; i--) {
                AuditEntry e = rows.get(i);
                if ((targetType == null || targetType.equals(e.targetType()))
                        && (targetId == null || targetId.equals(e.targetId()))) {
                    out.add(e);
                }
            }
            return out;
        }

        @Override
        public void recordAs(Long accountId, String username, String action, String targetType, String targetId,
                             String detail) {
            rows.add(new AuditEntry(rows.size() + 1, System.currentTimeMillis(), accountId, username, action, targetType,
                    targetId, detail));
        }

        @Override
        public List<AuditEntry> find(String actor, String targetType, String targetId, Long fromMs, Long toMs, int limit) {
            List<AuditEntry> out = new ArrayList<>();
            for (int i = rows.size() - 1; i >= 0 && out.size() < limit; i--) {
                AuditEntry e = rows.get(i);
                if ((actor == null || actor.equals(e.username()))
                        && (targetType == null || targetType.equals(e.targetType()))
                        && (targetId == null || targetId.equals(e.targetId()))
                        && (fromMs == null || e.at() >= fromMs) && (toMs == null || e.at() < toMs)) {
                    out.add(e);
                }
            }
            return out;
        }

        @Override
        public List<AuditEntry> find(String actor, String type, String targetType, String targetId, Long fromMs, Long toMs,
                                     int limit) {
            return find(actor, targetType, targetId, fromMs, toMs, Integer.MAX_VALUE).stream()
                    .filter(e -> type == null || e.action().equals(type) || e.action().startsWith(type + "."))
                    .limit(limit).toList();
        }

        final java.util.Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public boolean recordOnce(String opKey, long at, Long accountId, String username, String action, String targetType,
                                  String targetId, String detail) {
            if (!keys.add(opKey)) {
                return false;
            }
            rows.add(new AuditEntry(rows.size() + 1, at, accountId, username, action, targetType, targetId, detail));
            return true;
        }

        long count(String action, String targetId) {
            return rows.stream().filter(r -> r.action().equals(action) && r.targetId().equals(targetId)).count();
        }
    }

    static final class Elders implements ElderRepository {
        final Map<Long, Elder> byId = new ConcurrentHashMap<>();
        final AtomicLong ids = new AtomicLong();

        private Elder of(long id, ElderDraft d) {
            // as the database: living alone not given is false on create, unchanged on update
            boolean alone = d.livingAlone() != null ? d.livingAlone() : byId.containsKey(id) && byId.get(id).livingAlone();
            // and the place: none on create, unchanged on an update that names none of its fields
            onekey.elders.Place place = d.place() != null ? d.place()
                    : byId.containsKey(id) ? byId.get(id).place() : onekey.elders.Place.NONE;
            return new Elder(id, d.name(), d.birthDate(), d.gender(), d.phones(), d.address(), d.landmarks(),
                    d.district(), d.language(), d.category(), d.healthConditions(), d.medications(), d.allergies(),
                    d.mobility(), d.device(), d.notes(), d.contacts(), 1L, 1L, alone, place, archive(id, d));
        }

        /** As the database: none on create, unchanged when the draft names none; a null card keeps the stored one. */
        private onekey.elders.Archive archive(long id, ElderDraft d) {
            onekey.elders.Archive stored = byId.containsKey(id) ? byId.get(id).archive() : onekey.elders.Archive.NONE;
            if (d.archive() == null) {
                return stored;
            }
            return d.archive().insuranceCard() == null ? d.archive().withCard(stored.insuranceCard()) : d.archive();
        }

        @Override
        public Elder create(ElderDraft draft) {
            Elder e = of(ids.incrementAndGet(), draft);
            byId.put(e.id(), e);
            return e;
        }

        @Override
        public Optional<Elder> update(long id, ElderDraft draft) {
            if (!byId.containsKey(id)) {
                return Optional.empty();
            }
            Elder e = of(id, draft);
            byId.put(id, e);
            return Optional.of(e);
        }

        @Override
        public Optional<Elder> get(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Optional<Elder> findByPhone(String p) {
            return byId.values().stream().filter(e -> e.phones().contains(p)).findFirst();
        }

        @Override
        public List<Elder> list(String nameLike, int offset, int limit) {
            return byId.values().stream().filter(e -> nameLike == null || e.name().contains(nameLike))
                    .sorted(java.util.Comparator.comparingLong(Elder::id)).skip(offset).limit(limit).toList();
        }

        @Override
        public long count() {
            return byId.size();
        }

        final List<onekey.elders.ElderNote> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Optional<onekey.elders.ElderNote> addNote(long elderId, String by, String text) {
            if (!byId.containsKey(elderId)) {
                return Optional.empty();
            }
            onekey.elders.ElderNote n = new onekey.elders.ElderNote(notes.size() + 1, elderId, CLOCK.millis(), by, text);
            notes.add(n);
            return Optional.of(n);
        }

        @Override
        public List<onekey.elders.ElderNote> notes(long elderId) {
            return notes.stream().filter(n -> n.elderId() == elderId).toList();
        }
    }

    static final class Calls implements CallRepository {
        final Map<Long, CallRecord> byId = new ConcurrentHashMap<>();
        final List<CallEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public CallRecord insertIfAbsent(CallRecord call) {
            return byId.computeIfAbsent(call.id(), k -> call);
        }

        /** Test set-up: puts the whole row. */
        public void update(CallRecord call) {
            byId.put(call.id(), call);
        }

        @Override
        public void updateState(long id, CallRecord c) {
            CallRecord old = byId.get(id);
            byId.put(id, new CallRecord(id, c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                    c.elderId(), c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), c.answeredAt(), c.endedAt(), c.waitMs(),
                    c.talkMs(), c.outcome(), old == null ? null : old.disposition(), old == null ? null : old.notes(), c.failOpen(),
                    old == null ? null : old.recordingId()));
        }

        @Override
        public void setDisposition(long id, String disposition, String notes) {
            CallRecord c = byId.get(id);
            byId.put(id, new CallRecord(id, c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                    c.elderId(), c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), c.answeredAt(), c.endedAt(), c.waitMs(),
                    c.talkMs(), c.outcome(), disposition, notes != null ? notes : c.notes(), c.failOpen(), c.recordingId()));
        }

        @Override
        public void setRecording(long id, long recordingId) {
            byId.computeIfPresent(id, (k, c) -> c.withRecordingId(recordingId));
        }

        @Override
        public boolean setElder(long id, long elderId) {
            CallRecord c = byId.get(id);
            if (c == null || c.elderId() != null) {
                return false;
            }
            byId.put(id, new CallRecord(id, c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                    elderId, c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), c.answeredAt(), c.endedAt(), c.waitMs(),
                    c.talkMs(), c.outcome(), c.disposition(), c.notes(), c.failOpen(), c.recordingId()));
            return true;
        }

        @Override
        public int addKeyedEvents(long callId, List<KeyedEvent> list) {
            list.forEach(e -> addEvent(callId, e.at(), e.type(), e.detail()));
            return list.size();
        }

        @Override
        public Optional<CallRecord> get(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Optional<CallRecord> byLinkedid(String linkedid) {
            return byId.values().stream().filter(c -> c.linkedid().equals(linkedid)).findFirst();
        }

        @Override
        public List<CallRecord> find(Long elderId, Long agentId, Long since, int limit) {
            return byId.values().stream()
                    .filter(c -> elderId == null || elderId.equals(c.elderId()))
                    .filter(c -> agentId == null || agentId.equals(c.agentId()))
                    .filter(c -> since == null || c.arrivedAt() >= since)
                    .sorted(java.util.Comparator.comparingLong(CallRecord::arrivedAt).reversed())
                    .limit(limit).toList();
        }

        @Override
        public List<CallRecord> unfinished() {
            return byId.values().stream().filter(c -> c.endedAt() == null).toList();
        }

        @Override
        public CallEvent addEvent(long callId, long at, String type, String detail) {
            CallEvent e = new CallEvent(events.size() + 1, callId, at, type, detail);
            events.add(e);
            return e;
        }

        @Override
        public List<CallEvent> timeline(long callId) {
            return events.stream().filter(e -> e.callId() == callId).toList();
        }
    }

    static final class Recordings implements RecordingRepository {
        final Map<Long, Recording> byId = new ConcurrentHashMap<>();

        @Override
        public Recording save(Recording r) {
            byId.put(r.id(), r);
            return r;
        }

        @Override
        public Optional<Recording> get(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Optional<Recording> byPath(String path) {
            return byId.values().stream().filter(r -> r.path().equals(path)).findFirst();
        }

        @Override
        public Optional<Recording> byCall(long callId) {
            return byId.values().stream().filter(r -> r.callId() != null && r.callId() == callId).findFirst();
        }

        @Override
        public List<Recording> all() {
            return List.copyOf(byId.values());
        }

        @Override
        public void setStatus(long id, String status) {}

        @Override
        public List<Recording> allByCall(long callId) {
            return byId.values().stream().filter(r -> r.callId() != null && r.callId() == callId).toList();
        }

        @Override
        public boolean setHold(long id, boolean hold, String by, long at, String reason) {
            return byId.computeIfPresent(id, (k, r) -> new Recording(r.id(), r.callId(), r.path(), r.durationMs(),
                    r.sizeBytes(), r.sha256(), r.status(), r.createdAt(), hold, hold ? by : null, hold ? at : null,
                    hold ? reason : null, r.removedAt(), r.removedReason())) != null;
        }

        @Override
        public List<Recording> expired(long cutoff, int limit) {
            return byId.values().stream().filter(r -> r.createdAt() < cutoff && !r.onHold() && !r.removed())
                    .limit(limit).toList();
        }

        @Override
        public boolean markRemoved(long id, long at, String reason) {
            Recording r = byId.get(id);
            if (r == null || r.onHold() || r.removed()) {
                return false;
            }
            byId.put(id, new Recording(r.id(), r.callId(), r.path(), r.durationMs(), r.sizeBytes(), r.sha256(), "removed",
                    r.createdAt(), false, null, null, null, at, reason));
            return true;
        }

        @Override
        public void unmarkRemoved(long id, String status) {
            byId.computeIfPresent(id, (k, r) -> new Recording(r.id(), r.callId(), r.path(), r.durationMs(), r.sizeBytes(),
                    r.sha256(), status, r.createdAt(), r.onHold(), r.holdBy(), r.holdAt(), r.holdReason(), null, null));
        }
    }

    /** Agent commands that follow AgentState's transition table, recording every call. */
    static final class Agents implements AgentCommands {
        final Map<Long, AgentStatus> states = new ConcurrentHashMap<>();
        final List<String> commands = new CopyOnWriteArrayList<>();

        private AgentStatus go(Account a, AgentState to, String reason, String command) {
            commands.add(a.username() + ":" + command);
            AgentStatus cur = states.get(a.id());
            AgentState from = cur == null ? AgentState.LOGGED_OUT : cur.state();
            if (!from.canGoTo(to)) {
                throw new IllegalStateException("cannot go from " + from.wire() + " to " + to.wire());
            }
            AgentStatus s = new AgentStatus(a.id(), a.username(), a.extension(), to, reason, 5L);
            states.put(a.id(), s);
            return s;
        }

        @Override
        public AgentStatus ready(Account account) {
            return go(account, AgentState.READY, null, "ready");
        }

        @Override
        public AgentStatus pause(Account account, String reason) {
            return go(account, AgentState.NOT_READY, reason, "pause");
        }

        @Override
        public AgentStatus logout(Account account) {
            return go(account, AgentState.LOGGED_OUT, null, "logout");
        }

        @Override
        public Optional<AgentStatus> status(long accountId) {
            return Optional.ofNullable(states.get(accountId));
        }

        @Override
        public List<AgentStatus> all() {
            return List.copyOf(states.values());
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
