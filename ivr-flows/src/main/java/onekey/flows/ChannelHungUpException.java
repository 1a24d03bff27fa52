package onekey.flows;

/** The caller is gone: thrown by every {@link FlowChannel} operation once the channel has hung up. */
public class ChannelHungUpException extends Exception {
    public ChannelHungUpException(String message) {
        super(message);
    }

    public ChannelHungUpException(String message, Throwable cause) {
        super(message, cause);
    }
}
