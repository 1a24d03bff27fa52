package onekey.devices;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import onekey.auth.AuditLog;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alarms without a voice (issue 24): from an alarm panel on the alarm line (Contact ID through Asterisk's
 * AlarmReceiver), a SIP device (SCAIP-style MESSAGE) or a device platform ({@code POST /api/alarms}). Each is stored
 * once per (platform, alarmId) — a replay returns the first one — and, unless it is a test report, a restore, a
 * reading within the elder's ranges or a device in test mode, escalated: an incident (reason {@code device-alarm},
 * the alarm's kind and device in its detail) whose first step calls the elder through the outbound service, and with
 * no answer the no-response rescue goes on (service rules, "No response": assume an emergency); the alarm pops to a
 * ready seat at SOS priority ({@code device.alarm}) with the device, the kind and the position.
 */
public final class AlarmService {
    private static final Logger log = LoggerFactory.getLogger(AlarmService.class);
    public static final String REASON = "device-alarm";
    private static final String QUEUED_AS_SOS = "queued as SOS by the alarm line at";

    /** How an escalated alarm opens (or joins) the elder's incident: the rescue, as the root wires it. */
    public interface Incidents {
        /** The incident's id and wire shape; {@code created} false when the elder's open incident was joined. */
        Opened open(long elderId, String detail);

        record Opened(long id, boolean created, Map<String, Object> shape) {}
    }

    /** An alarm as it arrives, before it is matched to a device. Exactly one of the device keys is normally set. */
    public record Incoming(String platform, String alarmId, String source, String deviceSerial, String contactIdAccount,
                           String sipIdentity, String kind, Long occurredAt, Double lat, Double lon, Double accuracyM,
                           Map<String, Double> readings, String detail) {
        /** This alarm as Asterisk queued it as an SOS call itself at {@code epochSeconds}, OneKey not taking it then. */
        public Incoming queuedAsSos(long epochSeconds) {
            return new Incoming(platform, alarmId, source, deviceSerial, contactIdAccount, sipIdentity, kind, occurredAt,
                    lat, lon, accuracyM, readings, queuedAsSosNote(detail, epochSeconds));
        }
    }

    /** What became of an alarm: stored now or a replay of {@code alarm}, escalated or recorded only. */
    public record Result(Alarm alarm, boolean replay, String outcome) {}

    private final DeviceRepository repo;
    private final DeviceService devices;
    private final ElderRepository elders;
    private final Incidents incidents;
    private final Supplier<List<Long>> readySeats;
    private final AuditLog audit;
    private final DeviceNotifier notifier;
    private final Clock clock;
    /** The elders' own reading ranges; null: the centre's defaults for everyone. */
    private final ElderThresholds thresholds;
    /** The 驿站 register, for the nearest station in the pop; null: none shown. */
    private final StationService stations;
    /** Alarms this server is escalating now: a replay meanwhile does not escalate them twice. */
    private final java.util.Set<Long> escalating = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public AlarmService(DeviceService devices, ElderRepository elders, Incidents incidents,
                        Supplier<List<Long>> readySeats, AuditLog audit, onekey.events.EventHub hub, Clock clock) {
        this(devices, elders, incidents, readySeats, audit, hub, clock, null, null);
    }

    public AlarmService(DeviceService devices, ElderRepository elders, Incidents incidents,
                        Supplier<List<Long>> readySeats, AuditLog audit, onekey.events.EventHub hub, Clock clock,
                        ElderThresholds thresholds, StationService stations) {
        this.devices = devices;
        this.repo = devices.repository();
        this.elders = elders;
        this.incidents = incidents;
        this.readySeats = readySeats;
        this.audit = audit;
        this.notifier = new DeviceNotifier(hub);
        this.clock = clock;
        this.thresholds = thresholds;
        this.stations = stations;
    }

    /** Takes one alarm; IllegalArgumentException "field: message" for a malformed one. */
    public Result receive(Incoming in) {
        if (in.platform() == null || in.platform().isBlank() || in.alarmId() == null || in.alarmId().isBlank()) {
            throw new IllegalArgumentException("alarmId: required with the platform");
        }
        if (in.alarmId().length() > 96) {
            throw new IllegalArgumentException("alarmId: at most 96 characters");
        }
        if (in.kind() == null || !in.kind().matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("kind: 1 to 32 of a-z, 0-9, -");
        }
        if ((in.lat() == null) != (in.lon() == null)) {
            throw new IllegalArgumentException("lat: lat and lon go together");
        }
        Optional<Alarm> earlier = repo.alarm(in.platform(), in.alarmId());
        if (earlier.isPresent()) {
            return replay(noted(earlier.get(), in));
        }
        Optional<Device> device = find(in);
        long now = clock.millis();
        String kind = in.kind();
        String judged = null;
        if (in.readings() != null && !in.readings().isEmpty()) {
            Thresholds ranges = thresholds == null || device.isEmpty() ? Thresholds.DEFAULT
                    : thresholds.forElder(device.get().elderId());
            List<String> outside = ranges.outside(in.readings());
            judged = outside.isEmpty() ? "readings within range: " + in.readings() : "readings outside range: "
                    + String.join(", ", outside);
            if (outside.isEmpty() && "health-reading".equals(kind)) {
                kind = "reading-normal";
            }
        }
        String detail = join(in.detail(), judged);
        Alarm stored = repo.insertAlarm(new Alarm(0, in.platform(), in.alarmId(), in.source(),
                device.map(Device::id).orElse(null), device.map(Device::elderId).orElse(null), kind, now,
                in.occurredAt(), in.lat(), in.lon(), in.accuracyM(), detail, false, null)).orElse(null);
        if (stored == null) { // a replay that arrived at the same moment
            return replay(noted(repo.alarm(in.platform(), in.alarmId()).orElseThrow(), in));
        }
        escalating.add(stored.id()); // from its insert on: a replay meanwhile leaves the escalation to this
        try {
            return afterInsert(stored, device, in, kind, now);
        } finally {
            escalating.remove(stored.id());
        }
    }

    /** A new alarm, stored: recorded only (unknown device, test, quiet kinds) or escalated. */
    private Result afterInsert(Alarm stored, Optional<Device> device, Incoming in, String kind, long now) {
        if (device.isEmpty()) {
            log.warn("alarm={} source={} kind={} from an unknown device: recorded, supervisors told", stored.id(),
                    in.source(), kind);
            notifier.toSupervisors(new DeviceEvents.AlarmRecorded(stored, null, "unknown-device"));
            return new Result(stored, false, "unknown-device");
        }
        Device d = device.get();
        devices.heard(d);
        if (d.inTestMode(now) || "test".equals(kind)) {
            devices.recordTest(d, in.platform(), "contact-id".equals(in.source()) ? "contact-id" : in.source(), "ok",
                    "alarm " + stored.id() + " kind=" + kind);
            notifier.toSupervisors(new DeviceEvents.AlarmRecorded(stored, d, "test"));
            return new Result(stored, false, "test");
        }
        if (Alarm.quiet(kind) || "reading-normal".equals(kind)) {
            log.info("alarm={} device={} kind={} recorded, not escalated", stored.id(), d.id(), kind);
            notifier.toSupervisors(new DeviceEvents.AlarmRecorded(stored, d, kind));
            return new Result(stored, false, kind);
        }
        return new Result(escalate(stored, d), false, "escalated");
    }

    /**
     * A known alarm sent again with the note that Asterisk queued it as an SOS call itself (its sender's request reached
     * OneKey late, after the line had given up on it and queued it): the stored alarm gets the note, so the seat knows
     * an SOS call for it is or was in the queue.
     */
    private Alarm noted(Alarm a, Incoming in) {
        int at = in.detail() == null ? -1 : in.detail().indexOf(QUEUED_AS_SOS);
        if (at < 0) {
            return a;
        }
        String note = in.detail().substring(at);
        if (a.detail() != null && a.detail().contains(QUEUED_AS_SOS)) {
            return a;
        }
        repo.detail(a.id(), join(a.detail(), note));
        log.info("alarm={} noted: {}", a.id(), note);
        return repo.alarm(a.id()).orElse(a);
    }

    /**
     * A known alarm sent again. One that should have been escalated and is not — its escalation failed or timed out
     * (the rescue busy, the database failing) after it was stored, so its sender was answered an error and tried again —
     * is escalated now: the sender's retry is the alarm's second chance, never a silent "already have it". One being
     * escalated by this server right now is left to that.
     */
    private Result replay(Alarm a) {
        if (a.escalated() || a.incidentId() != null || a.deviceId() == null || Alarm.quiet(a.kind())
                || "reading-normal".equals(a.kind())) {
            return new Result(a, true, "replay");
        }
        Optional<Device> device = repo.get(a.deviceId());
        if (device.isEmpty() || device.get().inTestMode(a.receivedAt())) {
            return new Result(a, true, "replay");
        }
        if (!escalating.add(a.id())) {
            return new Result(a, true, "replay"); // being taken by this server now
        }
        try {
            log.warn("alarm={} device={} kind={} stored but not escalated before: escalated on its replay", a.id(),
                    a.deviceId(), a.kind());
            return new Result(escalate(a, device.get()), true, "escalated");
        } finally {
            escalating.remove(a.id());
        }
    }

    private Alarm escalate(Alarm a, Device d) {
        String detail = "kind=" + a.kind() + " device=" + d.serial() + " (" + d.kind() + ") source=" + a.source()
                + (a.lat() != null ? " at=" + a.lat() + "," + a.lon() : "");
        Incidents.Opened inc = incidents.open(d.elderId(), detail);
        repo.escalated(a.id(), inc.id());
        Alarm after = repo.alarm(a.id()).orElse(a);
        audit.recordAs(null, "system", "alarm.escalate", "elder", Long.toString(d.elderId()), "alarm=" + a.id()
                + " incident=" + inc.id() + " kind=" + a.kind() + " device=" + d.id());
        Map<String, Object> elder = elderView(d.elderId(), after);
        List<Long> seats = readySeats.get();
        Long seat = seats.isEmpty() ? null : seats.get(0);
        log.warn("alarm={} device={} elder={} kind={} escalated incident={} seat={}", a.id(), d.id(), d.elderId(), a.kind(),
                inc.id(), seat);
        notifier.alarm(new DeviceEvents.AlarmRaised(after, d, elder, inc.shape(), "sos"), seat);
        return after;
    }

    /** What the pop shows of the elder: who, where (home and the alarm's fix), the access notes. */
    Map<String, Object> elderView(long elderId, Alarm a) {
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<Elder> e = elders.get(elderId);
        m.put("id", elderId);
        m.put("name", e.map(Elder::name).orElse(null));
        m.put("address", e.map(Elder::address).orElse(null));
        m.put("landmarks", e.map(Elder::landmarks).orElse(null)); // the access route notes read to 120
        m.put("phones", e.map(x -> x.phones().stream().map(PhoneNumbers::mask).toList()).orElse(List.of()));
        Map<String, Object> home = null;
        if (e.isPresent() && e.get().place().located()) {
            home = new LinkedHashMap<>();
            home.put("lat", e.get().place().lat());
            home.put("lon", e.get().place().lon());
        }
        m.put("home", home);
        Map<String, Object> fix = null;
        Alarm withFix = a.lat() != null ? a : repo.lastFix(elderId).orElse(null);
        if (withFix != null) {
            fix = new LinkedHashMap<>();
            fix.put("lat", withFix.lat());
            fix.put("lon", withFix.lon());
            fix.put("accuracyM", withFix.accuracyM());
            long at = withFix.occurredAt() != null ? withFix.occurredAt() : withFix.receivedAt();
            fix.put("at", at);
            fix.put("ageSeconds", Math.max(0, (clock.millis() - at) / 1000));
            if (home != null) {
                fix.put("fromHomeMeters", Math.round(onekey.elders.Coordinates.distanceKm(e.get().place().lat(),
                        e.get().place().lon(), withFix.lat(), withFix.lon()) * 1000));
            }
        }
        m.put("fix", fix);
        m.put("station", station(fix != null ? fix : home, fix != null ? "fix" : "home"));
        return m;
    }

    /** The nearest open 驿站 to where the elder is (the fix, else the home): who to send, how far, their phone. */
    private Map<String, Object> station(Map<String, Object> where, String from) {
        if (stations == null || where == null) {
            return null;
        }
        try {
            return stations.nearest((Double) where.get("lat"), (Double) where.get("lon")).map(n -> {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("id", n.station().id());
                st.put("name", n.station().name());
                st.put("address", n.station().address());
                st.put("phone", n.station().phone());
                st.put("hours", n.station().hours());
                st.put("open", n.open());
                st.put("staff", n.station().staff());
                st.put("lat", n.station().lat());
                st.put("lon", n.station().lon());
                st.put("meters", n.meters());
                st.put("from", from);
                return st;
            }).orElse(null);
        } catch (RuntimeException e) { // the pop goes out without the station rather than not at all
            log.warn("nearest station not found for the pop: {}", e.toString());
            return null;
        }
    }

    private Optional<Device> find(Incoming in) {
        if (in.deviceSerial() != null && !in.deviceSerial().isBlank()) {
            return repo.bySerial(in.deviceSerial().trim());
        }
        if (in.contactIdAccount() != null) {
            return repo.byContactIdAccount(in.contactIdAccount().toUpperCase(java.util.Locale.ROOT));
        }
        if (in.sipIdentity() != null) {
            Optional<Device> d = repo.bySipIdentity(DeviceDraft.sipUser(in.sipIdentity()));
            return d.isPresent() ? d : repo.bySerial(DeviceDraft.sipUser(in.sipIdentity()));
        }
        return Optional.empty();
    }

    public List<Alarm> alarms(Long elderId, int limit) {
        return repo.alarms(elderId, limit);
    }

    public Optional<Alarm> alarm(long id) {
        return repo.alarm(id);
    }

    /**
     * An AlarmReceiver event file (Contact ID): each event decoded and taken as an alarm of platform
     * {@code contact-id} with id "{file}/{line}"; a bad checksum is refused and logged (AlarmReceiver refuses it too
     * before its kissoff). Returns one result per event line, null for a refused one.
     */
    public List<Result> contactIdFile(String fileName, String text) {
        return contactIdFile(fileName, text, null);
    }

    /**
     * As {@link #contactIdFile(String, String)}, for a file the alarm line queued as an SOS call itself at
     * {@code queuedAsSosAt} (epoch seconds; null: not) because OneKey did not take it then: the detail says so, for the
     * seat who answered that call and whoever closes the incident.
     */
    public List<Result> contactIdFile(String fileName, String text, Long queuedAsSosAt) {
        ContactId.EventFile f = ContactId.parseFile(text);
        List<Result> out = new java.util.ArrayList<>();
        int line = 0;
        for (String raw : f.events()) {
            line++;
            ContactId.Event ev;
            try {
                ev = ContactId.decode(raw);
            } catch (ContactId.Refused e) {
                log.warn("contact-id event refused file={} line={} digits={} reason={}", fileName, line,
                        raw.length() >= 4 ? raw.substring(0, 4) + "…" : raw, e.getMessage());
                audit.recordAs(null, "system", "alarm.refused", "device", null, "source=contact-id file=" + fileName
                        + " line=" + line + " reason=" + e.getMessage());
                out.add(null);
                continue;
            }
            String detail = "contact-id account=" + ev.account() + " event=" + ev.qualifier() + ev.code() + " ("
                    + ev.description() + ") group=" + ev.group() + " zone=" + ev.zone()
                    + (f.callingFrom() == null ? "" : " from=" + PhoneNumbers.mask(f.callingFrom()))
                    + (queuedAsSosAt == null ? "" : "; " + queuedAsSosNote(null, queuedAsSosAt));
            out.add(receive(new Incoming("contact-id", fileName + "/" + line, "contact-id", null, ev.account(), null,
                    ev.kind(), null, null, null, null, null, detail)));
        }
        return out;
    }

    /**
     * {@code detail} with the note that Asterisk queued the alarm as an SOS call itself at {@code epochSeconds} because
     * OneKey did not take it then (handed over later by the alarm line's retrier).
     */
    public static String queuedAsSosNote(String detail, long epochSeconds) {
        return join(detail, QUEUED_AS_SOS + " " + java.time.Instant.ofEpochSecond(epochSeconds)
                + " (OneKey did not answer then)");
    }

    private static String join(String a, String b) {
        if (a == null || a.isBlank()) {
            return b;
        }
        return b == null ? a : a + "; " + b;
    }
}
