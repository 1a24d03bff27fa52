package onekey.telephony.ami;

/** An AMI action failed, timed out, or there is no connection; the message says which action and why. */
public final class AmiException extends RuntimeException {
    public AmiException(String message) {
        super(message);
    }

    public AmiException(String message, Throwable cause) {
        super(message, cause);
    }
}
