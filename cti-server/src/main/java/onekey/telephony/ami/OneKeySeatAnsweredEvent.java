package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeySeatAnswered, Agent: PJSIP/1002)}: a seat answered an elder's call put through to it
 * outside the queue, by a blind transfer ({@code [onekey-seat-answered]}, run by Dial's U option on the seat's
 * channel). OneKey follows it as a queue member connecting.
 */
@org.asteriskjava.manager.AsteriskMapping("OneKeySeatAnswered")
public class OneKeySeatAnsweredEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String agent;

    public OneKeySeatAnsweredEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getAgent() { return agent; }
    public void setAgent(String v) { agent = v; }
}
