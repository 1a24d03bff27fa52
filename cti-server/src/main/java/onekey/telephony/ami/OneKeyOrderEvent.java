package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeyOrder,Leg,Result,Digits)} from {@code [onekey-order]} (issue 21): what happened on a work
 * order's call (a supplier's offer, the elder's callback): answered, key, no-key, and the keys pressed so far.
 */
public class OneKeyOrderEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String leg;
    private String result;
    private String digits;

    public OneKeyOrderEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getLeg() { return leg; }
    public void setLeg(String v) { leg = v; }
    public String getResult() { return result; }
    public void setResult(String v) { result = v; }
    public String getDigits() { return digits; }
    public void setDigits(String v) { digits = v; }
}
