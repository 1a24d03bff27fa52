package onekey.auth;

import java.util.NoSuchElementException;

/**
 * Accounts' rules and their audit rows, whichever door asks (REST today): a disabled account keeps no session
 * (its tokens are revoked when it is saved disabled), an admin can end every session of an account, a logout
 * revokes its token. Who is told that sessions ended (the API closes the WebSockets) is the caller's business:
 * each method says whether sessions may have ended.
 */
public final class AccountService {

    /** The saved account, and how many of its tokens went (a disabled account keeps none). */
    public record Saved(Account account, boolean created, int tokensRevoked) {}

    private final AccountRepository accounts;
    private final TokenStore tokens;
    private final AuditLog audit;

    public AccountService(AccountRepository accounts, TokenStore tokens, AuditLog audit) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.audit = audit;
    }

    /**
     * Creates ({@code id} null) or updates an account; {@code passwordHash} null keeps the password of an update.
     * {@link IllegalArgumentException} from the repository for a taken username or extension,
     * {@link NoSuchElementException} for an unknown id. Audited {@code account.create} / {@code account.update}.
     */
    public Saved save(Account by, Long id, AccountDraft draft, String passwordHash) {
        Account saved = id == null ? accounts.create(draft, passwordHash)
                : accounts.update(id, draft, passwordHash).orElseThrow(() -> new NoSuchElementException("no such agent: " + id));
        int revoked = 0;
        if (!saved.enabled()) {
            // a disabled account keeps no session: its tokens go (and the caller closes its WebSockets)
            revoked = tokens.revokeAll(saved.id());
        }
        audit.record(by, id == null ? "account.create" : "account.update", "account", Long.toString(saved.id()),
                "username=" + saved.username() + " role=" + saved.role().wire() + " enabled=" + saved.enabled()
                        + (revoked > 0 ? " tokensRevoked=" + revoked : ""));
        return new Saved(saved, id == null, revoked);
    }

    /** Ends every session of account {@code id} (a lost laptop, a leaver); audited. Returns the tokens revoked. */
    public int revokeSessions(Account by, long id) {
        Account a = accounts.get(id).orElseThrow(() -> new NoSuchElementException("no such agent: " + id));
        int n = tokens.revokeAll(id);
        audit.record(by, "account.sessions-revoked", "account", Long.toString(id), "username=" + a.username() + " tokens=" + n);
        return n;
    }

    /** The token {@code token} of {@code who} is revoked; audited. */
    public void logout(Account who, String token, String remote) {
        tokens.revoke(token);
        audit.record(who, "logout", "account", Long.toString(who.id()), "remote=" + remote);
    }
}
