package onekey.telephony;

import java.util.function.Consumer;

/**
 * A part of OneKey that follows the PBX: its events, a re-read of what it follows after every (re)connect, and the
 * loss of the connection. The composition root declares them in one list; the order is the order events reach
 * them and the order of the resync.
 */
public interface PbxSubscriber {

    /** For the logs: which part failed. */
    String name();

    /** An event, on the PBX's single dispatcher thread, in arrival order. */
    default void onEvent(PbxEvent e) {}

    /** Re-reads live state after a (re)connect; throws when it could not (the whole resync is tried again). */
    default void resync() {}

    /** The connection is lost: calls still go on in Asterisk, OneKey catches up on the next resync. */
    default void disconnected() {}

    /** A subscriber from its parts; any may be null (nothing to do then). */
    static PbxSubscriber of(String name, Consumer<PbxEvent> events, Runnable resync, Runnable disconnected) {
        return new PbxSubscriber() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void onEvent(PbxEvent e) {
                if (events != null) {
                    events.accept(e);
                }
            }

            @Override
            public void resync() {
                if (resync != null) {
                    resync.run();
                }
            }

            @Override
            public void disconnected() {
                if (disconnected != null) {
                    disconnected.run();
                }
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
