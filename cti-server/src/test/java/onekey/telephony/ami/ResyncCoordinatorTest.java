package onekey.telephony.ami;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import onekey.telephony.PbxEvent;
import onekey.telephony.PbxSubscriber;
import org.junit.jupiter.api.Test;

/** Issue 17: the PBX's subscribers in one list, one resync coordinator. */
class ResyncCoordinatorTest {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<Long> retries = new CopyOnWriteArrayList<>();
    final AtomicBoolean callsFail = new AtomicBoolean();

    ResyncCoordinator coordinator() {
        return new ResyncCoordinator(List.of(
                PbxSubscriber.of("agents", e -> seen.add("agents:event"), () -> seen.add("agents:resync"), null),
                PbxSubscriber.of("calls", e -> {
                    seen.add("calls:event");
                    throw new IllegalStateException("calls broke on an event");
                }, () -> {
                    seen.add("calls:resync");
                    if (callsFail.get()) {
                        throw new IllegalStateException("Asterisk still loading");
                    }
                }, () -> seen.add("calls:disconnected")),
                PbxSubscriber.of("rescue", e -> seen.add("rescue:event"), () -> seen.add("rescue:resync"),
                        () -> seen.add("rescue:disconnected"))));
    }

    @Test
    void eventsAndResyncsReachEverySubscriberInDeclaredOrderWhateverOneOfThemThrows() {
        ResyncCoordinator c = coordinator();
        c.onEvent(new PbxEvent.ChannelCreated("1.1", 0L, "1.1", "PJSIP/trunk-1"));
        assertThat(seen).containsExactly("agents:event", "calls:event", "rescue:event");
        seen.clear();
        c.resync(retries::add);
        assertThat(seen).containsExactly("agents:resync", "calls:resync", "rescue:resync");
        assertThat(retries).isEmpty();
        seen.clear();
        c.onDisconnected();
        assertThat(seen).containsExactly("calls:disconnected", "rescue:disconnected");
        assertThat(c.metrics()).containsEntry("resyncs", 1L).containsEntry("resyncFailures", 0L);
    }

    @Test
    void aFailedResyncRunsAgainWithBackOffOrAtOnceWhenAsteriskIsFullyBooted() {
        ResyncCoordinator c = coordinator();
        callsFail.set(true);
        c.resync(retries::add);
        // the subscriber after the failing one still re-read
        assertThat(seen).containsExactly("agents:resync", "calls:resync", "rescue:resync");
        c.resync(retries::add);
        assertThat(retries).containsExactly(500L, 1000L);
        assertThat(c.metrics().get("lastResyncError").toString()).contains("calls", "Asterisk still loading");

        // FullyBooted: the modules are loaded; the failed resync runs again now, and succeeds
        callsFail.set(false);
        seen.clear();
        c.fullyBooted(retries::add);
        assertThat(seen).containsExactly("agents:resync", "calls:resync", "rescue:resync");
        assertThat(retries).hasSize(2);

        // after a good resync, FullyBooted (sent at every login) re-reads nothing; the back-off starts again at 0.5 s
        seen.clear();
        c.fullyBooted(retries::add);
        assertThat(seen).isEmpty();
        callsFail.set(true);
        c.resync(retries::add);
        assertThat(retries).containsExactly(500L, 1000L, 500L);
    }
}
