package onekey.orders;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A work order (工单, issue 21): for an elder, created from a call ({@code callId}), of a {@code kind} (a supplier's
 * service, a hospital registration, a taxi; {@code fields} hold the kind's own), in a category, with what is needed,
 * when, the agreed price and who pays, its state and the supplier serving it; the ranked candidates it was matched
 * with, the offers made, every change (history) and the elder's callback.
 */
public record Order(long id, Kind kind, long elderId, Long callId, String category, String need, long wantedAt,
                    BigDecimal price, String payer, int subsidyPercent, String notes, Map<String, String> fields,
                    OrderState state, Long supplierId, List<Candidate> candidates, long createdAt, String createdBy,
                    long updatedAt, Long acceptedAt, Long startedAt, Long doneAt, Long closedAt, Callback callback,
                    Task task, List<Offer> offers, List<Change> history) {

    /** 生活服务 / 一键挂号 / 一键叫车 (the Shanghai plan's registration and taxi as orders of their own kind). */
    public enum Kind {
        SERVICE(List.of(), List.of()),
        REGISTRATION(List.of("hospital", "department", "doctor", "time"), List.of("insuranceCard", "visitNumber")),
        TAXI(List.of("from", "to", "time"), List.of("passengers", "car", "plate", "driverPhone", "eta"));

        /** The kind's fields that must be given, and those that may be. */
        public final List<String> required;
        public final List<String> optional;

        Kind(List<String> required, List<String> optional) {
            this.required = required;
            this.optional = optional;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String wire) {
            return valueOf(wire.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** One supplier the matching found, with why (distance, score, the rules it met). */
    public record Candidate(long supplierId, String name, Double distanceKm, double score, String reason) {
        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("supplierId", supplierId);
            m.put("name", name);
            m.put("distanceKm", distanceKm);
            m.put("score", score);
            m.put("reason", reason);
            return m;
        }
    }

    /** An offer to one supplier: asked → accepted / declined / no-answer / failed / withdrawn. */
    public record Offer(long id, int seq, long supplierId, String via, String state, long askedAt, Long endedAt,
                        Double distanceKm, Double score, String pickedBy, String promptText, Long promptMs, String digits,
                        Long deliveredAt, int deliveries, String detail) {
        public boolean asking() {
            return "asking".equals(state);
        }

        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", seq);
            m.put("supplierId", supplierId);
            m.put("via", via);
            m.put("state", state);
            m.put("askedAt", askedAt);
            m.put("endedAt", endedAt);
            m.put("distanceKm", distanceKm);
            m.put("score", score);
            m.put("pickedBy", pickedBy);
            m.put("message", promptText);
            m.put("messageMs", promptMs);
            m.put("digits", digits == null ? "" : digits);
            m.put("deliveredAt", deliveredAt);
            m.put("deliveries", deliveries);
            m.put("detail", detail);
            return m;
        }
    }

    /** One history row: when, the state it led to, the event, who. */
    public record Change(long at, OrderState state, String event, String by, Long supplierId, String detail) {
        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at);
            m.put("state", state.wire());
            m.put("event", event);
            m.put("by", by);
            m.put("supplierId", supplierId);
            m.put("detail", detail);
            return m;
        }
    }

    /** The elder's callback: done or not, quality, price fairness, satisfaction (1-5), when and by whom (or "ivr"). */
    public record Callback(Boolean done, Integer quality, Integer price, Integer satisfaction, Long at, String by) {
        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("done", done);
            m.put("quality", quality);
            m.put("price", price);
            m.put("satisfaction", satisfaction);
            m.put("at", at);
            m.put("by", by);
            return m;
        }
    }

    /** A dispatcher's task on the order: a complaint, an order nobody could take, a callback nobody answered. */
    public record Task(String kind, String state, String note, Long at, String by) {
        public boolean open() {
            return "open".equals(state);
        }

        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("state", state);
            m.put("note", note);
            m.put("at", at);
            m.put("by", by);
            return m;
        }
    }

    public Offer openOffer() {
        return offers.stream().filter(Offer::asking).findFirst().orElse(null);
    }

    /** The wire shape (docs/api.md, the core names: id, state, supplierId, candidates, history). */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind.wire());
        m.put("elderId", elderId);
        m.put("callId", callId);
        m.put("category", category);
        m.put("need", need);
        m.put("wantedAt", wantedAt);
        m.put("price", price);
        m.put("payer", payer);
        m.put("subsidyPercent", subsidyPercent);
        m.put("notes", notes);
        m.put("fields", fields);
        m.put("state", state.wire());
        m.put("supplierId", supplierId);
        m.put("candidates", candidates.stream().map(Candidate::shape).toList());
        m.put("offers", offers.stream().map(Offer::shape).toList());
        m.put("history", history.stream().map(Change::shape).toList());
        m.put("createdAt", createdAt);
        m.put("createdBy", createdBy);
        m.put("updatedAt", updatedAt);
        m.put("acceptedAt", acceptedAt);
        m.put("startedAt", startedAt);
        m.put("doneAt", doneAt);
        m.put("closedAt", closedAt);
        m.put("callback", callback == null ? null : callback.shape());
        m.put("task", task == null ? null : task.shape());
        return m;
    }
}
