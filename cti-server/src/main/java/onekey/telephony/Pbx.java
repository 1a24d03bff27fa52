package onekey.telephony;

import java.util.List;

/**
 * What OneKey needs from the PBX besides its event stream, in domain words. Implemented over AMI by
 * {@code telephony/ami/AmiPbx}. Every method throws {@link PbxException} when the PBX cannot be
 * reached or refuses.
 */
public interface Pbx {

    /** Channels alive now; for caller legs in OneKey's contexts, with the named channel variables read. */
    List<LiveChannel> liveChannels(List<String> callerVariables);

    /**
     * Stores a setting the dialplan reads without OneKey (Asterisk's AstDB, kept across restarts of
     * either side): lines, overflow number and limits.
     */
    void putSetting(String family, String key, String value);

    /** Removes a setting stored with {@link #putSetting} (absent is fine). */
    void deleteSetting(String family, String key);

    /**
     * The keys one level under an AstDB family (what the dialplan wrote for OneKey to collect: the alarms it kept while
     * OneKey did not answer): empty when none. At most what one read holds (about 1 KB of keys; a last key cut short
     * reads as absent); the rest come with the next read, once these are deleted.
     */
    List<String> settingKeys(String family);

    /** One AstDB value (at most 255 characters come back: Asterisk 16's DBGet), or empty when absent. */
    java.util.Optional<String> setting(String family, String key);

    /** Removes {@code family/key} and everything under it (absent is fine). */
    void deleteSettings(String family, String key);

    /** A member of a queue as the PBX has it: interface ("PJSIP/1001"), member name, paused and why. */
    record QueueMember(String iface, String name, boolean paused, String pausedReason) {}

    /** Adds an agent's phone to a queue (paused or not). */
    void queueAdd(String queue, String iface, String memberName, boolean paused, String reason);

    /** Pauses or unpauses a member (a reason only with a pause). */
    void queuePause(String queue, String iface, boolean paused, String reason);

    void queueRemove(String queue, String iface);

    /** The members of a queue now. */
    List<QueueMember> queueMembers(String queue);

    /**
     * Places a call without waiting for it: {@code channel} (e.g. {@code PJSIP/02155550001@trunk}) rings for
     * {@code ringMillis}; when answered it runs {@code context},s,1 with {@code variables} set. The outcome comes
     * later as {@link PbxEvent.OriginateResult} carrying {@code actionId}. Throws when the PBX refuses to queue it.
     */
    void originate(String channel, String context, long ringMillis, String callerId, java.util.Map<String, String> variables,
                   String actionId);

    /** Makes the PBX read its SIP endpoints again (agent endpoints were rewritten). */
    void reloadSip();

    /**
     * As {@link #originate}, with the new channel's uniqueid chosen by OneKey ({@code channelId}, Asterisk's
     * Originate ChannelId), so later actions and its Hangup can name it before the PBX has answered.
     */
    void originate(String channel, String context, long ringMillis, String callerId, java.util.Map<String, String> variables,
                   String actionId, String channelId);

    /** Sends a live channel (its name or uniqueid) to {@code context},{@code exten},1 (AMI Redirect); it stays up. */
    void redirect(String channel, String context, String exten);

    /** Hangs a channel up (its name or uniqueid). */
    void hangup(String channel);

    final class PbxException extends RuntimeException {
        public PbxException(String message, Throwable cause) {
            super(message, cause);
        }

        public PbxException(String message) {
            super(message);
        }
    }
}
