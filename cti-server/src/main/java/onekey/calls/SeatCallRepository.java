package onekey.calls;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDER_CONTACTS;

import java.util.List;
import java.util.Optional;
import onekey.store.Database;
import org.jooq.DSLContext;

/**
 * The seat's side of a call row (V15, issue 18 item 7): {@code direction} 'seat' for a call a seat's phone placed,
 * the incident and step it was placed for. The rest of the row is the call model's ({@link CallRepository}).
 */
public final class SeatCallRepository {

    /** A seat's call as listed for its incident: the call row's id, the step it was placed for and its recording. */
    public record Link(long callId, Long incidentId, Long stepId) {}

    private final DSLContext dsl;

    public SeatCallRepository(Database db) {
        this.dsl = db.dsl();
    }

    /** Marks the row as a seat's call, linked to the incident (and step) when known. */
    public void markSeat(long callId, Long incidentId, Long stepId) {
        dsl.update(CALLS).set(CALLS.DIRECTION, "seat").set(CALLS.INCIDENT_ID, incidentId).set(CALLS.STEP_ID, stepId)
                .where(CALLS.ID.eq(callId)).execute();
        onekey.reports.CallSummaries.invalidateCall(dsl, callId, System.currentTimeMillis());
    }

    /** The seat link of a call row; empty when the row is not a seat's call. */
    public Optional<Link> link(long callId) {
        return dsl.select(CALLS.ID, CALLS.INCIDENT_ID, CALLS.STEP_ID).from(CALLS)
                .where(CALLS.ID.eq(callId)).and(CALLS.DIRECTION.eq("seat"))
                .fetchOptional(r -> new Link(r.value1(), r.value2(), r.value3()));
    }

    /** The ids of the seat calls placed for an incident, oldest first. */
    public List<Long> forIncident(long incidentId) {
        return dsl.select(CALLS.ID).from(CALLS).where(CALLS.INCIDENT_ID.eq(incidentId)).and(CALLS.DIRECTION.eq("seat"))
                .orderBy(CALLS.ARRIVED_AT, CALLS.ID).fetch(CALLS.ID);
    }

    /** The elder one of whose emergency contacts has this number (any of the forms given), if exactly one. */
    public Optional<Long> elderOfContact(List<String> numbers) {
        List<Long> ids = dsl.selectDistinct(ELDER_CONTACTS.ELDER_ID).from(ELDER_CONTACTS)
                .where(ELDER_CONTACTS.PHONE.in(numbers)).limit(2).fetch(ELDER_CONTACTS.ELDER_ID);
        return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
    }
}
