package onekey.auth;

import static onekey.store.jooq.Tables.ACCOUNTS;

import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.AccountsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/** Accounts in table accounts. The password hash is read only by {@link #passwordHash}. */
public final class JooqAccountRepository implements AccountRepository {

    private static final String UQ_USERNAME = "uq_accounts_username";
    private static final String UQ_EXTENSION = "uq_accounts_extension";

    private final DSLContext dsl;

    public JooqAccountRepository(Database db) {
        this.dsl = db.dsl();
    }

    @Override
    public Account create(AccountDraft draft, String passwordHash) {
        validate(draft);
        if (passwordHash == null || passwordHash.isBlank()) {
            throw new IllegalArgumentException("password is required");
        }
        try {
            return dsl.transactionResult(cfg -> {
                DSLContext tx = cfg.dsl();
                requireFree(tx, draft, null);
                AccountsRecord r = tx.newRecord(ACCOUNTS);
                apply(r, draft);
                r.setPasswordHash(passwordHash);
                long id = tx.insertInto(ACCOUNTS).set(r).returningResult(ACCOUNTS.ID).fetchOne().value1();
                return toAccount(tx.selectFrom(ACCOUNTS).where(ACCOUNTS.ID.eq(id)).fetchOne());
            });
        } catch (DataAccessException e) {
            throw translate(e, draft);
        }
    }

    @Override
    public Optional<Account> update(long id, AccountDraft draft, String passwordHash) {
        validate(draft);
        try {
            return dsl.transactionResult(cfg -> {
                DSLContext tx = cfg.dsl();
                requireFree(tx, draft, id);
                AccountsRecord r = tx.newRecord(ACCOUNTS);
                apply(r, draft);
                if (passwordHash != null) {
                    r.setPasswordHash(passwordHash);
                }
                int n = tx.update(ACCOUNTS).set(r).where(ACCOUNTS.ID.eq(id)).execute();
                if (n == 0) {
                    return Optional.<Account>empty();
                }
                return tx.selectFrom(ACCOUNTS).where(ACCOUNTS.ID.eq(id)).fetchOptional()
                        .map(JooqAccountRepository::toAccount);
            });
        } catch (DataAccessException e) {
            throw translate(e, draft);
        }
    }

    @Override
    public Optional<Account> get(long id) {
        return dsl.selectFrom(ACCOUNTS).where(ACCOUNTS.ID.eq(id)).fetchOptional().map(JooqAccountRepository::toAccount);
    }

    @Override
    public Optional<Account> byUsername(String username) {
        if (username == null) {
            return Optional.empty();
        }
        return dsl.selectFrom(ACCOUNTS).where(ACCOUNTS.USERNAME.eq(username.trim())).fetchOptional()
                .map(JooqAccountRepository::toAccount);
    }

    @Override
    public Optional<Account> byExtension(String extension) {
        if (extension == null) {
            return Optional.empty();
        }
        return dsl.selectFrom(ACCOUNTS).where(ACCOUNTS.EXTENSION.eq(extension.trim())).fetchOptional()
                .map(JooqAccountRepository::toAccount);
    }

    @Override
    public List<Account> all() {
        return dsl.selectFrom(ACCOUNTS).orderBy(ACCOUNTS.ID).fetch(JooqAccountRepository::toAccount);
    }

    @Override
    public Optional<String> passwordHash(String username) {
        if (username == null) {
            return Optional.empty();
        }
        return dsl.select(ACCOUNTS.PASSWORD_HASH).from(ACCOUNTS)
                .where(ACCOUNTS.USERNAME.eq(username.trim()))
                .and(ACCOUNTS.ENABLED.isTrue())
                .fetchOptional(ACCOUNTS.PASSWORD_HASH);
    }

    @Override
    public long count() {
        return dsl.fetchCount(ACCOUNTS);
    }

    private static void validate(AccountDraft d) {
        if (d == null) {
            throw new IllegalArgumentException("account is missing");
        }
        if (d.username() == null || d.username().isBlank()) {
            throw new IllegalArgumentException("username is required");
        }
        if (d.username().trim().length() > 64) {
            throw new IllegalArgumentException("username is longer than 64 characters");
        }
        if (d.role() == null) {
            throw new IllegalArgumentException("role is required (agent, supervisor, admin or dispatcher)");
        }
        if (d.extension() != null && !d.extension().isBlank() && !d.extension().trim().matches("[0-9A-Za-z_-]{1,32}")) {
            throw new IllegalArgumentException("extension must be 1-32 letters or digits, got '" + d.extension() + "'");
        }
    }

    private static String ext(AccountDraft d) {
        return d.extension() == null || d.extension().isBlank() ? null : d.extension().trim();
    }

    private static void apply(AccountsRecord r, AccountDraft d) {
        r.setUsername(d.username().trim());
        r.setAccountRole(d.role().wire());
        r.setExtension(ext(d));
        r.setSipSecret(d.sipSecret());
        r.setDisplayName(d.displayName());
        r.setEnabled(d.enabled());
        r.changed(ACCOUNTS.ID, false);
    }

    private static void requireFree(DSLContext tx, AccountDraft d, Long self) {
        var notSelf = self == null ? DSL.noCondition() : ACCOUNTS.ID.ne(self);
        if (tx.fetchExists(ACCOUNTS, ACCOUNTS.USERNAME.eq(d.username().trim()).and(notSelf))) {
            throw usernameTaken(d);
        }
        String ext = ext(d);
        if (ext != null && tx.fetchExists(ACCOUNTS, ACCOUNTS.EXTENSION.eq(ext).and(notSelf))) {
            throw extensionTaken(d);
        }
    }

    private static IllegalArgumentException usernameTaken(AccountDraft d) {
        return new IllegalArgumentException("username '" + d.username().trim() + "' is already taken");
    }

    private static IllegalArgumentException extensionTaken(AccountDraft d) {
        return new IllegalArgumentException("extension '" + ext(d) + "' is already taken");
    }

    /** A concurrent insert that won the race on a unique index still gets the clear message. */
    private static RuntimeException translate(DataAccessException e, AccountDraft d) {
        if (Constraints.violates(e, UQ_USERNAME)) {
            return usernameTaken(d);
        }
        if (Constraints.violates(e, UQ_EXTENSION)) {
            return extensionTaken(d);
        }
        return e;
    }

    static Account toAccount(AccountsRecord r) {
        return new Account(r.getId(), r.getUsername(), Role.fromWire(r.getAccountRole()), r.getExtension(),
                r.getSipSecret(), r.getDisplayName(), Boolean.TRUE.equals(r.getEnabled()));
    }
}
