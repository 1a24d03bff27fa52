package onekey.devices;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device register and terminal tests (issue 24; service rules, Operations: "terminals tested periodically by
 * community staff"). A device is registered for an elder ({@link #register}, audited {@code device.register}); a
 * 驿站 worker sets test mode ({@link #testMode}, audited) and presses the button: the dialplan finds the device's
 * number in AstDB family {@code onekey-devtest} (written here while test mode lasts, so it works without OneKey
 * too), the IVR answers "测试成功", no agent is rung, and {@code OneKeyDeviceTest} tells OneKey, which records the
 * test ({@link #testCall}). {@link #report}: terminals never tested, not tested within {@code devices.testDays}, or
 * silent past their heartbeat. {@link #checkSilent}: a heartbeat device gone silent raises the supervisors' alert
 * ({@code system.alert} kind {@code device-silent}) once until it is heard again.
 */
public final class DeviceService {
    private static final Logger log = LoggerFactory.getLogger(DeviceService.class);
    /** AstDB family of the numbers in test mode: number → until (epoch seconds). */
    public static final String TEST_FAMILY = "onekey-devtest";

    private final DeviceRepository repo;
    private final ElderRepository elders;
    private final AuditLog audit;
    private final DeviceNotifier notifier;
    private final Clock clock;
    private final int testDays;
    private final String defaultAreaCode;
    /** Where test mode is told to the dialplan; null: nowhere (unit tests). */
    private final Pbx pbx;

    public DeviceService(DeviceRepository repo, ElderRepository elders, AuditLog audit, onekey.events.EventHub hub,
                         Clock clock, int testDays, String defaultAreaCode, Pbx pbx) {
        this.repo = repo;
        this.elders = elders;
        this.audit = audit;
        this.notifier = new DeviceNotifier(hub);
        this.clock = clock;
        this.testDays = testDays;
        this.defaultAreaCode = defaultAreaCode;
        this.pbx = pbx;
    }

    DeviceRepository repository() {
        return repo;
    }

    /** Registers a device; IllegalArgumentException "field: message", {@link DeviceRepository.Taken} on a clash. */
    public Device register(DeviceDraft d, Account by) {
        if (elders.get(d.elderId()).isEmpty()) {
            throw new IllegalArgumentException("elderId: no such elder: " + d.elderId());
        }
        String number = null;
        if (d.callerNumber() != null && !d.callerNumber().isBlank()) {
            number = PhoneNumbers.normalize(d.callerNumber(), defaultAreaCode);
            if (number == null) {
                throw new IllegalArgumentException("callerNumber: not a phone number");
            }
        }
        DeviceDraft n = new DeviceDraft(d.elderId(), d.kind(), d.serial(), d.make(), d.model(), number,
                d.contactIdAccount(), d.sipIdentity(), d.heartbeatMinutes(), d.installedOn(),
                d.installedBy() == null ? by.username() : d.installedBy());
        Device dev = repo.insert(n, clock.millis());
        audit.record(by, "device.register", "elder", Long.toString(dev.elderId()), "device=" + dev.id() + " kind="
                + dev.kind() + " serial=" + dev.serial());
        log.info("device={} elder={} kind={} registered by={}", dev.id(), dev.elderId(), dev.kind(), by.username());
        notifier.toSupervisors(new DeviceEvents.Registered(dev));
        return dev;
    }

    public Optional<Device> get(long id) {
        return repo.get(id);
    }

    /** One elder's devices (null: all); reading them is audited as a view of the elder's record. */
    public List<Device> list(Long elderId, Account by) {
        List<Device> list = repo.list(elderId);
        if (elderId != null) {
            audit.record(by, "device.list", "elder", Long.toString(elderId), "devices=" + list.size());
        }
        return list;
    }

    public List<DeviceTest> tests(long deviceId) {
        return repo.tests(deviceId, 100);
    }

    /**
     * Test mode for {@code minutes} (0 ends it): a call from the device's number before then is a terminal test. The
     * number is written into AstDB so that the dialplan answers it with the IVR without asking OneKey.
     */
    public Device testMode(long id, int minutes, Account by) {
        Device d = repo.get(id).orElseThrow(() -> new NoSuchElementException("no such device: " + id));
        if (minutes < 0 || minutes > 24 * 60) {
            throw new IllegalArgumentException("minutes: 0 to 1440");
        }
        long now = clock.millis();
        Long until = minutes == 0 ? null : now + minutes * 60_000L;
        repo.testMode(id, until, now);
        publishTestMode(d.callerNumber(), until);
        audit.record(by, "device.test-mode", "elder", Long.toString(d.elderId()), "device=" + id + " minutes=" + minutes);
        Device after = repo.get(id).orElseThrow();
        notifier.toSupervisors(new DeviceEvents.TestMode(after));
        return after;
    }

    private void publishTestMode(String number, Long until) {
        if (pbx == null || number == null) {
            return;
        }
        try {
            // the dialplan looks the caller's digits up as they come (a national number with its trunk 0 or
            // without), as the rescue's onekey-incident family does
            for (String key : List.of(number, "0" + number)) {
                if (until == null) {
                    pbx.deleteSetting(TEST_FAMILY, key);
                } else {
                    pbx.putSetting(TEST_FAMILY, key, Long.toString(until / 1000));
                }
            }
        } catch (RuntimeException e) {
            log.warn("device test mode not told to Asterisk number={}: {}", PhoneNumbers.mask(number), e.toString());
        }
    }

    /** After every AMI connect: the numbers in test mode now, again into AstDB (Asterisk may have restarted). */
    public void publishTestModes() {
        long now = clock.millis();
        for (Device d : repo.list(null)) {
            if (d.inTestMode(now)) {
                publishTestMode(d.callerNumber(), d.testModeUntil());
            }
        }
    }

    /**
     * The dialplan answered a call in test mode ({@code OneKeyDeviceTest}): the test is recorded for the device whose
     * number called, by the system ("测试成功" was played: result ok). Empty for a number no device has.
     */
    public Optional<DeviceTest> testCall(String callerNumber, String result) {
        String number = PhoneNumbers.normalize(callerNumber, defaultAreaCode);
        Optional<Device> d = number == null ? Optional.empty() : repo.byCallerNumber(number);
        if (d.isEmpty()) {
            log.warn("device test call from an unknown number {}", PhoneNumbers.mask(number));
            return Optional.empty();
        }
        return Optional.of(recordTest(d.get(), "ivr", "call", result == null ? "ok" : result, "测试成功 played"));
    }

    /** A test recorded for a device (a call, a panel's 602 report, a platform's test alarm, by hand). */
    public DeviceTest recordTest(Device d, String by, String via, String result, String detail) {
        long now = clock.millis();
        repo.recordTest(d.id(), now, by, via, result, detail);
        heard(d);
        audit.recordAs(null, by, "device.test", "elder", Long.toString(d.elderId()), "device=" + d.id() + " via=" + via
                + " result=" + result);
        DeviceTest t = repo.tests(d.id(), 1).get(0);
        log.info("device={} tested via={} result={} by={}", d.id(), via, result, by);
        notifier.toSupervisors(new DeviceEvents.Tested(repo.get(d.id()).orElse(d), t));
        return t;
    }

    /** The device spoke (an alarm, a test, a heartbeat): its silence, if any, is over. */
    public void heard(Device d) {
        if (repo.heard(d.id(), clock.millis())) {
            log.info("device={} heard again after its silence", d.id());
        }
    }

    /** Heard by serial (a platform's heartbeat). */
    public Optional<Device> heartbeat(String serial) {
        Optional<Device> d = repo.bySerial(serial);
        d.ifPresent(this::heard);
        return d;
    }

    /**
     * Heartbeat devices silent past their interval: each raises the supervisors' alert once (until heard again).
     * Returns the devices reported now. Run every {@code devices.silentCheckSeconds}.
     */
    public List<Device> checkSilent() {
        long now = clock.millis();
        List<Device> reported = new ArrayList<>();
        for (Device d : repo.newlySilent(now)) {
            long since = d.lastHeardAt() + d.heartbeatMinutes() * 60_000L;
            if (repo.markSilent(d.id(), since, now)) {
                long minutes = (now - d.lastHeardAt()) / 60_000L;
                String message = "设备 " + d.serial() + " (" + d.kind() + ", 老人 " + d.elderId() + ") 已 " + minutes
                        + " 分钟无心跳 / device silent for " + minutes + " min (heartbeat every " + d.heartbeatMinutes()
                        + " min)";
                log.warn("device={} elder={} silent minutes={} heartbeat={}", d.id(), d.elderId(), minutes,
                        d.heartbeatMinutes());
                Device after = repo.get(d.id()).orElse(d);
                notifier.toSupervisors(new DeviceEvents.Silent(after, minutes, message));
                reported.add(after);
            }
        }
        return reported;
    }

    /** One line of the terminals report. */
    /** {@code elderName}: whose terminal it is, for the supervisors' report (issue 24: the desk's 终端 tab). */
    public record ReportRow(Device device, String reason, Long dueSince, String elderName) {
        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", device.shape());
            m.put("reason", reason);
            m.put("dueSince", dueSince);
            m.put("elderName", elderName);
            return m;
        }
    }

    /**
     * Terminals to see to: {@code never-tested}, {@code test-overdue} (last test older than {@code devices.testDays}),
     * {@code silent} (a heartbeat device not heard within its interval). A device may appear once per reason.
     */
    public List<ReportRow> report() {
        long now = clock.millis();
        long testWindow = Duration.ofDays(testDays).toMillis();
        List<ReportRow> rows = new ArrayList<>();
        Map<Long, String> names = new java.util.HashMap<>();
        for (Device d : repo.list(null)) {
            String name = names.computeIfAbsent(d.elderId(), id -> elders.get(id).map(onekey.elders.Elder::name).orElse(null));
            if (d.lastTestAt() == null) {
                rows.add(new ReportRow(d, "never-tested", d.createdAt() + testWindow, name));
            } else if (d.lastTestAt() + testWindow < now) {
                rows.add(new ReportRow(d, "test-overdue", d.lastTestAt() + testWindow, name));
            }
            if (d.heartbeatMinutes() != null && d.lastHeardAt() != null
                    && d.lastHeardAt() + d.heartbeatMinutes() * 60_000L < now) {
                rows.add(new ReportRow(d, "silent", d.lastHeardAt() + d.heartbeatMinutes() * 60_000L, name));
            }
        }
        return rows;
    }

    public int testDays() {
        return testDays;
    }
}
