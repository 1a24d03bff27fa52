package onekey.sms;

import onekey.events.DomainEvent;

/** What the SMS room tells seats and supervisors. Published by {@link SmsNotifier} only. */
public sealed interface SmsEvents extends DomainEvent {

    /** A text was written, submitted, or got its receipt ({@code sms.message}): to the incident's seat or everyone. */
    record Changed(SmsMessage message, Long accountId) implements SmsEvents {}

    /**
     * A text received ({@code sms.reply}): a contact's reply to an incident's text — an acknowledgement ("ack") or
     * anything else, shown to the incident's seat.
     */
    record Replied(SmsInbound reply, Long accountId) implements SmsEvents {}

    /**
     * The SMSC link lost for longer than a moment, or back ({@code system.alert}, kind {@code sms-down}; state raised
     * / cleared): texts wait in their rows meanwhile.
     */
    record LinkDown(boolean raised, String message) implements SmsEvents {}
}
