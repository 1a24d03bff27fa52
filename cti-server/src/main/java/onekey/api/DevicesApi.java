package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;

import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import onekey.auth.Role;
import onekey.devices.Alarm;
import onekey.devices.AlarmService;
import onekey.devices.AlarmSignature;
import onekey.devices.Device;
import onekey.devices.DeviceDraft;
import onekey.devices.DeviceRepository;
import onekey.devices.DeviceService;
import onekey.devices.DeviceTest;
import onekey.devices.Scaip;

/**
 * Devices and alarms over REST (issue 24).
 * <ul>
 * <li>{@code POST /api/devices {"elderId","kind","serial","contactIdAccount"?,"sipIdentity"?,"heartbeatMinutes"?,
 * "callerNumber"?,"make"?,"model"?,"installedOn"?,"installedBy"?}} → 201 {@code {"id",…}} (supervisors, admins;
 * audited {@code device.register});</li>
 * <li>{@code GET /api/devices?elderId=} (any role; one elder's list is audited as a view of the record),
 * {@code GET /api/devices/{id}}, {@code GET /api/devices/{id}/tests};</li>
 * <li>{@code PUT /api/devices/{id}/test-mode {"minutes"}} (any role: a seat sets it while the 驿站 worker is at the
 * elder's), {@code POST /api/devices/{id}/tests {"result","detail"?}} (a test recorded by hand);</li>
 * <li>{@code GET /api/devices/report} — never tested, test overdue, silent (supervisors, admins);</li>
 * <li>{@code POST /api/alarms {"platform","alarmId","deviceSerial","kind","at","lat"?,"lon"?,"coordSystem"?,
 * "accuracyM"?,"readings"?}} with {@code X-OneKey-Signature: sha256=<hex HMAC of the body>} with the platform's key
 * (devices.platformKeys): no account; 401 for a bad signature; a replay of (platform, alarmId) answers 200 with the
 * first alarm, a new one 201; {@code POST /api/alarms/contact-id} (an AlarmReceiver event file as the body, header
 * {@code X-OneKey-Event-File}, and {@code X-OneKey-Queued-As-Sos}: epoch seconds, when the line queued it as an SOS
 * call itself because OneKey did not take it then) and {@code POST /api/alarms/scaip} (a SCAIP-style XML body, header
 * {@code X-OneKey-From}: the device's SIP URI; {@code X-OneKey-Queued-As-Sos} as for a file) signed the same way with platform {@code asterisk}'s key: Asterisk's
 * alarm line and MESSAGE context hand them over so;</li>
 * <li>{@code GET /api/alarms?elderId=&limit=} (any role).</li>
 * </ul>
 */
final class DevicesApi {

    record DeviceBody(Long elderId, String kind, String serial, String contactIdAccount, String sipIdentity,
                      Integer heartbeatMinutes, String callerNumber, String make, String model, String installedOn,
                      String installedBy) {}

    record TestModeBody(Integer minutes) {}

    record TestBody(String result, String detail) {}

    record AlarmBody(String platform, String alarmId, String deviceSerial, String kind, String at, Double lat, Double lon,
                     String coordSystem, Double accuracyM, Map<String, Double> readings, String detail) {}

    private static final Set<Role> DESK = Routes.roles(Role.SUPERVISOR, Role.ADMIN);
    static final String SIGNATURE = "X-OneKey-Signature";
    /** The platform whose key signs what Asterisk hands over (Contact ID event files, SCAIP MESSAGE bodies). */
    static final String ASTERISK_PLATFORM = "asterisk";

    private final DeviceService devices;
    private final AlarmService alarms;
    private final Map<String, String> platformKeys;

    DevicesApi(DeviceService devices, AlarmService alarms, Map<String, String> platformKeys) {
        this.devices = devices;
        this.alarms = alarms;
        this.platformKeys = Map.copyOf(platformKeys);
    }

    void addTo(Routes routes) {
        routes.add(POST, "/api/devices", DESK, this::register)
                .add(GET, "/api/devices", ANY, r -> Reply.ok(devices.list(elderOrDesk(r), r.account).stream()
                        .map(Device::shape).toList()))
                .add(GET, "/api/devices/report", DESK, r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("testDays", devices.testDays());
                    m.put("rows", devices.report().stream().map(DeviceService.ReportRow::shape).toList());
                    return Reply.ok(m);
                })
                .add(GET, "/api/devices/{device}", ANY, r -> Reply.ok(device(r).shape()))
                .add(GET, "/api/devices/{device}/tests", ANY, r -> Reply.ok(devices.tests(device(r).id()).stream()
                        .map(DeviceTest::shape).toList()))
                .add(PUT, "/api/devices/{device}/test-mode", ANY, this::testMode)
                .add(POST, "/api/devices/{device}/tests", ANY, this::manualTest)
                .add(POST, "/api/alarms", Routes.PUBLIC, this::alarm)
                .add(POST, "/api/alarms/contact-id", Routes.PUBLIC, this::contactId)
                .add(POST, "/api/alarms/scaip", Routes.PUBLIC, this::scaip)
                .add(GET, "/api/alarms", ANY, r -> Reply.ok(alarms.alarms(elderOrDesk(r),
                        r.intParam("limit", 100, 1, 1000)).stream().map(Alarm::shape).toList()));
    }

    /** {@code elderId}: one elder's (any role, audited); none: every elder's, supervisors and admins only. */
    private static Long elderOrDesk(Req r) {
        Long elder = r.longParam("elderId", 1);
        if (elder == null && r.is(Role.AGENT)) {
            throw ApiException.forbidden("agents list one elder's devices and alarms: give elderId");
        }
        return elder;
    }

    private Device device(Req r) {
        long id = r.id("device");
        return devices.get(id).orElseThrow(() -> ApiException.notFound("no such device: " + id));
    }

    private Reply register(Req r) {
        DeviceBody b = r.body(DeviceBody.class);
        if (b.elderId() == null) {
            throw ApiException.missing("elderId");
        }
        LocalDate installed = null;
        if (b.installedOn() != null) {
            try {
                installed = LocalDate.parse(b.installedOn());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("installedOn", "\"installedOn\" is a date YYYY-MM-DD");
            }
        }
        try {
            Device d = devices.register(new DeviceDraft(b.elderId(), b.kind(), b.serial(), b.make(), b.model(),
                    b.callerNumber(), b.contactIdAccount(), b.sipIdentity(), b.heartbeatMinutes(), installed,
                    b.installedBy()), r.account);
            return Reply.created(d.shape());
        } catch (IllegalArgumentException e) {
            throw fieldError(e);
        } catch (DeviceRepository.Taken e) {
            throw ApiException.conflict("\"" + e.field + "\" already names another device", e.field);
        }
    }

    private Reply testMode(Req r) {
        Device d = device(r);
        TestModeBody b = r.body(TestModeBody.class);
        if (b.minutes() == null) {
            throw ApiException.missing("minutes");
        }
        try {
            return Reply.ok(devices.testMode(d.id(), b.minutes(), r.account).shape());
        } catch (IllegalArgumentException e) {
            throw fieldError(e);
        }
    }

    private Reply manualTest(Req r) {
        Device d = device(r);
        TestBody b = r.body(TestBody.class);
        String result = b.result() == null ? "ok" : b.result().trim();
        if (!result.matches("[a-z0-9-]{1,32}")) {
            throw ApiException.invalid("result", "\"result\" is ok or a short failure code (a-z, 0-9, -)");
        }
        devices.recordTest(d, r.account.username(), "manual", result, b.detail());
        return Reply.created(devices.tests(d.id()).get(0).shape());
    }

    /** The signature with the platform's key, or 401; the body's bytes as signed. */
    private byte[] signed(Req r, String platform) {
        byte[] raw = ByteBufUtil.getBytes(r.body());
        String key = platform == null ? null : platformKeys.get(platform);
        if (!AlarmSignature.verify(key, raw, r.http.headers().get(SIGNATURE))) {
            throw ApiException.unauthorized("bad or missing " + SIGNATURE + " (sha256=<hex HMAC-SHA256 of the body with"
                    + " the platform's key>)", false);
        }
        return raw;
    }

    private Reply alarm(Req r) {
        AlarmBody b = r.body(AlarmBody.class);
        signed(r, b.platform());
        if (b.deviceSerial() == null || b.deviceSerial().isBlank()) {
            throw ApiException.missing("deviceSerial");
        }
        Long at = null;
        if (b.at() != null) {
            try {
                at = OffsetDateTime.parse(b.at()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("at", "\"at\" is an ISO-8601 time with offset, e.g. 2026-06-01T10:00:00+08:00");
            }
        }
        Double lat = b.lat();
        Double lon = b.lon();
        if (lat != null && lon != null) {
            try {
                var p = onekey.elders.Coordinates.toWgs84(lat, lon, onekey.elders.Coordinates.Frame.parse(b.coordSystem()));
                lat = p.lat();
                lon = p.lon();
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("coordSystem", e.getMessage());
            }
        }
        AlarmService.Result res;
        try {
            res = alarms.receive(new AlarmService.Incoming(b.platform(), b.alarmId(), "api", b.deviceSerial(), null, null,
                    b.kind(), at, lat, lon, b.accuracyM(), b.readings(), b.detail()));
        } catch (IllegalArgumentException e) {
            throw fieldError(e);
        }
        return result(res);
    }

    private Reply contactId(Req r) {
        byte[] raw = signed(r, ASTERISK_PLATFORM);
        String file = r.http.headers().get("X-OneKey-Event-File");
        if (file == null || !file.matches("[A-Za-z0-9._-]{1,64}")) {
            throw ApiException.invalid("X-OneKey-Event-File", "the event file's name (letters, digits, . _ -)");
        }
        var results = alarms.contactIdFile(file, new String(raw, StandardCharsets.UTF_8), queuedAsSos(r));
        return Reply.ok(results.stream().map(x -> x == null ? Map.of("outcome", "refused") : shape(x)).toList());
    }

    /** {@code X-OneKey-Queued-As-Sos}: when Asterisk queued the alarm as an SOS call itself (epoch seconds), or null. */
    private static Long queuedAsSos(Req r) {
        String sos = r.http.headers().get("X-OneKey-Queued-As-Sos");
        if (sos != null && !sos.matches("[0-9]{1,12}")) {
            throw ApiException.invalid("X-OneKey-Queued-As-Sos", "when the alarm line queued it as SOS, epoch seconds");
        }
        return sos == null ? null : Long.parseLong(sos);
    }

    private Reply scaip(Req r) {
        byte[] raw = ByteBufUtil.getBytes(r.body());
        String key = platformKeys.get(ASTERISK_PLATFORM);
        // the dialplan proves it with a keyed SHA-1 (it has no HMAC); a script may sign as platforms do
        if (!AlarmSignature.verifyKeyedSha1(key, raw, r.http.headers().get("X-OneKey-Auth"))) {
            signed(r, ASTERISK_PLATFORM);
        }
        String text = new String(raw, StandardCharsets.UTF_8).trim();
        if ("base64".equals(r.http.headers().get("X-OneKey-Body"))) {
            try {
                text = new String(java.util.Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("body", "X-OneKey-Body: base64, but the body is not base64");
            }
        }
        String from = r.http.headers().get("X-OneKey-From");
        Scaip.Message m;
        try {
            m = Scaip.parse(text, from);
        } catch (IllegalArgumentException e) {
            throw fieldError(e);
        }
        AlarmService.Incoming in = m.incoming();
        Long sos = queuedAsSos(r);
        if (sos != null) {
            in = in.queuedAsSos(sos);
        }
        AlarmService.Result res = alarms.receive(in);
        Map<String, Object> out = shape(res);
        out.put("ack", AlarmSignature.messageAck(key, raw)); // the dialplan's proof that OneKey has it
        return res.replay() ? Reply.ok(out) : Reply.created(out);
    }

    private static Reply result(AlarmService.Result res) {
        Map<String, Object> m = shape(res);
        return res.replay() ? Reply.ok(m) : Reply.created(m);
    }

    private static Map<String, Object> shape(AlarmService.Result res) {
        Map<String, Object> m = new LinkedHashMap<>(res.alarm().shape());
        m.put("replay", res.replay());
        m.put("outcome", res.outcome());
        return m;
    }

    /** "field: message" from the model's checks → 400 naming the field. */
    private static ApiException fieldError(IllegalArgumentException e) {
        String msg = e.getMessage() == null ? "invalid" : e.getMessage();
        int colon = msg.indexOf(':');
        String field = colon > 0 && msg.substring(0, colon).matches("[A-Za-z]+") ? msg.substring(0, colon) : null;
        return ApiException.invalid(field, msg);
    }
}
