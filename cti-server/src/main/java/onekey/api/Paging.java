package onekey.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.store.Cursor;

/**
 * Paging of the long lists (GET /api/calls, /api/incidents, /api/audit; issue 22): {@code from} (inclusive) and
 * {@code to} (exclusive) as epoch milliseconds or ISO-8601 instants, {@code limit}, and {@code cursor}, the opaque
 * token of the page's start (keyset on (time, id), never an offset). The body stays the JSON array existing callers
 * read, with the next page's cursor in the {@code X-Next-Cursor} header; {@code ?paged=true} answers
 * {@code {"items": [...], "next": "<cursor>"|null}} instead. No {@code next}: this was the last page.
 */
final class Paging {
    static final String NEXT_HEADER = "X-Next-Cursor";

    record Window(Long from, Long to, Cursor after, int limit, boolean envelope) {}

    private Paging() {
    }

    /** The request's window; {@code defaultLimit} and {@code maxLimit} per list. 400 names the bad parameter. */
    static Window window(Req r, int defaultLimit, int maxLimit) {
        Long from = instantParam(r, "from");
        Long to = instantParam(r, "to");
        if (from != null && to != null && to <= from) {
            throw ApiException.badRequest("invalid_param", "\"to\" must be after \"from\"", "to");
        }
        Window w = page(r, defaultLimit, maxLimit);
        return new Window(from, to, w.after(), w.limit(), w.envelope());
    }

    /**
     * The cursor, limit and envelope choice of a request whose period is read by its own rules (a report's
     * {@code from}/{@code to}, where a date means the whole day, so {@code from=to=2026-06-01} is one day).
     */
    static Window page(Req r, int defaultLimit, int maxLimit) {
        int limit = r.intParam("limit", defaultLimit, 1, maxLimit);
        Cursor after = null;
        String c = r.param("cursor");
        if (c != null) {
            try {
                after = Cursor.parse(c);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_param", "\"cursor\" must be the \"next\" of an earlier page "
                        + "(or its X-Next-Cursor header), unchanged", "cursor");
            }
        }
        String paged = r.param("paged");
        if (paged != null && !paged.equals("true") && !paged.equals("false")) {
            throw ApiException.badRequest("invalid_param", "\"paged\" must be true or false", "paged");
        }
        return new Window(null, null, after, limit, "true".equals(paged));
    }

    /** The page as the client asked for it: the array (cursor in the header) or the envelope. */
    static Reply reply(Window w, List<?> items, Cursor next) {
        Map<String, String> headers = next == null ? Map.of() : Map.of(NEXT_HEADER, next.token());
        if (!w.envelope()) {
            return new Reply.JsonReply(HttpResponseStatus.OK, items, headers);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next", next == null ? null : next.token());
        return new Reply.JsonReply(HttpResponseStatus.OK, body, headers);
    }

    /** Epoch milliseconds or an ISO-8601 instant ({@code 2026-11-24T08:00:00Z}, or with an offset); null if absent. */
    static Long instantParam(Req r, String name) {
        String v = r.param(name);
        if (v == null) {
            return null;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Long.parseLong(v)
                    : java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiException.badRequest("invalid_param", "query parameter \"" + name
                    + "\" must be epoch milliseconds or an ISO-8601 instant like 2026-11-24T08:00:00Z", name);
        }
    }
}
