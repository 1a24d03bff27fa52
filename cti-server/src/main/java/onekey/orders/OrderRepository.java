package onekey.orders;

import static onekey.store.jooq.Tables.ORDER_HISTORY;
import static onekey.store.jooq.Tables.ORDER_OFFERS;
import static onekey.store.jooq.Tables.SUPPLIERS;
import static onekey.store.jooq.Tables.SUPPLIER_CATEGORIES;
import static onekey.store.jooq.Tables.SUPPLIER_SUB_DISTRICTS;
import static onekey.store.jooq.Tables.WORK_ORDERS;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.OrderOffersRecord;
import onekey.store.jooq.tables.records.SuppliersRecord;
import onekey.store.jooq.tables.records.WorkOrdersRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Suppliers, work orders, their history and offers (schema V22). Queries are visible here; state changes are
 * conditional UPDATEs (from the state the service read), so a change made twice (a replayed event, a restart) is
 * made once.
 */
public final class OrderRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public OrderRepository(Database db) {
        this.dsl = db.dsl();
    }

    public DSLContext dsl() {
        return dsl;
    }

    // ---- suppliers ----------------------------------------------------------------------------------------

    /** A supplier as written by POST / PUT /api/suppliers. */
    public record SupplierDraft(String name, List<String> categories, List<String> phones, Double lat, Double lon,
                                Double radiusKm, List<String> subDistricts, String hours, String contractUntil,
                                String licenceUntil, Supplier.State state, Supplier.Via via, String webhookUrl,
                                String webhookKey) {}

    public long createSupplier(SupplierDraft d, long now) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            long id = tx.insertInto(SUPPLIERS)
                    .set(supplierValues(d))
                    .set(SUPPLIERS.CREATED_AT, now)
                    .set(SUPPLIERS.UPDATED_AT, now)
                    .returning(SUPPLIERS.ID).fetchOne().getId();
            writeAreas(tx, id, d);
            return id;
        });
    }

    public boolean updateSupplier(long id, SupplierDraft d, long now) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            if (tx.update(SUPPLIERS).set(supplierValues(d)).set(SUPPLIERS.UPDATED_AT, now)
                    .where(SUPPLIERS.ID.eq(id)).execute() != 1) {
                return false;
            }
            writeAreas(tx, id, d);
            return true;
        });
    }

    /**
     * The supplier's sub-districts and categories one row each (V28), in step with its comma lists in the same
     * transaction: the matching's prefilter reads these through their indexes.
     */
    private static void writeAreas(DSLContext tx, long id, SupplierDraft d) {
        tx.deleteFrom(SUPPLIER_SUB_DISTRICTS).where(SUPPLIER_SUB_DISTRICTS.SUPPLIER_ID.eq(id)).execute();
        tx.deleteFrom(SUPPLIER_CATEGORIES).where(SUPPLIER_CATEGORIES.SUPPLIER_ID.eq(id)).execute();
        if (d.subDistricts() != null) {
            for (String sd : new java.util.LinkedHashSet<>(d.subDistricts())) {
                tx.insertInto(SUPPLIER_SUB_DISTRICTS, SUPPLIER_SUB_DISTRICTS.SUPPLIER_ID, SUPPLIER_SUB_DISTRICTS.SUB_DISTRICT)
                        .values(id, sd.trim()).execute();
            }
        }
        if (d.categories() != null) {
            for (String c : new java.util.LinkedHashSet<>(d.categories())) {
                tx.insertInto(SUPPLIER_CATEGORIES, SUPPLIER_CATEGORIES.SUPPLIER_ID, SUPPLIER_CATEGORIES.CATEGORY)
                        .values(id, c.trim()).execute();
            }
        }
    }

    private static Map<org.jooq.Field<?>, Object> supplierValues(SupplierDraft d) {
        Map<org.jooq.Field<?>, Object> m = new java.util.LinkedHashMap<>();
        m.put(SUPPLIERS.NAME, d.name());
        m.put(SUPPLIERS.CATEGORIES, list(d.categories()));
        m.put(SUPPLIERS.PHONES, list(d.phones()));
        m.put(SUPPLIERS.LAT, d.lat());
        m.put(SUPPLIERS.LON, d.lon());
        m.put(SUPPLIERS.RADIUS_KM, d.radiusKm());
        m.put(SUPPLIERS.SUB_DISTRICTS, d.subDistricts() == null || d.subDistricts().isEmpty() ? null : list(d.subDistricts()));
        m.put(SUPPLIERS.OPEN_HOURS, d.hours());
        m.put(SUPPLIERS.CONTRACT_UNTIL, d.contractUntil());
        m.put(SUPPLIERS.LICENCE_UNTIL, d.licenceUntil());
        m.put(SUPPLIERS.SUPPLIER_STATE, d.state().wire());
        m.put(SUPPLIERS.DISPATCH_BY, d.via().wire());
        m.put(SUPPLIERS.WEBHOOK_URL, d.webhookUrl());
        m.put(SUPPLIERS.WEBHOOK_KEY, d.webhookKey());
        return m;
    }

    public Optional<Supplier> supplier(long id) {
        return dsl.selectFrom(SUPPLIERS).where(SUPPLIERS.ID.eq(id)).fetchOptional().map(OrderRepository::supplier);
    }

    public List<Supplier> suppliers(String state, String category, int limit) {
        Condition c = DSL.trueCondition();
        if (state != null) {
            c = c.and(SUPPLIERS.SUPPLIER_STATE.eq(state));
        }
        if (category != null) {
            c = c.and(DSL.exists(DSL.selectOne().from(SUPPLIER_CATEGORIES)
                    .where(SUPPLIER_CATEGORIES.CATEGORY.eq(category))
                    .and(SUPPLIER_CATEGORIES.SUPPLIER_ID.eq(SUPPLIERS.ID))));
        }
        return dsl.selectFrom(SUPPLIERS).where(c).orderBy(SUPPLIERS.ID).limit(limit).fetch(OrderRepository::supplier);
    }

    /**
     * The matching's prefilter, in SQL: admitted suppliers of {@code category} (supplier_categories' index) that cover
     * the elder's {@code subDistrict} (supplier_sub_districts' index) or lie inside the bounding box around the elder
     * (the index on lat, lon) as wide as the widest supplier radius there is, at most {@code radiusKm}. A UNION of the
     * two indexed matches: an OR of them (as before V28, with a LIKE on the lists) made both engines scan every
     * supplier.
     */
    public List<Supplier> prefilter(String category, Double lat, Double lon, double radiusKm, String subDistrict) {
        var area = prefilterQuery(lat, lon, radiusKm, subDistrict);
        if (area == null) {
            return List.of();
        }
        // two statements: as one (id IN (the union)), H2 re-ran the union for every supplier row it checked
        List<Long> ids = area.fetch(org.jooq.Record1::value1);
        if (ids.isEmpty()) {
            return List.of();
        }
        return dsl.selectFrom(SUPPLIERS)
                .where(SUPPLIERS.ID.in(ids))
                .and(SUPPLIERS.SUPPLIER_STATE.eq(Supplier.State.ADMITTED.wire()))
                .and(DSL.exists(DSL.selectOne().from(SUPPLIER_CATEGORIES)
                        .where(SUPPLIER_CATEGORIES.CATEGORY.eq(category))
                        .and(SUPPLIER_CATEGORIES.SUPPLIER_ID.eq(SUPPLIERS.ID))))
                .fetch(OrderRepository::supplier);
    }

    /**
     * {@link #prefilter}'s area: the ids of the suppliers inside the box (index on lat, lon) UNION those covering the
     * sub-district (its index); null when the elder has neither coordinates nor a sub-district. Public for EXPLAIN.
     */
    public org.jooq.ResultQuery<org.jooq.Record1<Long>> prefilterQuery(Double lat, Double lon, double radiusKm,
                                                                     String subDistrict) {
        List<org.jooq.Select<org.jooq.Record1<Long>>> parts = new ArrayList<>();
        if (lat != null && lon != null) {
            Double widest = dsl.select(DSL.max(SUPPLIERS.RADIUS_KM)).from(SUPPLIERS).fetchOne().value1();
            double r = widest == null ? 0 : Math.min(radiusKm, widest);
            if (r > 0) {
                double dLat = r / 111.195;
                double dLon = r / (111.195 * Math.max(0.01, Math.cos(Math.toRadians(lat))));
                parts.add(dsl.select(SUPPLIERS.ID).from(SUPPLIERS)
                        .where(SUPPLIERS.LAT.between(lat - dLat, lat + dLat))
                        .and(SUPPLIERS.LON.between(lon - dLon, lon + dLon)));
            }
        }
        if (subDistrict != null && !subDistrict.isBlank()) {
            parts.add(dsl.select(SUPPLIER_SUB_DISTRICTS.SUPPLIER_ID).from(SUPPLIER_SUB_DISTRICTS)
                    .where(SUPPLIER_SUB_DISTRICTS.SUB_DISTRICT.eq(subDistrict.trim())));
        }
        if (parts.isEmpty()) {
            return null;
        }
        org.jooq.Select<org.jooq.Record1<Long>> area = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            area = area.union(parts.get(i));
        }
        return area;
    }

    /** The elder's callback on one of its orders, into the supplier's scorecard. */
    public void rate(long supplierId, int quality, int price, int satisfaction, boolean complaint) {
        dsl.update(SUPPLIERS)
                .set(SUPPLIERS.CALLBACKS, SUPPLIERS.CALLBACKS.plus(1))
                .set(SUPPLIERS.QUALITY_SUM, SUPPLIERS.QUALITY_SUM.plus(quality))
                .set(SUPPLIERS.PRICE_SUM, SUPPLIERS.PRICE_SUM.plus(price))
                .set(SUPPLIERS.SATISFACTION_SUM, SUPPLIERS.SATISFACTION_SUM.plus(satisfaction))
                .set(SUPPLIERS.COMPLAINTS, SUPPLIERS.COMPLAINTS.plus(complaint ? 1 : 0))
                .where(SUPPLIERS.ID.eq(supplierId)).execute();
    }

    /** An order done by the supplier: counted, and on time when done by its wanted time's allowance. */
    public void countDone(long supplierId, boolean onTime) {
        dsl.update(SUPPLIERS)
                .set(SUPPLIERS.ORDERS_DONE, SUPPLIERS.ORDERS_DONE.plus(1))
                .set(SUPPLIERS.ON_TIME, SUPPLIERS.ON_TIME.plus(onTime ? 1 : 0))
                .where(SUPPLIERS.ID.eq(supplierId)).execute();
    }

    static Supplier supplier(SuppliersRecord r) {
        return new Supplier(r.getId(), r.getName(), split(r.getCategories()), split(r.getPhones()), r.getLat(), r.getLon(),
                r.getRadiusKm(), split(r.getSubDistricts()), r.getOpenHours(), r.getContractUntil(), r.getLicenceUntil(),
                Supplier.State.of(r.getSupplierState()), Supplier.Via.of(r.getDispatchBy()), r.getWebhookUrl(),
                r.getWebhookKey(), new Supplier.Scorecard(r.getOrdersDone(), r.getCallbacks(), r.getQualitySum(),
                        r.getPriceSum(), r.getSatisfactionSum(), r.getComplaints(), r.getOnTime()),
                r.getCreatedAt(), r.getUpdatedAt());
    }

    static String list(List<String> items) {
        return items == null || items.isEmpty() ? "," : "," + String.join(",", items) + ",";
    }

    static List<String> split(String s) {
        if (s == null) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    // ---- orders -------------------------------------------------------------------------------------------

    public record OrderDraft(Order.Kind kind, long elderId, Long callId, String category, String need, long wantedAt,
                             BigDecimal price, String payer, int subsidyPercent, String notes, Map<String, String> fields,
                             List<Order.Candidate> candidates, String createdBy) {}

    /** The order and its first history row (created, by whom), together. */
    public long create(OrderDraft d, long now) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            long id = tx.insertInto(WORK_ORDERS)
                    .set(WORK_ORDERS.KIND, d.kind().wire())
                    .set(WORK_ORDERS.ELDER_ID, d.elderId())
                    .set(WORK_ORDERS.CALL_ID, d.callId())
                    .set(WORK_ORDERS.CATEGORY, d.category())
                    .set(WORK_ORDERS.NEED, d.need())
                    .set(WORK_ORDERS.WANTED_AT, d.wantedAt())
                    .set(WORK_ORDERS.PRICE, d.price())
                    .set(WORK_ORDERS.PAYER, d.payer())
                    .set(WORK_ORDERS.SUBSIDY_PERCENT, d.subsidyPercent())
                    .set(WORK_ORDERS.NOTES, d.notes())
                    .set(WORK_ORDERS.FIELDS, json(d.fields()))
                    .set(WORK_ORDERS.ORDER_STATE, OrderState.CREATED.wire())
                    .set(WORK_ORDERS.CANDIDATES, json(d.candidates()))
                    .set(WORK_ORDERS.CREATED_AT, now)
                    .set(WORK_ORDERS.CREATED_BY, d.createdBy())
                    .set(WORK_ORDERS.UPDATED_AT, now)
                    .returning(WORK_ORDERS.ID).fetchOne().getId();
            history(tx, id, now, OrderState.CREATED, "create", d.createdBy(), null, null);
            return id;
        });
    }

    public void setCandidates(long id, List<Order.Candidate> candidates) {
        dsl.update(WORK_ORDERS).set(WORK_ORDERS.CANDIDATES, json(candidates)).where(WORK_ORDERS.ID.eq(id)).execute();
    }

    /**
     * Moves the order {@code from} → {@code to} (a conditional UPDATE) and writes the history row in the same
     * transaction; {@code extra} sets more columns (supplier, times). False when the order was not in {@code from}.
     */
    public boolean move(long id, OrderState from, OrderState to, String event, String by, Long supplierId, String detail,
                        long now, Map<org.jooq.Field<?>, Object> extra) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            var upd = tx.update(WORK_ORDERS).set(WORK_ORDERS.ORDER_STATE, to.wire()).set(WORK_ORDERS.UPDATED_AT, now);
            if (extra != null && !extra.isEmpty()) {
                upd = upd.set(extra);
            }
            if (upd.where(WORK_ORDERS.ID.eq(id).and(WORK_ORDERS.ORDER_STATE.eq(from.wire()))).execute() != 1) {
                return false;
            }
            history(tx, id, now, to, event, by, supplierId, detail);
            return true;
        });
    }

    private static void history(DSLContext tx, long id, long at, OrderState state, String event, String by, Long supplierId,
                                String detail) {
        tx.insertInto(ORDER_HISTORY)
                .set(ORDER_HISTORY.ORDER_ID, id)
                .set(ORDER_HISTORY.AT_MS, at)
                .set(ORDER_HISTORY.ORDER_STATE, state.wire())
                .set(ORDER_HISTORY.ORDER_EVENT, event)
                .set(ORDER_HISTORY.BY_USER, by)
                .set(ORDER_HISTORY.SUPPLIER_ID, supplierId)
                .set(ORDER_HISTORY.DETAIL, detail == null ? null : detail.length() > 500 ? detail.substring(0, 500) : detail)
                .execute();
    }

    /** A history row that is not a change of state (a dispatcher's pick of another supplier, a task done). */
    public void note(long id, OrderState state, String event, String by, Long supplierId, String detail, long now) {
        history(dsl, id, now, state, event, by, supplierId, detail);
    }

    public void callback(long id, Order.Callback cb) {
        dsl.update(WORK_ORDERS)
                .set(WORK_ORDERS.CB_DONE, cb.done())
                .set(WORK_ORDERS.CB_QUALITY, cb.quality())
                .set(WORK_ORDERS.CB_PRICE, cb.price())
                .set(WORK_ORDERS.CB_SATISFACTION, cb.satisfaction())
                .set(WORK_ORDERS.CB_AT, cb.at())
                .set(WORK_ORDERS.CB_BY, cb.by())
                .where(WORK_ORDERS.ID.eq(id)).execute();
    }

    public void openTask(long id, String kind, String note, long now) {
        dsl.update(WORK_ORDERS).set(WORK_ORDERS.TASK, kind).set(WORK_ORDERS.TASK_STATE, "open")
                .set(WORK_ORDERS.TASK_NOTE, note).set(WORK_ORDERS.TASK_AT, now).setNull(WORK_ORDERS.TASK_BY)
                .where(WORK_ORDERS.ID.eq(id)).execute();
    }

    /** The open task done (by whom, a note); false when there was none open. */
    public boolean finishTask(long id, String by, String note, long now) {
        return dsl.update(WORK_ORDERS).set(WORK_ORDERS.TASK_STATE, "done").set(WORK_ORDERS.TASK_BY, by)
                .set(WORK_ORDERS.TASK_NOTE, note).set(WORK_ORDERS.TASK_AT, now)
                .where(WORK_ORDERS.ID.eq(id).and(WORK_ORDERS.TASK_STATE.eq("open"))).execute() == 1;
    }

    public Optional<Order> get(long id) {
        return dsl.selectFrom(WORK_ORDERS).where(WORK_ORDERS.ID.eq(id)).fetchOptional().map(this::order);
    }

    /** Newest first; any filter may be null ({@code task}: "open" lists the dispatchers' open tasks). */
    public List<Order> find(String state, Long elderId, String task, Long supplierId, int limit) {
        Condition c = DSL.trueCondition();
        if (state != null) {
            c = c.and(WORK_ORDERS.ORDER_STATE.in(Arrays.asList(state.split(","))));
        }
        if (elderId != null) {
            c = c.and(WORK_ORDERS.ELDER_ID.eq(elderId));
        }
        if (task != null) {
            c = c.and(WORK_ORDERS.TASK_STATE.eq(task));
        }
        if (supplierId != null) {
            c = c.and(WORK_ORDERS.SUPPLIER_ID.eq(supplierId));
        }
        return dsl.selectFrom(WORK_ORDERS).where(c).orderBy(WORK_ORDERS.ID.desc()).limit(limit).fetch(this::order);
    }

    /** Orders in {@code states} (the dispatcher's sweep after a restart: dispatched ones). */
    public List<Long> inState(OrderState... states) {
        return dsl.select(WORK_ORDERS.ID).from(WORK_ORDERS)
                .where(WORK_ORDERS.ORDER_STATE.in(Arrays.stream(states).map(OrderState::wire).toList()))
                .orderBy(WORK_ORDERS.ID).fetch(WORK_ORDERS.ID);
    }

    private Order order(WorkOrdersRecord r) {
        long id = r.getId();
        List<Order.Offer> offers = dsl.selectFrom(ORDER_OFFERS).where(ORDER_OFFERS.ORDER_ID.eq(id)).orderBy(ORDER_OFFERS.SEQ)
                .fetch(OrderRepository::offer);
        List<Order.Change> history = dsl.selectFrom(ORDER_HISTORY).where(ORDER_HISTORY.ORDER_ID.eq(id))
                .orderBy(ORDER_HISTORY.ID).fetch(h -> new Order.Change(h.getAtMs(), OrderState.of(h.getOrderState()),
                        h.getOrderEvent(), h.getByUser(), h.getSupplierId(), h.getDetail()));
        Order.Callback cb = r.getCbAt() == null ? null : new Order.Callback(r.getCbDone(), r.getCbQuality(), r.getCbPrice(),
                r.getCbSatisfaction(), r.getCbAt(), r.getCbBy());
        Order.Task task = r.getTask() == null ? null : new Order.Task(r.getTask(), r.getTaskState(), r.getTaskNote(),
                r.getTaskAt(), r.getTaskBy());
        return new Order(id, Order.Kind.of(r.getKind()), r.getElderId(), r.getCallId(), r.getCategory(), r.getNeed(),
                r.getWantedAt(), r.getPrice(), r.getPayer(), r.getSubsidyPercent(), r.getNotes(), fields(r.getFields()),
                OrderState.of(r.getOrderState()), r.getSupplierId(), candidates(r.getCandidates()), r.getCreatedAt(),
                r.getCreatedBy(), r.getUpdatedAt(), r.getAcceptedAt(), r.getStartedAt(), r.getDoneAt(), r.getClosedAt(), cb,
                task, offers, history);
    }

    // ---- offers -------------------------------------------------------------------------------------------

    /**
     * Writes the offer to {@code supplierId} as the order's open one. False when the order has an open offer
     * already (the unique index on asking_order: never two suppliers asked at a time) or this seq exists.
     */
    public boolean ask(long orderId, int seq, long supplierId, String via, Double distanceKm, Double score, String pickedBy,
                       String promptText, Long promptMs, long now) {
        try {
            dsl.insertInto(ORDER_OFFERS)
                    .set(ORDER_OFFERS.ORDER_ID, orderId)
                    .set(ORDER_OFFERS.SEQ, seq)
                    .set(ORDER_OFFERS.SUPPLIER_ID, supplierId)
                    .set(ORDER_OFFERS.VIA, via)
                    .set(ORDER_OFFERS.OFFER_STATE, "asking")
                    .set(ORDER_OFFERS.ASKING_ORDER, orderId)
                    .set(ORDER_OFFERS.ASKED_AT, now)
                    .set(ORDER_OFFERS.DISTANCE_KM, distanceKm)
                    .set(ORDER_OFFERS.SCORE, score)
                    .set(ORDER_OFFERS.PICKED_BY, pickedBy)
                    .set(ORDER_OFFERS.PROMPT_TEXT, promptText)
                    .set(ORDER_OFFERS.PROMPT_MS, promptMs)
                    .execute();
            return true;
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_order_offers_asking") || Constraints.violates(e, "uq_order_offers_seq")) {
                return false;
            }
            throw e;
        }
    }

    /** The open offer answered (accepted, declined, no-answer, failed, withdrawn); false when it was not open. */
    public boolean answer(long offerId, String state, String digits, String detail, long now) {
        return dsl.update(ORDER_OFFERS).set(ORDER_OFFERS.OFFER_STATE, state).setNull(ORDER_OFFERS.ASKING_ORDER)
                .set(ORDER_OFFERS.ENDED_AT, now).set(ORDER_OFFERS.DIGITS, digits)
                .set(ORDER_OFFERS.DETAIL, detail == null ? null : detail.length() > 500 ? detail.substring(0, 500) : detail)
                .where(ORDER_OFFERS.ID.eq(offerId).and(ORDER_OFFERS.OFFER_STATE.eq("asking"))).execute() == 1;
    }

    public void delivered(long offerId, boolean ok, String detail, long now) {
        var u = dsl.update(ORDER_OFFERS).set(ORDER_OFFERS.DELIVERIES, ORDER_OFFERS.DELIVERIES.plus(1))
                .set(ORDER_OFFERS.DETAIL, detail);
        if (ok) {
            u = u.set(ORDER_OFFERS.DELIVERED_AT, now);
        }
        u.where(ORDER_OFFERS.ID.eq(offerId)).execute();
    }

    public void spoken(long offerId, String text, long ms) {
        dsl.update(ORDER_OFFERS).set(ORDER_OFFERS.PROMPT_TEXT, text).set(ORDER_OFFERS.PROMPT_MS, ms)
                .where(ORDER_OFFERS.ID.eq(offerId)).execute();
    }

    public Optional<Order.Offer> offer(long orderId, int seq) {
        return dsl.selectFrom(ORDER_OFFERS).where(ORDER_OFFERS.ORDER_ID.eq(orderId).and(ORDER_OFFERS.SEQ.eq(seq)))
                .fetchOptional().map(OrderRepository::offer);
    }

    /** Offers still waiting for an answer, oldest first (the dispatcher's sweep). */
    public List<long[]> asking() {
        return ASKING.fetch(dsl).map(r -> new long[] {r.get(0, Long.class), r.get(1, Integer.class)});
    }

    /** The dispatcher's sweep runs this every few seconds, busy or idle: rendered once (issue 23). */
    static final onekey.store.Prepared ASKING = new onekey.store.Prepared(org.jooq.impl.DSL.select(ORDER_OFFERS.ORDER_ID,
            ORDER_OFFERS.SEQ).from(ORDER_OFFERS)
            .where(ORDER_OFFERS.OFFER_STATE.eq(org.jooq.impl.DSL.inline("asking"))).orderBy(ORDER_OFFERS.ID));

    static Order.Offer offer(OrderOffersRecord o) {
        return new Order.Offer(o.getId(), o.getSeq(), o.getSupplierId(), o.getVia(), o.getOfferState(), o.getAskedAt(),
                o.getEndedAt(), o.getDistanceKm(), o.getScore(), o.getPickedBy(), o.getPromptText(), o.getPromptMs(),
                o.getDigits(), o.getDeliveredAt(), o.getDeliveries(), o.getDetail());
    }

    // ---- JSON columns -------------------------------------------------------------------------------------

    private static String json(Object o) {
        try {
            return o == null ? null : JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fields(String s) {
        try {
            return s == null ? Map.of() : JSON.readValue(s, new TypeReference<Map<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Map.of();
        }
    }

    private static List<Order.Candidate> candidates(String s) {
        try {
            return s == null ? List.of() : new ArrayList<>(JSON.readValue(s, new TypeReference<List<Order.Candidate>>() { }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of();
        }
    }
}
