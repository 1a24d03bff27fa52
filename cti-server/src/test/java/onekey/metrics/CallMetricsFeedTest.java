package onekey.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import onekey.calls.CallEvents;
import onekey.calls.CallOutcome;
import onekey.calls.CallRecord;
import onekey.events.EventHub;
import onekey.lines.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The call counters of /metrics as the call model's events feed them (issue 22). */
class CallMetricsFeedTest {

    final Metrics metrics = new Metrics();
    final EventHub hub = new EventHub(100);
    final CallMetricsFeed feed = new CallMetricsFeed(metrics.registry()).start(hub);

    @AfterEach
    void close() {
        feed.close();
        metrics.close();
    }

    static CallRecord call(String linkedid, Service line) {
        return CallRecord.arrived(linkedid, "PJSIP/trunk-1", "02155550001", "1234901", line, 1, 1_000, false).withId(7);
    }

    double count(String what, Service line) {
        return metrics.registry().get("onekey.calls." + what).tag("line", line.wire()).counter().count();
    }

    @Test
    void aQueuedAnsweredCallIsOfferedAndAnsweredOnceWhateverTheRepeats() {
        CallRecord c = call("100.1", Service.SOS).withQueuedAt(1_100L);
        hub.broadcast(new CallEvents.Queued(c, "onekey", 1));
        hub.broadcast(new CallEvents.Queued(c, "onekey", 1)); // requeued after a ring-no-answer
        CallRecord answered = c.withAnsweredAt(3_000L).withOutcome(CallOutcome.ANSWERED);
        hub.toAccount(5, new CallEvents.Answered(answered));
        hub.toAccount(6, new CallEvents.Answered(answered)); // a transfer's second seat
        hub.broadcast(new CallEvents.Finished(answered.withEnd(9_000).withOutcome(CallOutcome.COMPLETED)));

        assertThat(count("offered", Service.SOS)).isEqualTo(1);
        assertThat(count("answered", Service.SOS)).isEqualTo(1);
        assertThat(count("abandoned", Service.SOS)).isZero();
        assertThat(count("offered", Service.CONSULT)).isZero();
    }

    @Test
    void aCallerWhoLeftTheQueueIsAbandonedAndOneThatNeverQueuedIsNotOffered() {
        CallRecord left = call("200.1", Service.CONSULT).withQueuedAt(1_100L);
        hub.broadcast(new CallEvents.Queued(left, "onekey", 2));
        hub.broadcast(new CallEvents.Finished(left.withEnd(20_000).withOutcome(CallOutcome.ABANDONED)));
        // hung up in the IVR, before the queue: not offered to agents, not abandoned by them
        CallRecord ivr = call("200.2", Service.CONSULT);
        hub.broadcast(new CallEvents.Finished(ivr.withEnd(2_000).withOutcome(CallOutcome.ABANDONED)));

        assertThat(count("offered", Service.CONSULT)).isEqualTo(1);
        assertThat(count("abandoned", Service.CONSULT)).isEqualTo(1);
        assertThat(count("answered", Service.CONSULT)).isZero();
    }

    @Test
    void aCallLearnedOnlyWhenItEndedIsStillCounted() {
        // queued and answered while OneKey was reconnecting: the finished call carries its times
        CallRecord c = call("300.1", Service.TAXI).withQueuedAt(1_100L).withAnsweredAt(2_000L)
                .withEnd(5_000).withOutcome(CallOutcome.COMPLETED);
        hub.broadcast(new CallEvents.Finished(c));
        hub.broadcast(new CallEvents.Finished(c)); // seen again after a resync: not twice

        assertThat(count("offered", Service.TAXI)).isEqualTo(1);
        assertThat(count("answered", Service.TAXI)).isEqualTo(1);
    }

    @Test
    void popLatencyIsFromTheRingToThePopPublished() {
        long ringAt = System.currentTimeMillis() - 40;
        hub.toAccount(5, new CallEvents.Offered(call("400.1", Service.SOS), null, List.of(), false, "1001", ringAt));
        var timer = metrics.registry().get("onekey.pop.latency").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(40.0, 10_000.0);
    }

    @Test
    void theScrapeHasTheNamesMonitoringQueriesUse() {
        CallRecord c = call("500.1", Service.SOS).withQueuedAt(1_100L);
        hub.broadcast(new CallEvents.Queued(c, "onekey", 1));
        hub.toAccount(5, new CallEvents.Answered(c.withAnsweredAt(2_000L)));
        metrics.gauge("onekey_sms_queued", "Texts waiting to be sent", () -> 3); // a feature's own figure
        metrics.gauge("onekey_broken", "A figure that cannot be read now", () -> {
            throw new IllegalStateException("database away");
        });
        String text = metrics.scrape();
        assertThat(text).contains("onekey_calls_offered_total{line=\"sos\"} 1.0")
                .contains("onekey_calls_answered_total{line=\"sos\"} 1.0")
                .contains("onekey_calls_abandoned_total{line=\"registration\"} 0.0")
                .contains("# TYPE onekey_pop_latency_seconds histogram")
                .contains("onekey_sms_queued 3.0")
                .contains("onekey_broken NaN");
    }
}
