package onekey.calls;

import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;

/**
 * Who may see and change a call's row, and the audit rows of it: agents only the calls they took (refused with
 * {@link SecurityException}, not hidden: the id is not a secret); every list and every opened call audited.
 */
public final class CallAccess {
    private final CallRepository calls;
    private final AuditLog audit;
    private final Clock clock;
    /** Told of every disposition saved (the rescue plans a call-back for "callback-needed"). */
    private final Consumer<CallRecord> dispositionSaved;
    /** The agent on a call OneKey follows live (the model, ahead of the row the journal writes); empty: not live. */
    private final java.util.function.LongFunction<java.util.Optional<Long>> liveAgent;

    public CallAccess(CallRepository calls, AuditLog audit, Clock clock, Consumer<CallRecord> dispositionSaved) {
        this(calls, audit, clock, dispositionSaved, id -> java.util.Optional.empty());
    }

    public CallAccess(CallRepository calls, AuditLog audit, Clock clock, Consumer<CallRecord> dispositionSaved,
                      java.util.function.LongFunction<java.util.Optional<Long>> liveAgent) {
        this.liveAgent = liveAgent == null ? id -> java.util.Optional.empty() : liveAgent;
        this.calls = calls;
        this.audit = audit;
        this.clock = clock;
        this.dispositionSaved = dispositionSaved == null ? c -> { } : dispositionSaved;
    }

    /** The call, or {@link NoSuchElementException}. */
    public CallRecord get(long id) {
        return calls.get(id).orElseThrow(() -> new NoSuchElementException("no such call: " + id));
    }

    /** The call if {@code by} may {@code what} it: an agent only its own. */
    public CallRecord own(long id, Account by, String what) {
        CallRecord c = get(id);
        if (!mayTouch(c, by) && !onLiveCall(c, by)) {
            throw new SecurityException("call " + c.id() + " was taken by another agent: agents may " + what
                    + " only their own calls");
        }
        return c;
    }

    /** Whether {@code by} may see call {@code c}: supervisors and admins any, an agent the calls it took. */
    public static boolean mayTouch(CallRecord c, Account by) {
        return by.role() != Role.AGENT || c.agentId() != null && c.agentId() == by.id();
    }

    /**
     * Whether the agent {@code by} is on call {@code c} right now by the live model: the row's agent is written by the
     * journal ms after the answer, so a disposition typed at once is not refused while the row still says nobody.
     * Only when the row names no agent yet: a row that names another agent wins (a transfer is written at once).
     */
    private boolean onLiveCall(CallRecord c, Account by) {
        return by.role() == Role.AGENT && c.agentId() == null
                && liveAgent.apply(c.id()).filter(a -> a == by.id()).isPresent();
    }

    /** A list of calls, one audit row for it; an agent's list is of its own calls whatever {@code agentId} says. */
    public List<CallRecord> list(Account by, Long elderId, Long agentId, Long since, int limit) {
        Long agent = by.role() == Role.AGENT ? Long.valueOf(by.id()) : agentId;
        List<CallRecord> out = calls.find(elderId, agent, since, limit);
        audit.record(by, "call.list", elderId == null ? null : "elder", elderId == null ? null : elderId.toString(),
                "agent=" + agent + " results=" + out.size());
        return out;
    }

    /**
     * A page of calls, one audit row for it; an agent's page is of its own calls whatever {@code agentId} says.
     * {@code from} inclusive, {@code to} exclusive (epoch ms), after {@code after} (GET /api/calls, issue 22).
     */
    public onekey.store.Cursor.Page<CallRecord> page(Account by, Long elderId, Long agentId, Long from, Long to,
                                                     onekey.store.Cursor after, int limit) {
        Long agent = by.role() == Role.AGENT ? Long.valueOf(by.id()) : agentId;
        var page = calls.page(elderId, agent, from, to, after, limit);
        audit.record(by, "call.list", elderId == null ? null : "elder", elderId == null ? null : elderId.toString(),
                "agent=" + agent + " results=" + page.items().size() + (after == null ? "" : " page=next"));
        return page;
    }

    /** One call opened, audited on its elder (or on the call when the caller is not registered). */
    public CallRecord view(long id, Account by) {
        CallRecord c = own(id, by, "open");
        audit.record(by, "call.view", c.elderId() == null ? "call" : "elder",
                c.elderId() == null ? Long.toString(c.id()) : c.elderId().toString(), "call=" + c.id());
        return c;
    }

    /**
     * The disposition of a call: the agent who took it, a supervisor or an admin. Written by column (never rewriting
     * the call's state or recording from a possibly stale copy) and noted in its timeline.
     */
    public CallRecord mayDispose(long id, Account by) {
        CallRecord c = get(id);
        if (!mayTouch(c, by) && !onLiveCall(c, by)) {
            throw new SecurityException("only the agent who took call " + c.id() + ", a supervisor or an admin may set its "
                    + "disposition");
        }
        return c;
    }

    /** Saves the disposition checked by {@link #mayDispose}; returns the call as it is now. */
    public CallRecord dispose(CallRecord c, Account by, String disposition, String notes) {
        calls.setDisposition(c.id(), disposition, notes);
        calls.addEvent(c.id(), clock.millis(), "disposition", disposition + " by " + by.username());
        CallRecord updated = calls.get(c.id()).orElse(c);
        dispositionSaved.accept(updated); // "callback-needed": a call-back on the worklist (issue 18)
        return updated;
    }
}
