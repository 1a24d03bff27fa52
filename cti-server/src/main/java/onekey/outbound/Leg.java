package onekey.outbound;

/**
 * One call OneKey places, as stored: {@code owner} (rescue, broadcast) with its {@code reference} and {@code step}
 * name it (at most one leg each), {@code rowId} is the owner's own row (the incident step, the broadcast attempt).
 * {@code state} planned → dialing → done; {@code channelId} is the uniqueid Asterisk gives its channel.
 */
public record Leg(long id, String owner, String reference, int step, long rowId, Lane lane, String number, boolean quiet,
                  long dueAt, String state, String channelId, Long startedAt, Long endedAt, String outcome,
                  String detail) {

    public boolean done() {
        return "done".equals(state);
    }

    /** This planned leg as it is once dialing since {@code at} (what {@code startDialing} wrote). */
    public Leg dialing(long at) {
        return new Leg(id, owner, reference, step, rowId, lane, number, quiet, dueAt, "dialing", channelId, at, endedAt,
                outcome, detail);
    }

    /** What a feature asks for: the leg (a row before any dial), due at {@code dueAt}. */
    public record Plan(String owner, String reference, int step, long rowId, Lane lane, String number, boolean quiet,
                       long dueAt, String channelId) {}
}
