package onekey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import onekey.broadcast.BroadcastService.RetryPlan;
import onekey.broadcast.QuietHours;
import org.junit.jupiter.api.Test;

/** broadcast.* settings (issue 9): defaults, and bad values stop the start with the key and the expected form. */
class BroadcastConfigTest {

    @Test
    void defaultsAreTheIssuesRules() {
        OneKeyConfig.Broadcast b = ConfigLoader.load(null, Map.of()).broadcast();
        assertThat(b.quietHours()).isEqualTo("21:00-08:00");
        assertThat(b.timeZone()).isEqualTo("Asia/Shanghai");
        assertThat(RetryPlan.parse(b.retryBooking())).isEqualTo(new RetryPlan(3, 600));
        assertThat(b.reminderEvening()).isEqualTo("18:00");
        assertThat(b.reminderHoursBefore()).isEqualTo(2);
        assertThat(b.maxChannels()).isEqualTo(10);
        assertThat(b.callsPerSecond()).isEqualTo(5);
        assertThat(b.trunkChannels()).isZero(); // not known: only broadcast.maxChannels bounds broadcasts
        assertThat(b.trunkSosReserve()).isEqualTo(4);
    }

    @Test
    void theTrunkMustKeepRoomForSos() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_TRUNK_CHANNELS", "4", "ONEKEY_TRUNK_SOSRESERVE", "4",
                "ONEKEY_BROADCAST_CALLSPERSECOND", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("trunk.sosReserve (ONEKEY_TRUNK_SOSRESERVE) is 4, expected fewer than trunk.channels (4)")
                .hasMessageContaining("broadcast.callsPerSecond (ONEKEY_BROADCAST_CALLSPERSECOND)");
        OneKeyConfig.Broadcast b = ConfigLoader.load(null, Map.of("ONEKEY_TRUNK_CHANNELS", "30", "ONEKEY_TRUNK_SOSRESERVE",
                "10", "ONEKEY_BROADCAST_CALLSPERSECOND", "20")).broadcast();
        assertThat(b.trunkChannels()).isEqualTo(30);
        assertThat(b.trunkSosReserve()).isEqualTo(10);
        assertThat(b.callsPerSecond()).isEqualTo(20);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_BROADCAST_QUIETHOURS", "9pm to 8am",
                "ONEKEY_BROADCAST_RETRY_CHECKIN", "three", "ONEKEY_BROADCAST_TIMEZONE", "Mars/Olympus")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("broadcast.quietHours (ONEKEY_BROADCAST_QUIETHOURS) is '9pm to 8am'")
                .hasMessageContaining("broadcast.retry.checkIn (ONEKEY_BROADCAST_RETRY_CHECKIN) is 'three', expected <attempts>x")
                .hasMessageContaining("broadcast.timeZone");
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_BROADCAST_QUIETHOURS", "none")).broadcast().quietHours())
                .isEqualTo("none");
    }

    @Test
    void quietHoursAcrossMidnightAndWithin() {
        ZoneId sh = ZoneId.of("Asia/Shanghai");
        QuietHours night = QuietHours.parse("21:00-08:00", sh);
        // 20:59:59 and 08:00 local are outside; 21:00, midnight and 07:59 inside
        assertThat(night.contains(Instant.parse("2026-06-01T12:59:59Z"))).isFalse();
        assertThat(night.contains(Instant.parse("2026-06-01T13:00:00Z"))).isTrue();
        assertThat(night.contains(Instant.parse("2026-06-01T16:00:00Z"))).isTrue();
        assertThat(night.contains(Instant.parse("2026-06-01T23:59:00Z"))).isTrue();
        assertThat(night.contains(Instant.parse("2026-06-02T00:00:00Z"))).isFalse();
        assertThat(night.next(Instant.parse("2026-06-01T13:30:00Z"))).isEqualTo(Instant.parse("2026-06-02T00:00:00Z"));
        assertThat(night.next(Instant.parse("2026-06-01T20:00:00Z"))).isEqualTo(Instant.parse("2026-06-02T00:00:00Z"));
        QuietHours lunch = QuietHours.parse("12:00-14:00", sh);
        assertThat(lunch.next(Instant.parse("2026-06-01T04:30:00Z"))).isEqualTo(Instant.parse("2026-06-01T06:00:00Z"));
        assertThat(lunch.contains(Instant.parse("2026-06-01T06:00:00Z"))).isFalse();
        assertThat(QuietHours.parse("none", sh).contains(Instant.parse("2026-06-01T16:00:00Z"))).isFalse();
    }
}
