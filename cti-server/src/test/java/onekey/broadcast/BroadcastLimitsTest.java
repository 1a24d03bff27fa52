package onekey.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import onekey.outbound.CallRate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.broadcast.BroadcastService.RetryPlan;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
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

/**
 * The trunk limits of the delivery rules (issue 9) on a real H2 database with the clock injected: new broadcast
 * calls a second ({@code broadcast.callsPerSecond}) and the trunk channels kept for SOS ({@code trunk.channels},
 * {@code trunk.sosReserve}), counted from the PBX's own channel events as AMI delivers them.
 */
class BroadcastLimitsTest {
    static final int ELDERS = 20;

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z")); // 10:00 in Shanghai
    final RecordingPbx pbx = new RecordingPbx();
    final TrunkLoad trunk = new TrunkLoad("PJSIP/trunk");
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);
    Database db;
    JooqElderRepository elders;
    BroadcastRepository repo;
    BroadcastService service;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        elders = new JooqElderRepository(db, "21", clock);
    }

    @AfterEach
    void down() {
        if (service != null) {
            service.close();
        }
        db.close();
    }

    private void start(int maxChannels, int callsPerSecond, int trunkChannels, int sosReserve) {
        repo = new BroadcastRepository(db);
        service = new BroadcastService(repo, elders, pbx, new EventHub(1000), clock,
                new BroadcastService.Settings(Map.of("check-in", new RetryPlan(1, 600)), 30, 3, 6,
                        QuietHours.parse("21:00-08:00", ZoneId.of("Asia/Shanghai")), LocalTime.of(18, 0), 2, maxChannels,
                        callsPerSecond, trunkChannels, sosReserve),
                (text, lang) -> Optional.of(new BroadcastService.Spoken("prompts/" + lang, 9_000)), null,
                new BroadcastService.Wiring(List::of, trunk, null));
        service.pbxConnected();
    }

    /** {@value #ELDERS} elders, each with a check-in due now. */
    private void scheduleCheckIns() {
        for (int i = 0; i < ELDERS; i++) {
            long id = elders.create(new ElderDraft("老人" + i, null, "F", List.of(String.format("138000%05d", i)), "地址" + i,
                    null, "杨浦区", "zh", "living-alone", null, null, null, null, null, null, List.of())).id();
            service.schedule(new BroadcastService.Request(id, "check-in", Map.of(), null, false), agent);
        }
    }

    /** The PBX says a channel of the trunk came up (as AMI's Newchannel does). */
    private void trunkChannel(String uniqueid) {
        PbxEvent e = new PbxEvent.ChannelCreated(uniqueid, clock.millis(), uniqueid, "PJSIP/trunk-" + uniqueid);
        trunk.onEvent(e);
        service.onEvent(e);
    }

    private void hangUp(String uniqueid) {
        PbxEvent e = new PbxEvent.ChannelHungUp(uniqueid, clock.millis(), uniqueid, true, 16, "Normal Clearing");
        trunk.onEvent(e);
        service.onEvent(e);
    }

    /** The n-th broadcast call is up on the trunk, then ends (the elder confirmed and hung up). */
    private void broadcastCallEnds(RecordingPbx.Call c) {
        String uid = c.actionId();
        trunkChannel(uid);
        service.onEvent(new PbxEvent.OriginateResult(uid, clock.millis(), c.actionId(), true, 4));
        service.onEvent(new PbxEvent.BroadcastResult(uid, clock.millis(), uid, c.attempt(), "confirmed", "1", null));
        hangUp(uid);
    }

    /**
     * A pass of the broadcast poller at the clock's time now starts no further call: exactly {@code n} attempts have
     * left "planned" in all (the row is written before the dial), and those {@code n} calls reached the PBX.
     */
    private void staysAt(List<?> calls, int n) {
        service.tickNow();
        assertThat(ELDERS - repo.countInState("planned")).as("attempts started").isEqualTo(n);
        Awaitility.await().until(() -> calls.size() >= n);
        assertThat(calls).hasSize(n);
    }

    @Test
    void broadcastsNeverTakeTheTrunkChannelsKeptForSosAndCountEveryOtherCallOnTheTrunk() {
        // a trunk of 8 channels, 4 kept for SOS; two elders' calls are already on it → 2 channels for broadcasts
        start(10, 0, 8, 4);
        trunkChannel("sos-1");
        trunkChannel("rescue-1");
        scheduleCheckIns();
        Awaitility.await().until(() -> pbx.calls.size() >= 2);
        staysAt(pbx.calls, 2);
        // a heat wave: another SOS call comes in on the trunk; the two broadcast calls end → only 1 may replace them
        trunkChannel("sos-2");
        broadcastCallEnds(pbx.calls.get(0));
        broadcastCallEnds(pbx.calls.get(1));
        Awaitility.await().until(() -> pbx.calls.size() >= 3);
        staysAt(pbx.calls, 3);
        // the SOS calls end: the broadcasts take the room back, still leaving 4 free (8 - 4 - 1 rescue = 3 up)
        hangUp("sos-1");
        hangUp("sos-2");
        Awaitility.await().until(() -> pbx.calls.size() >= 5);
        staysAt(pbx.calls, 5);
    }

    @Test
    void aReconnectReReadsTheTrunkFromThePbxInsteadOfTrustingEventsItMayHaveMissed() {
        trunk.onEvent(new PbxEvent.ChannelCreated("a", 0, "a", "PJSIP/trunk-0000001"));
        trunk.onEvent(new PbxEvent.ChannelCreated("b", 0, "b", "PJSIP/1001-0000002")); // an agent's phone, not the trunk
        trunk.onEvent(new PbxEvent.ChannelCreated("okbc-7", 0, "okbc-7", "PJSIP/trunk-0000003"));
        assertThat(trunk.busy()).isEqualTo(2);
        assertThat(trunk.busyExcept("okbc-")).isEqualTo(1);
        // while disconnected "a" ended and "c" came: Asterisk's own list is the truth
        trunk.resync(List.of(new onekey.telephony.LiveChannel("c", "c", "PJSIP/trunk-0000009", "0215", "onekey-in", "s",
                "Queue", 1000, Map.of()), new onekey.telephony.LiveChannel("okbc-7", "okbc-7", "PJSIP/trunk-0000003", "1380",
                "onekey-bcast", "s", "Read", 1000, Map.of())));
        assertThat(trunk.busy()).isEqualTo(2);
        assertThat(trunk.busyExcept("okbc-")).isEqualTo(1);
        trunk.onEvent(new PbxEvent.ChannelHungUp("c", 0, "c", true, 16, "Normal Clearing"));
        assertThat(trunk.busy()).isEqualTo(1);
    }

    @Test
    void newCallsASecondNeverExceedTheConfiguredRate() {
        // 5 calls a second, plenty of channels: twenty due at once go out at 5 a second, not all at once
        start(100, 5, 0, 0);
        scheduleCheckIns();
        // a call a slot, one every 200 ms; a pass hands out the slots before its next (CallRate.HORIZON_MS ahead), each
        // call placed at its own slot: by time t, the slots before t + HORIZON_MS
        int first = slots(0);
        Awaitility.await().until(() -> pbx.calls.size() >= first);
        staysAt(pbx.calls, first); // the clock stands still: no slot comes
        for (int step = 1; step <= 20; step++) { // two seconds in steps of 100 ms
            clock.advance(100);
            int expected = slots(step * 100); // 0.5 of a call every 100 ms
            Awaitility.await().until(() -> pbx.calls.size() >= expected);
            assertThat(pbx.calls.size()).isLessThanOrEqualTo(expected);
        }
        staysAt(pbx.calls, slots(2000));
        // after a long pause no burst: the grid starts again from now
        clock.advance(60_000);
        int after = slots(2000) + slots(0);
        Awaitility.await().until(() -> pbx.calls.size() >= after);
        staysAt(pbx.calls, after);
    }

    /** At 5 calls a second from time 0: the slots (0, 200, 400 … ms) a pass at {@code t} has handed out. */
    private static int slots(long t) {
        return (int) Math.ceil((t + CallRate.HORIZON_MS) / 200.0);
    }

    @Test
    void callsLeaveOnAnEvenGridAtExactlyTheRateAndLateTicksLoseNothing() {
        CallRate r = new CallRate(20);
        java.util.List<Long> starts = new java.util.ArrayList<>();
        java.util.Random jitter = new java.util.Random(7);
        for (long t = 10_000; t < 40_000; t += 100 + jitter.nextInt(60)) { // a tick every 100-160 ms for 30 s
            for (int n = r.available(t); n > 0; n--) {
                long slot = r.reserve(t);
                assertThat(slot).isBetween(t, t + CallRate.HORIZON_MS);
                starts.add(slot);
            }
        }
        // sustained: exactly the configured rate, though the ticks were late by up to 60 ms (the last tick's slots
        // reach one horizon past the 30 s)
        assertThat(starts.size()).isBetween(598, 602 + (int) (CallRate.HORIZON_MS / 50));
        // evenly: one every 50 ms, except a late tick catching up (never more than 100 ms worth at once)
        long tight = 0;
        for (int i = 1; i < starts.size(); i++) {
            if (starts.get(i) - starts.get(i - 1) < 50) {
                tight++;
            }
        }
        assertThat(tight).isLessThan(starts.size() / 2);
        for (int i = 0; i + 23 < starts.size(); i++) {
            assertThat(starts.get(i + 23) - starts.get(i)).isGreaterThanOrEqualTo(1000); // ≤ 23 in any second
        }
        assertThat(new CallRate(0).available(0)).isEqualTo(Integer.MAX_VALUE);
    }
}
