package onekey.auth;

import java.util.List;
import java.util.Optional;

public interface AccountRepository {
    /** @throws IllegalArgumentException when the username or extension is taken (message names which) */
    Account create(AccountDraft draft, String passwordHash);

    /** {@code passwordHash} null keeps the old password. Empty when no such account. */
    Optional<Account> update(long id, AccountDraft draft, String passwordHash);

    Optional<Account> get(long id);

    Optional<Account> byUsername(String username);

    Optional<Account> byExtension(String extension);

    List<Account> all();

    /** The stored PBKDF2 hash of an enabled account's password. */
    Optional<String> passwordHash(String username);

    long count();
}
