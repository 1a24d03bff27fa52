package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import onekey.auth.Role;
import onekey.devices.ElderThresholds;
import onekey.devices.Station;
import onekey.devices.StationRepository;
import onekey.devices.StationService;
import onekey.elders.ElderRepository;

/**
 * The 驿站 register and the elders' own reading ranges over REST (issue 24).
 * <ul>
 * <li>{@code POST /api/stations {"name","address","lat","lon","coordSystem"?,"phone","hours","staff"?,"subDistrict"?,
 * "active"?}} → 201 (supervisors, admins; audited {@code station.register}); 400 naming the field (coordinates out of
 * range, hours not understood, a phone that is not one); 409 for a name taken;</li>
 * <li>{@code PUT /api/stations/{id}} the same fields, those left out kept (supervisors, admins; audited);</li>
 * <li>{@code GET /api/stations}, {@code GET /api/stations/{id}} (any role);
 * {@code GET /api/stations/nearest?lat=&lon=} the nearest open one with its distance (any role);</li>
 * <li>{@code GET /api/elders/{elder}/thresholds} (any role; audited as a view of the elder's health data) and
 * {@code PUT /api/elders/{elder}/thresholds {"heartRate":{"min","max"}, …}} (supervisors, admins; audited): the
 * elder's own ranges, replacing the ones set before; a reading left out is judged by the centre's default.</li>
 * </ul>
 */
final class StationsApi {

    record StationBody(String name, String address, Double lat, Double lon, String coordSystem, String phone,
                       String hours, String staff, String subDistrict, Boolean active) {
        Station.Draft draft() {
            return new Station.Draft(name, address, lat, lon, coordSystem, phone, hours, staff, subDistrict, active);
        }
    }

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);

    private final StationService stations;
    private final ElderThresholds thresholds;
    private final ElderRepository elders;
    private final onekey.auth.AuditLog audit;

    StationsApi(StationService stations, ElderThresholds thresholds, ElderRepository elders, onekey.auth.AuditLog audit) {
        this.stations = stations;
        this.thresholds = thresholds;
        this.elders = elders;
        this.audit = audit;
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/stations", DESK, r -> {
            try {
                return Reply.created(stations.register(r.body(StationBody.class).draft(), r.account).shape());
            } catch (IllegalArgumentException e) {
                throw fieldError(e);
            } catch (StationRepository.Taken e) {
                throw ApiException.conflict("another station has this name", "name");
            }
        })
                .add(GET, "/api/stations", ANY, r -> Reply.ok(stations.list().stream().map(Station::shape).toList()))
                .add(GET, "/api/stations/nearest", ANY, this::nearest)
                .add(GET, "/api/stations/{station}", ANY, r -> Reply.ok(stations.get(r.id("station"))
                        .orElseThrow(() -> ApiException.notFound("no such station: " + r.id("station"))).shape()))
                .add(PUT, "/api/stations/{station}", DESK, r -> {
                    try {
                        return Reply.ok(stations.update(r.id("station"), r.body(StationBody.class).draft(), r.account)
                                .shape());
                    } catch (NoSuchElementException e) {
                        throw ApiException.notFound(e.getMessage());
                    } catch (IllegalArgumentException e) {
                        throw fieldError(e);
                    } catch (StationRepository.Taken e) {
                        throw ApiException.conflict("another station has this name", "name");
                    }
                })
                .add(GET, "/api/elders/{elder}/thresholds", ANY, r -> {
                    long elder = elder(r);
                    Map<String, double[]> own = thresholds.own(elder);
                    audit.record(r.account, "elder.thresholds.view", "elder", Long.toString(elder), "own=" + own.size());
                    return Reply.ok(ElderThresholds.shape(own));
                })
                .add(PUT, "/api/elders/{elder}/thresholds", DESK, this::setThresholds);
    }

    private Reply nearest(Req r) {
        Double lat = doubleParam(r, "lat");
        Double lon = doubleParam(r, "lon");
        if (lat < -90 || lat > 90) {
            throw ApiException.invalid("lat", "lat must be between -90 and 90 (WGS-84 degrees)");
        }
        if (lon < -180 || lon > 180) {
            throw ApiException.invalid("lon", "lon must be between -180 and 180 (WGS-84 degrees)");
        }
        return stations.nearest(lat, lon).map(n -> {
            Map<String, Object> m = new LinkedHashMap<>(n.station().shape());
            m.put("meters", n.meters());
            m.put("open", n.open());
            return Reply.ok(m);
        }).orElseThrow(() -> ApiException.notFound("no station registered"));
    }

    private static Double doubleParam(Req r, String name) {
        String v = r.param(name);
        if (v == null || v.isBlank()) {
            throw ApiException.missing(name);
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "\"" + name + "\" is a number of degrees (WGS-84)");
        }
    }

    private long elder(Req r) {
        long id = r.id("elder");
        if (elders.get(id).isEmpty()) {
            throw ApiException.notFound("no such elder: " + id);
        }
        return id;
    }

    private Reply setThresholds(Req r) {
        long elder = elder(r);
        JsonNode body = r.body(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "the body is an object: {\"heartRate\": {\"min\": 50, \"max\": 110}, …}");
        }
        Map<String, double[]> ranges = new LinkedHashMap<>();
        var it = body.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (!v.isObject() || !v.path("min").isNumber() || !v.path("max").isNumber()) {
                throw ApiException.invalid(e.getKey(), "\"" + e.getKey() + "\" is {\"min\": number, \"max\": number}");
            }
            ranges.put(e.getKey(), new double[] {v.path("min").asDouble(), v.path("max").asDouble()});
        }
        try {
            thresholds.set(elder, ranges, r.account);
        } catch (IllegalArgumentException e) {
            throw fieldError(e);
        }
        return Reply.ok(ElderThresholds.shape(thresholds.own(elder)));
    }

    private static ApiException fieldError(IllegalArgumentException e) {
        String msg = e.getMessage() == null ? "invalid" : e.getMessage();
        int colon = msg.indexOf(':');
        String field = colon > 0 && msg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9]*") ? msg.substring(0, colon) : null;
        return ApiException.invalid(field, msg);
    }
}
