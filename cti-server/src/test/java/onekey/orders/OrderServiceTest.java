package onekey.orders;

import static onekey.store.jooq.Tables.ORDER_OFFERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import onekey.api.EventViews;
import onekey.auth.Account;
import onekey.auth.JooqAuditLog;
import onekey.auth.Role;
import onekey.broadcast.BroadcastService;
import onekey.config.RetrySpec;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.elders.Place;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.outbound.OutboundRepository;
import onekey.outbound.OutboundService;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work orders on a real H2 database with the clock injected (issue 21): matching, dispatch one supplier at a time over
 * the outbound service (the PBX records the calls; Asterisk's answers are fed back as the events AMI delivers), the
 * elder's callback and complaints, a webhook supplier, and a restart with an offer's call in flight. OrdersIT runs the
 * calls against a real Asterisk and phones.
 */
class OrderServiceTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final List<String> CATEGORIES = List.of("助餐", "家政保洁", "助浴", "维修", "陪诊", "出行");
    /** 张桂英's home (控江路街道). */
    static final Place HOME = new Place(31.2788, 121.5253, "demo", "控江路街道", "长白一村居委会");

    @TempDir
    Path tmp;
    /** 10:00 in Shanghai. */
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final RecordingPbx pbx = new RecordingPbx();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> spoken = new CopyOnWriteArrayList<>();
    final Account dispatcher = new Account(9, "disp", Role.DISPATCHER, null, null, "派单员", true);
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);
    Database db;
    JooqElderRepository elders;
    OutboundService outbound;
    OrderService service;
    Elder elder;
    EventHub hub;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        elders = new JooqElderRepository(db, "21", clock);
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of("13800000001"), "上海市杨浦区控江路1029弄12号302室",
                "菜场对面，弄口有全家便利店", "杨浦区", "zh", "district-paid", null, null, null, null, null, null, List.of(),
                true, HOME));
        hub = new EventHub(1000);
        hub.subscribe(id -> true, true, -1, events::add);
        start(RetrySpec.parse("3x1"));
    }

    final List<BroadcastService.Request> booked = new CopyOnWriteArrayList<>();
    /** Texts the supplier notifier sent: "to|elderId|text". */
    final List<String> texts = new CopyOnWriteArrayList<>();

    private void start(RetrySpec webhookRetry) {
        outbound = new OutboundService(new OutboundRepository(db), pbx, clock, OutboundService.Limits.none(), null);
        service = new OrderService(new OrderRepository(db), elders, hub, new JooqAuditLog(db, clock), clock,
                new OrderService.Settings(CATEGORIES, 30, 3, 6, 30, webhookRetry, 0, RetrySpec.parse("2x60"), 50, SHANGHAI),
                (BroadcastService.Prompts) (text, lang) -> {
                    spoken.add(text);
                    return Optional.of(new BroadcastService.Spoken("prompts/" + lang + "-" + spoken.size(), 12_000));
                }, outbound, new OrderService.Wiring((req, by) -> {
                    booked.add(req);
                    return 500L + booked.size();
                }, List.of(new SmsSupplierNotifier((to, text, elderId, ref) -> texts.add(to + "|" + elderId + "|" + text),
                        SHANGHAI))));
        outbound.resync();
    }

    @AfterEach
    void down() {
        service.close();
        outbound.close();
        db.close();
    }

    private Supplier supplier(String name, List<String> categories, String phone, double lat, double lon, double radiusKm,
                              Supplier.State state, String hours) {
        return service.createSupplier(new OrderRepository.SupplierDraft(name, categories, List.of(phone), lat, lon, radiusKm,
                List.of(), hours, "2027-12-31", "2027-06-30", state, Supplier.Via.VOICE, null, null), dispatcher);
    }

    /** Three that do not fit (no 助浴, too far for its radius, suspended) and two that do, the nearer one first. */
    private Supplier[] fiveSuppliers() {
        Supplier near = supplier("长白助浴队", List.of("助浴", "助餐"), "13800000101", 31.2850, 121.5300,
                5, Supplier.State.ADMITTED, "08:00-20:00");
        Supplier other = supplier("杨浦助浴中心", List.of("助浴"), "13800000102", 31.2600, 121.5100, 5,
                Supplier.State.ADMITTED, "");
        supplier("控江维修", List.of("维修"), "13800000103", 31.2790, 121.5250, 5, Supplier.State.ADMITTED, "");
        supplier("宝山助浴", List.of("助浴"), "13800000104", 31.4000, 121.6000, 3, Supplier.State.ADMITTED, "");
        supplier("停业助浴", List.of("助浴"), "13800000105", 31.2788, 121.5254, 5, Supplier.State.SUSPENDED, "");
        return new Supplier[] {near, other};
    }

    private Order order(String category, String wantedLocal) {
        return service.create(new OrderService.Request(Order.Kind.SERVICE, elder.id(), 77L, category, "洗澡，需要两人协助",
                java.time.LocalDateTime.parse(wantedLocal).atZone(SHANGHAI).toInstant().toEpochMilli(), null, null, null), agent);
    }

    private int asking(long orderId) {
        return db.dsl().fetchCount(ORDER_OFFERS, ORDER_OFFERS.ORDER_ID.eq(orderId).and(ORDER_OFFERS.OFFER_STATE.eq("asking")));
    }

    private static String leg(RecordingPbx.Call c) {
        return c.vars().get("ONEKEY_ORDER_LEG");
    }

    @Test
    void matchingKeepsOnlyAdmittedSuppliersOfTheCategoryOpenAtTheTimeThatCoverTheElderNearestFirst() {
        Supplier[] s = fiveSuppliers();
        Order o = order("助浴", "2026-06-02T10:00");
        assertThat(o.state()).isEqualTo(OrderState.CREATED);
        assertThat(o.payer()).isEqualTo("district");
        assertThat(o.subsidyPercent()).isEqualTo(100);
        assertThat(o.candidates()).extracting(Order.Candidate::supplierId).containsExactly(s[0].id(), s[1].id());
        Order.Candidate first = o.candidates().get(0);
        assertThat(first.distanceKm()).isBetween(0.7, 1.0);
        assertThat(first.reason()).contains("助浴", "08:00-20:00", "服务半径 5.0 km 内", "评分 60.0");
        assertThat(o.candidates().get(1).distanceKm()).isBetween(2.4, 3.0);
        // at 21:00 the nearer one is closed: only the other remains
        assertThat(order("助浴", "2026-06-02T21:00").candidates()).extracting(Order.Candidate::supplierId)
                .containsExactly(s[1].id());
        // a supplier covering the elder's sub-district by name, without coordinates, comes after the located ones
        Supplier bySubDistrict = service.createSupplier(new OrderRepository.SupplierDraft("控江街道助浴", List.of("助浴"),
                List.of("13800000106"), null, null, null, List.of("控江路街道"), null, null, null, Supplier.State.ADMITTED,
                Supplier.Via.VOICE, null, null), dispatcher);
        Order third = order("助浴", "2026-06-02T10:00");
        assertThat(third.candidates()).extracting(Order.Candidate::supplierId)
                .containsExactly(s[0].id(), s[1].id(), bySubDistrict.id());
        assertThat(third.candidates().get(2).reason()).contains("覆盖 控江路街道");
        assertThat(third.candidates().get(2).distanceKm()).isNull();
    }

    @Test
    void theNearerSupplierHearsTheOrderAndDeclinesWith2ThenTheOtherAcceptsWith1OneAtATime() {
        Supplier[] s = fiveSuppliers();
        Order o = order("助浴", "2026-06-02T10:00");
        Order d = service.dispatch(o.id(), null, dispatcher);
        assertThat(d.state()).isEqualTo(OrderState.DISPATCHED);
        RecordingPbx.Call first = pbx.await(1);
        assertThat(first.channel()).isEqualTo("PJSIP/13800000101@trunk");
        assertThat(first.context()).isEqualTo("onekey-order");
        assertThat(first.vars()).containsEntry("ONEKEY_ORDER_KEYS", "1-2").containsEntry("ONEKEY_ORDER_LIMIT", "30");
        assertThat(spoken.get(0)).contains("助浴", "上海市杨浦区控江路1029弄12号302室", "菜场对面", "6月2日10点", "接单请按1",
                "拒单请按2", "重听请按3");
        assertThat(asking(o.id())).isEqualTo(1);
        // the offer is in writing too: a text to the supplier's mobile with the order, the address and the time
        Awaitility.await().until(() -> !texts.isEmpty());
        assertThat(texts.get(0)).startsWith("13800000101|" + elder.id() + "|派单#" + o.id() + "：助浴")
                .contains("上海市杨浦区控江路1029弄12号302室", "菜场对面", "6月2日 10:00", "按1接单");

        service.onEvent(new PbxEvent.OrderResult("u1", clock.millis(), "u1", leg(first), "answered", ""));
        service.onEvent(new PbxEvent.OrderResult("u1", clock.millis(), "u1", leg(first), "key", "2"));
        // declined, but its phone is still up: the next supplier is not called until it hangs up
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().offers().get(0).state().equals("declined"));
        service.tickNow();
        assertThat(pbx.calls).hasSize(1);
        outbound.onEvent(new PbxEvent.ChannelHungUp("u1", clock.millis(), "u1", true, 16, "Normal"));
        RecordingPbx.Call second = pbx.await(2);
        assertThat(second.channel()).isEqualTo("PJSIP/13800000102@trunk");
        assertThat(asking(o.id())).isEqualTo(1);
        clock.advance(5000);
        // 3 repeats (the dialplan plays it again), then 1 accepts
        service.onEvent(new PbxEvent.OrderResult("u2", clock.millis(), "u2", leg(second), "key", "31"));
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().state() == OrderState.ACCEPTED);
        Order a = service.get(o.id()).orElseThrow();
        assertThat(a.supplierId()).isEqualTo(s[1].id());
        assertThat(a.acceptedAt()).isEqualTo(clock.millis());
        assertThat(a.offers()).extracting(Order.Offer::state).containsExactly("declined", "accepted");
        assertThat(a.offers().get(1).digits()).isEqualTo("31");
        assertThat(a.offers().get(0).endedAt()).isLessThanOrEqualTo(a.offers().get(1).askedAt());
        assertThat(a.history()).extracting(h -> h.state().wire() + "/" + h.event() + "/" + h.by()).containsExactly(
                "created/create/ann", "dispatched/dispatch/disp", "dispatched/decline/supplier:" + s[0].id(),
                "accepted/accept/supplier:" + s[1].id());
        assertThat(pbx.calls).hasSize(2);
        assertThat(outbound.legs().find(OrderService.OFFER_OWNER, Long.toString(o.id()), 2).orElseThrow().outcome())
                .isEqualTo("answered");
        Awaitility.await().until(() -> events.stream().map(EventViews::type).toList()
                .containsAll(List.of("order.created", "order.offered", "order.updated")));
    }

    @Test
    void doneReportedCallsTheElderBackAndPressing3OpensAComplaintAndMovesTheComplaintRate() {
        Supplier[] s = fiveSuppliers();
        Order o = order("助浴", "2026-06-02T10:00");
        service.dispatch(o.id(), s[1].id(), dispatcher); // the dispatcher picks the second-ranked one (audited)
        RecordingPbx.Call offer = pbx.await(1);
        assertThat(offer.channel()).isEqualTo("PJSIP/13800000102@trunk");
        service.onEvent(new PbxEvent.OrderResult("u1", clock.millis(), "u1", leg(offer), "key", "1"));
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().state() == OrderState.ACCEPTED);
        service.progress(o.id(), OrderState.Event.START, "disp", dispatcher);
        clock.advance(3_600_000);
        Order done = service.progress(o.id(), OrderState.Event.FINISH, "disp", dispatcher);
        assertThat(done.state()).isEqualTo(OrderState.DONE);
        service.tickNow();
        RecordingPbx.Call cb = pbx.await(2);
        assertThat(cb.channel()).isEqualTo("PJSIP/13800000001@trunk");
        assertThat(cb.vars()).containsEntry("ONEKEY_ORDER_KEYS", "1-2-3-4");
        assertThat(spoken.get(spoken.size() - 1)).contains("服务是否完成", "满意请按1", "不满意请按3");
        service.onEvent(new PbxEvent.OrderResult("u9", clock.millis(), "u9", leg(cb), "key", "3"));
        // the worker moves the state, then rates and opens the task: wait for the whole of it, not the first write
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().state() == OrderState.CALLED_BACK
                && service.get(o.id()).orElseThrow().task() != null);
        Order c = service.get(o.id()).orElseThrow();
        assertThat(c.callback().done()).isTrue();
        assertThat(c.callback().satisfaction()).isEqualTo(1);
        assertThat(c.task().kind()).isEqualTo("complaint");
        assertThat(c.task().open()).isTrue();
        Supplier rated = service.supplier(s[1].id()).orElseThrow();
        assertThat(rated.scorecard().complaintRate()).isEqualTo(1.0);
        assertThat(rated.scorecard().ordersDone()).isEqualTo(1);
        assertThat(rated.scorecard().score()).isLessThan(Supplier.Scorecard.UNRATED);
        assertThat(service.find(null, null, "open", null, 10)).extracting(Order::id).containsExactly(o.id());
        Awaitility.await().until(() -> events.stream().anyMatch(e -> EventViews.type(e).equals("order.complaint")));
        // the dispatcher handles it: closed
        Order closed = service.taskDone(o.id(), "已联系供应商返工", dispatcher);
        assertThat(closed.state()).isEqualTo(OrderState.CLOSED);
        assertThat(closed.task().state()).isEqualTo("done");
        assertThat(db.dsl().fetchCount(onekey.store.jooq.Tables.AUDIT_LOG,
                onekey.store.jooq.Tables.AUDIT_LOG.AUDIT_ACTION.eq("order.pick"))).isEqualTo(1);
    }

    /**
     * The orders bench's 614 offers for 500 orders: a supplier presses 1 and hangs up at once while the orders' thread
     * is busy; a sweep that was due before the key arrived runs after the call ended more than the grace ago. It must
     * not take the call for unanswered and ask a second supplier: the key queued behind it wins.
     */
    @Test
    void anAcceptQueuedBehindABusyThreadIsNotTakenForNoAnswerByAnEarlierSweep() throws Exception {
        Supplier[] s = fiveSuppliers();
        Order o = order("助浴", "2026-06-02T10:00");
        service.dispatch(o.id(), null, dispatcher);
        RecordingPbx.Call first = pbx.await(1);
        service.onEvent(new PbxEvent.OrderResult("u1", clock.millis(), "u1", leg(first), "answered", ""));
        service.tickNow();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        service.onWorker(() -> {
            try {
                busy.await(); // the thread is held, as 500 dispatches at once hold it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        service.sweepLater(); // due now: queued before the key
        service.onEvent(new PbxEvent.OrderResult("u1", clock.millis(), "u1", leg(first), "key", "1"));
        outbound.onEvent(new PbxEvent.ChannelHungUp("u1", clock.millis(), "u1", true, 16, "Normal"));
        Awaitility.await().until(() -> outbound.legs().find(OrderService.OFFER_OWNER, Long.toString(o.id()), 1)
                .map(l -> l.done()).orElse(false));
        clock.advance(OrderService.RESULT_GRACE_MS + 1000); // the thread was busy longer than the grace
        busy.countDown();
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().state() == OrderState.ACCEPTED);
        service.tickNow();
        Order a = service.get(o.id()).orElseThrow();
        assertThat(a.supplierId()).isEqualTo(s[0].id());
        assertThat(a.offers()).extracting(Order.Offer::state).containsExactly("accepted");
        assertThat(pbx.calls).hasSize(1);
    }

    @Test
    void aRestartWithTheFirstSuppliersCallInFlightAsksTheNextOneOnceAndNeverTwoAtATime() {
        fiveSuppliers();
        Order o = order("助浴", "2026-06-02T10:00");
        service.dispatch(o.id(), null, dispatcher);
        pbx.await(1);
        // kill: nothing more is heard of the first call; a new server starts on the same database
        service.close();
        outbound.close();
        start(RetrySpec.parse("3x1"));
        // Asterisk no longer has the channel: the leg ends unknown, the offer unanswered, the next supplier is asked
        RecordingPbx.Call next = pbx.await(2);
        assertThat(next.channel()).isEqualTo("PJSIP/13800000102@trunk");
        assertThat(asking(o.id())).isEqualTo(1);
        service.tickNow();
        assertThat(pbx.calls).hasSize(2);
        service.onEvent(new PbxEvent.OrderResult("u2", clock.millis(), "u2", leg(next), "key", "1"));
        Awaitility.await().until(() -> service.get(o.id()).orElseThrow().state() == OrderState.ACCEPTED);
        assertThat(service.get(o.id()).orElseThrow().offers()).extracting(Order.Offer::state)
                .containsExactly("no-answer", "accepted");
    }

    @Test
    void aWebhookSupplierGetsTheSignedOfferRetriedAndReportsBackWithItsKey() throws Exception {
        List<String[]> got = new CopyOnWriteArrayList<>();
        AtomicInteger hits = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            got.add(new String[] {ex.getRequestHeaders().getFirst(Signatures.TIMESTAMP),
                    ex.getRequestHeaders().getFirst(Signatures.SIGNATURE), new String(body, StandardCharsets.UTF_8)});
            int status = hits.incrementAndGet() == 1 ? 503 : 200; // the first delivery fails: retried
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.start();
        try {
            String key = "k3y-of-the-supplier-0123456789";
            Supplier w = service.createSupplier(new OrderRepository.SupplierDraft("助浴云平台", List.of("助浴"), List.of(),
                    31.2800, 121.5260, 5.0, List.of(), null, null, null, Supplier.State.ADMITTED, Supplier.Via.WEBHOOK,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/hook", key), dispatcher);
            assertThat(w.shape()).containsEntry("webhookKeySet", true).doesNotContainValue(key);
            // the dispatcher's form cannot send the key back (never shown): an update without it keeps the stored one
            w = service.updateSupplier(w.id(), new OrderRepository.SupplierDraft("助浴云平台", List.of("助浴"), List.of(),
                    31.2800, 121.5260, 5.0, List.of(), "00:00-23:59", null, null, Supplier.State.ADMITTED,
                    Supplier.Via.WEBHOOK, "http://127.0.0.1:" + http.getAddress().getPort() + "/hook", null), dispatcher)
                    .orElseThrow();
            assertThat(w.webhookKey()).isEqualTo(key);
            Order o = order("助浴", "2026-06-02T10:00");
            service.dispatch(o.id(), null, dispatcher);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> got.size() >= 2);
            String[] req = got.get(1);
            assertThat(req[2]).contains("\"event\":\"order.offer\"", "\"id\":" + o.id(), "控江路1029弄", "助浴");
            assertThat(Signatures.verify(key, req[0], req[1], req[2].getBytes(StandardCharsets.UTF_8),
                    Long.parseLong(req[0]) * 1000)).isTrue();
            Awaitility.await().until(() -> service.get(o.id()).orElseThrow().offers().get(0).deliveredAt() != null);
            assertThat(service.get(o.id()).orElseThrow().offers().get(0).deliveries()).isEqualTo(2);

            byte[] accept = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
            long ts = clock.millis() / 1000;
            assertThat(service.supplierUpdate(o.id(), accept, Long.toString(ts), Signatures.sign("wrong-key-0000000000", ts,
                    accept), "accepted")).isInstanceOf(OrderService.UpdateResult.Unauthorized.class);
            assertThat(service.supplierUpdate(o.id(), accept, Long.toString(ts - 3600), Signatures.sign(key, ts - 3600,
                    accept), "accepted")).as("a stale timestamp").isInstanceOf(OrderService.UpdateResult.Unauthorized.class);
            assertThat(service.get(o.id()).orElseThrow().state()).isEqualTo(OrderState.DISPATCHED);
            var ok = service.supplierUpdate(o.id(), accept, Long.toString(ts), Signatures.sign(key, ts, accept), "accepted");
            assertThat(ok).isInstanceOf(OrderService.UpdateResult.Ok.class);
            assertThat(service.get(o.id()).orElseThrow().state()).isEqualTo(OrderState.ACCEPTED);
            byte[] doneBody = "{\"status\":\"done\"}".getBytes(StandardCharsets.UTF_8);
            service.supplierUpdate(o.id(), doneBody, Long.toString(ts), Signatures.sign(key, ts, doneBody), "done");
            assertThat(service.get(o.id()).orElseThrow().state()).isEqualTo(OrderState.DONE);
            assertThat(service.get(o.id()).orElseThrow().history()).extracting(Order.Change::by)
                    .contains("supplier:" + w.id());
            assertThat(pbx.calls).as("no voice call to a webhook supplier").allMatch(c -> !c.channel().contains("@trunk")
                    || c.vars().get("ONEKEY_ORDER_CB") != null);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aWebhookSupplierThatDoesNotAnswerWithinAcceptSecondsIsPassedOverAndNobodyLeftFailsTheOrder() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        try {
            service.createSupplier(new OrderRepository.SupplierDraft("助浴云平台", List.of("助浴"), List.of(), 31.2800, 121.5260,
                    5.0, List.of(), null, null, null, Supplier.State.ADMITTED, Supplier.Via.WEBHOOK,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/hook", "k3y-of-the-supplier-0123456789"), dispatcher);
            Order o = order("助浴", "2026-06-02T10:00");
            service.dispatch(o.id(), null, dispatcher);
            clock.advance(31_000);
            service.tickNow();
            Order f = service.get(o.id()).orElseThrow();
            assertThat(f.offers()).extracting(Order.Offer::state).containsExactly("no-answer");
            assertThat(f.state()).isEqualTo(OrderState.FAILED);
            assertThat(f.task().kind()).isEqualTo("failed");
            Awaitility.await().until(() -> events.stream().anyMatch(e -> EventViews.type(e).equals("order.failed")));
        } finally {
            http.stop(0);
        }
    }

    @Test
    void badRequestsNameTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> order("理发", "2026-06-02T10:00"))
                .isInstanceOf(OrderService.Invalid.class).hasMessageContaining("unknown category");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(new OrderService.Request(
                Order.Kind.REGISTRATION, elder.id(), null, "陪诊", "挂号", clock.millis(), null, null, Map.of("hospital", "瑞金医院")),
                agent)).isInstanceOf(OrderService.Invalid.class).hasMessageContaining("fields.department");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.createSupplier(new OrderRepository.SupplierDraft(
                "x", List.of("助浴"), List.of("1"), 31.0, 121.0, null, List.of(), null, null, null, Supplier.State.ADMITTED,
                Supplier.Via.VOICE, null, null), dispatcher)).hasMessageContaining("service area");
    }

    @Test
    void aRegistrationOrderSchedulesTheBroadcastsConfirmationAndRemindersWithItsFields() {
        Order o = service.create(new OrderService.Request(Order.Kind.REGISTRATION, elder.id(), 77L, "陪诊", "心内科复诊挂号",
                java.time.LocalDateTime.parse("2026-06-03T09:30").atZone(SHANGHAI).toInstant().toEpochMilli(), null, null,
                Map.of("hospital", "瑞金医院", "department", "心内科", "doctor", "王建华", "time", "2026-06-03T09:30",
                        "insuranceCard", "310000193803120000")), agent);
        assertThat(o.kind()).isEqualTo(Order.Kind.REGISTRATION);
        assertThat(booked).hasSize(1);
        BroadcastService.Request r = booked.get(0);
        assertThat(r.template()).isEqualTo("registration");
        assertThat(r.elderId()).isEqualTo(elder.id());
        // the broadcast's own fields only: the insurance card stays on the order
        assertThat(r.fields()).containsExactly(Map.entry("hospital", "瑞金医院"), Map.entry("department", "心内科"),
                Map.entry("doctor", "王建华"), Map.entry("time", "2026-06-03T09:30"));
        assertThat(service.get(o.id()).orElseThrow().history()).extracting(Order.Change::event, Order.Change::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("confirmation", "broadcast 501"));
        // a service order schedules none
        order("助浴", "2026-06-02T10:00");
        assertThat(booked).hasSize(1);
        // the registration line's self-query: the next booking ahead, in words
        assertThat(service.nextBooking(elder.id(), "zh")).isEqualTo("6月3日9点30分，瑞金医院，心内科");
        clock.set(Instant.parse("2026-06-03T02:00:00Z"));
        assertThat(service.nextBooking(elder.id(), "zh")).as("past: none ahead").isEmpty();
    }

    @Test
    void aTaxiOrderSchedulesTheBroadcastsConfirmationAndRemindersWithItsFieldsAndItsFieldsAreChecked() {
        long trip = java.time.LocalDateTime.parse("2026-06-03T08:30").atZone(SHANGHAI).toInstant().toEpochMilli();
        Order o = service.create(new OrderService.Request(Order.Kind.TAXI, elder.id(), 78L, "出行", "去瑞金医院复诊", trip, null,
                null, Map.of("from", "控江路1029弄", "to", "瑞金医院", "time", "2026-06-03T08:30", "passengers", "2",
                        "car", "白色大众朗逸", "plate", "沪A12345", "driverPhone", "13912345678", "eta", "10")), agent);
        assertThat(o.kind()).isEqualTo(Order.Kind.TAXI);
        assertThat(o.fields()).containsEntry("plate", "沪A12345").containsEntry("passengers", "2");
        assertThat(booked).hasSize(1);
        BroadcastService.Request r = booked.get(0);
        assertThat(r.template()).isEqualTo("taxi");
        assertThat(r.elderId()).isEqualTo(elder.id());
        assertThat(r.fields()).containsExactly(Map.entry("from", "控江路1029弄"), Map.entry("to", "瑞金医院"),
                Map.entry("time", "2026-06-03T08:30"), Map.entry("passengers", "2"), Map.entry("car", "白色大众朗逸"),
                Map.entry("plate", "沪A12345"), Map.entry("driverPhone", "13912345678"), Map.entry("eta", "10"));
        assertThat(service.get(o.id()).orElseThrow().history()).extracting(Order.Change::event, Order.Change::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("confirmation", "broadcast 501"));
        // booked ahead, before a car is assigned: confirmed with what is known
        Order ahead = service.create(new OrderService.Request(Order.Kind.TAXI, elder.id(), null, "出行", "去医院", trip, null,
                null, Map.of("from", "控江路1029弄", "to", "瑞金医院", "time", "2026-06-03T08:30")), agent);
        assertThat(booked).hasSize(2);
        assertThat(booked.get(1).fields()).containsExactly(Map.entry("from", "控江路1029弄"), Map.entry("to", "瑞金医院"),
                Map.entry("time", "2026-06-03T08:30"));
        assertThat(ahead.state()).isEqualTo(OrderState.CREATED);
        // what the confirmation would speak is checked first: a 400 naming the field, no order, no broadcast
        int orders = service.find(null, elder.id(), null, null, 100).size();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(new OrderService.Request(Order.Kind.TAXI,
                elder.id(), null, "出行", "去医院", trip, null, null, Map.of("from", "家", "to", "医院", "time", "明天早上"))
                , agent)).isInstanceOf(OrderService.Invalid.class).hasFieldOrPropertyWithValue("field", "fields.time");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(new OrderService.Request(Order.Kind.TAXI,
                elder.id(), null, "出行", "去医院", trip, null, null, Map.of("from", "家", "to", "医院",
                "time", "2026-06-03T08:30", "eta", "soon")), agent))
                .isInstanceOf(OrderService.Invalid.class).hasFieldOrPropertyWithValue("field", "fields.eta");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(new OrderService.Request(Order.Kind.TAXI,
                elder.id(), null, "出行", "去医院", trip, null, null, Map.of("from", "家", "to", "医院",
                "time", "2026-06-03T08:30", "hospital", "瑞金医院")), agent))
                .isInstanceOf(OrderService.Invalid.class).hasFieldOrPropertyWithValue("field", "fields.hospital");
        assertThat(service.find(null, elder.id(), null, null, 100)).hasSize(orders);
        assertThat(booked).hasSize(2);
        // a taxi is not the registration line's booking
        assertThat(service.nextBooking(elder.id(), "zh")).isEmpty();
    }
}
