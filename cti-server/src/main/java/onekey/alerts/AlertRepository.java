package onekey.alerts;

import static onekey.store.jooq.Tables.ALERTS;
import static onekey.store.jooq.Tables.CALLS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.store.Database;
import onekey.store.jooq.tables.records.AlertsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The {@code alerts} table (V16). */
public final class AlertRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 4000;

    private final DSLContext dsl;

    public AlertRepository(Database db) {
        this.dsl = db.dsl();
    }

    /** Stores a new alert; its id is returned in the copy. */
    public Alert insert(Alert a) {
        long id = dsl.insertInto(ALERTS)
                .set(ALERTS.RAISED_AT, a.raisedAt())
                .set(ALERTS.EVENT_TYPE, a.type())
                .set(ALERTS.KIND, cut(a.kind(), 64))
                .set(ALERTS.URGENT, a.urgent())
                .set(ALERTS.CALL_ID, a.callId())
                .set(ALERTS.LINKEDID, cut(a.linkedid(), 64))
                .set(ALERTS.INCIDENT_ID, a.incidentId())
                .set(ALERTS.MESSAGE, cut(a.message(), 1000))
                .set(ALERTS.BODY, body(a.body()))
                .returning(ALERTS.ID).fetchOne().getId();
        return new Alert(id, a.raisedAt(), a.type(), a.kind(), a.urgent(), a.callId(), a.linkedid(), a.incidentId(),
                a.message(), a.body(), null, null, null);
    }

    public Optional<Alert> get(long id) {
        return select(ALERTS.ID.eq(id), 1).stream().findFirst();
    }

    /** Newest first; {@code openOnly}: those nobody acknowledged yet. */
    public List<Alert> list(boolean openOnly, int limit) {
        Condition c = openOnly ? ALERTS.ACKED_AT.isNull() : DSL.noCondition();
        return select(c, limit);
    }

    /** Open alerts of one kind (oldest first). */
    public List<Alert> openOfKind(String kind) {
        return select(ALERTS.ACKED_AT.isNull().and(ALERTS.KIND.eq(kind)), 10_000).reversed();
    }

    /**
     * An alert raised the moment a call queued names it by linkedid only (its row is written a moment later): the
     * call's id is read from the calls table.
     */
    private List<Alert> select(Condition c, int limit) {
        org.jooq.Field<Long> callRow = CALLS.ID.as("call_row_id");
        return dsl.select(ALERTS.fields()).select(callRow).from(ALERTS)
                .leftJoin(CALLS).on(ALERTS.CALL_ID.isNull().and(CALLS.LINKEDID.eq(ALERTS.LINKEDID)))
                .where(c).orderBy(ALERTS.ID.desc()).limit(limit)
                .fetch(r -> {
                    Alert a = alert(r.into(ALERTS));
                    Long callId = r.get(callRow);
                    return a.callId() != null || callId == null ? a : new Alert(a.id(), a.raisedAt(), a.type(), a.kind(),
                            a.urgent(), callId, a.linkedid(), a.incidentId(), a.message(), a.body(), a.ackedAt(),
                            a.ackedBy(), a.ackNote());
                });
    }

    /** Marks an open alert handled; false when it was handled already (or does not exist). */
    public boolean ack(long id, long at, String by, String note) {
        return dsl.update(ALERTS).set(ALERTS.ACKED_AT, at).set(ALERTS.ACKED_BY, by).set(ALERTS.ACK_NOTE, note)
                .where(ALERTS.ID.eq(id).and(ALERTS.ACKED_AT.isNull())).execute() == 1;
    }

    private static Alert alert(AlertsRecord r) {
        return new Alert(r.getId(), r.getRaisedAt(), r.getEventType(), r.getKind(), Boolean.TRUE.equals(r.getUrgent()),
                r.getCallId(), r.getLinkedid(), r.getIncidentId(), r.getMessage(), parse(r.getBody()), r.getAckedAt(),
                r.getAckedBy(), r.getAckNote());
    }

    private static String body(Map<String, Object> body) {
        try {
            String s = JSON.writeValueAsString(body);
            // the fields that name the call / incident are in columns; an oversized body keeps its message only
            return s.length() <= MAX_BODY ? s : JSON.writeValueAsString(Map.of("truncated", true));
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private static Map<String, Object> parse(String s) {
        try {
            return JSON.readValue(s, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
