package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeyIncidentRing|OneKeyIncidentAnswered|OneKeyIncidentNoAnswer, Agent)}: an SOS call from an
 * elder with an open incident rings, is answered by, or was not answered by the incident's agent
 * ({@code [onekey-incident-agent]}). One bean per event name, as asterisk-java needs.
 */
public class OneKeyIncidentEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String agent;
    private String dialStatus;

    public OneKeyIncidentEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getAgent() { return agent; }
    public void setAgent(String v) { agent = v; }
    public String getDialStatus() { return dialStatus; }
    public void setDialStatus(String v) { dialStatus = v; }

    /** {@code UserEvent(OneKeyIncidentRing,...)}. */
    @org.asteriskjava.manager.AsteriskMapping("OneKeyIncidentRing")
    public static class Ring extends OneKeyIncidentEvent {
        private static final long serialVersionUID = 1L;

        public Ring(Object source) {
            super(source);
        }
    }

    /** {@code UserEvent(OneKeyIncidentAnswered,...)}. */
    @org.asteriskjava.manager.AsteriskMapping("OneKeyIncidentAnswered")
    public static class Answered extends OneKeyIncidentEvent {
        private static final long serialVersionUID = 1L;

        public Answered(Object source) {
            super(source);
        }
    }

    /** {@code UserEvent(OneKeyIncidentNoAnswer,...)}. */
    @org.asteriskjava.manager.AsteriskMapping("OneKeyIncidentNoAnswer")
    public static class NoAnswer extends OneKeyIncidentEvent {
        private static final long serialVersionUID = 1L;

        public NoAnswer(Object source) {
            super(source);
        }
    }
}
