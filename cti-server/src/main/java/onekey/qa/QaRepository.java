package onekey.qa;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.QA_SCORES;
import static onekey.store.jooq.Tables.QA_SETTINGS;
import static onekey.store.jooq.Tables.TEACHING_CASES;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.store.Database;
import onekey.store.jooq.tables.records.QaScoresRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The QA tables (V17): the form, the score sheets, the teaching cases; and the calls they are drawn from. */
public final class QaRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished, answered call as the QA sample lists it, with its sheet's total when scored. */
    public record CallRow(long id, String linkedid, String service, Long agentId, String agentName, long arrivedAt,
                          Long answeredAt, Long talkMs, String disposition, Integer total, boolean teaching) {}

    /** One agent's QA figures in a period. */
    public record AgentFigures(long agentId, int sheets, double average) {}

    private final DSLContext dsl;

    public QaRepository(Database db) {
        this.dsl = db.dsl();
    }

    public Optional<QaForm> form() {
        return dsl.selectFrom(QA_SETTINGS).where(QA_SETTINGS.ID.eq(1L)).fetchOptional()
                .map(r -> new QaForm(items(r.getForm()), r.getSamplePercent()));
    }

    public void saveForm(QaForm f, String by, long at) {
        String form = write(f.items());
        int n = dsl.update(QA_SETTINGS).set(QA_SETTINGS.FORM, form).set(QA_SETTINGS.SAMPLE_PERCENT, f.samplePercent())
                .set(QA_SETTINGS.UPDATED_AT, at).set(QA_SETTINGS.UPDATED_BY, by).where(QA_SETTINGS.ID.eq(1L)).execute();
        if (n == 0) {
            dsl.insertInto(QA_SETTINGS).set(QA_SETTINGS.ID, 1L).set(QA_SETTINGS.FORM, form)
                    .set(QA_SETTINGS.SAMPLE_PERCENT, f.samplePercent()).set(QA_SETTINGS.UPDATED_AT, at)
                    .set(QA_SETTINGS.UPDATED_BY, by).execute();
        }
    }

    /** The call's agent (empty when there is no such call; a null agent when nobody answered it). */
    public Optional<CallRow> call(long id) {
        return calls(CALLS.ID.eq(id), 1).stream().findFirst();
    }

    /** Answered, ended calls that arrived in [from, to), newest first. */
    public List<CallRow> finished(long from, long to, int limit) {
        return calls(CALLS.ARRIVED_AT.ge(from).and(CALLS.ARRIVED_AT.lt(to)).and(CALLS.ANSWERED_AT.isNotNull())
                .and(CALLS.ENDED_AT.isNotNull()), limit);
    }

    private List<CallRow> calls(org.jooq.Condition c, int limit) {
        return dsl.select(CALLS.ID, CALLS.LINKEDID, CALLS.SERVICE, CALLS.AGENT_ID, CALLS.AGENT_NAME, CALLS.ARRIVED_AT,
                        CALLS.ANSWERED_AT, CALLS.TALK_MS, CALLS.DISPOSITION, QA_SCORES.TOTAL, TEACHING_CASES.CALL_ID)
                .from(CALLS).leftJoin(QA_SCORES).on(QA_SCORES.CALL_ID.eq(CALLS.ID))
                .leftJoin(TEACHING_CASES).on(TEACHING_CASES.CALL_ID.eq(CALLS.ID))
                .where(c).orderBy(CALLS.ARRIVED_AT.desc(), CALLS.ID.desc()).limit(limit)
                .fetch(r -> new CallRow(r.get(CALLS.ID), r.get(CALLS.LINKEDID), r.get(CALLS.SERVICE), r.get(CALLS.AGENT_ID),
                        r.get(CALLS.AGENT_NAME), r.get(CALLS.ARRIVED_AT), r.get(CALLS.ANSWERED_AT), r.get(CALLS.TALK_MS),
                        r.get(CALLS.DISPOSITION), r.get(QA_SCORES.TOTAL), r.get(TEACHING_CASES.CALL_ID) != null));
    }

    /** Stores the call's sheet, replacing an earlier one (which the agent must then acknowledge again). */
    public QaSheet save(long callId, Long agentId, long at, String by, Map<String, Integer> scores, List<QaForm.Item> form,
                        int total, String comment) {
        String s = write(scores);
        String f = write(form);
        int n = dsl.update(QA_SCORES).set(QA_SCORES.AGENT_ID, agentId).set(QA_SCORES.SCORED_AT, at)
                .set(QA_SCORES.SCORED_BY, by).set(QA_SCORES.SCORES, s).set(QA_SCORES.FORM, f).set(QA_SCORES.TOTAL, total)
                .set(QA_SCORES.COMMENT, comment).set(QA_SCORES.ACKED_AT, (Long) null).set(QA_SCORES.ACK_NOTE, (String) null)
                .where(QA_SCORES.CALL_ID.eq(callId)).execute();
        if (n == 0) {
            dsl.insertInto(QA_SCORES).set(QA_SCORES.CALL_ID, callId).set(QA_SCORES.AGENT_ID, agentId)
                    .set(QA_SCORES.SCORED_AT, at).set(QA_SCORES.SCORED_BY, by).set(QA_SCORES.SCORES, s)
                    .set(QA_SCORES.FORM, f).set(QA_SCORES.TOTAL, total).set(QA_SCORES.COMMENT, comment).execute();
        }
        return byCall(callId).orElseThrow();
    }

    public Optional<QaSheet> byCall(long callId) {
        return dsl.selectFrom(QA_SCORES).where(QA_SCORES.CALL_ID.eq(callId)).fetchOptional(QaRepository::sheet);
    }

    public Optional<QaSheet> get(long id) {
        return dsl.selectFrom(QA_SCORES).where(QA_SCORES.ID.eq(id)).fetchOptional(QaRepository::sheet);
    }

    /** An agent's sheets, newest first; {@code openOnly}: not yet acknowledged. */
    public List<QaSheet> ofAgent(long agentId, boolean openOnly, int limit) {
        return dsl.selectFrom(QA_SCORES).where(QA_SCORES.AGENT_ID.eq(agentId))
                .and(openOnly ? QA_SCORES.ACKED_AT.isNull() : DSL.noCondition())
                .orderBy(QA_SCORES.SCORED_AT.desc(), QA_SCORES.ID.desc()).limit(limit).fetch(QaRepository::sheet);
    }

    public boolean ack(long id, long at, String note) {
        return dsl.update(QA_SCORES).set(QA_SCORES.ACKED_AT, at).set(QA_SCORES.ACK_NOTE, note)
                .where(QA_SCORES.ID.eq(id)).and(QA_SCORES.ACKED_AT.isNull()).execute() == 1;
    }

    /** Per agent: sheets scored in [from, to) and their average total. */
    public List<AgentFigures> figures(long from, long to) {
        var avg = DSL.avg(QA_SCORES.TOTAL);
        var n = DSL.count();
        return dsl.select(QA_SCORES.AGENT_ID, n, avg).from(QA_SCORES)
                .where(QA_SCORES.SCORED_AT.ge(from).and(QA_SCORES.SCORED_AT.lt(to)).and(QA_SCORES.AGENT_ID.isNotNull()))
                .groupBy(QA_SCORES.AGENT_ID).orderBy(QA_SCORES.AGENT_ID)
                .fetch(r -> new AgentFigures(r.get(QA_SCORES.AGENT_ID), r.get(n), r.get(avg).doubleValue()));
    }

    /** Marks (or re-notes) a teaching case. */
    public void teaching(long callId, long at, String by, String note) {
        int n = dsl.update(TEACHING_CASES).set(TEACHING_CASES.NOTE, note).where(TEACHING_CASES.CALL_ID.eq(callId)).execute();
        if (n == 0) {
            dsl.insertInto(TEACHING_CASES).set(TEACHING_CASES.CALL_ID, callId).set(TEACHING_CASES.MARKED_AT, at)
                    .set(TEACHING_CASES.MARKED_BY, by).set(TEACHING_CASES.NOTE, note).execute();
        }
    }

    /** Teaching cases, newest first: {callId, markedAt, markedBy, note}. */
    public List<Map<String, Object>> teachingCases(int limit) {
        return dsl.selectFrom(TEACHING_CASES).orderBy(TEACHING_CASES.MARKED_AT.desc()).limit(limit).fetch(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("callId", r.getCallId());
            m.put("markedAt", r.getMarkedAt());
            m.put("markedBy", r.getMarkedBy());
            m.put("note", r.getNote());
            return m;
        });
    }

    private static QaSheet sheet(QaScoresRecord r) {
        return new QaSheet(r.getId(), r.getCallId(), r.getAgentId(), r.getScoredAt(), r.getScoredBy(),
                read(r.getScores(), new TypeReference<LinkedHashMap<String, Integer>>() { }), items(r.getForm()),
                r.getTotal(), r.getComment(), r.getAckedAt(), r.getAckNote());
    }

    private static List<QaForm.Item> items(String json) {
        return read(json, new TypeReference<List<QaForm.Item>>() { });
    }

    private static <T> T read(String s, TypeReference<T> t) {
        try {
            return JSON.readValue(s, t);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable QA row: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
