package onekey.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import onekey.auth.Role;

/** The route table: {@code /api/elders/{id}} style patterns, 404 for an unknown path, 405 for a wrong method. */
final class Routes {

    @FunctionalInterface
    interface Handler {
        Reply handle(Req req) throws Exception;
    }

    /** {@code roles} null: no authentication; otherwise the roles allowed ({@link #ANY}: the centre's staff). */
    record Route(HttpMethod method, String[] pattern, Set<Role> roles, Handler handler) {}

    record Match(Route route, Map<String, String> params) {}

    /**
     * Any of the centre's staff (agent, supervisor, admin, dispatcher): not the district, which routes name explicitly
     * (issue 22: the district reads reports only).
     */
    static final Set<Role> ANY = EnumSet.of(Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.DISPATCHER);
    static final Set<Role> PUBLIC = null;
    /** Every role, the district's included (sign out, who am I). */
    static final Set<Role> ALL = EnumSet.allOf(Role.class);

    private final List<Route> routes = new ArrayList<>();

    Routes add(HttpMethod method, String pattern, Set<Role> roles, Handler handler) {
        routes.add(new Route(method, split(pattern), roles == null ? null : Set.copyOf(roles), handler));
        return this;
    }

    static Set<Role> roles(Role... roles) {
        return EnumSet.of(roles[0], roles);
    }

    Match match(HttpMethod method, String path) {
        String[] segs = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = matchPath(r.pattern, segs);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r, params);
            }
            allowed.add(r.method.name());
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound("no such endpoint: " + path);
        }
        throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                method.name() + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed), null)
                .header("Allow", allowed.stream().collect(Collectors.joining(", ")));
    }

    private static Map<String, String> matchPath(String[] pattern, String[] segs) {
        if (pattern.length != segs.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), segs[i]);
            } else if (!p.equals(segs[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
