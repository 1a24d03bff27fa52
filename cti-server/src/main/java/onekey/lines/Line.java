package onekey.lines;

/**
 * A dialled number (DNIS) of the call centre and the service it stands for. {@code priority} becomes
 * app_queue's QUEUE_PRIO: higher is answered first; SOS lines carry the highest.
 */
public record Line(String number, Service service, int priority, String name) {}
