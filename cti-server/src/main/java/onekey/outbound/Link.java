package onekey.outbound;

import java.util.function.Supplier;
import onekey.telephony.PbxEvent;

/**
 * A feature's hold on the outbound service: the server's one (the root feeds it the PBX's events and runs its
 * resync), or, for a feature started on its own (a unit test), one the feature made and feeds itself.
 */
public final class Link implements AutoCloseable {
    private final OutboundService service;
    private final boolean own;

    private Link(OutboundService service, boolean own) {
        this.service = service;
        this.own = own;
    }

    /** Registers {@code owner} with {@code shared}, or with one made by {@code own} when {@code shared} is null. */
    public static Link of(OutboundService shared, Supplier<OutboundService> own, OutboundService.Owner owner) {
        Link l = shared != null ? new Link(shared, false) : new Link(own.get(), true);
        l.service.register(owner);
        return l;
    }

    public OutboundService service() {
        return service;
    }

    public void onEvent(PbxEvent e) {
        if (own) {
            service.onEvent(e);
        }
    }

    public void resync() {
        if (own) {
            service.resync();
        }
    }

    public void pbxDisconnected() {
        if (own) {
            service.pbxDisconnected();
        }
    }

    @Override
    public void close() {
        if (own) {
            service.close();
        }
    }
}
