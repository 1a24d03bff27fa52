package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/** {@code UserEvent(OneKeyOverflow,...)}: the call is dialled out to the backup number. */
public class OneKeyOverflowEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String number;
    private String waited;
    private String service;

    public OneKeyOverflowEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getNumber() { return number; }
    public void setNumber(String v) { number = v; }
    public String getWaited() { return waited; }
    public void setWaited(String v) { waited = v; }
    public String getService() { return service; }
    public void setService(String v) { service = v; }
}
