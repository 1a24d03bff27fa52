package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/** {@code UserEvent(OneKeyOutResult,Step,Result)}: an answered rescue call heard speech or silence. */
public class OneKeyOutResultEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String step;
    private String result;

    public OneKeyOutResultEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getStep() { return step; }
    public void setStep(String v) { step = v; }
    public String getResult() { return result; }
    public void setResult(String v) { result = v; }
}
