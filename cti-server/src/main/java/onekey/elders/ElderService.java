package onekey.elders;

import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;

/**
 * Who may read and change an elder's record, and the audit row of every read and change (architecture: an audit row
 * for every profile view, written before the record leaves the server). The API checks the shape of what it is
 * sent; the rules are here.
 */
public final class ElderService {

    /** How long after a call an agent may still open the caller's record without a reason (wrap-up, notes). */
    public static final long AFTER_CALL_MILLIS = 30 * 60_000L;

    /** The calls an agent is on or took: the id of one with the elder still going or ended since {@code since}. */
    @FunctionalInterface
    public interface RecentCalls {
        Optional<Long> with(long elderId, long accountId, long since);
    }

    /** Whether the agent holds an open incident of the elder (a rescue's record). */
    @FunctionalInterface
    public interface OpenIncidents {
        boolean heldBy(long elderId, long accountId);
    }

    /** An agent opened a record that is not on a call of theirs without saying why. */
    public static final class ReasonRequired extends SecurityException {
        ReasonRequired(String message) {
            super(message);
        }
    }

    /** A phone of the draft belongs to another elder: {@code index} in the draft's phones. */
    public static final class PhoneTaken extends IllegalStateException {
        public final int index;

        PhoneTaken(String message, int index) {
            super(message);
            this.index = index;
        }
    }

    /** A record as read: the elder and the notes added to it. */
    public record Viewed(Elder elder, List<ElderNote> notes) {}

    private final ElderRepository elders;
    private final AuditLog audit;
    private final Clock clock;
    private final RecentCalls calls;
    private final OpenIncidents incidents;
    /** Seals and opens insurance card numbers (schema version 23); null: no archive key configured. */
    private final ArchiveCipher cipher;

    public ElderService(ElderRepository elders, AuditLog audit, Clock clock, RecentCalls calls, OpenIncidents incidents) {
        this(elders, audit, clock, calls, incidents, null);
    }

    public ElderService(ElderRepository elders, AuditLog audit, Clock clock, RecentCalls calls, OpenIncidents incidents,
                        ArchiveCipher cipher) {
        this.cipher = cipher;
        this.elders = elders;
        this.audit = audit;
        this.clock = clock;
        this.calls = calls;
        this.incidents = incidents == null ? (e, a) -> false : incidents;
    }

    /**
     * Summaries of a search, one audit row per search with what was asked ({@code shownQuery}: a number masked).
     * {@code normalizedPhone} non-null: the elder with that number; else by name.
     */
    public List<Elder> search(Account by, String nameQuery, String normalizedPhone, boolean phoneQuery, String shownQuery,
                              int offset, int limit) {
        List<Elder> found = phoneQuery
                ? normalizedPhone == null ? List.of() : elders.findByPhone(normalizedPhone).map(List::of).orElse(List.of())
                : elders.list(nameQuery, offset, limit);
        // summaries are personal data too: one row per search
        audit.record(by, "elder.list", "elder", null, "q=" + (shownQuery == null ? "" : shownQuery) + " results=" + found.size());
        return found;
    }

    /**
     * An agent reads the record of an elder it is talking to (or talked to in the last {@link #AFTER_CALL_MILLIS})
     * without more ado; any other record only with a {@code reason} of at least 3 characters (a deliberate look-up),
     * which goes into the audit row ({@link ReasonRequired} otherwise). Supervisors and admins may give a reason too.
     */
    public Viewed view(Account by, long id, String reason) {
        Elder e = elders.get(id).orElseThrow(() -> new NoSuchElementException("no such elder: " + id));
        Optional<Long> onCall = by.role() == Role.AGENT ? calls.with(id, by.id(), clock.millis() - AFTER_CALL_MILLIS)
                : Optional.empty();
        String because;
        if (onCall.isPresent()) {
            because = "call=" + onCall.get();
        } else if (reason != null && reason.length() >= 3) {
            because = "reason=" + reason;
        } else if (by.role() == Role.AGENT) {
            throw new ReasonRequired("elder " + id + " is not on a call of yours: give ?reason= (at least 3 characters)"
                    + " to open the record");
        } else {
            because = reason == null ? null : "reason=" + reason;
        }
        audit.record(by, "elder.view", "elder", Long.toString(id), because);
        return new Viewed(e, elders.notes(id));
    }

    /**
     * Issue 18: a note appended to the record with who and when, audited {@code elder.note} (naming the note, not
     * its text: it may hold health data). Supervisors and admins for any elder; an agent for the elder of a call it
     * is on or took in the last 30 minutes, or of an open incident it holds ({@link SecurityException} otherwise).
     */
    public ElderNote addNote(Account by, long id, String text) {
        elders.get(id).orElseThrow(() -> new NoSuchElementException("no such elder: " + id));
        if (by.role() == Role.AGENT) {
            boolean onCall = calls.with(id, by.id(), clock.millis() - AFTER_CALL_MILLIS).isPresent();
            if (!onCall && !incidents.heldBy(id, by.id())) {
                throw new SecurityException("elder " + id + " is not on a call or an open incident of yours: an agent "
                        + "may add a note only then");
            }
        }
        ElderNote n = elders.addNote(id, by.username(), text).orElseThrow(() -> new NoSuchElementException("no such elder: " + id));
        audit.record(by, "elder.note", "elder", Long.toString(id), "note=" + n.id() + " chars=" + text.length());
        return n;
    }

    /**
     * Creates ({@code id} null) or updates a record; a phone of another elder is refused ({@link PhoneTaken}),
     * an unknown id is {@link NoSuchElementException}; the repository's {@link IllegalArgumentException} passes.
     * Audited {@code elder.create} / {@code elder.update}, with the call it was made for.
     */
    public Elder save(Account by, Long id, ElderDraft draft, Long forCall) {
        for (int i = 0; i < draft.phones().size(); i++) {
            String p = draft.phones().get(i);
            Optional<Elder> owner = elders.findByPhone(p);
            if (owner.isPresent() && (id == null || owner.get().id() != id)) {
                throw new PhoneTaken("phone " + PhoneNumbers.mask(p) + " already belongs to elder " + owner.get().id(), i);
            }
        }
        Elder saved = id == null ? elders.create(draft)
                : elders.update(id, draft).orElseThrow(() -> new NoSuchElementException("no such elder: " + id));
        audit.record(by, id == null ? "elder.create" : "elder.update", "elder", Long.toString(saved.id()),
                forCall == null ? null : "call=" + forCall);
        return saved;
    }

    /** No archive key is configured, so a card number can be neither stored nor revealed. */
    public static final class NoArchiveKey extends IllegalStateException {
        NoArchiveKey() {
            super("no archive key is configured (archive.key / ONEKEY_ARCHIVE_KEY): insurance card numbers cannot be"
                    + " stored or revealed");
        }
    }

    /** {@code number} sealed for storing ({@link NoArchiveKey} without a key). */
    public InsuranceCard sealInsuranceCard(String number) {
        if (cipher == null) {
            throw new NoArchiveKey();
        }
        return cipher.seal(number);
    }

    /**
     * Issue 22: the medical-insurance card number in clear, for whoever needs it for a booking (the registration
     * platform asks for it). The same rule as reading the record ({@link #view}: an agent on a call with the elder,
     * or anyone with a reason of at least 3 characters); audited {@code elder.insurance-card.reveal} before the
     * number leaves. {@link NoSuchElementException} for no elder or no card on file.
     */
    public String revealInsuranceCard(Account by, long id, String reason) {
        Elder e = elders.get(id).orElseThrow(() -> new NoSuchElementException("no such elder: " + id));
        if (!e.archive().insuranceCard().present()) {
            throw new NoSuchElementException("elder " + id + " has no insurance card on file");
        }
        if (cipher == null) {
            throw new NoArchiveKey();
        }
        Optional<Long> onCall = by.role() == Role.AGENT ? calls.with(id, by.id(), clock.millis() - AFTER_CALL_MILLIS)
                : Optional.empty();
        String because;
        if (onCall.isPresent()) {
            because = "call=" + onCall.get();
        } else if (reason != null && reason.length() >= 3) {
            because = "reason=" + reason;
        } else {
            throw new ReasonRequired("revealing elder " + id + "'s insurance card number needs ?reason= (at least 3"
                    + " characters)" + (by.role() == Role.AGENT ? " when the elder is not on a call of yours" : ""));
        }
        String number = cipher.open(id, e.archive().insuranceCard());
        audit.record(by, "elder.insurance-card.reveal", "elder", Long.toString(id), because);
        return number;
    }
}
