package onekey.auth;

import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens of a {@link TokenStore} (the database), with the accounts of the tokens it validated in the last
 * {@code trustMillis} remembered in memory (at most {@code maxEntries}, least recently used dropped first).
 *
 * <p>RULE (docs/api.md: sessions stay open while the database cannot answer; ARCHITECTURE "Faults": database slow
 * or away): a seat whose WebSocket drops while the database is away must get back in, or it misses the next pop.
 * When the database cannot answer, a token the database said was valid within {@code trustMillis} still resolves
 * (nobody can revoke a token then either: a revocation through this store forgets the token at once); any other
 * token gets {@link TokenStore.Unavailable}, which the API answers 503 with Retry-After. Open sessions are checked
 * every 250 ms ({@link #stillValid}), so their tokens are the freshest here. Only the tokens' SHA-256 are kept.
 */
public final class RememberedTokens implements TokenStore {
    private static final Logger log = LoggerFactory.getLogger(RememberedTokens.class);

    /** How long a validation is trusted while the database cannot answer. */
    public static final long DEFAULT_TRUST_MILLIS = 10 * 60_000L;
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Seen(Account account, long validatedAt) {}

    private final TokenStore db;
    private final Clock clock;
    private final long trustMillis;
    private final Map<String, Seen> seen;

    public RememberedTokens(TokenStore db, Clock clock) {
        this(db, clock, DEFAULT_TRUST_MILLIS, DEFAULT_MAX_ENTRIES);
    }

    public RememberedTokens(TokenStore db, Clock clock, long trustMillis, int maxEntries) {
        if (trustMillis <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("trustMillis and maxEntries must be positive");
        }
        this.db = db;
        this.clock = clock;
        this.trustMillis = trustMillis;
        this.seen = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public String issue(Account account, long ttlMillis) {
        String token = db.issue(account, ttlMillis);
        remember(JooqTokenStore.sha256(token), account);
        return token;
    }

    @Override
    public Optional<Account> resolve(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        String key = JooqTokenStore.sha256(token);
        Optional<Account> a;
        try {
            a = db.resolve(token);
        } catch (RuntimeException e) {
            Seen s;
            synchronized (seen) {
                s = seen.get(key);
            }
            long age = s == null ? -1 : clock.millis() - s.validatedAt();
            if (s != null && age <= trustMillis) {
                log.warn("auth.token-remembered account={} validatedMsAgo={} error={}", s.account().username(), age,
                        e.toString());
                return Optional.of(s.account());
            }
            throw new Unavailable("the token cannot be checked now (database unavailable) and was not validated in the last "
                    + trustMillis / 1000 + " s", e);
        }
        if (a.isPresent()) {
            remember(key, a.get());
        } else {
            forget(key);
        }
        return a;
    }

    @Override
    public void revoke(String token) {
        if (token != null && !token.isBlank()) {
            forget(JooqTokenStore.sha256(token)); // first: a revoked token is never let in from memory
        }
        db.revoke(token);
    }

    @Override
    public int revokeAll(long accountId) {
        synchronized (seen) {
            seen.values().removeIf(s -> s.account().id() == accountId);
        }
        return db.revokeAll(accountId);
    }

    /** The database's answer; the tokens it still knows are remembered as validated now, the others forgotten. */
    @Override
    public Set<String> stillValid(Collection<String> tokens) {
        Set<String> valid = db.stillValid(tokens);
        long now = clock.millis();
        Set<String> done = new HashSet<>();
        synchronized (seen) {
            for (String t : tokens) {
                if (t == null || t.isBlank() || t.length() > 200 || !done.add(t)) {
                    continue;
                }
                String key = JooqTokenStore.sha256(t);
                Seen s = seen.get(key);
                if (!valid.contains(t)) {
                    seen.remove(key);
                } else if (s != null) {
                    seen.put(key, new Seen(s.account(), now));
                }
            }
        }
        return valid;
    }

    private void remember(String key, Account a) {
        synchronized (seen) {
            seen.put(key, new Seen(a, clock.millis()));
        }
    }

    private void forget(String key) {
        synchronized (seen) {
            seen.remove(key);
        }
    }

    /** How many tokens are remembered (bounded by {@code maxEntries}). */
    public int size() {
        synchronized (seen) {
            return seen.size();
        }
    }
}
