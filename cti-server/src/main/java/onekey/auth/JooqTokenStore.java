package onekey.auth;

import static onekey.store.jooq.Tables.ACCOUNTS;
import static onekey.store.jooq.Tables.API_TOKENS;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import onekey.store.Database;
import org.jooq.DSLContext;

/**
 * Bearer tokens: 32 random bytes (base64url) go to the client, only their SHA-256 is stored, so a copy of the
 * database does not hold usable tokens. A token resolves while it has not expired and its account is enabled.
 */
public final class JooqTokenStore implements TokenStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DSLContext dsl;
    private final Clock clock;

    public JooqTokenStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public JooqTokenStore(Database db, Clock clock) {
        this.dsl = db.dsl();
        this.clock = clock;
    }

    @Override
    public String issue(Account account, long ttlMillis) {
        if (account == null) {
            throw new IllegalArgumentException("account is required");
        }
        if (ttlMillis <= 0) {
            throw new IllegalArgumentException("token ttl must be positive, got " + ttlMillis);
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = clock.millis();
        dsl.transaction(cfg -> {
            DSLContext tx = cfg.dsl();
            // Housekeeping on the side of a login: expired tokens are useless, drop them.
            tx.deleteFrom(API_TOKENS).where(API_TOKENS.EXPIRES_AT.le(now)).execute();
            tx.insertInto(API_TOKENS)
                    .set(API_TOKENS.TOKEN_SHA256, sha256(token))
                    .set(API_TOKENS.ACCOUNT_ID, account.id())
                    .set(API_TOKENS.EXPIRES_AT, satAdd(now, ttlMillis))
                    .execute();
        });
        return token;
    }

    @Override
    public Optional<Account> resolve(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return dsl.select(ACCOUNTS.fields())
                .from(API_TOKENS)
                .join(ACCOUNTS).on(ACCOUNTS.ID.eq(API_TOKENS.ACCOUNT_ID))
                .where(API_TOKENS.TOKEN_SHA256.eq(sha256(token)))
                .and(API_TOKENS.EXPIRES_AT.gt(clock.millis()))
                .and(ACCOUNTS.ENABLED.isTrue())
                .fetchOptionalInto(ACCOUNTS)
                .map(JooqAccountRepository::toAccount);
    }

    @Override
    public void revoke(String token) {
        if (token == null || token.isBlank()) {
            return;
        }
        dsl.deleteFrom(API_TOKENS).where(API_TOKENS.TOKEN_SHA256.eq(sha256(token))).execute();
    }

    @Override
    public int revokeAll(long accountId) {
        return dsl.deleteFrom(API_TOKENS).where(API_TOKENS.ACCOUNT_ID.eq(accountId)).execute();
    }

    @Override
    public java.util.Set<String> stillValid(java.util.Collection<String> tokens) {
        if (tokens.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Map<String, String> byHash = new java.util.HashMap<>();
        for (String t : tokens) {
            if (t != null && !t.isBlank() && t.length() <= 200) {
                byHash.put(sha256(t), t);
            }
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.List<String> hashes = new java.util.ArrayList<>(byHash.keySet());
        long now = clock.millis();
        for (int from = 0; from < hashes.size(); from += STILL_VALID_MAX) {
            java.util.List<String> part = hashes.subList(from, Math.min(hashes.size(), from + STILL_VALID_MAX));
            int n = Integer.highestOneBit(part.size() - 1) << 1; // the next power of two: a few statements in all
            n = Math.max(1, n);
            Object[] values = new Object[n + 1];
            for (int i = 0; i < n; i++) {
                values[i] = part.get(Math.min(i, part.size() - 1)); // the last one again fills the list
            }
            values[n] = now;
            for (org.jooq.Record r : STILL_VALID.computeIfAbsent(n, JooqTokenStore::stillValidFor).fetch(dsl, values)) {
                out.add(byHash.get(r.get(0, String.class)));
            }
        }
        return out;
    }

    /**
     * {@link #stillValid} runs every quarter second for every open WebSocket (issue 23: jOOQ rendered its statement
     * again each time, ~5 % of the cti-server's CPU in a surge with 40 agents): rendered once for each size of its
     * list, a power of two up to this many hashes.
     */
    static final int STILL_VALID_MAX = 64;
    private static final java.util.Map<Integer, onekey.store.Prepared> STILL_VALID = new java.util.concurrent.ConcurrentHashMap<>();

    private static onekey.store.Prepared stillValidFor(int hashes) {
        java.util.List<org.jooq.Param<String>> in = new java.util.ArrayList<>();
        for (int i = 0; i < hashes; i++) {
            in.add(org.jooq.impl.DSL.param("hash" + i, API_TOKENS.TOKEN_SHA256));
        }
        return new onekey.store.Prepared(org.jooq.impl.DSL.select(API_TOKENS.TOKEN_SHA256)
                .from(API_TOKENS)
                .join(ACCOUNTS).on(ACCOUNTS.ID.eq(API_TOKENS.ACCOUNT_ID))
                .where(API_TOKENS.TOKEN_SHA256.in(in))
                .and(API_TOKENS.EXPIRES_AT.gt(org.jooq.impl.DSL.param("now", API_TOKENS.EXPIRES_AT)))
                .and(ACCOUNTS.ENABLED.isTrue()));
    }

    /** Lowercase hex SHA-256 of the token's UTF-8 bytes. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return r < a ? Long.MAX_VALUE : r;
    }
}
