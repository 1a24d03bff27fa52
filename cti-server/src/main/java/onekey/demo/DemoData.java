package onekey.demo;

import onekey.store.Database;

import static onekey.store.jooq.Tables.ACCOUNTS;
import static onekey.store.jooq.Tables.AUDIT_LOG;
import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDERS;
import static onekey.store.jooq.Tables.SERVICE_LINES;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import onekey.auth.AccountDraft;
import onekey.auth.AccountRepository;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.elders.Contact;
import onekey.elders.ElderDraft;
import onekey.elders.Place;
import onekey.elders.ElderRepository;
import onekey.lines.Line;
import onekey.lines.LineRepository;
import onekey.lines.Service;

/**
 * Data for a first start and for demos.
 *
 * <ul>
 *   <li>{@link #seedDefaultLinesIfEmpty} — the six dialled numbers of a centre (12349 general, 1234901 SOS,
 *   1234902 registration, 1234903 taxi, 1234904 consult). The server calls it on EVERY start, production
 *   included: without lines every call would be "general". It only writes into an empty table, so lines edited
 *   through the API are never overwritten.</li>
 *   <li>{@link #seedIfEmpty} — demo only ({@code --demo}): the lines above, five Shanghai elders (the first on
 *   021-5555-0001, the second on 021-5555-0002), agents 1001–1004 and supervisor "super", into an empty database
 *   only, which it marks as a demo one; a second start seeds nothing, and a database with data of its own is
 *   refused.</li>
 * </ul>
 */
public final class DemoData {

    private DemoData() {}

    /** What a seed created; {@code passwords} maps username → demo password of the accounts it created. */
    public record Seeded(int lines, int elders, int accounts, Map<String, String> passwords) {
        public boolean nothing() {
            return lines == 0 && elders == 0 && accounts == 0;
        }
    }

    /** The default dialled numbers; priority is app_queue's QUEUE_PRIO (higher first, SOS highest). */
    public static final List<Line> DEFAULT_LINES = List.of(
            new Line("12349", Service.GENERAL, 1, "一键通 综合服务"),
            new Line("1234901", Service.SOS, 10, "一键通 紧急救助 SOS"),
            new Line("1234902", Service.REGISTRATION, 5, "一键通 预约挂号"),
            new Line("1234903", Service.TAXI, 5, "一键通 预约出租车"),
            new Line("1234904", Service.CONSULT, 3, "一键通 专业咨询"),
            new Line("1234905", Service.ALARM, 10, "一键通 设备报警 (Contact ID)"));

    /** Saves {@link #DEFAULT_LINES} when the lines table is empty; returns how many were saved. */
    public static int seedDefaultLinesIfEmpty(Database db, LineRepository lines) {
        if (db.dsl().fetchCount(SERVICE_LINES) > 0) {
            return 0;
        }
        DEFAULT_LINES.forEach(lines::save);
        return DEFAULT_LINES.size();
    }

    /** Environment variable with the SIP secret of demo extension EXT ({@code ./onekey} keeps them in run/secrets.env). */
    public static final String SIP_SECRET_ENV = "ONEKEY_DEMO_SIPSECRET_";

    /**
     * The demo SIP secret of {@code extension}: {@code ONEKEY_DEMO_SIPSECRET_<ext>} from {@code env}, else a random
     * one (never a well-known constant: SIP endpoints are guessed at from the network).
     */
    public static String sipSecret(Map<String, String> env, String extension) {
        String s = env.get(SIP_SECRET_ENV + extension);
        if (s != null && !s.isBlank()) {
            return s.trim();
        }
        byte[] b = new byte[12];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Demo data was asked for a database that holds data of its own. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The audit row that marks a database as a demo one: later demo starts seed nothing and refuse nothing. */
    public static final String MARKER = "demo.seeded";

    /** As {@link #seedIfEmpty(Database, ElderRepository, LineRepository, AccountRepository, UnaryOperator)}, random SIP secrets. */
    public static Seeded seedIfEmpty(Database db, ElderRepository elders, LineRepository lines,
                                     AccountRepository accounts) {
        return seedIfEmpty(db, elders, lines, accounts, ext -> sipSecret(Map.of(), ext));
    }

    /**
     * Seeds the demo into an EMPTY database only (no elders, accounts or calls), and marks it with an audit row
     * ({@value #MARKER}). A later start on the marked database seeds nothing. A database that holds elders,
     * accounts or calls without the mark is a real centre's: refused with {@link Refused}, nothing written.
     * {@code sipSecrets}: extension → SIP secret of the demo agents and supervisor.
     */
    public static Seeded seedIfEmpty(Database db, ElderRepository elders, LineRepository lines,
                                     AccountRepository accounts, UnaryOperator<String> sipSecrets) {
        boolean marked = db.dsl().fetchCount(AUDIT_LOG, AUDIT_LOG.AUDIT_ACTION.eq(MARKER)) > 0;
        if (marked) {
            return new Seeded(seedDefaultLinesIfEmpty(db, lines), 0, 0, Map.of());
        }
        int haveElders = db.dsl().fetchCount(ELDERS);
        int haveAccounts = db.dsl().fetchCount(ACCOUNTS);
        int haveCalls = db.dsl().fetchCount(CALLS);
        if (haveElders + haveAccounts + haveCalls > 0) {
            throw new Refused("refusing --demo: this database holds " + haveElders + " elder(s), " + haveAccounts
                    + " account(s) and " + haveCalls + " call(s) that are not demo data. Demo accounts have well-known "
                    + "passwords; start the demo on its own empty database (./onekey demo does), or start without --demo.");
        }
        int l = seedDefaultLinesIfEmpty(db, lines);
        int e = 0;
        if (db.dsl().fetchCount(ELDERS) == 0) {
            for (ElderDraft d : demoElders()) {
                elders.create(d);
                e++;
            }
        }
        if (db.dsl().fetchCount(onekey.store.jooq.Tables.STATIONS) == 0) {
            seedStations(db);
        }
        if (db.dsl().fetchCount(onekey.store.jooq.Tables.DEVICES) == 0) {
            seedDevices(db);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        if (db.dsl().fetchCount(ACCOUNTS) == 0) {
            String[] names = {"王丽 (坐席1001)", "李强 (坐席1002)", "陈静 (坐席1003)", "赵敏 (坐席1004)"};
            for (int i = 1; i <= 4; i++) {
                String u = "100" + i;
                accounts.create(new AccountDraft(u, Role.AGENT, u, sipSecrets.apply(u), names[i - 1], true),
                        demoHash("agent" + u));
                passwords.put(u, "agent" + u);
            }
            accounts.create(new AccountDraft("super", Role.SUPERVISOR, "1099", sipSecrets.apply("1099"), "周班长 (班长)", true),
                    demoHash("super1234"));
            passwords.put("super", "super1234");
            // the dispatchers' orders board opens in their softphone (issue 21), so the dispatcher has an extension;
            // the district signs in to its reports page only (issue 22): no phone
            accounts.create(new AccountDraft("dispatch", Role.DISPATCHER, "1097", sipSecrets.apply("1097"), "吴调度 (派单员)", true),
                    demoHash("dispatch1234"));
            passwords.put("dispatch", "dispatch1234");
            accounts.create(new AccountDraft("district", Role.DISTRICT, null, null, "区民政局 (报表)", true),
                    demoHash("district1234"));
            passwords.put("district", "district1234");
        }
        db.dsl().insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.AT_MS, System.currentTimeMillis())
                .set(AUDIT_LOG.USERNAME, "system")
                .set(AUDIT_LOG.AUDIT_ACTION, MARKER)
                .set(AUDIT_LOG.DETAIL, "demo elders=" + e + " accounts=" + passwords.size() + " (well-known passwords)")
                .execute();
        return new Seeded(l, e, passwords.size(), Map.copyOf(passwords));
    }

    /**
     * 驿站 (community service stations) near the demo elders (issue 24: the nearest one in an alarm's pop), with hours
     * that make the pop's choice visible: 天平路's closes at 20:00 and 徐家汇's, a little farther, is open all night.
     */
    static void seedStations(Database db) {
        var t = onekey.store.jooq.Tables.STATIONS;
        long now = System.currentTimeMillis();
        Object[][] rows = {
                {"天平路街道为老服务驿站", "上海市徐汇区天平路245号", 31.2046, 121.4447, "02164310001", "08:00-20:00", "孙阿姨 (值班社工)", "天平路街道"},
                {"徐家汇街道24小时驿站", "上海市徐汇区宛平南路88号", 31.1975, 121.4365, "02164310002", "24h", "夜班 刘师傅", "徐家汇街道"},
                {"长白新村驿站", "上海市杨浦区长白路150号", 31.2801, 121.5230, "02165430003", "mon-sat 08:00-18:00", "周社工", "控江路街道"},
                {"临汾路驿站", "上海市静安区临汾路380号", 31.2990, 121.4552, "02156640004", "08:00-20:00", "马阿姨", "彭浦新村街道"},
                {"古北驿站", "上海市长宁区古北路600号", 31.1992, 121.4081, "02162750005", "24h", "值班护工", "虹桥街道"},
                {"潍坊四村驿站", "上海市浦东新区潍坊路520号", 31.2290, 121.5241, "02158760006", "mon-fri 08:30-17:30", "陆社工", "潍坊新村街道"}};
        for (Object[] r : rows) {
            db.dsl().insertInto(t)
                    .set(t.NAME, (String) r[0]).set(t.ADDRESS, (String) r[1]).set(t.LAT, (Double) r[2])
                    .set(t.LON, (Double) r[3]).set(t.PHONE, (String) r[4]).set(t.HOURS, (String) r[5])
                    .set(t.STAFF, (String) r[6]).set(t.SUB_DISTRICT, (String) r[7]).set(t.ACTIVE, true)
                    .set(t.CREATED_AT, now).set(t.UPDATED_AT, now).execute();
        }
    }

    /** The demo fall sensor's SIP identity: {@code ./onekey alarm} sends its SCAIP MESSAGE (issue 24). */
    public static final String DEMO_FALL_SENSOR = "fall-demo-1";

    /**
     * 张桂英's fall sensor (issue 24), which sends SCAIP-style MESSAGE alarms, so
     * {@code ./onekey alarm} shows a device alarm end to end (incident, pop with the fix and the nearest 驿站).
     */
    static void seedDevices(Database db) {
        Long elderId = db.dsl().select(onekey.store.jooq.Tables.ELDER_PHONES.ELDER_ID)
                .from(onekey.store.jooq.Tables.ELDER_PHONES)
                .where(onekey.store.jooq.Tables.ELDER_PHONES.PHONE.eq(onekey.elders.PhoneNumbers.normalize("02155550001", null)))
                .limit(1).fetchOne(0, Long.class);
        if (elderId == null) {
            return;
        }
        var repo = new onekey.devices.DeviceRepository(db);
        long now = System.currentTimeMillis();
        repo.insert(new onekey.devices.DeviceDraft(elderId, "fall-sensor", "FS-DEMO-0001", "演示", "跌倒报警器", null, null,
                DEMO_FALL_SENSOR, null, LocalDate.now(), "demo"), now);
    }

    /** The demo passwords' hashes, made once per JVM ({@link #demoHash}). */
    private static final Map<String, String> DEMO_HASHES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A demo account's stored hash (PBKDF2, {@link Passwords}): made once per JVM per demo password and reused by the
     * next demo database this JVM seeds. The demo's passwords are published (README), so one salt for all of a JVM's
     * demo databases protects nothing less; a JVM that seeds many (the integration tests: a demo server per test,
     * seven hashes of ~0.1–0.3 s of CPU each) hashes each once. Accounts made by people are hashed each with its own salt.
     */
    static String demoHash(String password) {
        return DEMO_HASHES.computeIfAbsent(password, p -> Passwords.hash(p.toCharArray()));
    }

    /** Five elders of Shanghai districts; contacts in calling order: child, 居委 (neighbourhood committee), 驿站. */
    static List<ElderDraft> demoElders() {
        return List.of(
                new ElderDraft("张桂英", LocalDate.of(1938, 3, 12), "female", List.of("02155550001", "13917000001"),
                        "上海市杨浦区控江路1029弄12号302室",
                        "控江路长白新村菜场对面，弄口有全家便利店；3楼无电梯",
                        "杨浦区", "zh", "district-paid",
                        "高血压，2型糖尿病，2019年轻度脑梗",
                        "氨氯地平 5mg 每日一次；二甲双胍 0.5g 每日两次；阿司匹林 100mg",
                        "青霉素过敏",
                        "拄拐杖，可缓慢行走，上下楼需搀扶",
                        "one-key landline",
                        "独居；听力较弱，说话请大声慢速；儿子周末来看望",
                        List.of(new Contact("李建国", "儿子", "13816000001"),
                                new Contact("控江路街道长白一村居委会", "居委", "02165430001"),
                                new Contact("长白社区养老服务驿站", "驿站", "02165430099")), true,
                        new Place(31.2788, 121.5253, "demo", "控江路街道", "长白一村居委会")),
                new ElderDraft("王德明", LocalDate.of(1940, 11, 5), "male", List.of("02155550002"),
                        "上海市徐汇区天平路245弄5号101室",
                        "天平路近衡山路，徐家汇公园南侧，弄堂口有邮局",
                        "徐汇区", "zh", "subsidised",
                        "冠心病（2017年放支架），慢性阻塞性肺病",
                        "硝酸甘油（随身）；氯吡格雷 75mg；噻托溴铵吸入剂",
                        "无已知过敏",
                        "可自行行走，久走气喘",
                        "portable SOS",
                        "与老伴同住，老伴有阿尔茨海默症",
                        List.of(new Contact("王晓红", "女儿", "13601000002"),
                                new Contact("天平路街道天平居委会", "居委", "02164370002"),
                                new Contact("天平社区长者照护之家驿站", "驿站", "02164370099")), null,
                        new Place(31.2020, 121.4420, "demo", "天平路街道", "天平居委会")),
                new ElderDraft("陈秀兰", LocalDate.of(1935, 7, 21), "female", List.of("02155550003"),
                        "上海市静安区彭浦新村临汾路380弄21号501室",
                        "临汾路共和新路口，彭浦新村地铁站1号口往东200米，小区有电梯",
                        "静安区", "zh", "district-paid",
                        "骨质疏松，2022年髋部骨折术后，轻度认知障碍",
                        "钙尔奇D 每日一片；多奈哌齐 5mg 睡前",
                        "磺胺类药物过敏",
                        "使用助行器，不能独自外出",
                        "one-key landline",
                        "有钥匙存放在居委会；下午常午睡，响铃久一点",
                        List.of(new Contact("陈立民", "儿子", "13788000003"),
                                new Contact("彭浦新村街道临汾居委会", "居委", "02156650003"),
                                new Contact("临汾路社区综合为老服务中心驿站", "驿站", "02156650099")), null,
                        new Place(31.3005, 121.4530, "demo", "彭浦新村街道", "临汾居委会")),
                new ElderDraft("Margaret Liu", LocalDate.of(1941, 2, 14), "female", List.of("02155550004", "13524000004"),
                        "上海市长宁区古北路1000弄3号1202室 (Gubei Rd. Lane 1000, No. 3, Apt 1202)",
                        "Near Gubei Carrefour, opposite Hongqiao Golden City; concierge at lobby",
                        "长宁区", "en", "market",
                        "Atrial fibrillation, cataract (right eye)",
                        "Warfarin 3mg daily (bleeding risk); metoprolol 25mg twice daily",
                        "Shellfish; iodine contrast",
                        "Walks independently, poor vision at night",
                        "portable SOS",
                        "Returned overseas Chinese, prefers English; son lives in Singapore",
                        List.of(new Contact("David Liu", "son", "+6591000004", "en"),
                                new Contact("虹桥街道古北居委会", "居委", "02162700004"),
                                new Contact("古北社区养老服务驿站", "驿站", "02162700099")), null,
                        new Place(31.2005, 121.4060, "demo", "虹桥街道", "古北居委会")),
                new ElderDraft("刘福生", LocalDate.of(1937, 9, 30), "male", List.of("02155550005"),
                        "上海市浦东新区潍坊路369弄8号204室",
                        "潍坊新村，世纪大道地铁站6号口，小区门口有农工商超市",
                        "浦东新区", "zh", "subsidised",
                        "帕金森病，前列腺增生，夜间尿频",
                        "多巴丝肼 0.25g 每日三次；坦索罗辛 0.2mg",
                        "无已知过敏",
                        "行动迟缓，夜间起床有跌倒风险，家中已装扶手",
                        "one-key landline",
                        "上海话交流更顺畅；女儿每天晚上电话问候",
                        List.of(new Contact("刘美华", "女儿", "13901000005"),
                                new Contact("潍坊新村街道潍坊四村居委会", "居委", "02158310005")), null,
                        new Place(31.2305, 121.5260, "demo", "潍坊新村街道", "潍坊四村居委会")));
    }
}
