package onekey.calls;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.telephony.PbxEvent;
import onekey.testkit.ManualScheduler;
import onekey.testkit.RecordingPbx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An elder left alone in a seat's conference room goes back into the queue (issue 7's conference; ARCHITECTURE: an
 * elder's call is never dropped), fed with the ConfBridge events AMI delivers. TransferIT proves it against a real
 * Asterisk, on the audio the phones receive.
 */
class ConferenceWatchTest {
    static final String ROOM = "onekey-1001";
    /** The elder's own leg: the call's first channel (uniqueid = linkedid). */
    static final String ELDER = "1700000000.1";

    final RecordingPbx pbx = new RecordingPbx();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> notes = new CopyOnWriteArrayList<>();
    final Set<String> followed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The watch's timer: the 1 s "still alone" check runs when the test moves time, never on its own. */
    final ManualScheduler timer = new ManualScheduler();
    ConferenceWatch watch;

    @BeforeEach
    void up() {
        EventHub hub = new EventHub(100);
        hub.subscribe(id -> true, true, -1, events::add);
        followed.add(ELDER);
        watch = new ConferenceWatch(pbx, hub, new ConferenceWatch.Calls() {
            @Override
            public boolean elderLeg(String linkedid, String uniqueid) {
                return linkedid.equals(uniqueid) && followed.contains(linkedid);
            }

            @Override
            public void note(String linkedid, long at, String type, String detail) {
                notes.add(linkedid + " " + type + " " + detail);
            }
        }, 1, timer);
    }

    @AfterEach
    void down() {
        watch.close();
    }

    private void join(String linkedid, String uniqueid, String channel) {
        watch.onEvent(new PbxEvent.ConferenceJoined(linkedid, 0, ROOM, uniqueid, channel));
    }

    private void leave(String linkedid, String uniqueid, String channel) {
        watch.onEvent(new PbxEvent.ConferenceLeft(linkedid, 0, ROOM, uniqueid, channel));
    }

    /** The elder, the son (dialled on the agent's second line) and the agent's own leg into the room. */
    private void threeInTheRoom() {
        join(ELDER, ELDER, "PJSIP/trunk-00000001");
        join("1700000000.3", "1700000000.4", "PJSIP/trunk-00000002");
        join("1700000000.5", "1700000000.5", "PJSIP/1001-00000003");
    }

    @Test
    void anElderLeftAloneInTheRoomGoesBackIntoTheQueueAndTheSupervisorsAreTold() {
        threeInTheRoom();
        leave("1700000000.5", "1700000000.5", "PJSIP/1001-00000003"); // the agent lets the elder and the son talk on
        leave("1700000000.3", "1700000000.4", "PJSIP/trunk-00000002"); // the son hangs up
        timer.advance(999);
        assertThat(pbx.redirects).as("not before the elder has been alone for calls.conferenceAloneSeconds").isEmpty();
        timer.advance(1);
        assertThat(pbx.redirects).containsExactly("PJSIP/trunk-00000001 → onekey-queue,s");
        assertThat(notes).singleElement().asString().contains(ELDER + " conference-alone room=onekey-1001");
        assertThat(events).anySatisfy(e -> {
            assertThat(EventViews.type(e)).isEqualTo("queue.alert");
            assertThat(EventViews.body(e).get("kind")).isEqualTo("conference-alone");
        });
        // the elder's move out of the room is not a second alarm
        leave(ELDER, ELDER, "PJSIP/trunk-00000001");
        timer.advance(60_000);
        assertThat(pbx.redirects).hasSize(1);
    }

    @Test
    void someoneComingBackInTimeOrTheElderLeavingStopsIt() {
        threeInTheRoom();
        leave("1700000000.5", "1700000000.5", "PJSIP/1001-00000003");
        leave("1700000000.3", "1700000000.4", "PJSIP/trunk-00000002");
        join("1700000000.7", "1700000000.7", "PJSIP/1001-00000009"); // the agent dials back in at once
        assertThat(timer.advance(60_000)).as("the check ran").isEqualTo(1);
        assertThat(pbx.redirects).isEmpty();
        leave("1700000000.7", "1700000000.7", "PJSIP/1001-00000009");
        leave(ELDER, ELDER, "PJSIP/trunk-00000001"); // the elder hangs up before the check
        assertThat(timer.advance(60_000)).as("the check ran").isEqualTo(1);
        assertThat(pbx.redirects).isEmpty();
        assertThat(notes).isEmpty();
    }

    @Test
    void onlyAnEldersOwnLegIsMovedNeverAnAgentOrAFamilyMemberLeftAlone() {
        threeInTheRoom();
        leave(ELDER, ELDER, "PJSIP/trunk-00000001"); // the elder hung up (the marked user: the others follow)
        leave("1700000000.3", "1700000000.4", "PJSIP/trunk-00000002");
        // the agent's own leg alone: not an elder; and a room after a reconnect is not guessed
        timer.advance(60_000);
        assertThat(pbx.redirects).isEmpty();
        threeInTheRoom();
        watch.pbxConnected();
        leave("1700000000.5", "1700000000.5", "PJSIP/1001-00000003");
        leave("1700000000.3", "1700000000.4", "PJSIP/trunk-00000002");
        timer.advance(60_000);
        assertThat(pbx.redirects).isEmpty();
        assertThat(timer.pending()).isZero();
    }
}
