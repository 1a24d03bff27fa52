package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.sms.SmppGateway;
import onekey.sms.SmsEvents;
import onekey.sms.SmsMessage;
import onekey.sms.SmsRepository;
import onekey.sms.SmsService;
import onekey.sms.SmsTriggers;
import onekey.store.Database;
import onekey.testkit.Smsc;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, the SMS mechanics against a real SMSC (the npm package smpp, {@link Smsc}) with OneKey's SMPP adapter
 * and its message rows on H2 — no Asterisk: a long Chinese text arrives whole, an SMSC killed with texts queued gets
 * each once when it is back, a throttling SMSC loses nothing, a bad number fails with its code, a text left in flight
 * by a dead run is never sent again, replies reach the incident.
 */
class SmsIT {

    @TempDir
    Path tmp;
    Database db;
    EventHub hub;
    SmsRepository repo;
    JooqElderRepository elders;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> acks = new CopyOnWriteArrayList<>();
    final List<String> notes = new CopyOnWriteArrayList<>();
    Smsc smsc;
    SmsService sms;

    @BeforeEach
    void up() {
        db = Database.open(Database.h2FileUrl(tmp.resolve("onekey")), "sa", "", 4);
        hub = new EventHub(10_000);
        hub.subscribe(id -> true, true, -1, events::add);
        repo = new SmsRepository(db);
        elders = new JooqElderRepository(db, "21");
    }

    @AfterEach
    void down() {
        if (sms != null) {
            sms.close();
        }
        if (smsc != null) {
            smsc.close();
        }
        db.close();
    }

    private SmsService service(int window, int perSecond) {
        return service(window, perSecond, "【一键通】");
    }

    private SmsService service(int window, int perSecond, String signature) {
        SmppGateway gw = new SmppGateway(new SmppGateway.Settings("127.0.0.1", smsc.port(), "onekey", "secret", "10690000",
                window, perSecond, 2, 5_000));
        sms = new SmsService(repo, gw, hub, elders, new SmsService.Incidents() {
            @Override
            public Optional<Long> agentOf(long incidentId) {
                return Optional.of(7L);
            }

            @Override
            public boolean open(long incidentId) {
                return incidentId == 41;
            }

            @Override
            public Optional<Long> note(long incidentId, String kind, String target, String result, String detail) {
                notes.add(incidentId + " " + kind + " " + result);
                return Optional.of((long) notes.size());
            }

            @Override
            public void result(long stepId, String result) {
                notes.add("step " + stepId + " " + result);
            }

            @Override
            public boolean acknowledge(long incidentId, String phone, String name, String text) {
                acks.add(incidentId + " " + phone + " " + name + " " + text);
                return true;
            }
        }, null, Clock.systemUTC(), new SmsService.Settings(signature, window, 8, 1_000));
        return sms.start();
    }

    private List<SmsMessage> rows() {
        return repo.list(null, null, 10_000);
    }

    private void awaitBound() {
        Awaitility.await("OneKey bound to the SMSC").atMost(Duration.ofSeconds(15)).until(() -> sms.up() && smsc.bound());
    }

    @Test
    void aLongChineseTextArrivesWholeInConcatenatedPartsAndAShortLatinOneIsGsm() {
        smsc = new Smsc().start();
        service(4, 100, "[OneKey]");
        awaitBound();
        StringBuilder sb = new StringBuilder();
        String base = "您好，这里是一键通紧急救助中心。张桂英按了一键呼叫，但是没有回应，请尽快前往长白路一百号三楼查看。";
        while (sb.length() < 300) {
            sb.append(base);
        }
        String longText = sb.substring(0, 300);
        SmsMessage chinese = sms.send("13816000001", longText, "test", SmsService.Refs.NONE).orElseThrow();
        SmsMessage latin = sms.send("+86 138 1600 0002", "Your mother pressed SOS {help} & is safe: 100% ~ ok €", "test",
                SmsService.Refs.NONE).orElseThrow();

        Awaitility.await("both texts delivered (receipts matched)").atMost(Duration.ofSeconds(20))
                .until(() -> repo.get(chinese.id()).orElseThrow().state().equals("delivered")
                        && repo.get(latin.id()).orElseThrow().state().equals("delivered"));
        List<Smsc.Text> got = smsc.textsTo("13816000001");
        assertThat(got).hasSize(1);
        Smsc.Text whole = got.get(0);
        assertThat(whole.dataCoding()).isEqualTo(8); // UCS2
        assertThat(whole.parts()).isEqualTo(5); // 308 characters with the signature: 67 a part
        assertThat(whole.text()).isEqualTo("[OneKey]" + longText);
        List<String> refs = smsc.submits().stream().filter(n -> n.path("destination_addr").asText().equals("13816000001"))
                .map(n -> n.path("udh").asText().substring(4, 6)).distinct().toList();
        assertThat(refs).as("every part has the same reference").hasSize(1);
        assertThat(repo.get(chinese.id()).orElseThrow().smscIds()).hasSize(5);

        // every character in the GSM alphabet (extension table included): GSM 7-bit, decoded right by the SMSC
        Smsc.Text l = smsc.textsTo("13816000002").get(0);
        assertThat(l.dataCoding()).isZero();
        assertThat(l.text()).isEqualTo("[OneKey]Your mother pressed SOS {help} & is safe: 100% ~ ok €");
        assertThat(l.parts()).isEqualTo(1);
    }

    @Test
    void theSmscKilledWithTwentyQueuedGetsEachOnceWhenItIsBack() {
        smsc = new Smsc().start();
        service(5, 200);
        awaitBound();
        smsc.kill();
        Awaitility.await("the link loss is seen").atMost(Duration.ofSeconds(15)).until(() -> !sms.up());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(sms.send("1390000" + String.format("%04d", i), "第" + (i + 1) + "条：测试短信", "test",
                    SmsService.Refs.NONE).orElseThrow().id());
        }
        // they wait in their rows; health says down; the supervisors are told once it has lasted (1 s here)
        assertThat(rows()).allMatch(m -> m.state().equals("queued"));
        assertThat(sms.health()).containsEntry("connected", false).containsEntry("queued", 20);
        Awaitility.await("system.alert sms-down raised").atMost(Duration.ofSeconds(10)).until(() -> {
            sms.checkLink();
            return events.stream().anyMatch(e -> e.event() instanceof SmsEvents.LinkDown d && d.raised());
        });

        smsc.start(); // same port
        Awaitility.await("all 20 delivered").atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream().allMatch(id -> repo.get(id).orElseThrow().state().equals("delivered")));
        for (int i = 0; i < 20; i++) {
            assertThat(smsc.textsTo("1390000" + String.format("%04d", i))).as("text %d sent once", i).hasSize(1);
        }
        assertThat(events).anyMatch(e -> e.event() instanceof SmsEvents.LinkDown d && !d.raised());
    }

    @Test
    void aThrottlingSmscSlowsOneKeyDownAndLosesNothing() {
        smsc = new Smsc().start();
        service(5, 500);
        awaitBound();
        smsc.throttle(6);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(sms.send("1370000" + String.format("%04d", i), "测试限速 " + i, "test", SmsService.Refs.NONE)
                    .orElseThrow().id());
        }
        Awaitility.await("all 20 delivered").atMost(Duration.ofSeconds(60))
                .until(() -> ids.stream().allMatch(id -> repo.get(id).orElseThrow().state().equals("delivered")));
        long refused = smsc.pdus().stream().filter(n -> n.path("command").asText().equals("submit_sm_resp")
                && n.path("status").asInt() == 0x58).count();
        assertThat(refused).isEqualTo(6);
        for (int i = 0; i < 20; i++) {
            assertThat(smsc.textsTo("1370000" + String.format("%04d", i))).hasSize(1);
        }
        assertThat(rows()).anyMatch(m -> m.attempts() > 1);
        assertThat(((Number) sms.health().get("throttled")).longValue()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anInvalidDestinationFailsWithItsCodeAndIsNotRetried() {
        smsc = new Smsc().start();
        service(2, 100);
        awaitBound();
        smsc.reject("13500000000", 0x0B);
        SmsMessage m = sms.send("13500000000", "号码错误测试", "test", SmsService.Refs.NONE).orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> repo.get(m.id()).orElseThrow().state().equals("failed"));
        SmsMessage row = repo.get(m.id()).orElseThrow();
        assertThat(row.errorCode()).isEqualTo("ESME_RINVDSTADR");
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(smsc.submits()).hasSize(1);
    }

    @Test
    void aTextLeftInFlightByADeadRunIsUnknownAndNeverSentAgain() {
        smsc = new Smsc().start();
        // the dead run: the row was written and moved to sending, then the process died before the SMSC answered
        SmsMessage m = repo.insert(new SmsRepository.Draft("13816000009", "【一键通】测试", null, "test", "zh", null, null,
                null, null), System.currentTimeMillis()).orElseThrow();
        assertThat(repo.sending(m.id(), System.currentTimeMillis())).isTrue();
        service(2, 100);
        awaitBound();
        SmsMessage fresh = sms.send("13816000010", "新短信", "test", SmsService.Refs.NONE).orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> repo.get(fresh.id()).orElseThrow().state()
                .equals("delivered"));
        assertThat(repo.get(m.id()).orElseThrow().state()).isEqualTo("unknown");
        assertThat(repo.get(m.id()).orElseThrow().errorCode()).isEqualTo("RESTART");
        assertThat(smsc.textsTo("13816000009")).isEmpty();
    }

    @Test
    void repliesToAnIncidentTextAcknowledgeOrReachTheSeatAndTriggersTextEachFlaggedContactOnce() {
        smsc = new Smsc().start();
        service(4, 100);
        awaitBound();
        Elder e = elders.create(new ElderDraft("张桂英", null, "F", List.of("2155550001", "13916000001"), "杨浦区长白路100号3楼", null, null,
                "zh", null, null, null, null, null, null, null, List.of(
                        new Contact("李建国", "儿子", "13816000001"),
                        new Contact("David Liu", "son", "13816000004", "en"),
                        new Contact("居委", "居委", "02165430001"),
                        new Contact("王阿姨", "邻居", "13816000005", null, false))));
        assertThat(e.contacts().stream().map(Contact::wantsTexts).toList()).containsExactly(true, true, false, false);
        SmsTriggers triggers = new SmsTriggers(sms, elders, onekey.config.ConfigLoader.SMS_TRIGGERS, "962222", "21");
        onekey.rescue.Incident inc = new onekey.rescue.Incident(41, e.id(), null, 7L, System.currentTimeMillis(), "system",
                "abandoned-sos", "redialling", null, null, List.of(), "2155550001");
        try {
            triggers.start(hub);
            hub.broadcast(new onekey.rescue.RescueEvents.IncidentOpened(inc));
            hub.broadcast(new onekey.rescue.RescueEvents.IncidentOpened(inc)); // seen twice: texted once
            Awaitility.await("the two flagged contacts texted").atMost(Duration.ofSeconds(15))
                    .until(() -> smsc.texts().size() == 2 && rows().stream().allMatch(m -> m.state().equals("delivered")));
        } finally {
            triggers.close();
        }
        assertThat(smsc.textsTo("13816000001").get(0).text()).startsWith("【一键通】张桂英按了一键呼叫后无回应")
                .contains("杨浦区长白路100号3楼", "962222", "回复1");
        assertThat(smsc.textsTo("13816000004").get(0).text()).startsWith("【一键通】张桂英 pressed the emergency button")
                .contains("reply 1");
        assertThat(notes).contains("41 sms submitted");

        smsc.inject("13816000001", "收到");
        smsc.inject("8613816000004", "I'm stuck in traffic, 20 min");
        Awaitility.await("both replies handled").atMost(Duration.ofSeconds(10))
                .until(() -> repo.inboundList(null, 41L, 10).size() == 2);
        assertThat(acks).containsExactly("41 13816000001 李建国 收到");
        assertThat(repo.inboundList(null, 41L, 10)).extracting(onekey.sms.SmsInbound::meaning).containsExactly("reply", "ack");
        assertThat(events).anyMatch(ev -> ev.event() instanceof SmsEvents.Replied r && r.reply().text().contains("traffic")
                && Long.valueOf(7).equals(ev.accountId()));
        assertThat(notes).contains("41 sms-reply ack", "41 sms-reply reply");

        // a booking confirmed by voice: the elder's mobile and the flagged contacts, once each
        SmsTriggers bookings = new SmsTriggers(sms, elders, java.util.Set.of("booking"), "962222", "21").start(hub);
        try {
            onekey.broadcast.Broadcast b = new onekey.broadcast.Broadcast(77, e.id(), "booking", "booking", java.util.Map.of(),
                    "zh", "您预约了6月3日上午9点瑞金医院心内科。", null, 0, false, "confirmed", 0, "1001", null, 0, null, null,
                    "confirmed", List.of(), null, null);
            hub.broadcast(new onekey.broadcast.BroadcastEvents.Confirmed(b));
            Awaitility.await("the booking texts").atMost(Duration.ofSeconds(15))
                    .until(() -> smsc.textsTo("13916000001").size() == 1 && smsc.textsTo("13816000001").size() == 2
                            && smsc.textsTo("13816000004").size() == 2);
        } finally {
            bookings.close();
        }
        assertThat(smsc.textsTo("13916000001").get(0).text()).isEqualTo("【一键通】张桂英的预约已通过电话确认："
                + "您预约了6月3日上午9点瑞金医院心内科。中心电话962222。");
        assertThat(smsc.textsTo("13816000004").get(1).text()).contains("booking was confirmed by phone");
    }

    /**
     * The whole server in its own JVM (no Asterisk needed for texts): a seat's texts through POST /api/sms reach the
     * SMSC, the server is killed -9 while their receipts are held, and after the restart the receipts resolve them —
     * none was submitted twice. Also: /api/health's sms part, GET /api/sms, a contact phone that is not a number
     * refused at save time.
     */
    @Test
    void killNineOfTheServerWithTextsSubmittedButNotReceiptedSendsNoneTwice() {
        smsc = new Smsc(List.of("--receipts", "off")).start();
        onekey.testkit.Stack stack = new onekey.testkit.Stack();
        try {
            smsc.env().forEach(stack::with);
            stack.startServerProcess();
            onekey.testkit.Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("health: sms bound").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("sms").path("connected").asBoolean());

            var refused = api.send("POST", "/api/elders", sup, "{\"name\":\"测试老人\",\"phones\":[\"2155559999\"],"
                    + "\"contacts\":[{\"name\":\"儿子\",\"phone\":\"call me maybe\"}]}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("contacts[0].phone");
            var saved = api.send("POST", "/api/elders", sup, "{\"name\":\"测试老人\",\"phones\":[\"2155559999\"],"
                    + "\"contacts\":[{\"name\":\"儿子\",\"phone\":\"13816000077\"},{\"name\":\"居委\","
                    + "\"phone\":\"021-6543-0077\"},{\"name\":\"女儿\",\"phone\":\"13816000078\",\"notifySms\":false}]}");
            assertThat(saved.status()).as(saved.body()).isEqualTo(201);
            long elderId = saved.json().path("id").asLong();
            assertThat(saved.json().path("contacts").findValuesAsText("notifySms")).containsExactly("true", "false", "false");

            for (int i = 1; i <= 5; i++) {
                var sent = api.send("POST", "/api/sms", sup, "{\"elderId\":" + elderId + ",\"to\":\"13816000077\","
                        + "\"text\":\"中心测试短信" + i + "\"}");
                assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            }
            var notContact = api.send("POST", "/api/sms", sup, "{\"elderId\":" + elderId + ",\"to\":\"13900000000\","
                    + "\"text\":\"x\"}");
            assertThat(notContact.status()).isEqualTo(400);
            Awaitility.await("5 submitted, receipts held").atMost(Duration.ofSeconds(20)).until(() ->
                    api.get("/api/sms?elderId=" + elderId, sup).json().path("texts").findValuesAsText("state").stream()
                            .filter("submitted"::equals).count() == 5);
            assertThat(smsc.textsTo("13816000077")).hasSize(5);

            stack.process.kill9();
            stack.process.restart();
            String sup2 = api.login("super", "super1234");
            Awaitility.await("bound again after the restart").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("sms").path("connected").asBoolean());
            smsc.receipts(true);
            Awaitility.await("the held receipts resolve the texts").atMost(Duration.ofSeconds(20)).until(() ->
                    api.get("/api/sms?elderId=" + elderId, sup2).json().path("texts").findValuesAsText("state").stream()
                            .filter("delivered"::equals).count() == 5);
            assertThat(smsc.textsTo("13816000077")).as("none sent twice").hasSize(5);
            assertThat(smsc.textsTo("13816000077").get(0).text()).isEqualTo("【一键通】中心测试短信1");
            assertThat(api.get("/api/audit?targetType=elder&targetId=" + elderId, sup2).body()).contains("sms.send", "sms.list");
        } finally {
            stack.close();
        }
    }

    /**
     * A care campaign by text only (issue 20: "care campaigns may choose voice, SMS or both"), through the whole
     * server (no Asterisk: an sms campaign places no call): each elder of the filter gets the campaign's words at their
     * mobile, an elder with a landline only none; the rows name the campaign; the campaign's figures count the texts
     * delivered and it is done; a bad channel, or sms without words, is a 400 naming the field.
     */
    @Test
    void anSmsCareCampaignTextsEachEldersMobileAndCountsTheTextsDelivered() {
        smsc = new Smsc().start();
        onekey.testkit.Stack stack = new onekey.testkit.Stack();
        try {
            smsc.env().forEach(stack::with);
            stack.with("ONEKEY_SMS_QUIETHOURS", "none"); // the run may fall in the night; quiet hours: SmsQuietHoursTest
            stack.startServerProcess();
            onekey.testkit.Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("health: sms bound").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("sms").path("connected").asBoolean());
            List<Long> ids = new java.util.ArrayList<>();
            for (String[] e : List.of(new String[] {"王秀兰", "[\"2155550101\",\"13817000101\"]", "zh"},
                    new String[] {"Margaret Liu", "[\"13817000102\"]", "en"},
                    new String[] {"李大爷", "[\"2155550103\"]", "zh"})) {
                var saved = api.send("POST", "/api/elders", sup, "{\"name\":\"" + e[0] + "\",\"phones\":" + e[1]
                        + ",\"district\":\"短信区\",\"language\":\"" + e[2] + "\"}");
                assertThat(saved.status()).as(saved.body()).isEqualTo(201);
                ids.add(saved.json().path("id").asLong());
            }

            var fax = api.send("POST", "/api/campaigns", sup, "{\"name\":\"降温\",\"template\":\"check-in\","
                    + "\"channel\":\"fax\",\"text\":\"x\",\"filter\":{\"district\":\"短信区\"}}");
            assertThat(fax.status()).as(fax.body()).isEqualTo(400);
            assertThat(fax.body()).contains("channel", "voice, sms, both");
            var noWords = api.send("POST", "/api/campaigns", sup, "{\"name\":\"降温\",\"template\":\"check-in\","
                    + "\"channel\":\"sms\",\"filter\":{\"district\":\"短信区\"}}");
            assertThat(noWords.status()).as(noWords.body()).isEqualTo(400);
            assertThat(noWords.body()).contains("text");

            var made = api.send("POST", "/api/campaigns", sup, "{\"name\":\"降温提醒\",\"template\":\"check-in\","
                    + "\"channel\":\"sms\",\"text\":\"明天降温8度，请注意保暖。\",\"filter\":{\"district\":\"短信区\"}}");
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            assertThat(made.json().path("channel").asText()).isEqualTo("sms");
            long id = made.json().path("id").asLong();
            Awaitility.await("the campaign is done, its texts delivered").atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/campaigns/" + id, sup).json().path("state").asText().equals("done"));
            var sum = api.get("/api/campaigns/" + id, sup).json();
            assertThat(sum.path("elders").asInt()).isEqualTo(3);
            assertThat(sum.path("texts").path("written").asInt()).isEqualTo(2);
            assertThat(sum.path("texts").path("delivered").asInt()).isEqualTo(2);
            assertThat(sum.path("texts").path("noMobile").asInt()).isEqualTo(1);
            assertThat(sum.path("scheduled").asInt()).as("no broadcast: nobody is called").isZero();

            assertThat(smsc.textsTo("13817000101")).extracting(Smsc.Text::text)
                    .containsExactly("【一键通】王秀兰您好：明天降温8度，请注意保暖。如需帮助请拨打962222。");
            assertThat(smsc.textsTo("13817000101").get(0).dataCoding()).isEqualTo(8);
            assertThat(smsc.textsTo("13817000102")).extracting(Smsc.Text::text)
                    .containsExactly("【一键通】Dear Margaret Liu: 明天降温8度，请注意保暖。 If you need help, call 962222.");
            assertThat(smsc.texts()).extracting(Smsc.Text::to).doesNotContain("2155550103");
            var row = api.get("/api/sms?elderId=" + ids.get(0), sup).json().path("texts").get(0);
            assertThat(row.path("campaignId").asLong()).isEqualTo(id);
            assertThat(row.path("reason").asText()).isEqualTo("campaign");
            assertThat(row.path("state").asText()).isEqualTo("delivered");
            assertThat(api.get("/api/broadcasts?elderId=" + ids.get(0), sup).json().size()).as("no broadcast").isZero();
        } finally {
            stack.close();
        }
    }
}
