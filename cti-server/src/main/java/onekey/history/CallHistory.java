package onekey.history;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDERS;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.elders.PhoneNumbers;
import onekey.store.Database;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Call history search for the desk (issue 19 item 3): by period, line, agent, elder, outcome, talk time and
 * disposition, newest first, a page at a time with the total count. The query is the calls table's, as it stands.
 */
public final class CallHistory {

    /** Every field may be null (no filter). Times epoch ms; {@code from} inclusive, {@code to} exclusive. */
    public record Filter(Long from, Long to, String line, Long agentId, Long elderId, String outcome, Long minTalkMs,
                         Long maxTalkMs, String disposition) {}

    private final DSLContext dsl;

    public CallHistory(Database db) {
        this.dsl = db.dsl();
    }

    /** {"total", "offset", "limit", "items":[…]}. */
    public Map<String, Object> search(Filter f, int offset, int limit) {
        Condition c = DSL.noCondition();
        if (f.from() != null) {
            c = c.and(CALLS.ARRIVED_AT.ge(f.from()));
        }
        if (f.to() != null) {
            c = c.and(CALLS.ARRIVED_AT.lt(f.to()));
        }
        if (f.line() != null) {
            c = c.and(CALLS.SERVICE.eq(f.line()));
        }
        if (f.agentId() != null) {
            c = c.and(CALLS.AGENT_ID.eq(f.agentId()));
        }
        if (f.elderId() != null) {
            c = c.and(CALLS.ELDER_ID.eq(f.elderId()));
        }
        if (f.outcome() != null) {
            c = c.and(CALLS.OUTCOME.eq(f.outcome()));
        }
        if (f.minTalkMs() != null) {
            c = c.and(CALLS.TALK_MS.ge(f.minTalkMs()));
        }
        if (f.maxTalkMs() != null) {
            c = c.and(CALLS.TALK_MS.le(f.maxTalkMs()));
        }
        if (f.disposition() != null) {
            c = c.and(CALLS.DISPOSITION.eq(f.disposition()));
        }
        int total = dsl.fetchCount(CALLS, c);
        List<Map<String, Object>> items = dsl.select(CALLS.ID, CALLS.LINKEDID, CALLS.SERVICE, CALLS.AGENT_ID,
                        CALLS.AGENT_NAME, CALLS.ELDER_ID, ELDERS.NAME, CALLS.CALLER_NUMBER, CALLS.ARRIVED_AT, CALLS.ANSWERED_AT,
                        CALLS.ENDED_AT, CALLS.WAIT_MS, CALLS.TALK_MS, CALLS.OUTCOME, CALLS.DISPOSITION, CALLS.RECORDING_ID)
                .from(CALLS).leftJoin(ELDERS).on(ELDERS.ID.eq(CALLS.ELDER_ID)).where(c)
                .orderBy(CALLS.ARRIVED_AT.desc(), CALLS.ID.desc()).offset(offset).limit(limit)
                .fetch(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", r.get(CALLS.ID));
                    m.put("linkedid", r.get(CALLS.LINKEDID));
                    m.put("line", r.get(CALLS.SERVICE));
                    m.put("agentId", r.get(CALLS.AGENT_ID));
                    m.put("agent", r.get(CALLS.AGENT_NAME));
                    m.put("elderId", r.get(CALLS.ELDER_ID));
                    m.put("elder", r.get(ELDERS.NAME));
                    m.put("callerNumber", PhoneNumbers.mask(r.get(CALLS.CALLER_NUMBER)));
                    m.put("arrivedAt", r.get(CALLS.ARRIVED_AT));
                    m.put("answeredAt", r.get(CALLS.ANSWERED_AT));
                    m.put("endedAt", r.get(CALLS.ENDED_AT));
                    m.put("waitMs", r.get(CALLS.WAIT_MS));
                    m.put("talkMs", r.get(CALLS.TALK_MS));
                    m.put("outcome", r.get(CALLS.OUTCOME));
                    m.put("disposition", r.get(CALLS.DISPOSITION));
                    m.put("recordingId", r.get(CALLS.RECORDING_ID));
                    return m;
                });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("offset", offset);
        out.put("limit", limit);
        out.put("items", items);
        return out;
    }
}
