package onekey.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.telephony.TrunkLoad;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dialer's rules on the injected clock, with a PBX that records what it is asked (issue 17). */
class OutboundServiceTest {

    @TempDir
    Path tmp;

    final TestClock clock = new TestClock(1_750_000_000_000L);
    final RecordingPbx pbx = new RecordingPbx();
    final TrunkLoad trunk = new TrunkLoad("PJSIP/trunk");
    final List<String> ended = new CopyOnWriteArrayList<>();
    /** Steps the owner holds back (as a paused campaign's attempts), and how often it was asked about a leg. */
    final java.util.Set<Integer> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    Database db;
    OutboundRepository legs;
    OutboundService outbound;

    /** An owner that dials the leg's number through the trunk and notes how its legs ended. */
    final class TestOwner extends OutboundService.Owner {
        TestOwner() {
            super("test", "oktest-", "ONEKEY_TEST", true);
        }

        @Override
        public OutboundService.Admission admit(Leg leg, long now) {
            asked.incrementAndGet();
            return held.contains(leg.step()) ? OutboundService.Admission.HOLD : OutboundService.Admission.DIAL;
        }

        @Override
        public OutboundService.Dial prepare(Leg leg) {
            return new OutboundService.Dial("PJSIP/" + leg.number() + "@trunk", "onekey-test", 30_000, null,
                    Map.of("ONEKEY_TEST", Long.toString(leg.rowId())));
        }

        @Override
        public void moved(Leg leg, OutboundService.Move move) {
        }

        @Override
        public void ended(Leg leg, Outcome outcome, String detail) {
            ended.add(leg.step() + ":" + outcome.wire() + ":" + detail);
        }

        @Override
        public long staleMillis(Leg leg) {
            return 120_000;
        }
    }

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        legs = new OutboundRepository(db);
    }

    @AfterEach
    void down() {
        if (outbound != null) {
            outbound.close();
        }
        db.close();
    }

    private void start(OutboundService.Limits limits) {
        outbound = new OutboundService(legs, pbx, clock, limits, trunk);
        outbound.register(new TestOwner());
        outbound.resync();
    }

    private boolean plan(int step, Lane lane, String number, boolean quiet) {
        return legs.plan(new Leg.Plan("test", "1", step, step, lane, number, quiet, clock.millis(), "oktest-" + step));
    }

    @Test
    void theSosLaneIsDialledWhileTheTrunkLimitsAndTheQuietHoursHoldEveryBulkLegBack() {
        // a trunk of 4 with 2 kept for SOS and 3 channels up: no room for bulk; and it is inside the quiet hours
        start(new OutboundService.Limits(10, 1, 4, 2, t -> t + 3_600_000));
        for (String u : List.of("a", "b", "c")) {
            trunk.onEvent(new PbxEvent.ChannelCreated(u, 0, u, "PJSIP/trunk-" + u));
        }
        assertThat(plan(1, Lane.BULK, "13800000001", true)).isTrue();
        assertThat(plan(2, Lane.BULK, "13800000002", false)).isTrue();
        assertThat(plan(3, Lane.SOS, "13800000003", false)).isTrue();
        assertThat(plan(3, Lane.SOS, "13800000003", false)).as("one leg per (owner, reference, step)").isFalse();
        outbound.pollNow();
        RecordingPbx.Call sos = pbx.await(1);
        assertThat(sos.channel()).isEqualTo("PJSIP/13800000003@trunk");
        assertThat(sos.actionId()).isEqualTo("oktest-3");
        assertThat(legs.find("test", "1", 1).orElseThrow().state()).isEqualTo("planned");
        assertThat(legs.find("test", "1", 2).orElseThrow().state()).isEqualTo("planned");

        // the trunk frees up: the bulk legs go, the non-quiet one now, the quiet one when the quiet hours end
        trunk.onEvent(new PbxEvent.ChannelHungUp("a", 0, "a", true, 16, "Normal Clearing"));
        trunk.onEvent(new PbxEvent.ChannelHungUp("b", 0, "b", true, 16, "Normal Clearing"));
        outbound.pollNow();
        assertThat(pbx.await(2).channel()).isEqualTo("PJSIP/13800000002@trunk");
        Leg quiet = legs.find("test", "1", 1).orElseThrow();
        assertThat(quiet.state()).isEqualTo("planned");
        assertThat(quiet.dueAt()).as("waits out the quiet hours").isEqualTo(clock.millis() + 3_600_000);
    }

    @Test
    void oneMappingOfOriginateReasonsAndHangupCausesEndsEachLegOnce() {
        start(OutboundService.Limits.none());
        plan(1, Lane.SOS, "13800000001", false);
        plan(2, Lane.SOS, "13800000002", false);
        plan(3, Lane.SOS, "13800000003", false);
        outbound.pollNow();
        Awaitility.await().until(() -> pbx.calls.size() == 3);
        // busy by its hangup cause (17) that came with a reason-0 failure; no answer by the reason; a plain failure
        outbound.onEvent(new PbxEvent.ChannelHungUp("oktest-1", clock.millis(), "oktest-1", true, 17, "User busy"));
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-1", false, 0));
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-2", false, 3));
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-3", false, 8));
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-3", false, 8)); // repeated: nothing
        Awaitility.await().until(() -> ended.size() == 3);
        outbound.pollNow();
        assertThat(ended).containsExactlyInAnyOrder("1:busy:originate reason 0, hangup cause 17",
                "2:no-answer:originate reason 3", "3:failed:originate reason 8");
        assertThat(pbx.calls).as("nothing dialled again").hasSize(3);

        assertThat(Outcome.ofOriginate(5, null)).isEqualTo(Outcome.BUSY);
        assertThat(Outcome.ofOriginate(1, null)).isEqualTo(Outcome.NO_ANSWER);
        assertThat(Outcome.ofOriginate(0, 18)).isEqualTo(Outcome.NO_ANSWER);
        assertThat(Outcome.ofOriginate(0, 19)).isEqualTo(Outcome.NO_ANSWER);
        assertThat(Outcome.ofOriginate(0, 16)).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aLegBeingDialledIsFoundWithoutItsRowAndStillEndsOnlyOnce() {
        start(OutboundService.Limits.none());
        plan(1, Lane.SOS, "13800000001", false);
        plan(2, Lane.SOS, "13800000002", false);
        outbound.pollNow();
        Awaitility.await().until(() -> pbx.calls.size() == 2);
        // leg 1's row ended behind the dialer's back (another path, a hand edit): Asterisk's failure ends nothing more
        Leg one = legs.find("test", "1", 1).orElseThrow();
        assertThat(legs.finish(one.id(), Outcome.CANCELLED, "ended elsewhere", clock.millis())).isTrue();
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-1", false, 3));
        // leg 2: the owner's result ends it once; Asterisk's late failure and a second result change nothing
        assertThat(outbound.finish("test", "1", 2, Outcome.ANSWERED, "the owner heard its result")).isTrue();
        assertThat(outbound.finish("test", "1", 2, Outcome.ANSWERED, "again")).isFalse();
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "oktest-2", false, 3));
        outbound.pollNow();
        assertThat(ended).as("neither leg ended twice, nor told its owner").isEmpty();
        assertThat(legs.find("test", "1", 1).orElseThrow().outcome()).isEqualTo("cancelled");
        assertThat(legs.find("test", "1", 2).orElseThrow().outcome()).isEqualTo("answered");
        assertThat(legs.find("test", "1", 2).orElseThrow().detail()).isEqualTo("the owner heard its result");
    }

    @Test
    void legsHeldBackNeverHideTheDueLegsBehindThemAndAreAskedAgainOnlyAfterAPause() {
        start(new OutboundService.Limits(10, 0, 0, 0, t -> t));
        int heldLegs = OutboundService.FIRST_PAGE + OutboundService.NEXT_PAGE + 5; // more than two pages
        for (int step = 1; step <= heldLegs; step++) {
            held.add(step);
            assertThat(plan(step, Lane.BULK, "1380000" + String.format("%04d", step), false)).isTrue();
        }
        clock.advance(1);
        plan(heldLegs + 1, Lane.BULK, "13900000001", false); // due after every held one
        outbound.pollNow();
        assertThat(pbx.await(1).actionId()).as("the leg behind the held ones").isEqualTo("oktest-" + (heldLegs + 1));
        assertThat(asked.get()).as("every held leg asked (by this pass or the dialer's own before it)").isEqualTo(heldLegs + 1);
        assertThat(legs.find("test", "1", heldLegs + 1).orElseThrow().state()).isEqualTo("dialing");

        asked.set(0);
        outbound.pollNow();
        assertThat(asked.get()).as("held legs are not asked again within the pause").isZero();
        clock.advance(OutboundService.HOLD_MILLIS + 1);
        held.clear(); // the campaign resumes: after the pause its legs are asked again and go
        outbound.pollNow();
        Awaitility.await().until(() -> pbx.calls.size() == 10);
        assertThat(asked.get()).isPositive();
        assertThat(legs.countDialing(Lane.BULK)).as("the channel limit").isEqualTo(10);
    }
}
