package onekey.orders;

import java.util.Locale;
import java.util.Optional;

/**
 * A work order's states (issue 21, "订单(工单)的流转形成管理闭环") and, in {@link #next}, every transition in one place:
 * created → dispatched → accepted → in-service → done → called-back → closed; declined / no answer → dispatched again
 * (the next supplier); nobody left to ask → failed (a dispatcher's task, who may dispatch it again); cancelled.
 * OrderStateTest checks every (state, event) pair.
 */
public enum OrderState {
    CREATED, DISPATCHED, ACCEPTED, IN_SERVICE, DONE, CALLED_BACK, CLOSED, CANCELLED, FAILED;

    /** What happens to an order. */
    public enum Event {
        /** The dispatcher's go (or the automatic one): the first supplier is asked. */
        DISPATCH,
        /** The supplier asked accepted (1 on the call, "accepted" from its system). */
        ACCEPT,
        /** The supplier asked declined (2): the next one is asked. */
        DECLINE,
        /** The supplier asked did not answer within orders.acceptSeconds: the next one is asked. */
        NO_ANSWER,
        /** Nobody (left) can serve it. */
        EXHAUST,
        /** The supplier started the service. */
        START,
        /** The supplier reported it done. */
        FINISH,
        /** The elder's callback was heard (done or not, ratings). */
        CALL_BACK,
        /** The loop is closed (after the callback, or a dispatcher closes a done order the elder could not be reached on). */
        CLOSE,
        CANCEL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static OrderState of(String wire) {
        return valueOf(wire.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public boolean terminal() {
        return this == CLOSED || this == CANCELLED;
    }

    /** The state an event leads to from this one; empty: not allowed. The only place transitions are written. */
    public Optional<OrderState> next(Event e) {
        OrderState to = switch (this) {
            case CREATED -> switch (e) {
                case DISPATCH -> DISPATCHED;
                case EXHAUST -> FAILED;
                case CANCEL -> CANCELLED;
                default -> null;
            };
            case DISPATCHED -> switch (e) {
                case ACCEPT -> ACCEPTED;
                // RULE (issue 21): declined or no answer -> redispatched to the next supplier
                case DECLINE, NO_ANSWER -> DISPATCHED;
                case EXHAUST -> FAILED;
                case CANCEL -> CANCELLED;
                default -> null;
            };
            case ACCEPTED -> switch (e) {
                case START -> IN_SERVICE;
                case FINISH -> DONE;
                case CANCEL -> CANCELLED;
                default -> null;
            };
            case IN_SERVICE -> switch (e) {
                case FINISH -> DONE;
                case CANCEL -> CANCELLED;
                default -> null;
            };
            case DONE -> switch (e) {
                case CALL_BACK -> CALLED_BACK;
                case CLOSE -> CLOSED;
                default -> null;
            };
            case CALLED_BACK -> e == Event.CLOSE ? CLOSED : null;
            case FAILED -> switch (e) {
                case DISPATCH -> DISPATCHED;
                case CANCEL -> CANCELLED;
                default -> null;
            };
            case CLOSED, CANCELLED -> null;
        };
        return Optional.ofNullable(to);
    }
}
