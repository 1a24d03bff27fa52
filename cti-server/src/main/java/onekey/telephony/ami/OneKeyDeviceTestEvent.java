package onekey.telephony.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(OneKeyDeviceTest,Number,Result)}: the dialplan answered a call from a device in test mode with the
 * IVR's "测试成功" (issue 24); no agent was rung.
 */
public class OneKeyDeviceTestEvent extends UserEvent {
    private static final long serialVersionUID = 1L;
    private String linkedid;
    private String number;
    private String result;

    public OneKeyDeviceTestEvent(Object source) {
        super(source);
    }

    public String getLinkedid() { return linkedid; }
    public void setLinkedid(String v) { linkedid = v; }
    public String getNumber() { return number; }
    public void setNumber(String v) { number = v; }
    public String getResult() { return result; }
    public void setResult(String v) { result = v; }
}
