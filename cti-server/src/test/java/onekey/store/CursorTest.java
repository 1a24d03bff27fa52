package onekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The opaque keyset cursor of the paged lists (issue 22). */
class CursorTest {

    @Test
    void aTokenComesBackAsTheSamePlaceAndSaysNothingPlain() {
        Cursor c = new Cursor(1_764_000_000_123L, 42);
        String token = c.token();
        assertThat(token).doesNotContain("1764000000123").matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.parse(token)).isEqualTo(c);
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : List.of("", " ", "42", "abc!",
                java.util.Base64.getUrlEncoder().encodeToString("k1:x:1".getBytes()),
                java.util.Base64.getUrlEncoder().encodeToString("k0:1:1".getBytes()),
                java.util.Base64.getUrlEncoder().encodeToString("k1:1:2:3".getBytes()), "A".repeat(200))) {
            assertThatThrownBy(() -> Cursor.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rowsAfterTheCursorAreOlderOrTheSameTimeWithASmallerId() {
        Cursor c = new Cursor(1000, 50);
        assertThat(c.before(999, 99)).isTrue();
        assertThat(c.before(1000, 49)).isTrue();
        assertThat(c.before(1000, 50)).isFalse();
        assertThat(c.before(1000, 51)).isFalse();
        assertThat(c.before(1001, 1)).isFalse();
    }

    record Row(long at, long id) {}

    @Test
    void pagesOfRowsWithEqualTimesCoverEveryRowOnceAndTheLastHasNoNext() {
        List<Row> all = new ArrayList<>();
        for (int i = 1; i <= 23; i++) {
            all.add(new Row(1000 + i / 4, i)); // four rows per millisecond: page ends fall inside a tie
        }
        all.sort((a, b) -> a.at != b.at ? Long.compare(b.at, a.at) : Long.compare(b.id, a.id));
        List<Row> seen = new ArrayList<>();
        Cursor after = null;
        int pages = 0;
        do {
            Cursor from = after;
            List<Row> readOneMore = all.stream().filter(r -> from == null || from.before(r.at, r.id)).limit(6).toList();
            Cursor.Page<Row> page = Cursor.Page.of(readOneMore, 5, Row::at, Row::id);
            assertThat(page.items().size()).isLessThanOrEqualTo(5);
            seen.addAll(page.items());
            after = page.next();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(5);
        assertThat(seen).containsExactlyElementsOf(all);
    }

    @Test
    void aFullLastPageHasNoNextEither() {
        List<Row> rows = List.of(new Row(3, 3), new Row(2, 2), new Row(1, 1));
        assertThat(Cursor.Page.of(rows, 3, Row::at, Row::id).next()).isNull();
        assertThat(Cursor.Page.of(rows, 2, Row::at, Row::id).next()).isEqualTo(new Cursor(2, 2));
    }
}
