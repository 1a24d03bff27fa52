package onekey.telephony;

/**
 * A channel alive in the PBX when OneKey asked (after every (re)connect). {@code variables} holds the
 * OneKey channel variables that were asked for (missing ones are absent).
 */
public record LiveChannel(String linkedid, String uniqueid, String channel, String callerNumber, String context,
                          String exten, String application, long durationMs, java.util.Map<String, String> variables) {

    /** The call's first channel: the elder's leg of an inbound call. */
    public boolean callerLeg() {
        return linkedid != null && linkedid.equals(uniqueid);
    }
}
