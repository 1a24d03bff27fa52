package onekey.sms;

import onekey.events.EventHub;

/** The only publisher of {@link SmsEvents}. */
final class SmsNotifier {
    private final EventHub hub;

    SmsNotifier(EventHub hub) {
        this.hub = hub;
    }

    void changed(SmsMessage m, Long accountId) {
        SmsEvents.Changed e = new SmsEvents.Changed(m, accountId);
        if (accountId != null) {
            hub.toAccount(accountId, e);
        } else {
            hub.broadcast(e);
        }
    }

    void replied(SmsInbound r, Long accountId) {
        SmsEvents.Replied e = new SmsEvents.Replied(r, accountId);
        if (accountId != null) {
            hub.toAccount(accountId, e);
        } else {
            hub.broadcast(e);
        }
    }

    void link(boolean raised, String message) {
        hub.broadcast(new SmsEvents.LinkDown(raised, message));
    }
}
