package onekey.flows;

/** A flow definition that cannot be run; the message names the flow, the step number and kind, and the field. */
public class FlowDefinitionException extends RuntimeException {
    public FlowDefinitionException(String message) {
        super(message);
    }

    public FlowDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
