package onekey.auth;

import java.util.Optional;

/** Bearer tokens from POST /api/login. Only a SHA-256 of a token is stored. */
public interface TokenStore {
    /** A new random token for the account, valid for {@code ttlMillis}. */
    String issue(Account account, long ttlMillis);

    /** The account a live token belongs to (enabled accounts only). */
    Optional<Account> resolve(String token);

    void revoke(String token);
}
