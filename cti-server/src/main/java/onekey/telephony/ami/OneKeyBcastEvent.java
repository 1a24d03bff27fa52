package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeyBcast,Attempt,Result,Digits,Recfile)} from {@code [onekey-bcast]}: what happened on an
 * answered broadcast call (answered, repeated, confirmed, transferred, no-confirm) and the keys pressed so far.
 */
public class OneKeyBcastEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String attempt;
    private String result;
    private String digits;
    private String recfile;

    public OneKeyBcastEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getAttempt() { return attempt; }
    public void setAttempt(String v) { attempt = v; }
    public String getResult() { return result; }
    public void setResult(String v) { result = v; }
    public String getDigits() { return digits; }
    public void setDigits(String v) { digits = v; }
    public String getRecfile() { return recfile; }
    public void setRecfile(String v) { recfile = v; }
}
