package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeySeatCall,Phase,Agent,Number,Step,Recfile,DialStatus,Answered)} from {@code [onekey-seat-call]}
 * and its hang-up handler: a call a seat's phone placed started (recorded from then on) or ended (issue 18 item 7).
 */
public class OneKeySeatCallEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String phase;
    private String agent;
    private String number;
    private String step;
    private String recfile;
    private String dialStatus;
    private String answered;

    public OneKeySeatCallEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getPhase() { return phase; }
    public void setPhase(String v) { phase = v; }
    public String getAgent() { return agent; }
    public void setAgent(String v) { agent = v; }
    public String getNumber() { return number; }
    public void setNumber(String v) { number = v; }
    public String getStep() { return step; }
    public void setStep(String v) { step = v; }
    public String getRecfile() { return recfile; }
    public void setRecfile(String v) { recfile = v; }
    public String getDialStatus() { return dialStatus; }
    public void setDialStatus(String v) { dialStatus = v; }
    public String getAnswered() { return answered; }
    public void setAnswered(String v) { answered = v; }
}
