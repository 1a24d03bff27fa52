package onekey.elders;

import java.util.List;
import java.util.Optional;

/** Elder records. Implementations are thread-safe; every method is one short transaction. */
public interface ElderRepository {

    /** Stores a new elder with its phones (normalized) and contacts (in order). */
    Elder create(ElderDraft draft);

    /** Replaces the record (phones and contacts too); empty when no such elder. */
    Optional<Elder> update(long id, ElderDraft draft);

    Optional<Elder> get(long id);

    /**
     * The elder's first phone (the one a follow-up calls); empty when there is no such elder or it has no phone. Every
     * answered call asks (issue 23): implementations answer it with one statement, not the whole record.
     */
    default Optional<String> firstPhone(long id) {
        return get(id).flatMap(e -> e.phones().isEmpty() ? Optional.empty() : Optional.of(e.phones().getFirst()));
    }

    /**
     * The hot path of every inbound call: the elder owning this phone number. The argument is already
     * normalized with {@link PhoneNumbers#normalize}. Must stay well under a millisecond with a million elders.
     */
    Optional<Elder> findByPhone(String normalizedPhone);

    /** Elders ordered by id; {@code nameLike} filters by a name substring when not null. */
    List<Elder> list(String nameLike, int offset, int limit);

    long count();

    /**
     * Appends a note to the elder's record (issue 18: seats add notes, they do not rewrite the record); empty when
     * no such elder.
     */
    java.util.Optional<ElderNote> addNote(long elderId, String by, String text);

    /** The notes appended to the elder's record, oldest first. */
    List<ElderNote> notes(long elderId);
}
