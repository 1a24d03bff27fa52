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

    final class PbxException extends RuntimeException {
        public PbxException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
