package onekey.auth;

import java.util.Optional;

/** Bearer tokens from POST /api/login. Only a SHA-256 of a token is stored. */
public interface TokenStore {
    /** A new random token for the account, valid for {@code ttlMillis}. */
    String issue(Account account, long ttlMillis);

    /** The account a live token belongs to (enabled accounts only). */
    Optional<Account> resolve(String token);

    void revoke(String token);

    /** Revokes every token of an account (an admin's action, or the account being disabled); returns how many. */
    int revokeAll(long accountId);

    /**
     * The subset of {@code tokens} that still resolve (not revoked, not expired, account enabled), in one
     * query: open WebSockets are checked against it so a revoked session ends within a second.
     */
    java.util.Set<String> stillValid(java.util.Collection<String> tokens);

    /** The token cannot be checked now (the database cannot answer) and is not known to be valid otherwise. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
