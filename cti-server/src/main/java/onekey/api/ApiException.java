package onekey.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An error the client should see as {@code {"error":code,"message":...,"field":...}}. {@code field} names
 * the request field that is wrong (a JSON path such as {@code contacts[1].phone}, or a query parameter),
 * or is null.
 */
final class ApiException extends RuntimeException {
    final HttpResponseStatus status;
    final String code;
    final String field;
    final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    ApiException(HttpResponseStatus status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static ApiException badRequest(String code, String message, String field) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, code, message, field);
    }

    static ApiException invalid(String field, String message) {
        return badRequest("invalid_field", message, field);
    }

    static ApiException missing(String field) {
        return badRequest("missing_field", "\"" + field + "\" is required", field);
    }

    static ApiException notFound(String what) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", what, null);
    }

    static ApiException forbidden(String message) {
        return new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", message, null);
    }

    /** 401 with the challenge RFC 6750 asks for; {@code invalidToken} when a token was sent but is not valid. */
    static ApiException unauthorized(String message, boolean invalidToken) {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", message, null)
                .header("WWW-Authenticate", invalidToken ? "Bearer realm=\"onekey\", error=\"invalid_token\""
                        : "Bearer realm=\"onekey\"");
    }

    static ApiException conflict(String message, String field) {
        return new ApiException(HttpResponseStatus.CONFLICT, "conflict", message, field);
    }
}
