package onekey.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** Small checks every resource makes at the edge. */
final class Fields {
    private Fields() {}

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.missing(field);
        }
        return value.trim();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static ApiException tooMany(String message, long retryAfterSeconds) {
        return new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_requests", message, null)
                .header("Retry-After", Long.toString(retryAfterSeconds));
    }
}
