package onekey.devices;

import java.util.Map;
import onekey.events.DomainEvent;

/**
 * What the device register tells (issue 24). Published by {@link DeviceNotifier} only.
 */
public sealed interface DeviceEvents extends DomainEvent {

    /** A device registered (to the supervisors). */
    record Registered(Device device) implements DeviceEvents {}

    /** Test mode set or ended on a device (to the supervisors). */
    record TestMode(Device device) implements DeviceEvents {}

    /** A terminal test recorded (to the supervisors). */
    record Tested(Device device, DeviceTest test) implements DeviceEvents {}

    /**
     * A heartbeat device silent past its interval: a supervisors' alert ({@code system.alert}, kind
     * {@code device-silent}), stored by the alerts room.
     */
    record Silent(Device device, long silentMinutes, String message) implements DeviceEvents {}

    /**
     * An alarm without a voice (device.alarm): to a ready seat as its pop, at SOS priority, and to the supervisors.
     * {@code elder}: id, name, address, landmarks, phones masked, home position; {@code lastFix}: the position the
     * alarm carried (or the elder's last one) with its age.
     */
    record AlarmRaised(Alarm alarm, Device device, Map<String, Object> elder, Map<String, Object> incident,
                       String priority) implements DeviceEvents {}

    /** An alarm recorded and not escalated (a test report, a restore) or refused (to the supervisors). */
    record AlarmRecorded(Alarm alarm, Device device, String note) implements DeviceEvents {}
}
