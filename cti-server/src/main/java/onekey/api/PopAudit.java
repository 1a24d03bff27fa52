package onekey.api;

import onekey.auth.Account;
import onekey.auth.DeliveryAudit;
import onekey.calls.CallEvents;

/**
 * A screen pop shows an elder's record: each delivery of one (to the agent it was offered to, and to every
 * supervisor watching) leaves an {@code elder.pop} audit row for whoever received it. A subscriber of the
 * WebSocket delivery; the audit goes through the journal, so it never blocks the delivery.
 */
final class PopAudit implements EventFanout.DeliveryListener {

    private final DeliveryAudit audit;

    PopAudit(DeliveryAudit audit) {
        this.audit = audit;
    }

    @Override
    public void delivered(EventFanout.Frame f, Account to) {
        if (!(f.event().event() instanceof CallEvents.Offered pop) || pop.elder() == null) {
            return;
        }
        Long target = f.event().accountId();
        boolean offeredToMe = target != null && target == to.id();
        audit.delivered(System.currentTimeMillis(), to, "elder.pop", "elder", String.valueOf(pop.elder().id()),
                "call=" + pop.call().linkedid() + " seq=" + f.seq()
                        + (offeredToMe ? "" : " watching=" + to.role().wire()));
    }
}
