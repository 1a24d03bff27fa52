package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/** {@code UserEvent(OneKeyOverflowEnded,...)}: the dial to the backup number ended. */
public class OneKeyOverflowEndedEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String number;
    private String dialStatus;

    public OneKeyOverflowEndedEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getNumber() { return number; }
    public void setNumber(String v) { number = v; }
    public String getDialStatus() { return dialStatus; }
    public void setDialStatus(String v) { dialStatus = v; }
}
