package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onekey.calls.CallOutcome;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging of GET /api/calls and /api/audit (issue 22): the array existing callers read stays the default, with the next
 * page's cursor in X-Next-Cursor; ?paged=true gives {items, next}; from/to as epoch ms or ISO-8601. The SQL of the
 * pages runs on both engines in StorageIT.
 */
class PagingApiTest {

    @TempDir
    Path dir;
    ApiFixture f;
    static final long T0 = 1_780_000_000_000L;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
        for (long i = 1; i <= 12; i++) {
            // two calls per second: a page may end between two calls of the same millisecond order
            f.calls.update(new CallRecord(i, "L" + i, null, "0215555000" + (i % 10), "1234901", Service.SOS, 1, null,
                    f.agent.id(), "ann", T0 + (i / 2) * 1000, null, null, T0 + (i / 2) * 1000 + 500, 500L, null,
                    CallOutcome.ABANDONED, null, null, false, null));
        }
    }

    @AfterEach
    void stop() {
        f.close();
    }

    static JsonNode json(java.net.http.HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theArrayStaysAndTheCursorInTheHeaderWalksEveryCallOnce() throws Exception {
        String sup = f.token(f.supervisor);
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = f.send("GET", "/api/calls?limit=5" + (cursor == null ? "" : "&cursor=" + cursor), sup, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = json(r);
            assertThat(page.isArray()).isTrue();
            page.forEach(c -> ids.add(c.path("id").asLong()));
            cursor = r.headers().firstValue(Paging.NEXT_HEADER).orElse(null);
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(ids).containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        // every page listed is audited, as a list always was
        assertThat(f.audit.rows.stream().filter(e -> e.action().equals("call.list")).count()).isEqualTo(3);
    }

    @Test
    void pagedTrueAnswersItemsAndNextAndFromToBoundThePeriod() throws Exception {
        String sup = f.token(f.supervisor);
        String from = URLEncoder.encode(java.time.Instant.ofEpochMilli(T0 + 2000).toString(), StandardCharsets.UTF_8);
        long to = T0 + 5000; // exclusive: calls 10 and 11 arrived at T0 + 5 s
        JsonNode first = json(f.send("GET", "/api/calls?paged=true&limit=4&from=" + from + "&to=" + to, sup, null));
        assertThat(ids(first.path("items"))).containsExactly(9L, 8L, 7L, 6L);
        assertThat(first.path("next").isTextual()).isTrue();
        JsonNode second = json(f.send("GET", "/api/calls?paged=true&limit=4&from=" + from + "&to=" + to + "&cursor="
                + first.path("next").asText(), sup, null));
        assertThat(ids(second.path("items"))).containsExactly(5L, 4L);
        assertThat(second.path("next").isNull()).isTrue();
        // the older since still works as from
        assertThat(ids(json(f.send("GET", "/api/calls?since=" + (T0 + 6000), sup, null)))).containsExactly(12L);
    }

    @Test
    void aBadCursorOrPeriodIsA400NamingTheParameter() throws Exception {
        String sup = f.token(f.supervisor);
        var bad = f.send("GET", "/api/calls?cursor=12", sup, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("field").asText()).isEqualTo("cursor");
        var backwards = f.send("GET", "/api/audit?from=" + (T0 + 10) + "&to=" + T0, sup, null);
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(json(backwards).path("field").asText()).isEqualTo("to");
        var notADate = f.send("GET", "/api/incidents?from=yesterday", sup, null);
        assertThat(notADate.statusCode()).isEqualTo(400);
        assertThat(json(notADate).path("field").asText()).isEqualTo("from");
    }

    @Test
    void theAuditTrailPagesToo() throws Exception {
        for (int i = 0; i < 7; i++) {
            f.audit.record(f.admin, "elder.view", "elder", "9", "n=" + i);
        }
        String sup = f.token(f.supervisor);
        JsonNode first = json(f.send("GET", "/api/audit?paged=true&limit=3&targetType=elder&targetId=9", sup, null));
        assertThat(first.path("items").size()).isEqualTo(3);
        List<String> details = new ArrayList<>();
        first.path("items").forEach(e -> details.add(e.path("detail").asText()));
        String next = first.path("next").asText();
        while (!next.isEmpty()) {
            JsonNode p = json(f.send("GET", "/api/audit?paged=true&limit=3&targetType=elder&targetId=9&cursor=" + next,
                    sup, null));
            p.path("items").forEach(e -> details.add(e.path("detail").asText()));
            next = p.path("next").isNull() ? "" : p.path("next").asText();
        }
        assertThat(details).containsExactly("n=6", "n=5", "n=4", "n=3", "n=2", "n=1", "n=0");
    }

    private static List<Long> ids(JsonNode items) {
        List<Long> out = new ArrayList<>();
        items.forEach(c -> out.add(c.path("id").asLong()));
        return out;
    }
}
