package onekey.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import onekey.broadcast.QuietHours;
import onekey.events.EventHub;
import onekey.store.Database;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet hours for texts (issue 20): a booking or campaign text due inside them is written now, queued with the
 * hours' end as its due time, and submitted then — also by the next run (it is a row); incident/SOS texts and a
 * seat's own text go at once. The clock is injected and the sender's pass is run by the test: no real-time wait
 * for the hours (only for the submit's own thread to answer).
 */
class SmsQuietHoursTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path tmp;
    Database db;
    SmsRepository repo;
    TestClock clock;
    final FakeGateway gateway = new FakeGateway();
    SmsService sms;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        repo = new SmsRepository(db);
        clock = new TestClock(at(2026, 6, 1, 22, 0));
        sms = service();
    }

    @AfterEach
    void down() {
        sms.close();
        db.close();
    }

    private SmsService service() {
        return new SmsService(repo, gateway, new EventHub(1000), null, null, null, clock,
                new SmsService.Settings("【一键通】", 10, 8, 5_000, QuietHours.parse("21:00-08:00", SHANGHAI)));
    }

    static Instant at(int y, int mo, int d, int h, int mi) {
        return ZonedDateTime.of(y, mo, d, h, mi, 0, 0, SHANGHAI).toInstant();
    }

    /** One pass of the sender, then waits for the submits it started to be answered (their rows move). */
    private void pass() {
        int before = gateway.submitted.size();
        int queuedDue = repo.due(clock.millis(), 1000).size();
        sms.dispatch();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> repo.list(null, null, 100).stream()
                .noneMatch(m -> m.state().equals("sending")));
        assertThat(gateway.submitted.size()).isLessThanOrEqualTo(before + queuedDue);
    }

    private SmsMessage row(long id) {
        return repo.get(id).orElseThrow();
    }

    @Test
    void aBookingTextAtNightWaitsInItsRowForTheMorningWhileIncidentAndSeatTextsGoAtOnceAndARestartKeepsIt() {
        SmsMessage booking = sms.send("13916000001", "张桂英的预约已通过电话确认", "booking-confirmed",
                new SmsService.Refs(1L, null, "booking-confirmed", "zh", "broadcast:9:booking-confirmed", null)).orElseThrow();
        SmsMessage campaign = sms.send("13916000002", "天冷了，注意保暖", "campaign",
                new SmsService.Refs(2L, null, "campaign", "zh", "campaign:3:elder:2", null, null, 3L)).orElseThrow();
        SmsMessage incident = sms.send("13916000003", "紧急：请回复1", "incident-escalated",
                new SmsService.Refs(1L, 41L, "incident-escalated", "zh", "incident:41:x", null)).orElseThrow();
        SmsMessage seat = sms.send("13916000004", "请回电", "seat",
                new SmsService.Refs(1L, null, "free-text", "zh", null, "agent7")).orElseThrow();

        Instant morning = at(2026, 6, 2, 8, 0);
        assertThat(row(booking.id()).state()).isEqualTo("queued");
        assertThat(row(booking.id()).dueAt()).as("not before the quiet hours end").isEqualTo(morning.toEpochMilli());
        assertThat(row(campaign.id()).dueAt()).isEqualTo(morning.toEpochMilli());
        assertThat(row(campaign.id()).campaignId()).isEqualTo(3L);
        assertThat(row(incident.id()).dueAt()).isEqualTo(clock.millis());
        assertThat(row(seat.id()).dueAt()).isEqualTo(clock.millis());
        assertThat(row(booking.id()).shape()).containsEntry("dueAt", morning.toEpochMilli());

        pass();
        assertThat(gateway.to()).containsExactlyInAnyOrder("13916000003", "13916000004");
        assertThat(row(booking.id()).state()).isEqualTo("queued");

        // the server restarts in the night: the texts are rows, the next run sends them in the morning
        sms.close();
        sms = service();
        clock.set(at(2026, 6, 2, 7, 59));
        pass();
        assertThat(gateway.to()).hasSize(2);
        clock.set(morning);
        pass();
        assertThat(gateway.to()).containsExactlyInAnyOrder("13916000003", "13916000004", "13916000001", "13916000002");
        assertThat(row(booking.id()).state()).isEqualTo("submitted");
        assertThat(row(campaign.id()).state()).isEqualTo("submitted");
        assertThat(gateway.texts()).contains("【一键通】张桂英的预约已通过电话确认");
    }

    @Test
    void aTextThatComesDueInsideTheQuietHoursIsDeferredToTheirEndNotDropped() {
        clock.set(at(2026, 6, 1, 20, 59));
        gateway.up = false; // the SMSC is down: the text waits in its row
        SmsMessage booking = sms.send("13916000005", "预约失败，请联系中心", "booking-failed",
                new SmsService.Refs(1L, null, "booking-failed", "zh", "broadcast:10:booking-failed", null)).orElseThrow();
        assertThat(row(booking.id()).dueAt()).as("before the quiet hours: due now").isEqualTo(clock.millis());
        pass();
        assertThat(gateway.to()).isEmpty();

        clock.set(at(2026, 6, 1, 21, 30)); // the SMSC is back, inside the quiet hours
        gateway.up = true;
        pass();
        assertThat(gateway.to()).isEmpty();
        assertThat(row(booking.id()).state()).isEqualTo("queued");
        assertThat(row(booking.id()).dueAt()).isEqualTo(at(2026, 6, 2, 8, 0).toEpochMilli());

        clock.set(at(2026, 6, 2, 8, 0));
        pass();
        assertThat(gateway.to()).containsExactly("13916000005");
        assertThat(row(booking.id()).state()).isEqualTo("submitted");
    }

    @Test
    void noQuietHoursAndADaytimeTextGoAtOnce() {
        clock.set(at(2026, 6, 1, 10, 0));
        SmsMessage booking = sms.send("13916000006", "预约已确认", "booking-confirmed", SmsService.Refs.NONE).orElseThrow();
        assertThat(row(booking.id()).dueAt()).isEqualTo(clock.millis());
        assertThat(SmsService.keepsQuietHours("booking-confirmed", null)).isTrue();
        assertThat(SmsService.keepsQuietHours("campaign", null)).isTrue();
        assertThat(SmsService.keepsQuietHours("sos-call", null)).isFalse();
        assertThat(SmsService.keepsQuietHours("seat", null)).isFalse();
        assertThat(SmsService.keepsQuietHours("anything", 41L)).as("about an incident").isFalse();
        sms.close();
        clock.set(at(2026, 6, 1, 23, 0));
        sms = new SmsService(repo, gateway, new EventHub(1000), null, null, null, clock,
                new SmsService.Settings("【一键通】", 10, 8, 5_000)); // sms.quietHours=none
        SmsMessage late = sms.send("13916000007", "预约已确认", "booking-confirmed", SmsService.Refs.NONE).orElseThrow();
        assertThat(row(late.id()).dueAt()).isEqualTo(clock.millis());
        pass();
        assertThat(gateway.to()).containsExactlyInAnyOrder("13916000006", "13916000007");
    }

    /** An SMSC that takes every text at once. */
    static final class FakeGateway implements SmsGateway {
        final List<Outgoing> submitted = new CopyOnWriteArrayList<>();
        final AtomicInteger ids = new AtomicInteger();
        volatile boolean up = true;

        List<String> to() {
            return submitted.stream().map(Outgoing::to).toList();
        }

        List<String> texts() {
            return submitted.stream().map(Outgoing::text).toList();
        }

        @Override
        public void start(Listener listener) {
        }

        @Override
        public boolean connected() {
            return up;
        }

        @Override
        public Submitted submit(Outgoing text) {
            submitted.add(text);
            return new Submitted(List.of("m" + ids.incrementAndGet()), 1);
        }

        @Override
        public Map<String, Object> metrics() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }
}
