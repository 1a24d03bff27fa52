package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.calls.CallEvents;
import onekey.events.EventHub;
import org.junit.jupiter.api.Test;

class EventFanoutTest {

    static final class Sink implements EventFanout.Sink {
        final Account account;
        final List<EventFanout.Frame> got = new ArrayList<>();

        Sink(long id, Role role) {
            account = new Account(id, "u" + id, role, null, null, null, true);
        }

        @Override public long accountId() { return account.id(); }
        @Override public boolean seesAll() { return account.role() == Role.SUPERVISOR; }
        @Override public boolean deliver(EventFanout.Frame f) { got.add(f); return true; }
        @Override public Account account() { return account; }
    }

    @Test
    void eachEventIsEncodedOnceAndTheSameBytesGoToEveryClientThatWantsIt() {
        EventHub hub = new EventHub(10);
        List<String> audited = new ArrayList<>();
        EventFanout fanout = new EventFanout(hub, 10, List.of((f, to) -> audited.add(to.username() + "#" + f.seq())));
        fanout.start();
        Sink ann = new Sink(7, Role.AGENT);
        Sink bob = new Sink(8, Role.AGENT);
        Sink sup = new Sink(1, Role.SUPERVISOR);
        Sink sup2 = new Sink(2, Role.SUPERVISOR);
        for (Sink s : List.of(ann, bob, sup, sup2)) {
            fanout.attach(s, Long.MAX_VALUE);
        }
        hub.toAccount(7, ApiFixture.pop(ApiFixture.call(1), null));
        hub.broadcast(new CallEvents.Finished(ApiFixture.call(1)));

        assertThat(ann.got).extracting(EventFanout.Frame::seq).containsExactly(1L);
        assertThat(bob.got).isEmpty();
        assertThat(sup.got).extracting(EventFanout.Frame::seq).containsExactly(1L, 2L);
        // one encoding per event: the very same bytes for the agent and both supervisors
        assertThat(sup.got.get(0).bytes()).isSameAs(ann.got.get(0).bytes()).isSameAs(sup2.got.get(0).bytes());
        assertThat(sup.got.get(1).bytes()).isSameAs(sup2.got.get(1).bytes());
        assertThat(audited).containsExactly("u7#1", "u1#1", "u2#1", "u1#2", "u2#2");

        // a client that resumes gets the retained frames after its seq, the same bytes again
        Sink late = new Sink(3, Role.SUPERVISOR);
        fanout.attach(late, 1);
        assertThat(late.got).extracting(EventFanout.Frame::seq).containsExactly(2L);
        assertThat(late.got.get(0).bytes()).isSameAs(sup.got.get(1).bytes());
        assertThat(fanout.complete(0)).isTrue();
        fanout.close();
    }

    @Test
    void aPublisherDoesNotWaitForASlowDelivery() throws Exception {
        EventHub hub = new EventHub(10);
        CountDownLatch inDelivery = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.subscribe(id -> true, true, -1, e -> {
            seen.add(e.seq());
            if (e.seq() == 1) {
                inDelivery.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread first = Thread.ofVirtual().start(() -> hub.broadcast(new CallEvents.Finished(ApiFixture.call(1))));
        assertThat(inDelivery.await(5, TimeUnit.SECONDS)).isTrue();
        // the first event's delivery is stuck in a subscriber: a second publisher is numbered and returns at once
        var second = hub.broadcast(new CallEvents.Finished(ApiFixture.call(2)));
        assertThat(second.seq()).isEqualTo(2L);
        assertThat(hub.lastSeq()).isEqualTo(2L);
        assertThat(seen).containsExactly(1L);
        release.countDown();
        first.join(5_000);
        // delivered by the thread that held the delivery, in seq order
        assertThat(seen).containsExactly(1L, 2L);
    }
}
