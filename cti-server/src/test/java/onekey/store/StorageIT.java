package onekey.store;

import onekey.demo.DemoData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import onekey.auth.Account;
import onekey.auth.AccountDraft;
import onekey.auth.AuditEntry;
import onekey.auth.JooqAccountRepository;
import onekey.auth.JooqAuditLog;
import onekey.auth.JooqTokenStore;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.calls.CallEvent;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.calls.JooqCallRepository;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.elders.PhoneNumbers;
import onekey.lines.JooqLineRepository;
import onekey.lines.Line;
import onekey.lines.Service;
import onekey.recording.JooqRecordingRepository;
import onekey.recording.Recording;
import onekey.testkit.MariaDbServer;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every repository against both engines OneKey supports: H2 (a temp file) and a private MariaDB
 * ({@link MariaDbServer}). Each test gets a fresh, migrated database.
 */
class StorageIT {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0}")
    @MethodSource("onekey.store.StorageIT#engines")
    @interface OnBothEngines {}

    static Stream<String> engines() {
        return Stream.of("h2", "mariadb");
    }

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static MariaDbServer maria;

    @TempDir
    static Path tmp;

    private Database db;
    private final TestClock clock = new TestClock(1_750_000_000_000L);

    @BeforeAll
    static void startMariaDb() {
        maria = MariaDbServer.start();
    }

    @AfterAll
    static void stopMariaDb() {
        if (maria != null) {
            maria.close();
        }
    }

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    private String freshUrl(String engine) {
        return engine.equals("h2")
                ? Database.h2FileUrl(tmp.resolve("onekey" + SEQ.incrementAndGet()))
                : maria.createDatabase("it");
    }

    private Database open(String engine) {
        db = openUrl(engine, freshUrl(engine));
        return db;
    }

    private static Database openUrl(String engine, String url) {
        return engine.equals("h2")
                ? Database.open(url, "sa", "", 4)
                : Database.open(url, maria.user(), maria.password(), 4);
    }

    private JooqElderRepository elders() {
        return new JooqElderRepository(db, "21", clock);
    }

    private static ElderDraft draft(String name, List<String> phones, List<Contact> contacts) {
        return new ElderDraft(name, LocalDate.of(1938, 3, 12), "female", phones, "上海市杨浦区控江路1029弄12号",
                "长白新村菜场对面", "杨浦区", "zh", "district-paid", "高血压", "氨氯地平 5mg", "青霉素",
                "拄拐杖", "one-key landline", "独居", contacts);
    }

    /**
     * {@link Database#inOneTransaction} (MariaDB: START TRANSACTION … COMMIT on the autocommit connection, issue 23):
     * committed together, rolled back whole, and the one pooled connection left out of any transaction either way
     * (an insert after it is seen at once by another connection).
     */
    @OnBothEngines
    void oneTransactionCommitsTogetherRollsBackWholeAndLeavesThePooledConnectionInAutocommit(String engine) throws Exception {
        String url = freshUrl(engine);
        Database one = engine.equals("h2") ? Database.open(url, "sa", "", 1)
                : Database.open(url, maria.user(), maria.password(), 1);
        Database other = openUrl(engine, url);
        try {
            one.dsl().execute("create table tx_t (id int primary key, v varchar(10))");
            one.inOneTransaction(() -> {
                one.dsl().execute("insert into tx_t values (1, 'a')");
                one.dsl().execute("insert into tx_t values (2, 'b')");
                assertEquals(0, other.dsl().fetchCount(org.jooq.impl.DSL.table("tx_t")), "not seen before the commit");
            });
            assertEquals(2, other.dsl().fetchCount(org.jooq.impl.DSL.table("tx_t")));
            Exception refused = null;
            try {
                one.inOneTransaction(() -> {
                    one.dsl().execute("insert into tx_t values (3, 'c')");
                    one.dsl().execute("insert into tx_t values (1, 'again')");
                });
            } catch (org.jooq.exception.DataAccessException e) {
                refused = e;
            }
            assertTrue(refused != null, "the duplicate key is thrown");
            assertEquals(2, other.dsl().fetchCount(org.jooq.impl.DSL.table("tx_t")), "row 3 rolled back with it");
            one.dsl().execute("insert into tx_t values (4, 'd')"); // the same (only) connection, autocommit again
            assertEquals(3, other.dsl().fetchCount(org.jooq.impl.DSL.table("tx_t")), "seen at once: no transaction left open");
        } finally {
            other.close();
            one.close();
        }
    }

    // --- care-call campaign filters on the stored records (issue 16) -----------------------------------

    private static ElderDraft elder(String name, String phone, LocalDate born, String district, String language,
                                    Boolean livingAlone) {
        return new ElderDraft(name, born, null, List.of(phone), "地址", null, district, language, null, null, null,
                null, null, null, null, List.of(), livingAlone);
    }

    private static List<String> names(List<Elder> chosen) {
        return chosen.stream().map(Elder::name).toList();
    }

    @OnBothEngines
    void everyCampaignFilterChoosesFromTheStoredRecords(String engine) {
        open(engine);
        LocalDate today = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        var repo = elders();
        repo.create(elder("独居甲", "13800000001", today.minusYears(85), "杨浦区", "zh", true));          // birthday today
        repo.create(elder("同住乙", "13800000002", today.minusYears(80).minusDays(1), "杨浦区", "zh", false));
        repo.create(elder("Alone C", "13800000003", today.minusYears(79).plusDays(1), "长宁区", "en", true)); // 78
        repo.create(elder("未说丁", "13800000004", null, "杨浦区", "wuu", null));                   // age unknown
        long changed = repo.create(elder("后改戊", "13800000005", today.minusYears(90).plusDays(3), "徐汇区", "zh", null)).id();
        // an edit that says living alone is stored; a later edit that does not say keeps it
        repo.update(changed, elder("后改戊", "13800000005", today.minusYears(90).plusDays(3), "徐汇区", "zh", true));
        repo.update(changed, elder("后改戊", "13800000005", today.minusYears(90).plusDays(3), "徐汇区", "zh", null));
        assertTrue(repo.get(changed).orElseThrow().livingAlone());

        java.util.function.Function<onekey.broadcast.CampaignService.Selection, List<String>> pick =
                sel -> names(onekey.broadcast.CampaignService.select(repo, sel, today));
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, true, null, null))).containsExactly("独居甲", "Alone C", "后改戊");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, false, null, null))).containsExactly("同住乙", "未说丁");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, null, true, null))).containsExactly("独居甲");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, null, false, null))).containsExactly("同住乙", "Alone C", "未说丁", "后改戊");
        // minAge: 80 is in (the 80th birthday was yesterday), 78 and an unknown age are out
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, null, null, 80))).containsExactly("独居甲", "同住乙", "后改戊");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, null, null, null, 86))).containsExactly("后改戊");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, "en", null, null, null))).containsExactly("Alone C");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                null, "wuu", null, null, null))).containsExactly("未说丁");
        // every given attribute must match
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                "杨浦区", "zh", true, null, 80))).containsExactly("独居甲");
        org.assertj.core.api.Assertions.assertThat(pick.apply(new onekey.broadcast.CampaignService.Selection(
                "杨浦区", "zh", true, false, null))).isEmpty();
    }

    /** Issue 22: every report's SQL runs the same on both engines and gives the figures worked out by hand. */
    @OnBothEngines
    void theDistrictsReportsGiveTheSameFiguresOnBothEngines(String engine) {
        open(engine);
        onekey.reports.ReportSeed.seed(db.dsl());
        onekey.reports.ReportFigures.assertAll(new onekey.reports.ReportQueries(db.dsl(), (f, t) -> java.util.List.of(),
                java.time.Clock.fixed(java.time.Instant.ofEpochMilli(onekey.reports.ReportSeed.NOW), onekey.reports.ReportSeed.ZONE)));
    }

    /**
     * Issue 22, V29: a report read from the per-day call summaries equals the raw rows' computation on both engines,
     * and stays equal after a call of a summed day is written (the day dropped, rebuilt) and an elder's class changes.
     */
    @OnBothEngines
    void theCallSummariesGiveExactlyTheRawFiguresOnBothEngines(String engine) {
        open(engine);
        onekey.reports.ReportSeed.seed(db.dsl());
        onekey.reports.SummaryCheck.seedWeek(db.dsl());
        int built = onekey.reports.SummaryCheck.assertSummariesEqualRaw(db.dsl());
        org.assertj.core.api.Assertions.assertThat(built).as("(day, dimension) summaries built").isGreaterThan(20);
        // a late write to a summed day: that call becomes a seat's own call, so the day's offered calls drop by one
        long late = db.dsl().select(onekey.store.jooq.Tables.CALLS.ID).from(onekey.store.jooq.Tables.CALLS)
                .where(onekey.store.jooq.Tables.CALLS.LINKEDID.eq("week.100")).fetchOne().value1();
        new onekey.calls.SeatCallRepository(db).markSeat(late, null, null);
        org.assertj.core.api.Assertions.assertThat(db.dsl().fetchCount(onekey.store.jooq.Tables.CALL_SUMMARY_DAYS))
                .as("the late call's day dropped").isLessThan(built);
        onekey.reports.SummaryCheck.assertSummariesEqualRaw(db.dsl());
        // an elder moves to another class: the summaries by category are rebuilt
        db.dsl().update(onekey.store.jooq.Tables.ELDERS).set(onekey.store.jooq.Tables.ELDERS.CATEGORY, "moved")
                .where(onekey.store.jooq.Tables.ELDERS.ID.eq(db.dsl().select(org.jooq.impl.DSL.min(
                        onekey.store.jooq.Tables.ELDERS.ID)).from(onekey.store.jooq.Tables.ELDERS))).execute();
        onekey.reports.CallSummaries.invalidateElderDims(db.dsl());
        onekey.reports.SummaryCheck.assertSummariesEqualRaw(db.dsl());
    }

    @OnBothEngines
    void anEldersArchiveIsStoredWithTheCardSealedAndAnEditThatDoesNotNameItKeepsIt(String engine) {
        open(engine);
        var repo = elders();
        var cipher = onekey.elders.ArchiveCipher.of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var d = elder("档案甲", "13800000021", null, "徐汇区", "zh", true);
        var archive = new onekey.elders.Archive(true, "nursing", "enrolled", LocalDate.of(2026, 3, 1),
                LocalDate.of(2026, 2, 27), "NT-1", LocalDate.of(2026, 2, 27), "RF-1", null, null,
                cipher.seal("310101193803121234"));
        long id = repo.create(new ElderDraft(d.name(), d.birthDate(), d.gender(), d.phones(), d.address(), d.landmarks(),
                d.district(), d.language(), d.category(), d.healthConditions(), d.medications(), d.allergies(),
                d.mobility(), d.device(), d.notes(), d.contacts(), true, null, archive)).id();
        var stored = repo.get(id).orElseThrow().archive();
        assertEquals("nursing", stored.careLevel());
        assertEquals(LocalDate.of(2026, 3, 1), stored.enrolledOn());
        assertEquals("RF-1", stored.formRef());
        assertTrue(stored.economicHardship());
        assertFalse(stored.proxyCallAgreed());
        assertEquals("1234", stored.insuranceCard().last4());
        assertEquals("310101193803121234", cipher.open(id, stored.insuranceCard()));
        String sealed = db.dsl().select(onekey.store.jooq.Tables.ELDERS.INSURANCE_CARD_SEALED)
                .from(onekey.store.jooq.Tables.ELDERS).where(onekey.store.jooq.Tables.ELDERS.ID.eq(id)).fetchOne().value1();
        assertFalse(sealed.contains("310101"), "the column holds ciphertext only");
        repo.update(id, d); // no archive named: unchanged
        assertEquals("nursing", repo.get(id).orElseThrow().archive().careLevel());
        // a new archive without a card keeps the card; the 人工代呼 agreement signed
        repo.update(id, new ElderDraft(d.name(), d.birthDate(), d.gender(), d.phones(), d.address(), d.landmarks(),
                d.district(), d.language(), d.category(), d.healthConditions(), d.medications(), d.allergies(),
                d.mobility(), d.device(), d.notes(), d.contacts(), true, null,
                new onekey.elders.Archive(false, "self-care", "enrolled", null, null, null, null, null,
                        LocalDate.of(2026, 5, 1), "DH-1", null)));
        var after = repo.get(id).orElseThrow().archive();
        assertTrue(after.proxyCallAgreed());
        assertEquals("self-care", after.careLevel());
        assertEquals("310101193803121234", cipher.open(id, after.insuranceCard()));
        assertEquals(onekey.elders.Archive.NONE, repo.create(elder("档案乙", "13800000022", null, null, "zh", null)).archive());
    }

    @OnBothEngines
    void anEldersPlaceIsStoredAndAnEditThatDoesNotNameItKeepsIt(String engine) {
        open(engine);
        var repo = elders();
        var d = elder("定位甲", "13800000011", null, "徐汇区", "zh", null);
        long id = repo.create(new ElderDraft(d.name(), d.birthDate(), d.gender(), d.phones(), d.address(), d.landmarks(),
                d.district(), d.language(), d.category(), d.healthConditions(), d.medications(), d.allergies(),
                d.mobility(), d.device(), d.notes(), d.contacts(), null,
                new onekey.elders.Place(31.2020, 121.4420, "map", "天平路街道", "天平居委会"))).id();
        var stored = repo.get(id).orElseThrow().place();
        assertEquals(31.2020, stored.lat(), 1e-12);
        assertEquals(121.4420, stored.lon(), 1e-12);
        assertEquals("map", stored.coordSource());
        assertEquals("天平居委会", stored.community());
        repo.update(id, d); // a draft without a place: unchanged
        assertEquals("天平路街道", repo.get(id).orElseThrow().place().subDistrict());
        assertEquals(onekey.elders.Place.NONE, repo.create(elder("定位乙", "13800000012", null, null, "zh", null)).place());
    }

    @OnBothEngines
    void theMigrationCarriesOverEldersWhoseNotesSayTheyLiveAlone(String engine) throws Exception {
        String url = freshUrl(engine);
        String user = engine.equals("h2") ? "sa" : maria.user();
        String password = engine.equals("h2") ? "" : maria.password();
        String[] locations = engine.equals("h2") ? new String[] {"classpath:db/migration"}
                : new String[] {"classpath:db/migration", "classpath:db/mariadb"};
        // a database as it was before schema version 11, with two elders
        org.flywaydb.core.Flyway.configure().dataSource(url, user, password).locations(locations).target("10").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO elders (name, notes, created_at, updated_at) VALUES ('张桂英', '独居；听力较弱', 1, 1)");
            st.executeUpdate("INSERT INTO elders (name, notes, created_at, updated_at) VALUES ('王德明', '与老伴同住', 1, 1)");
        }
        db = openUrl(engine, url);
        List<Elder> all = elders().list(null, 0, 10);
        org.assertj.core.api.Assertions.assertThat(all).extracting(Elder::name, Elder::livingAlone)
                .containsExactly(org.assertj.core.api.Assertions.tuple("张桂英", true),
                        org.assertj.core.api.Assertions.tuple("王德明", false));
        org.assertj.core.api.Assertions.assertThat(names(onekey.broadcast.CampaignService.select(elders(),
                new onekey.broadcast.CampaignService.Selection(null, null, true, null, null), LocalDate.now(clock))))
                .containsExactly("张桂英");
    }

    // --- the upgrade to one outbound-call service (issue 17) ---------------------------------------------

    private static long insert(java.sql.Statement st, String sql, String table) throws java.sql.SQLException {
        st.executeUpdate(sql);
        try (var rs = st.executeQuery("SELECT MAX(id) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The services of the server as the root wires them: one outbound service below the rescue and the broadcasts. */
    private record Dialling(onekey.outbound.OutboundService outbound, onekey.rescue.RescueService rescue,
                            onekey.broadcast.BroadcastService broadcasts) implements AutoCloseable {
        static Dialling start(Database db, onekey.testkit.RecordingPbx pbx, TestClock clock) {
            var elders = new JooqElderRepository(db, "21", clock);
            var hub = new onekey.events.EventHub(100);
            var settings = new onekey.broadcast.BroadcastService.Settings(java.util.Map.of("check-in",
                    new onekey.broadcast.BroadcastService.RetryPlan(3, 600)), 30, 3, 6,
                    onekey.broadcast.QuietHours.parse("02:00-03:00", java.time.ZoneId.of("Asia/Shanghai")),
                    java.time.LocalTime.of(18, 0), 2, 10);
            var outbound = new onekey.outbound.OutboundService(new onekey.outbound.OutboundRepository(db), pbx, clock,
                    settings.limits(), null);
            var rescue = new onekey.rescue.RescueService(new onekey.rescue.IncidentRepository(db), elders, pbx, hub, clock,
                    new onekey.rescue.RescueService.Settings(2, 60, 30, 8, 500, 300, 48, 120),
                    (text, lang) -> java.util.Optional.of("/prompts/" + lang), outbound);
            var broadcasts = new onekey.broadcast.BroadcastService(new onekey.broadcast.BroadcastRepository(db), elders, pbx,
                    hub, clock, settings, (text, lang) -> java.util.Optional.of(
                            new onekey.broadcast.BroadcastService.Spoken("prompts/" + lang, 9_000)), outbound);
            outbound.resync(); // as the root does on AMI connect
            rescue.pbxConnected();
            broadcasts.pbxConnected();
            return new Dialling(outbound, rescue, broadcasts);
        }

        void event(onekey.telephony.PbxEvent e) {
            outbound.onEvent(e);
            rescue.onEvent(e);
            broadcasts.onEvent(e);
        }

        @Override
        public void close() {
            rescue.close();
            broadcasts.close();
            outbound.close();
        }
    }

    /**
     * A database left by the previous release (schema 13.5) with an incident mid-escalation (the first contact being
     * dialled, the next one waiting its turn, seat B's redial of the elder planned) and two broadcasts (one with its
     * attempt being dialled, whose call Asterisk still has; one with its attempt due): after the upgrade the legs are
     * carried over, both continue, and the PBX is asked for each call once — the calls that were being placed when the
     * old server stopped are never placed again, not by the upgrade and not by a second restart.
     */
    @OnBothEngines
    void theUpgradeCarriesOpenIncidentsAndBroadcastsIntoLegsAndNobodyIsCalledTwice(String engine) throws Exception {
        String url = freshUrl(engine);
        String user = engine.equals("h2") ? "sa" : maria.user();
        String password = engine.equals("h2") ? "" : maria.password();
        String[] locations = engine.equals("h2") ? new String[] {"classpath:db/migration"}
                : new String[] {"classpath:db/migration", "classpath:db/mariadb"};
        org.flywaydb.core.Flyway.configure().dataSource(url, user, password).locations(locations).target("13.5").load().migrate();
        String elderPhone = "13800000001";
        String son = "13900000002";
        String daughter = "13900000003";
        long t = clock.millis();
        long elder;
        long incident;
        long sonStep;
        long daughterStep;
        long retryStep;
        long heldBroadcast;
        long heldAttempt;
        long dueBroadcast;
        try (var c = java.sql.DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            elder = insert(st, "INSERT INTO elders (name, address, language, created_at, updated_at) VALUES ('张桂英', "
                    + "'天平路 88 弄', 'zh', 1, 1)", "elders");
            st.executeUpdate("INSERT INTO elder_phones (elder_id, ord, phone) VALUES (" + elder + ", 0, '" + elderPhone + "')");
            st.executeUpdate("INSERT INTO elder_contacts (elder_id, ord, name, relation, phone) VALUES (" + elder
                    + ", 0, '李明', '儿子', '" + son + "'), (" + elder + ", 1, 'Mei Li', '女儿', '" + daughter + "')");
            incident = insert(st, "INSERT INTO incidents (elder_id, agent_id, opened_at, opened_by, reason, state, open_elder) "
                    + "VALUES (" + elder + ", 7, " + (t - 200_000) + ", 'ann', 'no-response', 'escalating', " + elder + ")",
                    "incidents");
            String steps = "INSERT INTO incident_steps (incident_id, seq, kind, target, due_at, state, started_at, ended_at, "
                    + "result, detail) VALUES (" + incident + ", ";
            insert(st, steps + "1, 'redial', '" + elderPhone + "', " + (t - 200_000) + ", 'done', " + (t - 200_000) + ", "
                    + (t - 190_000) + ", 'silent', 'answered, no speech')", "incident_steps");
            insert(st, steps + "2, 'redial', '" + elderPhone + "', " + (t - 130_000) + ", 'done', " + (t - 130_000) + ", "
                    + (t - 100_000) + ", 'no-answer', 'originate reason 3')", "incident_steps");
            sonStep = insert(st, steps + "3, 'contact', '" + son + "', " + (t - 10_000) + ", 'dialing', " + (t - 10_000)
                    + ", NULL, NULL, '李明')", "incident_steps");
            daughterStep = insert(st, steps + "4, 'contact', '" + daughter + "', " + (Long.MAX_VALUE / 2)
                    + ", 'planned', NULL, NULL, NULL, 'Mei Li')", "incident_steps");
            insert(st, steps + "5, 'task-b', 'agent:7', " + (t - 100_000) + ", 'open', NULL, NULL, NULL, 'stay-with-elder')",
                    "incident_steps");
            retryStep = insert(st, steps + "105, 'elder-retry', '" + elderPhone + "', " + (t + 300_000)
                    + ", 'planned', NULL, NULL, NULL, NULL)", "incident_steps");
            String broadcast = "INSERT INTO broadcasts (elder_id, template, kind, fields, language, message, prompt, prompt_ms, "
                    + "urgent, state, created_at, created_by, account_id, due_at) VALUES (" + elder + ", 'check-in', "
                    + "'check-in', '{}', 'zh', '张桂英您好', 'prompts/zh', 9000, FALSE, ";
            heldBroadcast = insert(st, broadcast + "'calling', " + (t - 60_000) + ", 'ann', 7, " + (t - 60_000) + ")",
                    "broadcasts");
            heldAttempt = insert(st, "INSERT INTO broadcast_attempts (broadcast_id, seq, phone, due_at, state, started_at) "
                    + "VALUES (" + heldBroadcast + ", 1, '" + elderPhone + "', " + (t - 60_000) + ", 'dialing', "
                    + (t - 5_000) + ")", "broadcast_attempts");
            dueBroadcast = insert(st, broadcast + "'scheduled', " + (t - 1_000) + ", 'ann', 7, " + (t - 1_000) + ")",
                    "broadcasts");
            insert(st, "INSERT INTO broadcast_attempts (broadcast_id, seq, phone, due_at, state) VALUES (" + dueBroadcast
                    + ", 1, '" + elderPhone + "', " + (t - 1_000) + ", 'planned')", "broadcast_attempts");
        }

        db = openUrl(engine, url); // the upgrade: V14 carries the open calls into legs
        var legs = new onekey.outbound.OutboundRepository(db);
        org.assertj.core.api.Assertions.assertThat(legs.find("rescue", Long.toString(incident), 3)).get()
                .satisfies(l -> {
                    org.assertj.core.api.Assertions.assertThat(l.state()).isEqualTo("dialing");
                    org.assertj.core.api.Assertions.assertThat(l.rowId()).isEqualTo(sonStep);
                    org.assertj.core.api.Assertions.assertThat(l.lane()).isEqualTo(onekey.outbound.Lane.SOS);
                });
        org.assertj.core.api.Assertions.assertThat(legs.find("rescue", Long.toString(incident), 5)).as("a task is no call")
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(legs.find("broadcast", Long.toString(heldBroadcast), 1)).get()
                .satisfies(l -> {
                    org.assertj.core.api.Assertions.assertThat(l.state()).isEqualTo("dialing");
                    org.assertj.core.api.Assertions.assertThat(l.channelId()).isEqualTo("okbc-" + heldAttempt);
                    org.assertj.core.api.Assertions.assertThat(l.lane()).isEqualTo(onekey.outbound.Lane.BULK);
                    org.assertj.core.api.Assertions.assertThat(l.quiet()).isTrue();
                });

        // the new server starts; Asterisk still has the held broadcast's call (the son's call is gone)
        var pbx = new onekey.testkit.RecordingPbx();
        pbx.live.add(new onekey.telephony.LiveChannel("okbc-" + heldAttempt, "okbc-" + heldAttempt, "PJSIP/trunk-00000001",
                elderPhone, "onekey-bcast", "s", "Read", 5_000, java.util.Map.of("ONEKEY_BCAST", Long.toString(heldAttempt))));
        var elders = new JooqElderRepository(db, "21", clock);
        try (Dialling d = Dialling.start(db, pbx, clock)) {
            // the son's call was being placed: finished unknown, never placed again; the daughter's turn comes
            org.awaitility.Awaitility.await().until(() -> pbx.calls.size() >= 2);
            var step3 = d.rescue().get(incident).orElseThrow().steps().stream().filter(x -> x.seq() == 3).findFirst().orElseThrow();
            org.assertj.core.api.Assertions.assertThat(step3.result()).isEqualTo("unknown");
            org.assertj.core.api.Assertions.assertThat(step3.detail()).contains("not dialled again");
            org.assertj.core.api.Assertions.assertThat(pbx.calls).extracting(onekey.testkit.RecordingPbx.Call::channel)
                    .containsExactlyInAnyOrder("PJSIP/" + daughter + "@trunk", "PJSIP/" + elderPhone + "@trunk");
            var toDaughter = pbx.calls.stream().filter(x -> x.channel().contains(daughter)).findFirst().orElseThrow();
            org.assertj.core.api.Assertions.assertThat(toDaughter.context()).isEqualTo("onekey-out-contact");
            org.assertj.core.api.Assertions.assertThat(toDaughter.step()).isEqualTo(Long.toString(daughterStep));
            var due = pbx.calls.stream().filter(x -> x.channel().contains(elderPhone)).findFirst().orElseThrow();
            org.assertj.core.api.Assertions.assertThat(due.context()).isEqualTo("onekey-bcast");
            org.assertj.core.api.Assertions.assertThat(due.attempt()).isNotEqualTo(Long.toString(heldAttempt));

            // the held broadcast's call goes on in Asterisk: the elder presses 1 on it and the broadcast is confirmed
            d.event(new onekey.telephony.PbxEvent.BroadcastResult("okbc-" + heldAttempt, clock.millis(),
                    "okbc-" + heldAttempt, Long.toString(heldAttempt), "confirmed", "1", null));
            org.awaitility.Awaitility.await().until(() -> d.broadcasts().get(heldBroadcast).orElseThrow().state()
                    .equals("confirmed"));

            // seat B's redial of the elder, planned by the old server, is placed when due on the new one
            clock.advance(java.time.Duration.ofSeconds(300));
            org.awaitility.Awaitility.await().until(() -> pbx.calls.size() >= 3);
            org.assertj.core.api.Assertions.assertThat(pbx.calls.get(2).channel()).isEqualTo("PJSIP/" + elderPhone + "@trunk");
            org.assertj.core.api.Assertions.assertThat(pbx.calls.get(2).context()).isEqualTo("onekey-out-answered");
            org.assertj.core.api.Assertions.assertThat(pbx.calls.get(2).step()).isEqualTo(Long.toString(retryStep));
            d.outbound().pollNow();
            org.assertj.core.api.Assertions.assertThat(pbx.calls).hasSize(3);
        }

        // a second restart (Asterisk lost every call): what was placed is finished, nothing is placed again
        var again = new onekey.testkit.RecordingPbx();
        try (Dialling d = Dialling.start(db, again, clock)) {
            org.awaitility.Awaitility.await().until(() -> legs.dialing().isEmpty());
            d.outbound().pollNow();
            org.assertj.core.api.Assertions.assertThat(again.calls).as("nobody is called again").isEmpty();
        }
        // every originate the PBX received, once each: the son (being dialled before the upgrade) and the held
        // broadcast (its call still up) never
        org.assertj.core.api.Assertions.assertThat(pbx.calls).extracting(onekey.testkit.RecordingPbx.Call::actionId)
                .doesNotHaveDuplicates().doesNotContain("okbc-" + heldAttempt, "okstep-" + sonStep);
        org.assertj.core.api.Assertions.assertThat(pbx.calls).noneMatch(x -> x.channel().contains(son));
        org.assertj.core.api.Assertions.assertThat(elders.get(elder)).isPresent();
    }

    // --- the unregistered caller's rescue (issue 16) ----------------------------------------------------

    @OnBothEngines
    void anUnregisteredNumberHasAtMostOneOpenIncidentBesideTheElders(String engine) {
        open(engine);
        long elder = elders().create(draft("张桂英", List.of("02155550001"), List.of())).id();
        var repo = new onekey.rescue.IncidentRepository(db);
        var first = repo.openWithFirstRedial(null, 12L, 5L, "1001", "no-response", "2155559999", 1_000).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(first.elderId()).isNull();
        org.assertj.core.api.Assertions.assertThat(first.callerNumber()).isEqualTo("2155559999");
        org.assertj.core.api.Assertions.assertThat(first.steps()).singleElement().satisfies(s -> {
            org.assertj.core.api.Assertions.assertThat(s.kind()).isEqualTo("redial");
            org.assertj.core.api.Assertions.assertThat(s.target()).isEqualTo("2155559999");
        });
        // a second one for the same number is refused; another number and an elder open their own
        org.assertj.core.api.Assertions.assertThat(
                repo.openWithFirstRedial(null, 13L, 5L, "1001", "no-response", "2155559999", 2_000)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(repo.openForCaller("2155559999").orElseThrow().id()).isEqualTo(first.id());
        org.assertj.core.api.Assertions.assertThat(
                repo.openWithFirstRedial(null, 14L, 5L, "1001", "no-response", "13900009999", 2_000)).isPresent();
        org.assertj.core.api.Assertions.assertThat(
                repo.openWithFirstRedial(elder, 15L, 5L, "1001", "no-response", "2155550001", 2_000)).isPresent();
        // closed, the number may have a new one
        assertTrue(repo.close(first.id(), "cancelled", "well", 3_000));
        org.assertj.core.api.Assertions.assertThat(repo.openForCaller("2155559999")).isEmpty();
        org.assertj.core.api.Assertions.assertThat(
                repo.openWithFirstRedial(null, 16L, 5L, "1001", "no-response", "2155559999", 4_000)).isPresent();
        // an incident with its steps in one read (issue 23): as the list reads them, the joined columns of the same
        // names (id, state) each from its own table, steps in order
        org.assertj.core.api.Assertions.assertThat(repo.plan(first.id(), 2, "redial", "2155559999", 5_000)).isTrue();
        var withTwo = repo.get(first.id()).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(withTwo.steps()).extracting(onekey.rescue.Incident.Step::seq,
                onekey.rescue.Incident.Step::incidentId, onekey.rescue.Incident.Step::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, first.id(), "redial"),
                        org.assertj.core.groups.Tuple.tuple(2, first.id(), "redial"));
        org.assertj.core.api.Assertions.assertThat(withTwo.steps().get(1).state()).isEqualTo("planned");
        org.assertj.core.api.Assertions.assertThat(withTwo.steps().get(1).id()).isNotEqualTo(first.id());
        org.assertj.core.api.Assertions.assertThat(withTwo.state()).isEqualTo("cancelled");
        List<onekey.rescue.Incident> listed = repo.find(null, null, 100);
        org.assertj.core.api.Assertions.assertThat(listed).hasSize(4);
        org.assertj.core.api.Assertions.assertThat(listed.stream().map(i -> repo.get(i.id()).orElseThrow()).toList())
                .isEqualTo(listed);
        org.assertj.core.api.Assertions.assertThat(repo.get(-1)).isEmpty();
    }

    // --- paging of the long lists (issue 22) -----------------------------------------------------------

    /** Every page from the first, following next; checks no page is longer than {@code limit}. */
    private static <T> List<T> walk(int limit, java.util.function.Function<Cursor, Cursor.Page<T>> read) {
        List<T> all = new java.util.ArrayList<>();
        Cursor after = null;
        do {
            Cursor.Page<T> page = read.apply(after);
            assertTrue(page.items().size() <= limit);
            all.addAll(page.items());
            after = page.next();
        } while (after != null);
        return all;
    }

    @OnBothEngines
    void callsIncidentsAndAuditRowsArePagedByKeysetOverMoreRowsThanAPage(String engine) {
        open(engine);
        // calls: three per millisecond, so pages end inside a tie of arrived_at
        CallRepository calls = new JooqCallRepository(db);
        for (int i = 0; i < 25; i++) {
            calls.insertIfAbsent(call("P" + i, null, 10_000 + i / 3));
        }
        List<CallRecord> expected = calls.find(null, null, null, 100);
        List<CallRecord> paged = walk(10, after -> calls.page(null, null, null, null, after, 10));
        assertEquals(25, paged.size());
        assertEquals(expected.stream().map(CallRecord::id).toList(), paged.stream().map(CallRecord::id).toList());
        for (int i = 1; i < paged.size(); i++) { // newest first by (arrived_at, id)
            CallRecord a = paged.get(i - 1);
            CallRecord b = paged.get(i);
            assertTrue(a.arrivedAt() > b.arrivedAt() || a.arrivedAt() == b.arrivedAt() && a.id() > b.id());
        }
        // a period: from inclusive, to exclusive
        List<CallRecord> period = walk(4, after -> calls.page(null, null, 10_002L, 10_005L, after, 4));
        assertEquals(9, period.size());
        assertTrue(period.stream().allMatch(c -> c.arrivedAt() >= 10_002 && c.arrivedAt() < 10_005));

        // incidents: two per millisecond
        var incidents = new onekey.rescue.IncidentRepository(db);
        for (int i = 0; i < 12; i++) {
            incidents.openWithFirstRedial(null, 100L + i, 5L, "1001", "no-response", "2155559" + (100 + i), 20_000 + i / 2)
                    .orElseThrow();
        }
        var allIncidents = walk(5, after -> incidents.page(null, null, null, null, after, 5));
        assertEquals(12, allIncidents.size());
        assertEquals(incidents.find(null, null, 100).stream().map(onekey.rescue.Incident::id).toList(),
                allIncidents.stream().map(onekey.rescue.Incident::id).toList());
        assertEquals(6, walk(5, after -> incidents.page(null, "open", 20_003L, null, after, 5)).size());

        // audit rows: the clock moves every other row
        var audit = new JooqAuditLog(db, clock);
        for (int i = 0; i < 15; i++) {
            audit.record(null, "elder.view", "elder", "7", "n=" + i);
            if (i % 2 == 1) {
                clock.advance(1);
            }
        }
        var rows = walk(4, after -> audit.page(null, "elder", "elder", "7", null, null, after, 4));
        assertEquals(15, rows.size());
        assertEquals(java.util.stream.IntStream.iterate(14, i -> i >= 0, i -> i - 1).mapToObj(i -> "n=" + i).toList(),
                rows.stream().map(AuditEntry::detail).toList());
    }

    // --- voice broadcasts (issue 9) -------------------------------------------------------------------

    @OnBothEngines
    void broadcastsAndTheirAttemptsMoveOnlyFromTheStateTheyExpect(String engine) {
        open(engine);
        long elder = elders().create(draft("张桂英", List.of("02155550001"), List.of())).id();
        var repo = new onekey.broadcast.BroadcastRepository(db);
        long id = repo.create(new onekey.broadcast.BroadcastRepository.Draft(elder, "registration", "booking",
                java.util.Map.of("hospital", "瑞金医院", "time", "2031-03-05T09:30"), "zh", "张桂英您好，确认请按1。",
                "/prompts/x", 31_005, false, "1001", 5L, 1000, null, "2155550001"), 900);
        var b = repo.get(id).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(b.message()).isEqualTo("张桂英您好，确认请按1。");
        org.assertj.core.api.Assertions.assertThat(b.fields()).containsEntry("hospital", "瑞金医院");
        org.assertj.core.api.Assertions.assertThat(b.state()).isEqualTo("scheduled");
        long attempt = b.attempts().get(0).id();
        // the attempt's call is its leg (outbound/, issue 17), written with it: due, then dialled once
        var legs = repo.legs();
        org.assertj.core.api.Assertions.assertThat(legs.due(onekey.outbound.Lane.BULK, 999, 10)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(legs.due(onekey.outbound.Lane.BULK, 1000, 10)).extracting(onekey.outbound.Leg::rowId).containsExactly(attempt);
        long leg = legs.due(onekey.outbound.Lane.BULK, 1000, 10).get(0).id();
        org.assertj.core.api.Assertions.assertThat(legs.startDialing(leg, 1001)).isTrue();
        org.assertj.core.api.Assertions.assertThat(legs.startDialing(leg, 1002)).as("dialled once").isFalse();
        org.assertj.core.api.Assertions.assertThat(repo.finish(attempt, "no-answer", null, "originate reason 3", 1010)).isTrue();
        org.assertj.core.api.Assertions.assertThat(repo.finish(attempt, "busy", null, "late", 1011)).as("finished once").isFalse();
        org.assertj.core.api.Assertions.assertThat(repo.plan(id, 2, "13917000001", 2000)).isTrue();
        org.assertj.core.api.Assertions.assertThat(repo.plan(id, 2, "13917000001", 2000)).as("planned once").isFalse();
        org.assertj.core.api.Assertions.assertThat(repo.close(id, onekey.broadcast.Broadcast.State.CONFIRMED, "pressed 1", 3000)).isTrue();
        org.assertj.core.api.Assertions.assertThat(repo.close(id, onekey.broadcast.Broadcast.State.FAILED, "late", 3001)).isFalse();
        org.assertj.core.api.Assertions.assertThat(repo.get(id).orElseThrow().attempts()).extracting(onekey.broadcast.Broadcast.Attempt::result)
                .containsExactly("no-answer", null);
        // attempt 2 while its call is up (issue 23: one statement shape; null keeps the keys and the recording)
        long attempt2 = repo.get(id).orElseThrow().attempts().get(1).id();
        var leg2 = legs.find("broadcast", Long.toString(id), 2).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(legs.startDialing(leg2.id(), 2001)).isTrue();
        repo.mirror(leg2.dialing(2001));
        repo.progress(attempt2, "answered", null, "/rec/a2.wav");
        repo.progress(attempt2, "repeated", "2", null);
        var a2 = repo.attempt(attempt2).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(List.of(a2.state(), a2.result(), a2.digits(), a2.recording(), a2.startedAt()))
                .containsExactly("dialing", "repeated", "2", "/rec/a2.wav", 2001L);
        org.assertj.core.api.Assertions.assertThat(repo.finish(attempt2, "confirmed", null, "pressed 1", 2100)).isTrue();
        a2 = repo.attempt(attempt2).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(List.of(a2.state(), a2.result(), a2.digits(), a2.detail(), a2.endedAt()))
                .containsExactly("done", "confirmed", "2", "pressed 1", 2100L);
        org.assertj.core.api.Assertions.assertThat(legs.finish(leg2.id(), onekey.outbound.Outcome.ANSWERED, "pressed 1", 2100)).isTrue();
        org.assertj.core.api.Assertions.assertThat(legs.finish(leg2.id(), onekey.outbound.Outcome.HUNG_UP, "late", 2101)).isFalse();
        org.assertj.core.api.Assertions.assertThat(legs.get(leg2.id()).orElseThrow()).extracting(onekey.outbound.Leg::state,
                onekey.outbound.Leg::outcome, onekey.outbound.Leg::detail, onekey.outbound.Leg::endedAt)
                .containsExactly("done", "answered", "pressed 1", 2100L);
        org.assertj.core.api.Assertions.assertThat(legs.byChannel(leg2.channelId()).orElseThrow().id()).isEqualTo(leg2.id());
        org.assertj.core.api.Assertions.assertThat(repo.admission(attempt2)).isEqualTo(
                new onekey.broadcast.BroadcastRepository.Admission("done", "confirmed", false, null));

        // a campaign's broadcast: the dialer's admission reads the campaign's state with the attempt's
        long campaign = repo.createCampaign("重阳节问候", "check-in", java.util.Map.of(), "district=杨浦区", "super", 1, 4000);
        long inCampaign = repo.create(new onekey.broadcast.BroadcastRepository.Draft(elder, "check-in", "check-in",
                java.util.Map.of(), "zh", "张桂英您好。", "/prompts/y", 5_000, false, "super", null, 5000, null, "2155550001",
                campaign), 4000);
        long attempt3 = repo.get(inCampaign).orElseThrow().attempts().get(0).id();
        // a broadcast and its attempts in one read (issue 23), by its id or by one of its attempts': the joined
        // columns of the same names (id, state) each from its own table
        var byAttempt = repo.ofAttempt(attempt3).orElseThrow();
        org.assertj.core.api.Assertions.assertThat(List.of(byAttempt.id(), byAttempt.state(), byAttempt.campaignId(),
                byAttempt.promptMs())).containsExactly(inCampaign, "scheduled", campaign, 5_000L);
        org.assertj.core.api.Assertions.assertThat(byAttempt.attempts()).extracting(onekey.broadcast.Broadcast.Attempt::id,
                onekey.broadcast.Broadcast.Attempt::state, onekey.broadcast.Broadcast.Attempt::broadcastId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(attempt3, "planned", inCampaign));
        org.assertj.core.api.Assertions.assertThat(repo.ofAttempt(attempt2).orElseThrow()).isEqualTo(repo.get(id).orElseThrow());
        org.assertj.core.api.Assertions.assertThat(repo.get(id).orElseThrow().attempts()).extracting(
                onekey.broadcast.Broadcast.Attempt::seq).containsExactly(1, 2);
        org.assertj.core.api.Assertions.assertThat(repo.ofAttempt(-1)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(repo.get(-1)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(repo.admission(attempt3)).isEqualTo(
                new onekey.broadcast.BroadcastRepository.Admission("planned", "scheduled", true, "running"));
        org.assertj.core.api.Assertions.assertThat(repo.moveCampaign(campaign, "running", "paused")).isTrue();
        org.assertj.core.api.Assertions.assertThat(repo.admission(attempt3).campaignState()).isEqualTo("paused");
        org.assertj.core.api.Assertions.assertThat(repo.moveCampaign(campaign, "running", "paused")).isFalse();
        org.assertj.core.api.Assertions.assertThat(repo.admission(-1)).isEqualTo(
                new onekey.broadcast.BroadcastRepository.Admission(null, null, false, null));

        // the dialer's pages of due legs: after a leg, the ones behind it in (due, id) order
        for (int step = 10; step < 13; step++) {
            legs.plan(new onekey.outbound.Leg.Plan("test", "page", step, step, onekey.outbound.Lane.BULK, "1380000" + step, false,
                    step == 10 ? 6000 : 6001, "oktest-page-" + step));
        }
        var page1 = legs.due(onekey.outbound.Lane.BULK, 7000, 2, null);
        org.assertj.core.api.Assertions.assertThat(page1).extracting(onekey.outbound.Leg::reference, onekey.outbound.Leg::step)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Long.toString(inCampaign), 1),
                        org.assertj.core.groups.Tuple.tuple("page", 10));
        org.assertj.core.api.Assertions.assertThat(legs.due(onekey.outbound.Lane.BULK, 7000, 5, page1.getLast()))
                .extracting(onekey.outbound.Leg::step).containsExactly(11, 12);
        org.assertj.core.api.Assertions.assertThat(legs.due(onekey.outbound.Lane.BULK, 7000, 1,
                legs.due(onekey.outbound.Lane.BULK, 7000, 5, page1.getLast()).getFirst())).extracting(onekey.outbound.Leg::step)
                .containsExactly(12);
        org.assertj.core.api.Assertions.assertThat(legs.countDialing(onekey.outbound.Lane.BULK)).as("attempt 1's leg").isEqualTo(1);
    }

    // --- database ------------------------------------------------------------------------------------

    // --- the supervisors' and QA desk (issue 19): V16–V19 on both engines -------------------------------

    @OnBothEngines
    void theDeskTablesKeepAlertsQaSheetsTeachingCasesNoticesAndAgentStates(String engine) {
        open(engine);
        var alerts = new onekey.alerts.AlertRepository(db);
        var a = alerts.insert(new onekey.alerts.Alert(0, 1000, "queue.alert", "no-agent-ready", true, null, "L1", null,
                "SOS 来电等待中", java.util.Map.of("kind", "no-agent-ready", "waiting", 1), null, null, null));
        assertEquals(1, alerts.list(true, 10).size());
        assertTrue(alerts.ack(a.id(), 2000, "super", "已通知备班坐席"));
        assertFalse(alerts.ack(a.id(), 3000, "super2", "again"), "handled once");
        assertEquals("已通知备班坐席", alerts.get(a.id()).orElseThrow().ackNote());
        assertEquals(0, alerts.list(true, 10).size());

        var qa = new onekey.qa.QaRepository(db);
        qa.saveForm(onekey.qa.QaForm.DEFAULT, "super", 1000);
        assertEquals(onekey.qa.QaForm.DEFAULT, qa.form().orElseThrow());
        var sheet = qa.save(7, 5L, clock.millis(), "super", java.util.Map.of("greeting", 4), onekey.qa.QaForm.DEFAULT.items(),
                91, "地址核实清楚");
        assertEquals(91, sheet.total());
        assertEquals(4, sheet.scores().get("greeting"));
        assertEquals("问候语规范", sheet.form().get(0).label());
        assertTrue(qa.ack(sheet.id(), clock.millis(), "收到"));
        assertEquals(91.0, qa.figures(0, clock.millis() + 1).get(0).average());
        qa.teaching(7, 1000, "super", "教学案例");
        qa.teaching(7, 2000, "super", "教学案例（改）");
        assertEquals("教学案例（改）", qa.teachingCases(10).get(0).get("note"));

        var accounts = new onekey.auth.JooqAccountRepository(db);
        var zhou = accounts.create(new onekey.auth.AccountDraft("super", onekey.auth.Role.SUPERVISOR, null, null, "周班长", true), "x");
        var seat = accounts.create(new onekey.auth.AccountDraft("1001", onekey.auth.Role.AGENT, "1001", "secret-1001-long", "王丽", true), "x");
        var notices = new onekey.notices.NoticeService(db, accounts, new onekey.auth.JooqAuditLog(db, clock),
                new onekey.events.EventHub(10), clock);
        var n = notices.post("今日高温，请提醒独居老人多喝水", clock.millis() + 60_000, List.of(), zhou);
        notices.ack(n.id(), seat);
        notices.ack(n.id(), seat);
        assertEquals(java.util.Set.of("1001"), notices.get(n.id()).orElseThrow().acks().keySet());
        assertEquals(1, notices.activeFor("1001").size());
        clock.advance(61_000);
        assertEquals(0, notices.activeFor("1001").size(), "expired");

        db.dsl().insertInto(onekey.store.jooq.Tables.AGENT_STATE_LOG).set(onekey.store.jooq.Tables.AGENT_STATE_LOG.ACCOUNT_ID, seat.id())
                .set(onekey.store.jooq.Tables.AGENT_STATE_LOG.USERNAME, "1001").set(onekey.store.jooq.Tables.AGENT_STATE_LOG.STATE, "not-ready")
                .set(onekey.store.jooq.Tables.AGENT_STATE_LOG.REASON, "meal").set(onekey.store.jooq.Tables.AGENT_STATE_LOG.SINCE, 0L).execute();
        var load = new onekey.workload.Workload(db, accounts, clock).figures(0, clock.millis());
        assertEquals(clock.millis(), ((java.util.Map<?, ?>) load.get(0).get("notReadyByReason")).get("meal"));
    }

    @OnBothEngines
    void opensPingsAndNamesItsDialect(String engine) {
        open(engine);
        assertTrue(db.ping());
        assertEquals(engine, db.dialect());
        db.close();
        assertFalse(db.ping(), "a closed database answers false, it does not throw");
        db = null;
    }

    @OnBothEngines
    void migrationsAreIdempotentOnReopen(String engine) {
        String url = freshUrl(engine);
        long id;
        try (Database first = openUrl(engine, url)) {
            db = first;
            id = elders().create(draft("张桂英", List.of("02155550001"), List.of())).id();
        }
        try (Database again = openUrl(engine, url)) {
            db = again;
            assertEquals("张桂英", elders().get(id).orElseThrow().name());
            assertEquals(1, again.dsl().fetchCount(onekey.store.jooq.Tables.ELDERS));
        }
        db = null;
    }

    @Test
    void aFailedOpenNamesTheUrlButNotThePassword() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Database.open(
                "jdbc:mariadb://127.0.0.1:1/onekey?connectTimeout=500&password=hunter2", "onekey", "hunter2", 2));
        assertTrue(e.getMessage().contains("jdbc:mariadb://127.0.0.1:1/onekey"), e.getMessage());
        assertTrue(e.getMessage().contains("password=***"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Database.open("jdbc:postgresql://x/y", "u", "p", 1));
    }

    // --- elders --------------------------------------------------------------------------------------

    @OnBothEngines
    void elderIsStoredWithNormalizedPhonesAndOrderedContacts(String engine) {
        open(engine);
        var repo = elders();
        List<Contact> contacts = List.of(new Contact("李建国", "儿子", "138-1600-0001"),
                new Contact("长白一村居委会", "居委", "021-6543-0001"),
                new Contact("长白社区养老服务驿站", "驿站", "02165430099"));
        Elder e = repo.create(draft("张桂英", List.of("021-5555-0001", "+86 139 1700 0001"), contacts));

        assertTrue(e.id() > 0);
        assertEquals(List.of("2155550001", "13917000001"), e.phones());
        assertEquals(List.of("李建国", "长白一村居委会", "长白社区养老服务驿站"),
                e.contacts().stream().map(Contact::name).toList());
        assertEquals("13816000001", e.contacts().get(0).phone());
        assertEquals(clock.millis(), e.createdAt());

        Elder got = repo.get(e.id()).orElseThrow();
        assertEquals(e, got);
        assertEquals(LocalDate.of(1938, 3, 12), got.birthDate());
        assertEquals("上海市杨浦区控江路1029弄12号", got.address());

        // Any of the elder's phones, whatever form the caller number came in.
        for (String caller : List.of("02155550001", "+86 21 5555 0001", "55550001", "13917000001", "+8613917000001")) {
            assertEquals(e.id(), repo.findByPhone(PhoneNumbers.normalize(caller, "21")).orElseThrow().id(), caller);
        }
        assertTrue(repo.findByPhone("2155550009").isEmpty());
        assertTrue(repo.findByPhone(null).isEmpty());
        assertTrue(repo.get(e.id() + 1000).isEmpty());
        // the follow-up's number: the first phone, in one statement
        assertEquals(Optional.of("2155550001"), repo.firstPhone(e.id()));
        assertTrue(repo.firstPhone(e.id() + 1000).isEmpty());
    }

    @OnBothEngines
    void updateReplacesPhonesAndContacts(String engine) {
        open(engine);
        var repo = elders();
        Elder e = repo.create(draft("王德明", List.of("02155550002", "13601000002"),
                List.of(new Contact("王晓红", "女儿", "13601000002"))));
        clock.advance(60_000);
        Elder u = repo.update(e.id(), draft("王德明", List.of("13601000002", "02155550012"),
                List.of(new Contact("天平居委会", "居委", "02164370002"), new Contact("王晓红", "女儿", "13601000002"))))
                .orElseThrow();

        assertEquals(List.of("13601000002", "2155550012"), u.phones());
        assertEquals(List.of("天平居委会", "王晓红"), u.contacts().stream().map(Contact::name).toList());
        assertEquals(e.createdAt(), u.createdAt());
        assertEquals(e.createdAt() + 60_000, u.updatedAt());
        assertTrue(repo.findByPhone("2155550002").isEmpty(), "the removed phone no longer finds the elder");
        assertEquals(e.id(), repo.findByPhone("2155550012").orElseThrow().id());
        assertEquals(u, repo.get(e.id()).orElseThrow());
        assertEquals(Optional.of("13601000002"), repo.firstPhone(e.id()), "the phones' new order");
        assertTrue(repo.update(e.id() + 1000, draft("x", List.of("13000000000"), List.of())).isEmpty());
    }

    @OnBothEngines
    void aPhoneBelongsToOneElderOnly(String engine) {
        open(engine);
        var repo = elders();
        Elder first = repo.create(draft("张桂英", List.of("02155550001"), List.of()));
        Elder second = repo.create(draft("陈秀兰", List.of("02155550003"), List.of()));

        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> repo.create(draft("冒名", List.of("55550001"), List.of())));
        assertTrue(dup.getMessage().contains("0001") && dup.getMessage().contains("elder " + first.id()),
                dup.getMessage());
        assertFalse(dup.getMessage().contains("2155550001"), "the message masks the number: " + dup.getMessage());

        IllegalArgumentException onUpdate = assertThrows(IllegalArgumentException.class,
                () -> repo.update(second.id(), draft("陈秀兰", List.of("02155550003", "02155550001"), List.of())));
        assertTrue(onUpdate.getMessage().contains("elder " + first.id()), onUpdate.getMessage());
        assertEquals(List.of("2155550003"), repo.get(second.id()).orElseThrow().phones(), "failed update changed nothing");

        // Keeping one's own phone is not a conflict; duplicates within one draft collapse.
        assertEquals(List.of("2155550001"),
                repo.update(first.id(), draft("张桂英", List.of("02155550001", "55550001"), List.of())).orElseThrow().phones());
        assertEquals(2, repo.count());
    }

    @OnBothEngines
    void badElderDraftsAreRejectedClearly(String engine) {
        open(engine);
        var repo = elders();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> repo.create(draft(" ", List.of("13000000000"), List.of()))).getMessage().contains("name"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> repo.create(draft("无电话", List.of(), List.of()))).getMessage().contains("phone"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> repo.create(draft("坏号码", List.of("abc"), List.of()))).getMessage().contains("phone"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> repo.create(draft("坏联系人", List.of("13000000000"), List.of(new Contact(null, "儿子", "1")))))
                .getMessage().contains("contacts[0]"));
        assertEquals(0, repo.count());
    }

    @OnBothEngines
    void eldersAreListedByIdWithNameFilter(String engine) {
        open(engine);
        var repo = elders();
        Elder a = repo.create(draft("张桂英", List.of("02155550001"), List.of(new Contact("李建国", "儿子", "1"))));
        Elder b = repo.create(draft("王德明", List.of("02155550002"), List.of()));
        Elder c = repo.create(draft("张福生", List.of("02155550005"), List.of()));
        assertEquals(List.of(a, b, c), repo.list(null, 0, 10));
        assertEquals(List.of(b), repo.list(null, 1, 1));
        assertEquals(List.of(a, c), repo.list("张", 0, 10));
        assertEquals(List.of(), repo.list("赵", 0, 10));
        assertEquals(3, repo.count());
    }

    // --- lines ---------------------------------------------------------------------------------------

    @OnBothEngines
    void linesAreSavedAndReplacedByNumber(String engine) {
        open(engine);
        var lines = new JooqLineRepository(db);
        lines.save(new Line("12349", Service.GENERAL, 1, "综合"));
        lines.save(new Line("1234901", Service.SOS, 10, "SOS"));
        assertEquals(new Line("1234901", Service.SOS, 10, "SOS"), lines.find("1234901").orElseThrow());
        lines.save(new Line("12349", Service.CONSULT, 3, "咨询"));
        assertEquals(new Line("12349", Service.CONSULT, 3, "咨询"), lines.find("12349").orElseThrow());
        assertEquals(List.of("1234901", "12349"), lines.all().stream().map(Line::number).toList());
        assertTrue(lines.find("999").isEmpty());
    }

    // --- accounts, tokens, audit ----------------------------------------------------------------------

    private static AccountDraft agent(String u, String ext) {
        return new AccountDraft(u, Role.AGENT, ext, "sip" + u, "坐席" + u, true);
    }

    @OnBothEngines
    void accountsAreCreatedUpdatedAndFound(String engine) {
        open(engine);
        var accounts = new JooqAccountRepository(db);
        Account a = accounts.create(agent("1001", "1001"), "hash-1");
        Account admin = accounts.create(new AccountDraft("admin", Role.ADMIN, null, null, "管理员", true), "hash-a");
        Account qa = accounts.create(new AccountDraft("qa", Role.SUPERVISOR, " ", null, "质检", true), "hash-q");

        assertEquals(new Account(a.id(), "1001", Role.AGENT, "1001", "sip1001", "坐席1001", true), a);
        assertEquals(a, accounts.get(a.id()).orElseThrow());
        assertEquals(a, accounts.byUsername("1001").orElseThrow());
        assertEquals(a, accounts.byExtension("1001").orElseThrow());
        assertEquals(null, qa.extension(), "a blank extension is stored as none");
        assertEquals(List.of(a, admin, qa), accounts.all());
        assertEquals(3, accounts.count());
        assertEquals("hash-1", accounts.passwordHash("1001").orElseThrow());

        Account changed = accounts.update(a.id(), new AccountDraft("1001", Role.SUPERVISOR, "1099", "s2", "王丽", false), null)
                .orElseThrow();
        assertEquals(new Account(a.id(), "1001", Role.SUPERVISOR, "1099", "s2", "王丽", false), changed);
        assertTrue(accounts.passwordHash("1001").isEmpty(), "a disabled account has no usable password");
        accounts.update(a.id(), agent("1001", "1001"), "hash-2");
        assertEquals("hash-2", accounts.passwordHash("1001").orElseThrow());
        accounts.update(a.id(), agent("1001", "1001"), null);
        assertEquals("hash-2", accounts.passwordHash("1001").orElseThrow(), "null keeps the password");
        assertTrue(accounts.update(9999, agent("x", null), null).isEmpty());
        assertTrue(accounts.byUsername("nobody").isEmpty());
        assertTrue(accounts.byExtension("7777").isEmpty());
    }

    @OnBothEngines
    void takenUsernamesAndExtensionsAreNamed(String engine) {
        open(engine);
        var accounts = new JooqAccountRepository(db);
        Account a = accounts.create(agent("1001", "1001"), "h");
        Account b = accounts.create(agent("1002", "1002"), "h");
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class,
                () -> accounts.create(agent("1001", "1005"), "h"));
        assertTrue(user.getMessage().contains("username") && user.getMessage().contains("1001"), user.getMessage());
        IllegalArgumentException ext = assertThrows(IllegalArgumentException.class,
                () -> accounts.create(agent("1005", "1002"), "h"));
        assertTrue(ext.getMessage().contains("extension") && ext.getMessage().contains("1002"), ext.getMessage());
        IllegalArgumentException onUpdate = assertThrows(IllegalArgumentException.class,
                () -> accounts.update(b.id(), agent("1002", "1001"), null));
        assertTrue(onUpdate.getMessage().contains("extension"), onUpdate.getMessage());
        assertEquals("1002", accounts.get(b.id()).orElseThrow().extension());
        assertEquals(a, accounts.update(a.id(), agent("1001", "1001"), null).orElseThrow(), "own values are no conflict");
        assertEquals(2, accounts.count());
    }

    @OnBothEngines
    void tokensResolveUntilExpiryRevocationOrDisable(String engine) {
        open(engine);
        var accounts = new JooqAccountRepository(db);
        var tokens = new JooqTokenStore(db, clock);
        Account a = accounts.create(agent("1001", "1001"), Passwords.hash("agent1001".toCharArray()));

        String t = tokens.issue(a, 60_000);
        assertTrue(t.matches("[A-Za-z0-9_-]{43}"), t);
        assertEquals(a, tokens.resolve(t).orElseThrow());
        assertEquals(0, db.dsl().fetchCount(onekey.store.jooq.Tables.API_TOKENS,
                onekey.store.jooq.Tables.API_TOKENS.TOKEN_SHA256.eq(t)), "the token itself is not stored");
        assertTrue(tokens.resolve(t + "x").isEmpty());
        assertTrue(tokens.resolve(null).isEmpty());

        clock.advance(60_000);
        assertTrue(tokens.resolve(t).isEmpty(), "expired");

        String t2 = tokens.issue(a, 60_000);
        String t3 = tokens.issue(a, 60_000);
        assertNotEquals(t2, t3);
        tokens.revoke(t2);
        assertTrue(tokens.resolve(t2).isEmpty(), "revoked");
        assertTrue(tokens.resolve(t3).isPresent());

        // open WebSockets are checked in one query: the subset that still resolves
        Account b = accounts.create(agent("1002", "1002"), "h");
        String t4 = tokens.issue(b, 120_000);
        String t5 = tokens.issue(b, 120_000);
        assertEquals(java.util.Set.of(t3, t4, t5), tokens.stillValid(List.of(t2, t3, t4, t5, "junk")));
        assertEquals(java.util.Set.of(), tokens.stillValid(List.of()));
        assertEquals(2, tokens.revokeAll(b.id()), "an admin ends every session of an account");
        assertEquals(java.util.Set.of(t3), tokens.stillValid(List.of(t3, t4, t5)));
        clock.advance(60_000);
        assertEquals(java.util.Set.of(), tokens.stillValid(List.of(t3)), "expired by the injected clock");
        String t6 = tokens.issue(a, 60_000);

        accounts.update(a.id(), new AccountDraft("1001", Role.AGENT, "1001", "sip1001", "坐席1001", false), null);
        assertTrue(tokens.resolve(t6).isEmpty(), "disabled account");
        assertEquals(java.util.Set.of(), tokens.stillValid(List.of(t6)), "disabled account");

        // more sessions than one statement's list (64), and sizes between its powers of two: every one checked
        Account c = accounts.create(agent("1003", "1003"), "h");
        List<String> many = new java.util.ArrayList<>();
        java.util.Set<String> live = new java.util.HashSet<>();
        for (int i = 0; i < 70; i++) {
            String token = tokens.issue(c, 120_000);
            many.add(token);
            if (i % 9 == 4) {
                tokens.revoke(token);
            } else {
                live.add(token);
            }
        }
        many.add("junk");
        assertEquals(live, tokens.stillValid(many), "70 sessions, every ninth revoked");
        assertEquals(java.util.Set.copyOf(many.subList(0, 3)).stream().filter(live::contains)
                .collect(java.util.stream.Collectors.toSet()), tokens.stillValid(many.subList(0, 3)), "three sessions");
    }

    @OnBothEngines
    void auditRowsAreKeptNewestFirst(String engine) {
        open(engine);
        var accounts = new JooqAccountRepository(db);
        var audit = new JooqAuditLog(db, clock);
        Account a = accounts.create(agent("1001", "1001"), "h");
        audit.record(a, "elder.view", "elder", "7", "screen pop");
        clock.advance(1000);
        audit.record(a, "recording.play", "recording", "3", null);
        clock.advance(1000);
        audit.record(null, "elder.view", "elder", "7", "api");

        List<AuditEntry> forElder = audit.recent("elder", "7", 10);
        assertEquals(2, forElder.size());
        assertEquals("system", forElder.get(0).username());
        assertEquals(null, forElder.get(0).accountId());
        AuditEntry older = forElder.get(1);
        assertEquals(a.id(), older.accountId());
        assertEquals("1001", older.username());
        assertEquals("elder.view", older.action());
        assertEquals("screen pop", older.detail());
        assertEquals(clock.millis() - 2000, older.at());
        assertEquals(3, audit.recent(null, null, 10).size());
        assertEquals(1, audit.recent(null, null, 1).size());
        assertEquals("recording.play", audit.recent("recording", null, 5).get(0).action());

        // a login attempt is recorded under the name that was tried; filters by actor, target and time
        clock.advance(1000);
        audit.recordAs(null, "mallory", "login.failed", "account", null, "remote=10.0.0.9 reason=unknown-user");
        AuditEntry login = audit.find("mallory", null, null, null, null, 10).get(0);
        assertEquals(null, login.accountId());
        assertEquals("login.failed", login.action());
        long t0 = clock.millis() - 3000;
        assertEquals(2, audit.find("1001", null, null, null, null, 10).size());
        assertEquals(1, audit.find("1001", "elder", "7", null, null, 10).size());
        assertEquals(List.of("recording.play", "elder.view"),
                audit.find(null, null, null, t0, t0 + 2000, 10).stream().map(AuditEntry::action).toList());
        assertEquals(2, audit.find(null, "elder", "7", t0, null, 10).size());
        assertEquals(0, audit.find(null, "elder", "7", null, t0, 10).size());

        // by type (GET /api/audit?type=spy, issue 7): the action or its first part, LIKE's wildcards taken literally
        clock.advance(1000);
        audit.record(a, "spy.start", "call", "9", "session=s1 mode=listen");
        clock.advance(1000);
        audit.record(a, "spy.end", "call", "9", "session=s1 reason=stopped");
        audit.record(a, "spyglass.view", "call", "9", null);
        audit.record(a, "spy_x", "call", "9", null);
        assertEquals(List.of("spy.end", "spy.start"), audit.find(null, "spy", "call", "9", null, null, 10).stream()
                .map(AuditEntry::action).toList());
        assertEquals(List.of("spy.end"), audit.find("1001", "spy.end", null, null, null, null, 10).stream()
                .map(AuditEntry::action).toList());
        assertEquals(1, audit.find(null, "login", null, null, null, null, 10).size());
        assertEquals(0, audit.find(null, "sp_", null, null, null, null, 10).size());
    }

    // --- calls ---------------------------------------------------------------------------------------

    private static CallRecord call(String linkedid, Long elderId, long arrivedAt) {
        return new CallRecord(0, linkedid, "PJSIP/trunk-00000001", "02155550001", "1234901", Service.SOS, 10,
                elderId, null, null, arrivedAt, null, null, null, null, null, onekey.calls.CallOutcome.QUEUED, null, null, false, null);
    }

    @OnBothEngines
    void callsAreInsertedOncePerLinkedid(String engine) throws Exception {
        open(engine);
        var calls = new JooqCallRepository(db);
        CallRecord first = calls.insertIfAbsent(call("1750000000.1", 7L, 1000));
        assertTrue(first.id() > 0);
        assertEquals(Service.SOS, first.line());
        CallRecord again = calls.insertIfAbsent(call("1750000000.1", 8L, 2000));
        assertEquals(first, again, "the stored row, unchanged");

        // AMI events of one new call can race: all of them see the same row.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> racers = Stream.<Callable<Long>>generate(
                    () -> () -> calls.insertIfAbsent(call("1750000000.2", null, 3000)).id()).limit(8).toList();
            Set<Long> ids = new HashSet<>();
            for (Future<Long> f : pool.invokeAll(racers)) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), "one row for one linkedid: " + ids);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, calls.find(null, null, 10).size());
    }

    @OnBothEngines
    void callsAreUpdatedFoundAndReconciled(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        CallRecord a = calls.insertIfAbsent(call("L1", 7L, 1000));
        CallRecord b = calls.insertIfAbsent(call("L2", 8L, 2000));
        CallRecord c = calls.insertIfAbsent(call("L3", 7L, 3000));

        CallRecord done = new CallRecord(a.id(), "ignored", "PJSIP/trunk-00000001", "02155550001", "1234901",
                Service.SOS, 10, 7L, 42L, "王丽", 1000, 1100L, 9000L, 70_000L, 8000L, 61_000L, onekey.calls.CallOutcome.COMPLETED,
                "ignored-disposition", "ignored notes", true, 99L);
        // notes and a disposition saved while the call is live (the agent), the recording linked (the indexer)
        calls.setDisposition(a.id(), "resolved", "老人头晕，已联系女儿");
        calls.setRecording(a.id(), 5L);
        // then the call model writes its state from its own copy: it must not undo them
        calls.updateState(a.id(), done);
        CallRecord stored = calls.get(a.id()).orElseThrow();
        assertEquals(new CallRecord(a.id(), "L1", "PJSIP/trunk-00000001", "02155550001", "1234901", Service.SOS, 10,
                7L, 42L, "王丽", 1000, 1100L, 9000L, 70_000L, 8000L, 61_000L, onekey.calls.CallOutcome.COMPLETED, "resolved",
                "老人头晕，已联系女儿", true, 5L), stored, "state columns set; disposition, notes, recording untouched");
        calls.setDisposition(a.id(), "follow-up", null);
        assertEquals("老人头晕，已联系女儿", calls.get(a.id()).orElseThrow().notes(), "a disposition without notes keeps the notes");
        stored = calls.get(a.id()).orElseThrow();
        assertEquals(stored, calls.byLinkedid("L1").orElseThrow());
        assertTrue(calls.byLinkedid("nope").isEmpty());

        assertEquals(List.of(c.id(), b.id(), a.id()), ids(calls.find(null, null, 10)), "newest first");
        assertEquals(List.of(c.id(), a.id()), ids(calls.find(7L, null, 10)));
        assertEquals(List.of(c.id(), b.id()), ids(calls.find(null, 2000L, 10)));
        assertEquals(List.of(c.id()), ids(calls.find(7L, 2000L, 10)));
        assertEquals(List.of(c.id()), ids(calls.find(null, null, 1)));
        assertEquals(List.of(b.id(), c.id()), ids(calls.unfinished()), "calls without endedAt, oldest first");
    }

    private static List<Long> ids(List<CallRecord> calls) {
        return calls.stream().map(CallRecord::id).toList();
    }

    @OnBothEngines
    void timelineIsOldestFirst(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        long id = calls.insertIfAbsent(call("L1", null, 1000)).id();
        CallEvent queued = calls.addEvent(id, 1100, "queued", "prio=10");
        calls.addEvent(id, 1000, "arrived", "caller=******0001");
        calls.addEvent(id, 9000, "answered", "agent=1001");
        calls.addEvent(id, 9000, "screen-pop", null);
        assertEquals(id, queued.callId());
        assertTrue(queued.id() > 0);
        assertEquals(List.of("arrived", "queued", "answered", "screen-pop"),
                calls.timeline(id).stream().map(CallEvent::type).toList());
        assertEquals(queued, calls.timeline(id).get(1));
        assertTrue(calls.timeline(id + 1).isEmpty());
    }

    @org.junit.jupiter.api.Test
    void aLatin1DatabaseIsMigratedToUtf8mb4AndKeepsChineseTextIntact() {
        // a database as a newcomer makes it: plain CREATE DATABASE on a server with MariaDB's built-in defaults
        String url = maria.createDatabase("latin1", "CHARACTER SET latin1");
        db = Database.open(url, maria.user(), maria.password(), 4);
        Object charset = db.dsl().fetchValue("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME = DATABASE()");
        assertEquals("utf8mb4", charset);
        DemoData.seedDefaultLinesIfEmpty(db, new onekey.lines.JooqLineRepository(db));
        assertTrue(new onekey.lines.JooqLineRepository(db).all().stream().anyMatch(l -> l.name().matches(".*\\p{IsHan}.*")),
                "Chinese line names stored");
        Elder e = elders().create(draft("张桂英", List.of("02155550001"), List.of(new Contact("李建国", "儿子", "13816000001"))));
        Elder back = elders().findByPhone("2155550001").orElseThrow();
        assertEquals(e, back);
        assertEquals("张桂英", back.name());
        assertEquals("上海市杨浦区控江路1029弄12号", back.address());
        assertEquals("李建国", back.contacts().getFirst().name());
    }

    @org.junit.jupiter.api.Test
    void aTableThatCannotHoldChineseStopsTheStartWithWhatToRun() throws Exception {
        String url = maria.createDatabase("latin1late", "CHARACTER SET latin1");
        Database.open(url, maria.user(), maria.password(), 2).close();
        try (var c = java.sql.DriverManager.getConnection(url, maria.user(), maria.password()); var st = c.createStatement()) {
            st.execute("ALTER TABLE elders MODIFY name VARCHAR(128) CHARACTER SET latin1 NOT NULL");
        }
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> Database.open(url, maria.user(), maria.password(), 2));
        assertTrue(x.getMessage().contains("elders.name (latin1)") && x.getMessage().contains("CONVERT TO CHARACTER SET utf8mb4"),
                x.getMessage());
    }

    @OnBothEngines
    void journalledEventsAndAuditRowsAreWrittenOnceWhateverTheReplays(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        long id = calls.insertIfAbsent(call("L7", null, 1000)).id();
        var batch = List.of(new CallRepository.KeyedEvent(1001, "queued", "prio=10", "run1-5#0"),
                new CallRepository.KeyedEvent(1002, "offered", "agent=1001", "run1-5#1"));
        assertEquals(2, calls.addKeyedEvents(id, batch));
        // a replay after a crash: the same keys, plus one new event
        assertEquals(1, calls.addKeyedEvents(id, List.of(batch.get(0), batch.get(1),
                new CallRepository.KeyedEvent(1003, "answered", "agent=1001", "run1-6#0"))));
        assertEquals(List.of("queued", "offered", "answered"), calls.timeline(id).stream().map(CallEvent::type).toList());

        var audit = new onekey.auth.JooqAuditLog(db);
        assertTrue(audit.recordOnce("run1-7", 5000, 3L, "1001", "elder.pop", "elder", "9", "call=L7"));
        assertFalse(audit.recordOnce("run1-7", 5000, 3L, "1001", "elder.pop", "elder", "9", "call=L7"));
        assertEquals(1, audit.recent("elder", "9", 10).size());
    }

    @OnBothEngines
    void flowStepsAreStoredInOneGoAndKeepTheirTimes(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        long id = calls.insertIfAbsent(call("L9", null, 1000)).id();
        calls.addEvents(id, "flow", List.of(java.util.Map.entry(1001L, "#1 answer"), java.util.Map.entry(1003L, "#2 lookup caller"),
                java.util.Map.entry(1007L, "#3 record")));
        calls.addEvents(id, "flow", List.of());
        assertEquals(List.of("#1 answer", "#2 lookup caller", "#3 record"),
                calls.timeline(id).stream().map(CallEvent::detail).toList());
        assertEquals(List.of(1001L, 1003L, 1007L), calls.timeline(id).stream().map(CallEvent::at).toList());
    }

    // --- recordings ----------------------------------------------------------------------------------

    @OnBothEngines
    void recordingsAreIndexedByPathAndCall(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        var recs = new JooqRecordingRepository(db);
        long callId = calls.insertIfAbsent(call("L1", null, 1000)).id();
        String path = "/var/spool/asterisk/monitor/2025/06/15/" + "x".repeat(900) + "-1750000000.1.wav";

        Recording r = recs.save(new Recording(0, callId, path, 61_000, 976_000, "ab".repeat(32), "ok", 5000));
        assertTrue(r.id() > 0);
        assertEquals(new Recording(r.id(), callId, path, 61_000, 976_000, "ab".repeat(32), "ok", 5000), r);
        assertEquals(r, recs.byPath(path).orElseThrow());
        assertEquals(r, recs.byCall(callId).orElseThrow());
        assertEquals(r, recs.get(r.id()).orElseThrow());

        Recording again = recs.save(new Recording(0, callId, path, 62_000, 990_000, "cd".repeat(32), "ok", 9999));
        assertEquals(r.id(), again.id(), "same path: updated, not duplicated");
        assertEquals(62_000, again.durationMs());
        assertEquals(5000, again.createdAt());

        Recording orphan = recs.save(new Recording(0, null, "/var/spool/asterisk/monitor/lost.wav", 0, 44, null, "orphan", 6000));
        recs.setStatus(r.id(), "missing");
        assertEquals("missing", recs.get(r.id()).orElseThrow().status());
        assertEquals(List.of(r.id(), orphan.id()), recs.all().stream().map(Recording::id).toList());
        assertTrue(recs.byPath("/nope.wav").isEmpty());
        assertTrue(recs.byCall(callId + 1).isEmpty());
    }

    /** Migration V4 on both engines: hold and removal columns, the retention query and its conditional update. */
    @OnBothEngines
    void recordingsAreHeldExpiredAndMarkedRemoved(String engine) {
        open(engine);
        var calls = new JooqCallRepository(db);
        var recs = new JooqRecordingRepository(db);
        long callId = calls.insertIfAbsent(call("R1", null, 1000)).id();
        Recording old = recs.save(new Recording(0, callId, "/rec/old.wav", 1000, 100, null, "ok", 1_000));
        Recording held = recs.save(new Recording(0, callId, "/rec/held.wav", 1000, 100, null, "ok", 2_000));
        Recording young = recs.save(new Recording(0, callId, "/rec/young.wav", 1000, 100, null, "ok", 9_000));
        assertTrue(recs.setHold(held.id(), true, "super", 3_000, "投诉 2026-118"));
        assertFalse(recs.setHold(999_999, true, "super", 3_000, "x"));
        Recording h = recs.get(held.id()).orElseThrow();
        assertTrue(h.onHold());
        assertEquals("super", h.holdBy());
        assertEquals(3_000L, h.holdAt());
        assertEquals("投诉 2026-118", h.holdReason());

        assertEquals(List.of(old.id()), recs.expired(5_000, 10).stream().map(Recording::id).toList());
        assertTrue(recs.markRemoved(old.id(), 7_000, "retention"));
        assertFalse(recs.markRemoved(old.id(), 8_000, "retention"), "removed once");
        assertFalse(recs.markRemoved(held.id(), 8_000, "retention"), "a hold wins");
        Recording o = recs.get(old.id()).orElseThrow();
        assertEquals(7_000L, o.removedAt());
        assertEquals("retention", o.removedReason());
        assertEquals("removed", o.status());
        assertTrue(recs.expired(5_000, 10).isEmpty());
        assertEquals(List.of(old.id(), held.id(), young.id()), recs.allByCall(callId).stream().map(Recording::id).toList());

        recs.unmarkRemoved(old.id(), "ok");
        assertFalse(recs.get(old.id()).orElseThrow().removed());
        assertTrue(recs.setHold(held.id(), false, "super", 4_000, null));
        assertNull(recs.get(held.id()).orElseThrow().holdBy());
        assertEquals(List.of(old.id(), held.id()), recs.expired(5_000, 10).stream().map(Recording::id).toList());
    }

    // --- demo data -----------------------------------------------------------------------------------

    @OnBothEngines
    void demoDataSeedsOnce(String engine) {
        open(engine);
        var elders = elders();
        var lines = new JooqLineRepository(db);
        var accounts = new JooqAccountRepository(db);

        DemoData.Seeded seeded = DemoData.seedIfEmpty(db, elders, lines, accounts, ext -> "given-" + ext);
        assertEquals(6, seeded.lines(), "the five call lines and the alarm line (issue 24)");
        assertTrue(seeded.elders() >= 4);
        assertEquals(7, seeded.accounts());
        assertEquals("agent1001", seeded.passwords().get("1001"));
        assertEquals("super1234", seeded.passwords().get("super"));

        Elder first = elders.findByPhone(PhoneNumbers.normalize("02155550001", "21")).orElseThrow();
        assertEquals(List.of("李建国", "控江路街道长白一村居委会", "长白社区养老服务驿站"),
                first.contacts().stream().map(Contact::name).toList());
        assertTrue(first.age(LocalDate.of(2025, 1, 1)) >= 80);
        assertTrue(elders.findByPhone("2155550002").isPresent());
        assertTrue(elders.list(null, 0, 10).stream().anyMatch(e -> "en".equals(e.language())));
        assertEquals(new Line("1234901", Service.SOS, 10, "一键通 紧急救助 SOS"), lines.find("1234901").orElseThrow());
        assertEquals(5, lines.find("1234903").orElseThrow().priority());
        assertEquals(Service.ALARM, lines.find("1234905").orElseThrow().service());
        assertEquals(10, lines.find("1234905").orElseThrow().priority(), "an alarm is queued as an SOS");

        for (int i = 1; i <= 4; i++) {
            String u = "100" + i;
            Account acc = accounts.byExtension(u).orElseThrow();
            assertEquals(new Account(acc.id(), u, Role.AGENT, u, "given-" + u, acc.displayName(), true), acc);
            assertTrue(Passwords.verify(("agent" + u).toCharArray(), accounts.passwordHash(u).orElseThrow()));
        }
        Account sup = accounts.byUsername("super").orElseThrow();
        assertEquals(Role.SUPERVISOR, sup.role());
        assertEquals("1099", sup.extension());
        assertEquals("given-1099", sup.sipSecret(), "the SIP secret comes from the install, never a constant");
        assertTrue(Passwords.verify("super1234".toCharArray(), accounts.passwordHash("super").orElseThrow()));
        Account dispatch = accounts.byUsername("dispatch").orElseThrow();
        assertEquals(Role.DISPATCHER, dispatch.role());
        assertEquals("1097", dispatch.extension(), "a dispatcher opens the orders board in a softphone");
        assertEquals("given-1097", dispatch.sipSecret());
        assertTrue(Passwords.verify("dispatch1234".toCharArray(), accounts.passwordHash("dispatch").orElseThrow()));
        Account district = accounts.byUsername("district").orElseThrow();
        assertEquals(Role.DISTRICT, district.role());
        assertEquals(null, district.extension(), "the district reads reports; it has no phone");
        assertTrue(Passwords.verify("district1234".toCharArray(), accounts.passwordHash("district").orElseThrow()));

        DemoData.Seeded second = DemoData.seedIfEmpty(db, elders, lines, accounts);
        assertTrue(second.nothing(), second.toString());
        assertTrue(second.passwords().isEmpty());
        assertEquals(0, DemoData.seedDefaultLinesIfEmpty(db, lines));
        assertEquals(seeded.elders(), elders.count());
        assertEquals(7, accounts.count());
    }

    @OnBothEngines
    void demoDataIsNeverSeededIntoADatabaseWithDataOfItsOwn(String engine) {
        open(engine);
        var elders = elders();
        var lines = new JooqLineRepository(db);
        var accounts = new JooqAccountRepository(db);
        // a production start: the admin account exists, no elders yet
        accounts.create(new AccountDraft("admin", Role.ADMIN, null, null, "Administrator", true), "h");
        DemoData.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(DemoData.Refused.class,
                () -> DemoData.seedIfEmpty(db, elders, lines, accounts));
        assertTrue(refused.getMessage().contains("--demo"), refused.getMessage());
        assertTrue(refused.getMessage().contains("1 account"), refused.getMessage());
        assertEquals(0, elders.count(), "nothing was seeded");
        assertEquals(1, accounts.count());
    }

    @OnBothEngines
    void defaultLinesAreSeededIntoAnEmptyTableOnly(String engine) {
        open(engine);
        var lines = new JooqLineRepository(db);
        lines.save(new Line("88888", Service.GENERAL, 2, "自定义"));
        assertEquals(0, DemoData.seedDefaultLinesIfEmpty(db, lines), "a configured centre keeps its lines");
        assertEquals(1, lines.all().size());
    }

    // --- life services' matching (issue 21, test 6) ---------------------------------------------------

    /**
     * The same 300 suppliers around Shanghai on H2 and on MariaDB: for elders in several places the SQL prefilter
     * (bounding box, sub-district) and the ranking give the same candidates in the same order on both, and every
     * distance agrees with MariaDB's own ST_Distance_Sphere within 0.5 %.
     */
    @Test
    void matchingRanksTheSameOnH2AndMariaDbAndItsDistancesAgreeWithStDistanceSphere() {
        List<List<String>> ranked = new java.util.ArrayList<>();
        Database maria2 = null;
        Database h2 = openUrl("h2", freshUrl("h2"));
        try {
            maria2 = openUrl("mariadb", freshUrl("mariadb"));
            List<onekey.elders.Place> places = List.of(
                    new onekey.elders.Place(31.2788, 121.5253, "demo", "控江路街道", null),
                    new onekey.elders.Place(31.2020, 121.4420, "demo", "天平路街道", null),
                    new onekey.elders.Place(31.3005, 121.4530, "demo", "彭浦新村街道", null),
                    new onekey.elders.Place(null, null, null, "控江路街道", null));
            for (Database d : List.of(h2, maria2)) {
                onekey.orders.OrderRepository repo = new onekey.orders.OrderRepository(d);
                java.util.Random rnd = new java.util.Random(21);
                List<String> subDistricts = List.of("控江路街道", "天平路街道", "彭浦新村街道", "殷行街道");
                for (int i = 0; i < 300; i++) {
                    boolean located = i % 10 != 0;
                    repo.createSupplier(new onekey.orders.OrderRepository.SupplierDraft("供应商" + i,
                            i % 3 == 0 ? List.of("助餐") : List.of("助浴", "助餐"), List.of("1380000" + (1000 + i)),
                            located ? 31.05 + rnd.nextDouble() * 0.4 : null, located ? 121.25 + rnd.nextDouble() * 0.45 : null,
                            located ? Double.valueOf(1 + rnd.nextInt(12)) : null,
                            located && i % 4 != 1 ? List.of() : List.of(subDistricts.get(i % 4)), i % 7 == 0 ? "08:00-12:00" : "",
                            null, null, i % 11 == 0 ? onekey.orders.Supplier.State.SUSPENDED : onekey.orders.Supplier.State.ADMITTED,
                            onekey.orders.Supplier.Via.VOICE, null, null), 1L);
                    if (i % 5 == 0) { // some have ratings: the score breaks ties between suppliers as near as each other
                        long id = repo.suppliers(null, null, 1000).get(i).id();
                        repo.rate(id, 1 + rnd.nextInt(5), 1 + rnd.nextInt(5), 1 + rnd.nextInt(5), rnd.nextBoolean());
                    }
                }
                List<String> lists = new java.util.ArrayList<>();
                for (onekey.elders.Place p : places) {
                    for (String category : List.of("助浴", "助餐")) {
                        List<onekey.orders.Order.Candidate> c = onekey.orders.Matcher.rank(repo.prefilter(category, p.lat(),
                                p.lon(), 30, p.subDistrict()), category, p, java.time.LocalTime.of(15, 0));
                        org.assertj.core.api.Assertions.assertThat(c).as("candidates for " + p + " " + category).isNotEmpty();
                        lists.add(c.stream().map(x -> x.supplierId() + "@" + x.distanceKm() + "/" + x.score()).toList()
                                .toString());
                        if (d == maria2) {
                            for (onekey.orders.Order.Candidate x : c) {
                                if (x.distanceKm() == null) {
                                    continue;
                                }
                                onekey.orders.Supplier s = repo.supplier(x.supplierId()).orElseThrow();
                                double metres = ((Number) d.dsl().fetchValue("SELECT ST_Distance_Sphere(POINT(?, ?), POINT(?, ?))",
                                        p.lon(), p.lat(), s.lon(), s.lat())).doubleValue();
                                org.assertj.core.api.Assertions.assertThat(x.distanceKm() * 1000).as("supplier " + s.id())
                                        .isCloseTo(metres, org.assertj.core.data.Percentage.withPercentage(0.5));
                            }
                        }
                    }
                }
                ranked.add(lists);
                // the prefilter's plan (V28): the sub-district through its own index, the box through (lat, lon), the
                // category through its index; no LIKE over the supplier lists left to scan
                org.jooq.ResultQuery<?> q = repo.prefilterQuery(31.2788, 121.5253, 30, "控江路街道");
                String sql = d.dsl().renderInlined(q);
                org.assertj.core.api.Assertions.assertThat(sql.toLowerCase(java.util.Locale.ROOT)).doesNotContain(" like ");
                org.jooq.Result<org.jooq.Record> rows = d.dsl().fetch("EXPLAIN " + sql);
                String plan = rows.format(10_000).toLowerCase(java.util.Locale.ROOT);
                System.out.println("prefilter plan on " + d.dialect() + ":\n" + plan);
                org.assertj.core.api.Assertions.assertThat(plan).as(d.dialect() + "'s plan")
                        .contains("ix_supplier_sub_districts").contains("ix_suppliers_lat_lon");
                if (d == maria2) { // no full scan of suppliers: each row of EXPLAIN names its table and access type
                    for (org.jooq.Record r : rows) {
                        if ("suppliers".equalsIgnoreCase(String.valueOf(r.get("table")))) {
                            org.assertj.core.api.Assertions.assertThat(String.valueOf(r.get("type"))).as("suppliers' access")
                                    .isNotEqualToIgnoringCase("ALL");
                        }
                    }
                } else {
                    org.assertj.core.api.Assertions.assertThat(plan).doesNotContain("ix_suppliers_state")
                            .doesNotContain("suppliers.tablescan");
                }
            }
            org.assertj.core.api.Assertions.assertThat(ranked.get(1)).as("MariaDB's ranking").isEqualTo(ranked.get(0));
            System.out.println("matching on both engines, first list: " + ranked.get(0).get(0));
        } finally {
            h2.close();
            if (maria2 != null) {
                maria2.close();
            }
        }
    }
}
