package onekey.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import onekey.outbound.Lane;
import onekey.outbound.Leg;
import onekey.outbound.OutboundRepository;
import onekey.outbound.OutboundService;
import onekey.store.Database;
import onekey.telephony.LiveChannel;
import onekey.telephony.PbxEvent;
import onekey.telephony.TrunkLoad;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which calls of a dead node are called back, how the call-back is dialled, and what an unanswered one starts. */
class CutOffCallbacksTest {

    @TempDir
    Path tmp;

    final TestClock clock = new TestClock(1_750_000_000_000L);
    final RecordingPbx pbx = new RecordingPbx();
    final List<String> rescues = new CopyOnWriteArrayList<>();
    Database db;
    OutboundRepository legs;
    OutboundService outbound;
    CutOffCallbacks callbacks;

    /** The calls OneKey followed on node n1 when it died. */
    final Map<String, CallRecord> live = Map.of(
            // an SOS call still waiting in the queue, from a caller who is no registered elder
            "n1-1.1", CallRecord.arrived("n1-1.1", "PJSIP/trunk-1", "02166601000", "1234901", Service.SOS, 10, 1, false)
                    .withId(11),
            // an elder's consultation answered by seat 1005 (account 5)
            "n1-2.1", CallRecord.arrived("n1-2.1", "PJSIP/trunk-2", "02155550002", "1234904", Service.CONSULT, 3, 1, false)
                    .withId(12).withElderId(2L).withAgent(5L, "1005").withAnsweredAt(2L),
            // a general call not yet answered: the caller is in no danger the service knows of
            "n1-3.1", CallRecord.arrived("n1-3.1", "PJSIP/trunk-3", "02155550003", "12349", Service.GENERAL, 1, 1, false)
                    .withId(13).withElderId(3L));

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        legs = new OutboundRepository(db);
        outbound = new OutboundService(legs, pbx, clock, OutboundService.Limits.none(), new TrunkLoad("PJSIP/trunk"));
        callbacks = new CutOffCallbacks(outbound, linkedid -> Optional.ofNullable(live.get(linkedid)),
                id -> id == 5L ? "1005" : null,
                (elderId, number, callId, reason) -> rescues.add(elderId + "|" + number + "|" + callId + "|" + reason),
                30_000);
        outbound.resync();
    }

    @AfterEach
    void down() {
        outbound.close();
        db.close();
    }

    private static LiveChannel leg(String linkedid) {
        return new LiveChannel(linkedid, linkedid, "PJSIP/trunk-x", null, null, null, null, 0, Map.of());
    }

    @Test
    void sosAndAnsweredElderCallsAreCalledBackAtOnceToTheirSeat() {
        callbacks.nodeLost(new NodeSet.Lost("n1", clock.millis(), List.of(leg("n1-1.1"), leg("n1-2.1"), leg("n1-3.1"))));

        assertThat(callbacks.planned()).containsOnlyKeys(11L, 12L).containsValues("n1");
        assertThat(callbacks.calledBack("n1-1.1")).isTrue();
        assertThat(callbacks.calledBack("n1-3.1")).isFalse();
        // a leg row before the dial, on the SOS lane, due now, idempotent on (owner, linkedid, 1)
        Leg sos = legs.find(CutOffCallbacks.OWNER, "n1-1.1", 1).orElseThrow();
        assertThat(sos.lane()).isEqualTo(Lane.SOS);
        assertThat(sos.number()).isEqualTo("02166601000");
        assertThat(sos.dueAt()).isEqualTo(clock.millis());
        assertThat(legs.plan(new Leg.Plan(CutOffCallbacks.OWNER, "n1-1.1", 1, 11, Lane.SOS, "02166601000", false,
                clock.millis(), "okcb-11"))).as("planned once").isFalse();

        outbound.pollNow();
        Awaitility.await().until(() -> pbx.calls.size() == 2);
        RecordingPbx.Call toSeat = pbx.calls.stream().filter(c -> c.actionId().equals("okcb-12")).findFirst().orElseThrow();
        assertThat(toSeat.channel()).isEqualTo("PJSIP/02155550002@trunk");
        assertThat(toSeat.context()).isEqualTo("onekey-callback");
        assertThat(toSeat.vars()).containsEntry("ONEKEY_CB_SEAT", "1005").containsEntry("ONEKEY_ELDER_NUMBER", "02155550002")
                .containsEntry("ONEKEY_CB_DNIS", "1234904").containsEntry("ONEKEY_CB_SERVICE", "consult");
        RecordingPbx.Call toQueue = pbx.calls.stream().filter(c -> c.actionId().equals("okcb-11")).findFirst().orElseThrow();
        assertThat(toQueue.vars()).containsEntry("ONEKEY_CB_SEAT", "").containsEntry("ONEKEY_CB_SERVICE", "sos");

        // the elder of call 12 answers: done; the SOS caller of call 11 does not: the no-response rescue opens
        outbound.onEvent(new PbxEvent.OriginateResult("okcb-12", clock.millis(), "okcb-12", true, 4));
        outbound.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), "okcb-11", false, 3));
        Awaitility.await().until(() -> rescues.size() == 1);
        assertThat(rescues).containsExactly("null|02166601000|11|cut off by the loss of node n1; call-back no-answer");
        Awaitility.await().until(() -> legs.find(CutOffCallbacks.OWNER, "n1-2.1", 1).orElseThrow().done());
        assertThat(legs.find(CutOffCallbacks.OWNER, "n1-2.1", 1).orElseThrow().outcome()).isEqualTo("answered");
        // the answered call-back hanging up later opens nothing
        outbound.onEvent(new PbxEvent.ChannelHungUp("okcb-12", clock.millis(), "okcb-12", true, 16, "Normal Clearing"));
        outbound.pollNow();
        assertThat(rescues).hasSize(1);
        assertThat(pbx.calls).as("nothing dialled twice").hasSize(2);
    }
}
