package onekey.api;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import onekey.auth.Account;
import onekey.auth.Role;

/** One request as a route sees it: path parameters, query parameters and the authenticated account. */
final class Req {
    final FullHttpRequest http;
    final QueryStringDecoder query;
    final Map<String, String> pathParams;
    final Account account;
    final String token;
    /** The peer's IP address (proxies' X-Forwarded-For is not trusted). */
    final String remote;

    Req(FullHttpRequest http, QueryStringDecoder query, Map<String, String> pathParams, Account account, String token,
        String remote) {
        this.remote = remote;
        this.http = http;
        this.query = query;
        this.pathParams = pathParams;
        this.account = account;
        this.token = token;
    }

    ByteBuf body() {
        return http.content();
    }

    <T> T body(Class<T> type) {
        return Requests.read(http.content(), type);
    }

    boolean is(Role... roles) {
        for (Role r : roles) {
            if (account != null && account.role() == r) {
                return true;
            }
        }
        return false;
    }

    /** A path parameter that must be a positive id; anything else is 404 (no such resource). */
    long id(String name) {
        String v = pathParams.get(name);
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", "no such " + name + ": " + v, null);
    }

    String param(String name) {
        List<String> v = query.parameters().get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        String s = v.get(v.size() - 1).trim();
        return s.isEmpty() ? null : s;
    }

    Long longParam(String name, long min) {
        String s = param(name);
        if (s == null) {
            return null;
        }
        try {
            long v = Long.parseLong(s);
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("invalid_param", "query parameter \"" + name + "\" must be an integer >= " + min,
                name);
    }

    int intParam(String name, int def, int min, int max) {
        Long v = longParam(name, min);
        if (v == null) {
            return def;
        }
        if (v > max) {
            throw ApiException.badRequest("invalid_param",
                    "query parameter \"" + name + "\" must be between " + min + " and " + max, name);
        }
        return v.intValue();
    }
}
