package onekey.notices;

import static onekey.store.jooq.Tables.NOTICES;
import static onekey.store.jooq.Tables.NOTICE_ACKS;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.auth.AuditLog;
import onekey.events.EventHub;
import onekey.store.Database;
import org.jooq.DSLContext;

/**
 * Notices to seats (公告便签, issue 19 item 6). {@link #post}: stored, audited {@code notice.post}, and
 * {@code notice.posted {"notice"}} sent to each seat it is for (supervisors see them all); {@link #ack}: a seat read
 * it, audited {@code notice.ack}, {@code notice.acked} to the supervisors. A seat lists the notices still in force
 * for it ({@link #activeFor}). Repository and service in one: two small tables, queries visible here.
 */
public final class NoticeService {
    private final DSLContext dsl;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final EventHub hub;
    private final Clock clock;

    public NoticeService(Database db, AccountRepository accounts, AuditLog audit, EventHub hub, Clock clock) {
        this.dsl = db.dsl();
        this.accounts = accounts;
        this.audit = audit;
        this.hub = hub;
        this.clock = clock;
    }

    /** IllegalArgumentException names the bad field (text, until, to). */
    public Notice post(String text, long until, List<String> to, Account by) {
        long now = clock.millis();
        if (text == null || text.isBlank() || text.length() > 1000) {
            throw new IllegalArgumentException("text: 1 to 1000 characters");
        }
        if (until <= now) {
            throw new IllegalArgumentException("until: must be in the future");
        }
        for (String u : to) {
            if (accounts.byUsername(u).isEmpty()) {
                throw new IllegalArgumentException("to: no such account: " + u);
            }
        }
        long id = dsl.insertInto(NOTICES).set(NOTICES.CREATED_AT, now).set(NOTICES.CREATED_BY, by.username())
                .set(NOTICES.TEXT, text.trim()).set(NOTICES.UNTIL_AT, until)
                .set(NOTICES.TO_USERS, to.isEmpty() ? null : String.join(",", to))
                .returning(NOTICES.ID).fetchOne().getId();
        Notice n = get(id).orElseThrow();
        audit.record(by, "notice.post", "notice", Long.toString(id), "until=" + until + " to=" + (to.isEmpty() ? "all" : to));
        for (Account a : accounts.all()) {
            if (a.enabled() && n.forUser(a.username())) {
                hub.toAccount(a.id(), new NoticeEvents.Posted(n, a.username()));
            }
        }
        return n;
    }

    public Optional<Notice> get(long id) {
        return dsl.selectFrom(NOTICES).where(NOTICES.ID.eq(id)).fetchOptional(r -> new Notice(r.getId(), r.getCreatedAt(),
                r.getCreatedBy(), r.getText(), r.getUntilAt(), users(r.getToUsers()), acks(r.getId())));
    }

    /** Notices still in force (all of them; for one seat filter with {@link Notice#forUser}), newest first. */
    public List<Notice> active() {
        return dsl.selectFrom(NOTICES).where(NOTICES.UNTIL_AT.gt(clock.millis())).orderBy(NOTICES.ID.desc()).limit(200)
                .fetch(r -> new Notice(r.getId(), r.getCreatedAt(), r.getCreatedBy(), r.getText(), r.getUntilAt(),
                        users(r.getToUsers()), acks(r.getId())));
    }

    public List<Notice> activeFor(String username) {
        return active().stream().filter(n -> n.forUser(username)).toList();
    }

    /** A seat read it. Empty: no such notice, or not for this seat. Acknowledging twice keeps the first time. */
    public Optional<Notice> ack(long id, Account by) {
        Optional<Notice> n = get(id).filter(x -> x.forUser(by.username()));
        if (n.isEmpty()) {
            return n;
        }
        if (!n.get().acks().containsKey(by.username())) {
            dsl.insertInto(NOTICE_ACKS).set(NOTICE_ACKS.NOTICE_ID, id).set(NOTICE_ACKS.ACCOUNT_ID, by.id())
                    .set(NOTICE_ACKS.USERNAME, by.username()).set(NOTICE_ACKS.ACKED_AT, clock.millis())
                    .onDuplicateKeyIgnore().execute();
            audit.record(by, "notice.ack", "notice", Long.toString(id), null);
        }
        Notice done = get(id).orElseThrow();
        hub.toAccount(by.id(), new NoticeEvents.Acked(done, by.username()));
        return Optional.of(done);
    }

    private Map<String, Long> acks(long id) {
        Map<String, Long> m = new LinkedHashMap<>();
        dsl.selectFrom(NOTICE_ACKS).where(NOTICE_ACKS.NOTICE_ID.eq(id)).orderBy(NOTICE_ACKS.ACKED_AT)
                .forEach(r -> m.put(r.getUsername(), r.getAckedAt()));
        return m;
    }

    private static List<String> users(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
