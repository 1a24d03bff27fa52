package onekey.devices;

import static onekey.store.jooq.Tables.ALARMS;
import static onekey.store.jooq.Tables.DEVICES;
import static onekey.store.jooq.Tables.DEVICE_TESTS;

import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.DevicesRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/** Devices, their tests and their alarms (schema V24); queries visible here, updates of the columns that changed. */
public final class DeviceRepository {

    /** A caller number, Contact ID account, SIP identity or serial that already names another device. */
    public static final class Taken extends RuntimeException {
        public final String field;

        Taken(String field) {
            super(field + ": already names another device", null, false, false);
            this.field = field;
        }
    }

    private final DSLContext dsl;

    public DeviceRepository(Database db) {
        this.dsl = db.dsl();
    }

    public Device insert(DeviceDraft d, long now) {
        try {
            long id = dsl.insertInto(DEVICES)
                    .set(DEVICES.ELDER_ID, d.elderId())
                    .set(DEVICES.KIND, d.kind())
                    .set(DEVICES.SERIAL, d.serial())
                    .set(DEVICES.MAKE, d.make())
                    .set(DEVICES.MODEL, d.model())
                    .set(DEVICES.CALLER_NUMBER, d.callerNumber())
                    .set(DEVICES.CONTACT_ID_ACCOUNT, d.contactIdAccount())
                    .set(DEVICES.SIP_IDENTITY, d.sipIdentity())
                    .set(DEVICES.HEARTBEAT_MINUTES, d.heartbeatMinutes())
                    .set(DEVICES.INSTALLED_ON, d.installedOn())
                    .set(DEVICES.INSTALLED_BY, d.installedBy())
                    .set(DEVICES.CREATED_AT, now)
                    .set(DEVICES.UPDATED_AT, now)
                    // a device that reports by itself counts as heard when it is installed: its first silence is
                    // measured from there
                    .set(DEVICES.LAST_HEARD_AT, d.heartbeatMinutes() == null ? null : now)
                    .returning(DEVICES.ID).fetchOne().getId();
            return get(id).orElseThrow();
        } catch (DataAccessException e) {
            for (String[] c : new String[][] {{"uq_devices_serial", "serial"}, {"uq_devices_caller", "callerNumber"},
                    {"uq_devices_cid", "contactIdAccount"}, {"uq_devices_sip", "sipIdentity"}}) {
                if (Constraints.violates(e, c[0])) {
                    throw new Taken(c[1]);
                }
            }
            throw e;
        }
    }

    public Optional<Device> get(long id) {
        return dsl.selectFrom(DEVICES).where(DEVICES.ID.eq(id)).fetchOptional(DeviceRepository::device);
    }

    /** All devices, or one elder's; by id. */
    public List<Device> list(Long elderId) {
        return dsl.selectFrom(DEVICES).where(elderId == null ? DSL.noCondition() : DEVICES.ELDER_ID.eq(elderId))
                .orderBy(DEVICES.ID).limit(10_000).fetch(DeviceRepository::device);
    }

    public Optional<Device> bySerial(String serial) {
        return dsl.selectFrom(DEVICES).where(DEVICES.SERIAL.eq(serial)).fetchOptional(DeviceRepository::device);
    }

    public Optional<Device> byCallerNumber(String normalized) {
        return dsl.selectFrom(DEVICES).where(DEVICES.CALLER_NUMBER.eq(normalized)).fetchOptional(DeviceRepository::device);
    }

    public Optional<Device> byContactIdAccount(String account) {
        return dsl.selectFrom(DEVICES).where(DEVICES.CONTACT_ID_ACCOUNT.eq(account)).fetchOptional(DeviceRepository::device);
    }

    public Optional<Device> bySipIdentity(String user) {
        return dsl.selectFrom(DEVICES).where(DEVICES.SIP_IDENTITY.eq(user)).fetchOptional(DeviceRepository::device);
    }

    /** Devices with a heartbeat whose last word is older than their interval and not yet reported silent. */
    public List<Device> newlySilent(long now) {
        return dsl.selectFrom(DEVICES).where(DEVICES.HEARTBEAT_MINUTES.isNotNull()).and(DEVICES.SILENT_SINCE.isNull())
                .and(DEVICES.LAST_HEARD_AT.plus(DEVICES.HEARTBEAT_MINUTES.cast(Long.class).mul(60_000L)).lt(now))
                .fetch(DeviceRepository::device);
    }

    /** The device reported silent: once (false when another check was first). */
    public boolean markSilent(long id, long since, long now) {
        return dsl.update(DEVICES).set(DEVICES.SILENT_SINCE, since).set(DEVICES.UPDATED_AT, now)
                .where(DEVICES.ID.eq(id)).and(DEVICES.SILENT_SINCE.isNull()).execute() == 1;
    }

    /** Heard from now; true when it had been reported silent (the silence is over). */
    public boolean heard(long id, long at) {
        int wasSilent = dsl.update(DEVICES).set(DEVICES.LAST_HEARD_AT, at).setNull(DEVICES.SILENT_SINCE)
                .set(DEVICES.UPDATED_AT, at).where(DEVICES.ID.eq(id)).and(DEVICES.SILENT_SINCE.isNotNull()).execute();
        if (wasSilent == 0) {
            dsl.update(DEVICES).set(DEVICES.LAST_HEARD_AT, at).set(DEVICES.UPDATED_AT, at).where(DEVICES.ID.eq(id)).execute();
        }
        return wasSilent == 1;
    }

    public void testMode(long id, Long until, long now) {
        dsl.update(DEVICES).set(DEVICES.TEST_MODE_UNTIL, until).set(DEVICES.UPDATED_AT, now).where(DEVICES.ID.eq(id)).execute();
    }

    /** A terminal test: its row and the device's last test. */
    public void recordTest(long id, long at, String by, String via, String result, String detail) {
        dsl.transaction(cfg -> {
            DSLContext tx = cfg.dsl();
            tx.insertInto(DEVICE_TESTS).set(DEVICE_TESTS.DEVICE_ID, id).set(DEVICE_TESTS.TESTED_AT, at)
                    .set(DEVICE_TESTS.TESTED_BY, by).set(DEVICE_TESTS.VIA, via).set(DEVICE_TESTS.RESULT, result)
                    .set(DEVICE_TESTS.DETAIL, detail == null || detail.length() <= 255 ? detail : detail.substring(0, 255))
                    .execute();
            tx.update(DEVICES).set(DEVICES.LAST_TEST_AT, at).set(DEVICES.LAST_TEST_BY, by)
                    .set(DEVICES.LAST_TEST_RESULT, result).set(DEVICES.UPDATED_AT, at).where(DEVICES.ID.eq(id)).execute();
        });
    }

    /** One device's tests, newest first. */
    public List<DeviceTest> tests(long deviceId, int limit) {
        return dsl.selectFrom(DEVICE_TESTS).where(DEVICE_TESTS.DEVICE_ID.eq(deviceId))
                .orderBy(DEVICE_TESTS.TESTED_AT.desc(), DEVICE_TESTS.ID.desc()).limit(limit)
                .fetch(r -> new DeviceTest(r.getId(), r.getDeviceId(), r.getTestedAt(), r.getTestedBy(), r.getVia(),
                        r.getResult(), r.getDetail()));
    }

    /** Stores an alarm once; empty when (platform, alarmId) was stored already (a replay). */
    public Optional<Alarm> insertAlarm(Alarm a) {
        try {
            long id = dsl.insertInto(ALARMS)
                    .set(ALARMS.PLATFORM, a.platform())
                    .set(ALARMS.ALARM_ID, a.alarmId())
                    .set(ALARMS.SOURCE, a.source())
                    .set(ALARMS.DEVICE_ID, a.deviceId())
                    .set(ALARMS.ELDER_ID, a.elderId())
                    .set(ALARMS.KIND, a.kind())
                    .set(ALARMS.RECEIVED_AT, a.receivedAt())
                    .set(ALARMS.OCCURRED_AT, a.occurredAt())
                    .set(ALARMS.LAT, a.lat())
                    .set(ALARMS.LON, a.lon())
                    .set(ALARMS.ACCURACY_M, a.accuracyM())
                    .set(ALARMS.DETAIL, a.detail() == null || a.detail().length() <= 500 ? a.detail() : a.detail().substring(0, 500))
                    .set(ALARMS.ESCALATED, false)
                    .returning(ALARMS.ID).fetchOne().getId();
            return alarm(id);
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_alarms_platform_id")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<Alarm> alarm(long id) {
        return dsl.selectFrom(ALARMS).where(ALARMS.ID.eq(id)).fetchOptional(DeviceRepository::alarm);
    }

    public Optional<Alarm> alarm(String platform, String alarmId) {
        return dsl.selectFrom(ALARMS).where(ALARMS.PLATFORM.eq(platform)).and(ALARMS.ALARM_ID.eq(alarmId))
                .fetchOptional(DeviceRepository::alarm);
    }

    public void escalated(long alarmId, long incidentId) {
        dsl.update(ALARMS).set(ALARMS.ESCALATED, true).set(ALARMS.INCIDENT_ID, incidentId).where(ALARMS.ID.eq(alarmId)).execute();
    }

    /** The alarm's detail replaced (a later word on it: Asterisk queued it as SOS too). */
    public void detail(long alarmId, String detail) {
        dsl.update(ALARMS).set(ALARMS.DETAIL, detail).where(ALARMS.ID.eq(alarmId)).execute();
    }

    /** Newest first; null: every elder. */
    public List<Alarm> alarms(Long elderId, int limit) {
        return dsl.selectFrom(ALARMS).where(elderId == null ? DSL.noCondition() : ALARMS.ELDER_ID.eq(elderId))
                .orderBy(ALARMS.RECEIVED_AT.desc(), ALARMS.ID.desc()).limit(limit).fetch(DeviceRepository::alarm);
    }

    /** The newest alarm of the elder that carried a position (the last GPS fix of a portable terminal). */
    public Optional<Alarm> lastFix(long elderId) {
        return dsl.selectFrom(ALARMS).where(ALARMS.ELDER_ID.eq(elderId)).and(ALARMS.LAT.isNotNull())
                .orderBy(ALARMS.RECEIVED_AT.desc(), ALARMS.ID.desc()).limit(1).fetchOptional(DeviceRepository::alarm);
    }

    private static Alarm alarm(onekey.store.jooq.tables.records.AlarmsRecord r) {
        return new Alarm(r.getId(), r.getPlatform(), r.getAlarmId(), r.getSource(), r.getDeviceId(), r.getElderId(),
                r.getKind(), r.getReceivedAt(), r.getOccurredAt(), r.getLat(), r.getLon(), r.getAccuracyM(), r.getDetail(),
                Boolean.TRUE.equals(r.getEscalated()), r.getIncidentId());
    }

    private static Device device(DevicesRecord r) {
        return new Device(r.getId(), r.getElderId(), r.getKind(), r.getSerial(), r.getMake(), r.getModel(),
                r.getCallerNumber(), r.getContactIdAccount(), r.getSipIdentity(), r.getHeartbeatMinutes(),
                r.getInstalledOn(), r.getInstalledBy(), r.getLastHeardAt(), r.getLastTestAt(), r.getLastTestBy(),
                r.getLastTestResult(), r.getTestModeUntil(), r.getSilentSince(), r.getCreatedAt(), r.getUpdatedAt());
    }
}
