package onekey.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 24: a 驿站's opening hours and the nearest open station (the moment given, no wall clock). */
class StationsTest {
    static final ZoneId SH = ZoneId.of("Asia/Shanghai");

    static ZonedDateTime at(String local) { // 2026-06-01 is a Monday
        return java.time.LocalDateTime.parse(local).atZone(SH);
    }

    static Station station(long id, String name, double lat, double lon, String hours, boolean active) {
        return new Station(id, name, "addr", lat, lon, "0216200000" + id, hours, null, null, active, 0, 0);
    }

    @Test
    void hoursAreReadByDayAndTimeIncludingNightsPastMidnight() {
        StationHours week = StationHours.parse("Mon-Fri 08:00-18:00; sat 09:00-12:00");
        assertThat(week.openAt(at("2026-06-01T08:00"))).isTrue();   // Monday, opening minute
        assertThat(week.openAt(at("2026-06-01T17:59"))).isTrue();
        assertThat(week.openAt(at("2026-06-01T18:00"))).isFalse();  // closing minute: closed
        assertThat(week.openAt(at("2026-06-06T10:00"))).isTrue();   // Saturday morning
        assertThat(week.openAt(at("2026-06-06T13:00"))).isFalse();
        assertThat(week.openAt(at("2026-06-07T10:00"))).isFalse();  // Sunday
        StationHours night = StationHours.parse("fri 20:00-08:00");
        assertThat(night.openAt(at("2026-06-05T23:00"))).isTrue();  // Friday night
        assertThat(night.openAt(at("2026-06-06T07:59"))).isTrue();  // into Saturday morning
        assertThat(night.openAt(at("2026-06-06T08:00"))).isFalse();
        assertThat(night.openAt(at("2026-06-05T07:00"))).isFalse(); // Friday morning is Thursday's night: not open
        StationHours always = StationHours.parse("24h");
        assertThat(always.openAt(at("2026-06-07T03:00"))).isTrue();
        assertThat(StationHours.parse("sat,sun 00:00-24:00").openAt(at("2026-06-07T23:59"))).isTrue();
        assertThat(StationHours.parse("sat,sun 00:00-24:00").openAt(at("2026-06-08T00:00"))).isFalse();
        assertThat(StationHours.parse("fri-mon 10:00-11:00").openAt(at("2026-06-07T10:30"))).isTrue(); // wraps the week
        assertThat(StationHours.parse("fri-mon 10:00-11:00").openAt(at("2026-06-03T10:30"))).isFalse();
    }

    @Test
    void hoursNotUnderstoodAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> StationHours.parse("")).hasMessageStartingWith("hours: required");
        assertThatThrownBy(() -> StationHours.parse("8-20")).hasMessageContaining("times are HH:MM");
        assertThatThrownBy(() -> StationHours.parse("25:00-26:00")).hasMessageContaining("not a time of day");
        assertThatThrownBy(() -> StationHours.parse("weekdays 08:00-18:00")).hasMessageContaining("not a day");
        assertThatThrownBy(() -> StationHours.parse("08:00")).hasMessageContaining("is not HH:MM-HH:MM");
    }

    @Test
    void theNearestOpenStationIsChosenAndAClosedOneOnlyWhenNoneIsOpen() {
        double lat = 31.2200;
        double lon = 121.4400;
        List<Station> list = List.of(
                station(1, "closes at 18", 31.2205, 121.4400, "08:00-18:00", true),  // ~56 m
                station(2, "all night", 31.2250, 121.4400, "24h", true),             // ~556 m
                station(3, "nearer, all night", 31.2240, 121.4400, "24h", true),     // ~445 m
                station(4, "closed for good", 31.2201, 121.4400, "24h", false));     // inactive: never
        var day = StationService.nearest(list, lat, lon, at("2026-06-01T10:00")).orElseThrow();
        assertThat(day.station().id()).isEqualTo(1);
        assertThat(day.meters()).isBetween(50L, 60L);
        assertThat(day.open()).isTrue();
        var night = StationService.nearest(list, lat, lon, at("2026-06-01T22:00")).orElseThrow();
        assertThat(night.station().id()).isEqualTo(3);
        assertThat(night.meters()).isBetween(440L, 450L);
        // nothing open: the nearest active one, marked closed (its phone may still answer)
        List<Station> dayOnly = List.of(station(1, "a", 31.2205, 121.4400, "08:00-18:00", true),
                station(2, "b", 31.2300, 121.4400, "08:00-18:00", true));
        var closed = StationService.nearest(dayOnly, lat, lon, at("2026-06-01T22:00")).orElseThrow();
        assertThat(closed.station().id()).isEqualTo(1);
        assertThat(closed.open()).isFalse();
        assertThat(StationService.nearest(List.of(), lat, lon, at("2026-06-01T10:00"))).isEmpty();
    }
}
