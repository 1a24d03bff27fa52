package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeyQueue,...)} from the dialplan's [onekey-queue] context, sent before every
 * Queue(): how the call got there and what the dialplan knows of it. asterisk-java maps the headers to
 * these setters by name and the class name to the event name.
 */
public class OneKeyQueueEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String callerIdNum;
    private String dnis;
    private String service;
    private String path;
    private String recfile;
    private String arrived;

    public OneKeyQueueEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getCallerIdNum() { return callerIdNum; }
    public void setCallerIdNum(String v) { callerIdNum = v; }
    public String getDnis() { return dnis; }
    public void setDnis(String v) { dnis = v; }
    public String getService() { return service; }
    public void setService(String v) { service = v; }
    public String getPath() { return path; }
    public void setPath(String v) { path = v; }
    public String getRecfile() { return recfile; }
    public void setRecfile(String v) { recfile = v; }
    public String getArrived() { return arrived; }
    public void setArrived(String v) { arrived = v; }
}
