package onekey.sms;

import static onekey.store.jooq.Tables.SMS_INBOUND;
import static onekey.store.jooq.Tables.SMS_MESSAGES;
import static onekey.store.jooq.Tables.SMS_PARTS;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.SmsMessagesRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/** The tables {@code sms_messages}, {@code sms_parts} and {@code sms_inbound} (V21). Every move is a column update. */
public final class SmsRepository {

    /** A text to be written. */
    public record Draft(String to, String text, String template, String reason, String language, Long elderId,
                        Long incidentId, String ref, String byUser, Long broadcastId, Long campaignId) {
        public Draft(String to, String text, String template, String reason, String language, Long elderId,
                     Long incidentId, String ref, String byUser) {
            this(to, text, template, reason, language, elderId, incidentId, ref, byUser, null, null);
        }
    }

    private final DSLContext dsl;

    public SmsRepository(Database db) {
        this.dsl = db.dsl();
    }

    /** Writes a queued text, due now; empty when the same (ref, to) was written before (a trigger seen twice). */
    public Optional<SmsMessage> insert(Draft d, long now) {
        return insert(d, now, now);
    }

    /** As {@link #insert(Draft, long)}, due at {@code dueAt} (the quiet hours' end, a campaign's time). */
    public Optional<SmsMessage> insert(Draft d, long now, long dueAt) {
        try {
            long id = dsl.insertInto(SMS_MESSAGES)
                    .set(SMS_MESSAGES.CREATED_AT, now)
                    .set(SMS_MESSAGES.TO_NUMBER, d.to())
                    .set(SMS_MESSAGES.TEXT, d.text())
                    .set(SMS_MESSAGES.TEMPLATE, d.template())
                    .set(SMS_MESSAGES.REASON, d.reason())
                    .set(SMS_MESSAGES.LANGUAGE, d.language())
                    .set(SMS_MESSAGES.ELDER_ID, d.elderId())
                    .set(SMS_MESSAGES.INCIDENT_ID, d.incidentId())
                    .set(SMS_MESSAGES.REF, d.ref())
                    .set(SMS_MESSAGES.BY_USER, d.byUser())
                    .set(SMS_MESSAGES.STATE, SmsMessage.State.QUEUED.wire())
                    .set(SMS_MESSAGES.DUE_AT, dueAt)
                    .set(SMS_MESSAGES.BROADCAST_ID, d.broadcastId())
                    .set(SMS_MESSAGES.CAMPAIGN_ID, d.campaignId())
                    .returning(SMS_MESSAGES.ID).fetchOne().getId();
            return get(id);
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_sms_ref")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<SmsMessage> get(long id) {
        return dsl.selectFrom(SMS_MESSAGES).where(SMS_MESSAGES.ID.eq(id)).fetchOptional(SmsRepository::message);
    }

    /** Queued texts due by {@code now}, oldest first, except {@code skip} (in flight). */
    public List<SmsMessage> due(long now, int limit) {
        return dsl.selectFrom(SMS_MESSAGES).where(SMS_MESSAGES.STATE.eq("queued")).and(SMS_MESSAGES.DUE_AT.le(now))
                .orderBy(SMS_MESSAGES.DUE_AT, SMS_MESSAGES.ID).limit(limit).fetch(SmsRepository::message);
    }

    /** A queued text due inside the quiet hours waits for their end (still queued, due then). */
    public void defer(long id, long dueAt) {
        dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.DUE_AT, dueAt).where(SMS_MESSAGES.ID.eq(id))
                .and(SMS_MESSAGES.STATE.eq("queued")).execute();
    }

    /** A campaign's texts by state (delivered, failed, queued, …). */
    public java.util.Map<String, Integer> campaignStates(long campaignId) {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        dsl.select(SMS_MESSAGES.STATE, DSL.count()).from(SMS_MESSAGES).where(SMS_MESSAGES.CAMPAIGN_ID.eq(campaignId))
                .groupBy(SMS_MESSAGES.STATE).fetch().forEach(r -> out.put(r.value1(), r.value2()));
        return out;
    }

    /** How many texts wait (queued). */
    public int waiting() {
        return dsl.fetchCount(SMS_MESSAGES, SMS_MESSAGES.STATE.eq("queued"));
    }

    /** queued → sending, written before the submit leaves; false when another took it. */
    public boolean sending(long id, long now) {
        return dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, "sending").set(SMS_MESSAGES.SENDING_AT, now)
                .where(SMS_MESSAGES.ID.eq(id)).and(SMS_MESSAGES.STATE.eq("queued")).execute() == 1;
    }

    /** sending → submitted with the SMSC's ids (one part row each). */
    public void submitted(long id, List<String> smscIds, int parts, long now) {
        dsl.transaction(c -> {
            DSLContext t = c.dsl();
            t.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, "submitted").set(SMS_MESSAGES.SUBMITTED_AT, now)
                    .set(SMS_MESSAGES.PARTS, parts).set(SMS_MESSAGES.SMSC_IDS, String.join(",", smscIds))
                    .set(SMS_MESSAGES.ATTEMPTS, SMS_MESSAGES.ATTEMPTS.plus(1))
                    .set(SMS_MESSAGES.ERROR_CODE, (String) null).set(SMS_MESSAGES.ERROR_TEXT, (String) null)
                    .where(SMS_MESSAGES.ID.eq(id)).and(SMS_MESSAGES.STATE.eq("sending")).execute();
            parts(t, id, smscIds);
        });
    }

    private static void parts(DSLContext t, long id, List<String> smscIds) {
        for (int i = 0; i < smscIds.size(); i++) {
            t.insertInto(SMS_PARTS).set(SMS_PARTS.MESSAGE_ID, id).set(SMS_PARTS.PART, i + 1)
                    .set(SMS_PARTS.SMSC_ID, smscIds.get(i)).set(SMS_PARTS.STATE, "submitted").execute();
        }
    }

    /** sending → queued again, due at {@code dueAt}, with the code of the refusal; {@code counted}: an attempt made. */
    public void retry(long id, long dueAt, String code, String text, boolean counted) {
        dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, "queued").set(SMS_MESSAGES.DUE_AT, dueAt)
                .set(SMS_MESSAGES.ERROR_CODE, code).set(SMS_MESSAGES.ERROR_TEXT, cut(text, 300))
                .set(SMS_MESSAGES.ATTEMPTS, counted ? SMS_MESSAGES.ATTEMPTS.plus(1) : SMS_MESSAGES.ATTEMPTS)
                .where(SMS_MESSAGES.ID.eq(id)).and(SMS_MESSAGES.STATE.eq("sending")).execute();
    }

    /** sending → failed or unknown, with the code; the parts the SMSC took before are kept. */
    public void ended(long id, SmsMessage.State state, String code, String text, List<String> partsAccepted, long now) {
        dsl.transaction(c -> {
            DSLContext t = c.dsl();
            t.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, state.wire()).set(SMS_MESSAGES.ERROR_CODE, code)
                    .set(SMS_MESSAGES.ERROR_TEXT, cut(text, 300)).set(SMS_MESSAGES.ATTEMPTS, SMS_MESSAGES.ATTEMPTS.plus(1))
                    .set(SMS_MESSAGES.DONE_AT, state == SmsMessage.State.UNKNOWN ? null : now)
                    .set(SMS_MESSAGES.SMSC_IDS, partsAccepted.isEmpty() ? null : String.join(",", partsAccepted))
                    .where(SMS_MESSAGES.ID.eq(id)).and(SMS_MESSAGES.STATE.eq("sending")).execute();
            parts(t, id, partsAccepted);
        });
    }

    /**
     * At start: texts left "sending" by a run that died (kill -9) went out or not — nobody knows: unknown, never
     * submitted again (a receipt may still come for them). Their ids.
     */
    public List<Long> sendingToUnknown(long now) {
        List<Long> ids = dsl.select(SMS_MESSAGES.ID).from(SMS_MESSAGES).where(SMS_MESSAGES.STATE.eq("sending"))
                .fetch(SMS_MESSAGES.ID);
        if (!ids.isEmpty()) {
            dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, "unknown").set(SMS_MESSAGES.ERROR_CODE, "RESTART")
                    .set(SMS_MESSAGES.ERROR_TEXT, "the server stopped while the submit was in flight; not sent again")
                    .where(SMS_MESSAGES.ID.in(ids)).and(SMS_MESSAGES.STATE.eq("sending")).execute();
        }
        return ids;
    }

    /**
     * A receipt for the part with {@code smscId}: the part's state, then the text's — delivered when every part is,
     * failed or expired when one part is. The text when its state changed; empty for an unknown id or no change.
     */
    public Receipted receipt(String smscId, String partState, String error, long now) {
        return dsl.transactionResult(c -> {
            DSLContext t = c.dsl();
            var part = t.selectFrom(SMS_PARTS).where(SMS_PARTS.SMSC_ID.eq(smscId)).orderBy(SMS_PARTS.MESSAGE_ID.desc())
                    .limit(1).fetchOne();
            if (part == null) {
                return Receipted.UNKNOWN_ID;
            }
            t.update(SMS_PARTS).set(SMS_PARTS.STATE, partState).set(SMS_PARTS.ERROR_CODE, error)
                    .set(SMS_PARTS.RECEIPT_AT, now)
                    .where(SMS_PARTS.MESSAGE_ID.eq(part.getMessageId())).and(SMS_PARTS.PART.eq(part.getPart())).execute();
            SmsMessage m = t.selectFrom(SMS_MESSAGES).where(SMS_MESSAGES.ID.eq(part.getMessageId()))
                    .fetchOne(SmsRepository::message);
            if (m == null || m.stateEnum().last()) {
                return Receipted.NO_CHANGE;
            }
            List<String> states = t.select(SMS_PARTS.STATE).from(SMS_PARTS).where(SMS_PARTS.MESSAGE_ID.eq(m.id()))
                    .fetch(SMS_PARTS.STATE);
            String next = null;
            if (states.contains("failed")) {
                next = "failed";
            } else if (states.contains("expired")) {
                next = "expired";
            } else if (states.size() >= m.parts() && states.stream().allMatch("delivered"::equals)) {
                next = "delivered";
            }
            if (next == null) {
                return Receipted.NO_CHANGE;
            }
            t.update(SMS_MESSAGES).set(SMS_MESSAGES.STATE, next).set(SMS_MESSAGES.DONE_AT, now)
                    .set(SMS_MESSAGES.ERROR_CODE, "delivered".equals(next) ? m.errorCode() : error)
                    .where(SMS_MESSAGES.ID.eq(m.id())).execute();
            return new Receipted(true, t.selectFrom(SMS_MESSAGES).where(SMS_MESSAGES.ID.eq(m.id()))
                    .fetchOptional(SmsRepository::message));
        });
    }

    /** What a receipt did: whether its id names a part, and the text when its state changed. */
    public record Receipted(boolean found, Optional<SmsMessage> changed) {
        static final Receipted UNKNOWN_ID = new Receipted(false, Optional.empty());
        static final Receipted NO_CHANGE = new Receipted(true, Optional.empty());
    }

    /** Whether a submitted part has this SMSC id. */
    public boolean knowsPart(String smscId) {
        return dsl.fetchExists(SMS_PARTS, SMS_PARTS.SMSC_ID.eq(smscId));
    }

    public void incidentStep(long id, long step) {
        dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.INCIDENT_STEP, step).where(SMS_MESSAGES.ID.eq(id)).execute();
    }

    /** Newest first. */
    public List<SmsMessage> list(Long elderId, Long incidentId, int limit) {
        Condition c = DSL.noCondition();
        if (elderId != null) {
            c = c.and(SMS_MESSAGES.ELDER_ID.eq(elderId));
        }
        if (incidentId != null) {
            c = c.and(SMS_MESSAGES.INCIDENT_ID.eq(incidentId));
        }
        return dsl.selectFrom(SMS_MESSAGES).where(c).orderBy(SMS_MESSAGES.ID.desc()).limit(limit)
                .fetch(SmsRepository::message);
    }

    /** The newest text about an incident that went to {@code number} (a reply answers it). */
    public Optional<SmsMessage> lastIncidentTextTo(String number) {
        return dsl.selectFrom(SMS_MESSAGES).where(SMS_MESSAGES.TO_NUMBER.eq(number))
                .and(SMS_MESSAGES.INCIDENT_ID.isNotNull()).orderBy(SMS_MESSAGES.ID.desc()).limit(1)
                .fetchOptional(SmsRepository::message);
    }

    public SmsInbound inbound(long at, String from, String text, Long elderId, Long incidentId, String meaning) {
        long id = dsl.insertInto(SMS_INBOUND).set(SMS_INBOUND.RECEIVED_AT, at).set(SMS_INBOUND.FROM_NUMBER, cut(from, 32))
                .set(SMS_INBOUND.TEXT, cut(text, 2000)).set(SMS_INBOUND.ELDER_ID, elderId)
                .set(SMS_INBOUND.INCIDENT_ID, incidentId).set(SMS_INBOUND.MEANING, meaning)
                .returning(SMS_INBOUND.ID).fetchOne().getId();
        return new SmsInbound(id, at, from, text, elderId, incidentId, meaning);
    }

    /** Received texts, newest first. */
    public List<SmsInbound> inboundList(Long elderId, Long incidentId, int limit) {
        Condition c = DSL.noCondition();
        if (elderId != null) {
            c = c.and(SMS_INBOUND.ELDER_ID.eq(elderId));
        }
        if (incidentId != null) {
            c = c.and(SMS_INBOUND.INCIDENT_ID.eq(incidentId));
        }
        return dsl.selectFrom(SMS_INBOUND).where(c).orderBy(SMS_INBOUND.ID.desc()).limit(limit)
                .fetch(r -> new SmsInbound(r.getId(), r.getReceivedAt(), r.getFromNumber(), r.getText(), r.getElderId(),
                        r.getIncidentId(), r.getMeaning()));
    }

    private static SmsMessage message(SmsMessagesRecord r) {
        List<String> ids = r.getSmscIds() == null || r.getSmscIds().isEmpty() ? List.of()
                : Arrays.asList(r.getSmscIds().split(","));
        return new SmsMessage(r.getId(), r.getCreatedAt(), r.getToNumber(), r.getText(), r.getTemplate(), r.getReason(),
                r.getLanguage(), r.getElderId(), r.getIncidentId(), r.getIncidentStep(), r.getRef(), r.getByUser(),
                r.getState(), r.getParts(), ids, r.getErrorCode(), r.getErrorText(), r.getAttempts(), r.getDueAt(),
                r.getSendingAt(), r.getSubmittedAt(), r.getDoneAt(), r.getBroadcastId(), r.getCampaignId());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
