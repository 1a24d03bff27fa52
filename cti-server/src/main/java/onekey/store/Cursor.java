package onekey.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A place in a list that is read newest first, ordered by (time, id) descending: the row after which the next page
 * starts. Keyset paging, not an offset: rows written meanwhile neither shift a page nor repeat one, and the database
 * seeks with the (time, id) index instead of counting past rows. Given to clients as an opaque token ({@link #token},
 * {@link #parse}).
 */
public record Cursor(long at, long id) {

    private static final String PREFIX = "k1:";

    /** The opaque form a client hands back ({@code next}, {@code ?cursor=}). */
    public String token() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + at + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Back from {@link #token}; {@link IllegalArgumentException} for anything that is not one. */
    public static Cursor parse(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            throw new IllegalArgumentException("not a cursor");
        }
        String s;
        try {
            s = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor");
        }
        if (!s.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a cursor");
        }
        String[] parts = s.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a cursor");
        }
        try {
            return new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor");
        }
    }

    /** Whether a row at ({@code rowAt}, {@code rowId}) comes after this place in newest-first order. */
    public boolean before(long rowAt, long rowId) {
        return rowAt < at || rowAt == at && rowId < id;
    }

    /**
     * A page of rows read newest first with one row more than asked for ({@code limit + 1}): the rows to show, and
     * the cursor of the next page (null when this is the last).
     */
    public record Page<T>(List<T> items, Cursor next) {
        public static <T> Page<T> of(List<T> readOneMore, int limit, ToLongFunction<T> at, ToLongFunction<T> id) {
            if (readOneMore.size() <= limit) {
                return new Page<>(List.copyOf(readOneMore), null);
            }
            List<T> items = List.copyOf(readOneMore.subList(0, limit));
            T last = items.get(items.size() - 1);
            return new Page<>(items, new Cursor(at.applyAsLong(last), id.applyAsLong(last)));
        }
    }
}
