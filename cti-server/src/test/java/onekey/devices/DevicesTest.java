package onekey.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.alerts.Alert;
import onekey.alerts.AlertRepository;
import onekey.alerts.AlertService;
import onekey.api.EventViews;
import onekey.auth.Account;
import onekey.auth.JooqAuditLog;
import onekey.auth.Role;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.elders.Place;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.store.Database;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: the device register, terminal tests, the report, a heartbeat device gone silent (injected clock), and
 * alarms without a voice — replays, test reports and restores, Contact ID checksums, SCAIP bodies, readings.
 */
class DevicesTest {

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final Account sup = new Account(5, "super", Role.SUPERVISOR, "2001", "s", "周班长", true);
    final List<Event> seen = new CopyOnWriteArrayList<>();
    final List<String> opened = new ArrayList<>();
    Database db;
    EventHub hub;
    JooqAuditLog audit;
    JooqElderRepository elders;
    DeviceService devices;
    AlarmService alarms;
    StationService stations;
    ElderThresholds thresholds;
    Elder li;
    /** How many of the next incident openings fail (the rescue busy or its database failing). */
    int failOpens;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        hub = new EventHub(1000);
        audit = new JooqAuditLog(db, clock);
        elders = new JooqElderRepository(db, "21", clock);
        li = elders.create(new ElderDraft("李阿婆", null, null, List.of("13800001234"), "延安西路 1 号 3 楼", "后门进，楼梯左转",
                null, "zh", null, null, null, null, null, null, null, List.of(), true,
                new Place(31.2200, 121.4400, "entered", "华阳路街道", "华一居委")));
        hub.subscribe(id -> true, true, -1, seen::add);
        devices = new DeviceService(new DeviceRepository(db), elders, audit, hub, clock, 30, "21", null);
        stations = new StationService(new StationRepository(db), audit, clock, java.time.ZoneId.of("Asia/Shanghai"), "21");
        thresholds = new ElderThresholds(db, audit, clock);
        alarms = new AlarmService(devices, elders, (elderId, detail) -> {
            if (failOpens > 0) {
                failOpens--;
                throw new IllegalStateException("rescue: no answer in 30 s");
            }
            opened.add(elderId + ":" + detail);
            return new AlarmService.Incidents.Opened(opened.size(), true, Map.of("id", opened.size(), "reason",
                    AlarmService.REASON, "detail", detail));
        }, () -> List.of(7L), audit, hub, clock, thresholds, stations);
    }

    @AfterEach
    void down() {
        db.close();
    }

    private Device button(Integer heartbeat) {
        return devices.register(new DeviceDraft(li.id(), "sos-button", "SOS-0001", "Acme", "P1", "13800001234", "1234",
                "sos-0001@devices", heartbeat, null, "驿站王师傅"), sup);
    }

    private List<String> types() {
        return seen.stream().map(e -> EventViews.type(e.event())).toList();
    }

    @Test
    void aDeviceIsRegisteredListedAndKnownByItsThreeIdentities() {
        Device d = button(null);
        assertThat(d.callerNumber()).isEqualTo("13800001234");
        assertThat(d.sipIdentity()).isEqualTo("sos-0001");
        assertThat(devices.list(li.id(), sup)).extracting(Device::serial).containsExactly("SOS-0001");
        var repo = devices.repository();
        assertThat(repo.byCallerNumber("13800001234")).map(Device::id).contains(d.id());
        assertThat(repo.byContactIdAccount("1234")).map(Device::id).contains(d.id());
        assertThat(repo.bySipIdentity("sos-0001")).map(Device::id).contains(d.id());
        assertThat(audit.find(null, null, null, null, null, 100)).anySatisfy(a -> assertThat(a.action()).isEqualTo("device.register"));
        assertThat(types()).contains("device.registered");
        // a second device with the same Contact ID account is refused, naming the field
        assertThatThrownBy(() -> devices.register(new DeviceDraft(li.id(), "smoke-sensor", "SMK-1", null, null, null,
                "1234", null, null, null, null), sup)).isInstanceOf(DeviceRepository.Taken.class)
                .hasMessageContaining("contactIdAccount");
        assertThatThrownBy(() -> new DeviceDraft(li.id(), "toaster", "X", null, null, null, null, null, null, null, null))
                .hasMessageStartingWith("kind:");
    }

    @Test
    void aCallInTestModeIsRecordedAsATestAndTheReportListsTheRest() {
        Device d = button(null);
        Device smoke = devices.register(new DeviceDraft(li.id(), "smoke-sensor", "SMK-9", null, null, null, "5678", null,
                null, null, null), sup);
        assertThat(devices.report()).extracting(r -> r.device().serial() + "/" + r.reason())
                .containsExactlyInAnyOrder("SOS-0001/never-tested", "SMK-9/never-tested");
        // whose terminal: the desk's 终端 tab shows the elder by name
        assertThat(devices.report()).extracting(DeviceService.ReportRow::elderName).containsOnly("李阿婆");
        assertThat(devices.report().get(0).shape()).containsEntry("elderName", "李阿婆");
        Device inTest = devices.testMode(d.id(), 15, sup);
        assertThat(inTest.inTestMode(clock.millis())).isTrue();
        // the dialplan answered the button's call with 测试成功 and told OneKey (OneKeyDeviceTest)
        assertThat(devices.testCall("13800001234", "ok")).isPresent();
        Device after = devices.get(d.id()).orElseThrow();
        assertThat(after.lastTestAt()).isEqualTo(clock.millis());
        assertThat(after.lastTestResult()).isEqualTo("ok");
        assertThat(after.lastTestBy()).isEqualTo("ivr");
        assertThat(devices.tests(d.id())).extracting(DeviceTest::via).containsExactly("call");
        assertThat(devices.report()).extracting(r -> r.device().serial() + "/" + r.reason())
                .containsExactly("SMK-9/never-tested");
        clock.advance(Duration.ofDays(31));
        assertThat(devices.report()).extracting(r -> r.device().serial() + "/" + r.reason())
                .containsExactlyInAnyOrder("SOS-0001/test-overdue", "SMK-9/never-tested");
        assertThat(smoke.lastTestAt()).isNull();
    }

    @Test
    void aHeartbeatDeviceGoneSilentRaisesTheSupervisorsAlertOnceAndItIsStored() {
        AlertService store = new AlertService(new AlertRepository(db), hub, new AlertService.Reader() {
            @Override
            public String type(onekey.events.DomainEvent e) {
                return EventViews.TYPES.get(e.getClass());
            }

            @Override
            public Map<String, Object> body(onekey.events.DomainEvent e) {
                return EventViews.body(e);
            }
        }, audit, clock, Runnable::run).start();
        try {
            Device d = button(60);
            clock.advance(Duration.ofMinutes(59));
            assertThat(devices.checkSilent()).isEmpty();
            clock.advance(Duration.ofMinutes(2));
            assertThat(devices.checkSilent()).extracting(Device::id).containsExactly(d.id());
            assertThat(devices.checkSilent()).isEmpty(); // once, not on every check
            List<Alert> stored = store.list(true, 10);
            assertThat(stored).extracting(Alert::kind).containsExactly("device-silent");
            assertThat(stored.get(0).message()).contains("SOS-0001");
            assertThat(devices.report()).extracting(r -> r.reason()).contains("silent");
            // heard again (its heartbeat through the platform): a later silence is reported again
            devices.heartbeat("SOS-0001");
            assertThat(devices.get(d.id()).orElseThrow().silentSince()).isNull();
            clock.advance(Duration.ofMinutes(61));
            assertThat(devices.checkSilent()).hasSize(1);
        } finally {
            store.close();
        }
    }

    @Test
    void anAlarmStoredButNotEscalatedIsEscalatedWhenItsSenderTriesAgain() {
        Device d = button(null);
        var in = new AlarmService.Incoming("acme", "A-78", "api", "SOS-0001", null, null, "medical", null, null, null,
                null, null, null);
        failOpens = 1;
        assertThatThrownBy(() -> alarms.receive(in)).hasMessageContaining("no answer");
        Alarm kept = alarms.alarms(li.id(), 10).get(0);
        assertThat(kept.escalated()).isFalse();
        assertThat(opened).isEmpty();
        // the sender was answered an error and tries again: the alarm is escalated now, once
        AlarmService.Result again = alarms.receive(in);
        assertThat(again.replay()).isTrue();
        assertThat(again.outcome()).isEqualTo("escalated");
        assertThat(again.alarm().id()).isEqualTo(kept.id());
        assertThat(again.alarm().incidentId()).isEqualTo(1L);
        assertThat(opened).singleElement().asString().startsWith(li.id() + ":kind=medical device=SOS-0001");
        assertThat(types()).contains("device.alarm");
        AlarmService.Result third = alarms.receive(in);
        assertThat(third.outcome()).isEqualTo("replay");
        assertThat(opened).hasSize(1);
        // a test report stored while the rescue failed is not escalated by its replay either
        devices.testMode(d.id(), 60, sup);
        var test = new AlarmService.Incoming("acme", "A-79", "api", "SOS-0001", null, null, "fall", null, null, null, null,
                null, null);
        assertThat(alarms.receive(test).outcome()).isEqualTo("test");
        assertThat(alarms.receive(test).outcome()).isEqualTo("replay");
        assertThat(opened).hasSize(1);
    }

    @Test
    void aMessageAlarmAsteriskKeptWhileOneKeyWasAwayIsTakenWithItsNoteAndItsKeyDeleted() {
        devices.register(new DeviceDraft(li.id(), "fall-sensor", "FALL-9", null, null, null, null, "fall-9@devices", null,
                null, null), sup);
        var pbx = new onekey.testkit.RecordingPbx();
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><alarm><ref>K-1</ref><device>fall-9</device><type>fall</type><status>alarm"
                + "</status><location><lat>31.2031</lat><lon>121.4431</lon><accuracy>12</accuracy></location></alarm>";
        String b64 = java.util.Base64.getEncoder().encodeToString(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(b64.length()).as("longer than one DBGet").isGreaterThan(255);
        // as [onekey-message] writes them: a good one, the same one again (two nodes), one that is not an alarm, one
        // being written (no /n yet)
        keep(pbx, "1780000000-aaaa", "fall-9", b64);
        keep(pbx, "1780000001-bbbb", "fall-9", b64);
        keep(pbx, "1780000002-cccc", "fall-9", java.util.Base64.getEncoder()
                .encodeToString("not xml".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        pbx.putSetting(KeptAlarms.FAMILY + "/1780000003-dddd", "0", b64.substring(0, 200));
        pbx.putSetting("onekey", "sos-wait", "30");
        KeptAlarms kept = new KeptAlarms(pbx, alarms, audit);
        // the rescue fails on the first: its key is kept for the next round; the second (the same alarm) escalates it
        // as its replay, the one that is not an alarm is refused with an audit row; both deleted
        failOpens = 1;
        assertThat(kept.collect()).isEqualTo(2);
        assertThat(pbx.astdb.keySet()).filteredOn(k -> k.startsWith(KeptAlarms.FAMILY)).allMatch(k ->
                k.contains("/1780000000-aaaa/") || k.contains("/1780000003-dddd/"));
        assertThat(kept.collect()).isEqualTo(1);
        assertThat(pbx.astdb).containsOnlyKeys(KeptAlarms.FAMILY + "/1780000003-dddd/0", "onekey/sos-wait");
        List<Alarm> stored = alarms.alarms(li.id(), 10);
        assertThat(stored).singleElement().satisfies(a -> {
            assertThat(a.alarmId()).isEqualTo("fall-9/K-1");
            assertThat(a.lat()).isEqualTo(31.2031);
            assertThat(a.detail()).contains("queued as SOS by the alarm line at 2026-05-28T20:26:40Z");
            assertThat(a.escalated()).isTrue();
        });
        assertThat(opened).hasSize(1);
        assertThat(audit.recent(null, null, 20)).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("alarm.refused");
            assertThat(r.detail()).contains("kept=1780000002-cccc", "body:");
        });
        assertThat(kept.collect()).isZero();
    }

    /** As [onekey-message] keeps a MESSAGE alarm: 200-character pieces, then n = pieces:device. */
    private static void keep(onekey.testkit.RecordingPbx pbx, String id, String device, String b64) {
        int i = 0;
        for (; i * 200 < b64.length(); i++) {
            pbx.putSetting(KeptAlarms.FAMILY + "/" + id, Integer.toString(i), b64.substring(i * 200,
                    Math.min(b64.length(), i * 200 + 200)));
        }
        pbx.putSetting(KeptAlarms.FAMILY + "/" + id, "n", i + ":" + device);
    }

    @Test
    void anAlarmStoredFromALateRequestGetsTheQueuedAsSosNoteOfItsReplay() {
        button(null);
        // the line's request reached OneKey after the line had given up and queued the alarm as SOS: stored plain
        var in = new AlarmService.Incoming("scaip", "SOS-0001/R-1", "scaip", "SOS-0001", null, null, "fall", null, null,
                null, null, null, "scaip type=fall status=alarm");
        assertThat(alarms.receive(in).alarm().detail()).isEqualTo("scaip type=fall status=alarm");
        // the kept copy comes with the note: the stored alarm gets it, once; nothing is escalated twice
        AlarmService.Result kept = alarms.receive(in.queuedAsSos(1_780_000_000L));
        assertThat(kept.replay()).isTrue();
        assertThat(kept.alarm().detail()).isEqualTo("scaip type=fall status=alarm; queued as SOS by the alarm line at "
                + "2026-05-28T20:26:40Z (OneKey did not answer then)");
        assertThat(alarms.receive(in.queuedAsSos(1_780_000_099L)).alarm().detail()).isEqualTo(kept.alarm().detail());
        assertThat(alarms.receive(in).alarm().detail()).isEqualTo(kept.alarm().detail());
        assertThat(opened).hasSize(1);
    }

    @Test
    void anAlarmReplayedOpensOneIncidentAndPopsToAReadySeatWithThePosition() {
        Device d = button(null);
        var in = new AlarmService.Incoming("acme", "A-77", "api", "SOS-0001", null, null, "fall", clock.millis() - 30_000,
                31.2210, 121.4410, 8.0, null, null);
        AlarmService.Result first = alarms.receive(in);
        AlarmService.Result again = alarms.receive(in);
        assertThat(first.outcome()).isEqualTo("escalated");
        assertThat(again.replay()).isTrue();
        assertThat(again.alarm().id()).isEqualTo(first.alarm().id());
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0)).startsWith(li.id() + ":kind=fall device=SOS-0001");
        assertThat(first.alarm().incidentId()).isEqualTo(1L);
        Event pop = seen.stream().filter(e -> EventViews.type(e.event()).equals("device.alarm")).findFirst().orElseThrow();
        assertThat(pop.accountId()).isEqualTo(7L);
        Map<String, Object> body = EventViews.body(pop);
        assertThat(body.get("priority")).isEqualTo("sos");
        @SuppressWarnings("unchecked")
        Map<String, Object> elder = (Map<String, Object>) body.get("elder");
        assertThat(elder.get("landmarks")).isEqualTo("后门进，楼梯左转");
        @SuppressWarnings("unchecked")
        Map<String, Object> fix = (Map<String, Object>) elder.get("fix");
        assertThat(((Number) fix.get("ageSeconds")).longValue()).isEqualTo(30L);
        assertThat(((Number) fix.get("fromHomeMeters")).longValue()).isBetween(100L, 160L);
        assertThat(devices.get(d.id()).orElseThrow().lastHeardAt()).isEqualTo(clock.millis());
    }

    @Test
    void contactIdTestReportsAndRestoresAreRecordedNotEscalatedAndABadChecksumIsRefused() {
        Device d = button(null);
        String medical = contactId("1234", '1', "100", "01", "015");
        String test = contactId("1234", '1', "602", "00", "000");
        String restore = contactId("1234", '3', "100", "01", "015");
        String bad = medical.substring(0, 15) + (medical.charAt(15) == '1' ? '2' : '1');
        String file = "\n\n[metadata]\n\nPROTOCOL=ADEMCO_CONTACT_ID\nCHECKSUM=yes\nCALLINGFROM=13800001234\n"
                + "CALLERNAME=<unknown>\nTIMESTAMP=Mon Jun 01, 2026 @ 10:00:00 CST\n\n[events]\n\n"
                + medical + "\n" + test + "\n" + restore + "\n" + bad + "\n";
        var results = alarms.contactIdFile("event-Ab12Cd", file);
        assertThat(results).hasSize(4);
        assertThat(results.get(0).outcome()).isEqualTo("escalated");
        assertThat(results.get(0).alarm().kind()).isEqualTo("medical");
        assertThat(results.get(0).alarm().detail()).contains("account=1234", "event=1100", "zone=015", "group=01");
        assertThat(results.get(1).outcome()).isEqualTo("test");
        assertThat(results.get(2).outcome()).isEqualTo("restore");
        assertThat(results.get(3)).isNull();
        assertThat(opened).hasSize(1);
        assertThat(devices.get(d.id()).orElseThrow().lastTestResult()).isEqualTo("ok");
        assertThat(devices.tests(d.id())).extracting(DeviceTest::via).containsExactly("contact-id");
        assertThat(audit.find(null, null, null, null, null, 100)).anySatisfy(a -> {
            assertThat(a.action()).isEqualTo("alarm.refused");
            assertThat(a.detail()).contains("bad checksum");
        });
        // the same file handed over twice (the eventcmd retried): nothing new
        alarms.contactIdFile("event-Ab12Cd", file);
        assertThat(opened).hasSize(1);
    }

    @Test
    void aContactIdFileTheAlarmLineQueuedAsSosItselfIsEscalatedLateWithThatInItsDetail() {
        button(null);
        String medical = contactId("1234", '1', "101", "01", "002");
        String file = "\n\n[metadata]\n\nPROTOCOL=ADEMCO_CONTACT_ID\nCALLINGFROM=13800001234\n\n[events]\n\n" + medical + "\n";
        var results = alarms.contactIdFile("event-Late01", file, 1_780_000_000L);
        assertThat(results).hasSize(1);
        assertThat(results.get(0).outcome()).isEqualTo("escalated");
        assertThat(results.get(0).alarm().detail()).contains("event=1101",
                "queued as SOS by the alarm line at 2026-05-28T20:26:40Z (OneKey did not answer then)");
        assertThat(opened).hasSize(1);
        // the retrier handing it over again: stored once
        assertThat(alarms.contactIdFile("event-Late01", file, 1_780_000_000L).get(0).replay()).isTrue();
        assertThat(opened).hasSize(1);
    }

    @Test
    void contactIdDecodesAccountEventAndZone() throws Exception {
        String m = contactId("4321", '1', "111", "02", "007");
        ContactId.Event e = ContactId.decode(m);
        assertThat(e.account()).isEqualTo("4321");
        assertThat(e.code()).isEqualTo("111");
        assertThat(e.kind()).isEqualTo("smoke");
        assertThat(e.zone()).isEqualTo("007");
        assertThat(e.group()).isEqualTo("02");
        // a worked example: 1234 18 1 131 01 015 with checksum 8 (digit sum 60, 0 counted as 10)
        assertThat(ContactId.checksumOk("1234181131010158")).isTrue();
        assertThat(ContactId.checksumOk("1234181131010152")).isFalse();
        assertThatThrownBy(() -> ContactId.decode("1234181131010152")).hasMessageContaining("checksum");
        assertThat(ContactId.decode(contactId("1234", '1', "101", "01", "001")).kind()).isEqualTo("personal-emergency");
        assertThat(ContactId.decode(contactId("1234", '1', "105", "01", "001")).kind()).isEqualTo("fall");
    }

    @Test
    void readingsWithinRangeAreRecordedAndOutsideRangeEscalated() {
        button(null);
        var normal = alarms.receive(new AlarmService.Incoming("acme", "R-1", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 72.0, "spo2", 97.0), null));
        assertThat(normal.outcome()).isEqualTo("reading-normal");
        var high = alarms.receive(new AlarmService.Incoming("acme", "R-2", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 150.0, "spo2", 86.0), null));
        assertThat(high.outcome()).isEqualTo("escalated");
        assertThat(high.alarm().detail()).contains("heartRate=150 (40-130)", "spo2=86 (90-100)");
        assertThat(opened).hasSize(1);
    }

    @Test
    void anElderOwnRangesOverrideTheDefaultsReadingByReading() {
        button(null);
        // a doctor's ranges: this elder's resting heart rate runs high, and 88 % oxygen is her normal (COPD)
        thresholds.set(li.id(), Map.of("heartRate", new double[] {50, 160}, "spo2", new double[] {85, 100}), sup);
        var usual = alarms.receive(new AlarmService.Incoming("acme", "T-1", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 150.0, "spo2", 88.0), null));
        assertThat(usual.outcome()).isEqualTo("reading-normal");
        // the defaults still judge the readings she has no range of her own for (temperature 35.0–38.5)
        var fever = alarms.receive(new AlarmService.Incoming("acme", "T-2", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 150.0, "temperature", 39.2), null));
        assertThat(fever.outcome()).isEqualTo("escalated");
        assertThat(fever.alarm().detail()).contains("temperature=39.2 (35-38.5)").doesNotContain("heartRate");
        // her own lower bound holds too
        var low = alarms.receive(new AlarmService.Incoming("acme", "T-3", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 45.0), null));
        assertThat(low.alarm().detail()).contains("heartRate=45 (50-160)");
        assertThat(opened).hasSize(2);
        assertThat(ElderThresholds.shape(thresholds.own(li.id()))).containsEntry("heartRate",
                Map.of("min", 50.0, "max", 160.0, "source", "elder"));
        assertThat(audit.find(null, null, null, null, null, 100)).anyMatch(a -> a.action().equals("elder.thresholds"));
        // impossible ranges are refused, naming the reading
        assertThatThrownBy(() -> thresholds.set(li.id(), Map.of("heartRate", new double[] {120, 60}), sup))
                .hasMessageStartingWith("heartRate: min must be below max");
        assertThatThrownBy(() -> thresholds.set(li.id(), Map.of("spo2", new double[] {85, 120}), sup))
                .hasMessageStartingWith("spo2: must lie within 50-100");
        assertThatThrownBy(() -> thresholds.set(li.id(), Map.of("glucose", new double[] {4, 8}), sup))
                .hasMessageStartingWith("glucose: not a reading");
        // cleared: the defaults again
        thresholds.set(li.id(), Map.of(), sup);
        var again = alarms.receive(new AlarmService.Incoming("acme", "T-4", "api", "SOS-0001", null, null,
                "health-reading", null, null, null, null, Map.of("heartRate", 150.0), null));
        assertThat(again.outcome()).isEqualTo("escalated");
    }

    @Test
    void theAlarmPopNamesTheNearestOpenStationWithItsDistanceAndPhone() {
        button(null);
        // the elder is at 31.2200, 121.4400; clock 02:00Z = 10:00 in Shanghai
        Station near = stations.register(new Station.Draft("华阳驿站", "华阳路 1 号", 31.2230, 121.4400, null,
                "021-6200 0001", "08:00-20:00", "王社工", "华阳路街道", null), sup);
        Station far = stations.register(new Station.Draft("江苏路24小时驿站", "江苏路 9 号", 31.2300, 121.4400, null,
                "021-6200 0002", "24h", null, null, null), sup);
        alarms.receive(new AlarmService.Incoming("acme", "S-1", "api", "SOS-0001", null, null, "fall", null,
                null, null, null, null, null));
        Map<String, Object> station = lastPopStation();
        assertThat(station).containsEntry("id", near.id()).containsEntry("name", "华阳驿站")
                .containsEntry("phone", "021-6200 0001").containsEntry("open", true).containsEntry("from", "home");
        assertThat(((Number) station.get("meters")).longValue()).isBetween(320L, 350L); // 0.003° of latitude ≈ 334 m
        // 21:00 in Shanghai: 华阳 has closed, the all-night one 1.1 km away is named
        clock.set(Instant.parse("2026-06-01T13:00:00Z"));
        alarms.receive(new AlarmService.Incoming("acme", "S-2", "api", "SOS-0001", null, null, "fall", null,
                31.2290, 121.4400, 10.0, null, null));
        station = lastPopStation();
        assertThat(station).containsEntry("id", far.id()).containsEntry("open", true).containsEntry("from", "fix");
        assertThat(((Number) station.get("meters")).longValue()).isBetween(100L, 120L); // from the fix, not the home
        assertThat(audit.find(null, null, null, null, null, 100)).filteredOn(a -> a.action().equals("station.register"))
                .hasSize(2);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastPopStation() {
        Event pop = seen.stream().filter(e -> EventViews.type(e.event()).equals("device.alarm"))
                .reduce((a, b) -> b).orElseThrow();
        return (Map<String, Object>) ((Map<String, Object>) EventViews.body(pop).get("elder")).get("station");
    }

    @Test
    void aScaipBodyNamesDeviceTypeStatusAndLocation() {
        Device d = button(null);
        String xml = "<?xml version=\"1.0\"?><mrq><ref>F-1</ref><type>fall</type><status>alarm</status>"
                + "<location><lat>31.2205</lat><lon>121.4405</lon><accuracy>12</accuracy></location></mrq>";
        Scaip.Message m = Scaip.parse(xml, "<sip:sos-0001@10.0.0.9>");
        assertThat(m.device()).isEqualTo("sos-0001");
        var r = alarms.receive(m.incoming());
        assertThat(r.outcome()).isEqualTo("escalated");
        assertThat(r.alarm().deviceId()).isEqualTo(d.id());
        assertThat(r.alarm().lat()).isEqualTo(31.2205);
        assertThat(r.alarm().accuracyM()).isEqualTo(12.0);
        assertThatThrownBy(() -> Scaip.parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><mrq>&e;</mrq>", null))
                .hasMessageStartingWith("body:");
        // in test mode the same alarm is a test, nothing escalated
        devices.testMode(d.id(), 10, sup);
        var t = alarms.receive(Scaip.parse(xml.replace("F-1", "F-2"), "<sip:sos-0001@10.0.0.9>").incoming());
        assertThat(t.outcome()).isEqualTo("test");
        assertThat(opened).hasSize(1);
    }

    static String contactId(String account, char q, String code, String group, String zone) {
        String first = account + "18" + q + code + group + zone;
        return first + ContactId.checksumFor(first);
    }
}
