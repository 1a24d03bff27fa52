package onekey.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service thread's hook before each task (issue 23: "no response" confirmations do not wait behind the queue). */
class WorkerTest {

    @Test
    void workHandedToTheHookGoesBeforeTheTasksAlreadyQueued() throws Exception {
        try (Worker w = new Worker("worker-test", "busy")) {
            List<String> order = new CopyOnWriteArrayList<>();
            Queue<String> urgent = new ConcurrentLinkedQueue<>();
            w.beforeEachTask(() -> {
                for (String u; (u = urgent.poll()) != null; ) {
                    order.add(u);
                }
            });
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            w.execute(() -> {
                started.countDown();
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("a");
            });
            w.execute(() -> order.add("b"));
            w.execute(() -> order.add("c"));
            started.await(10, TimeUnit.SECONDS);
            urgent.add("urgent"); // comes while a runs, with b and c queued behind it
            hold.countDown();
            w.drain();
            assertEquals(List.of("a", "urgent", "b", "c"), order);
        }
    }

    @Test
    void aFailingHookDoesNotStopTheTask() {
        try (Worker w = new Worker("worker-test", "busy")) {
            w.beforeEachTask(() -> {
                throw new IllegalStateException("the hook failed");
            });
            assertEquals("ran", w.call(() -> "ran"));
        }
    }
}
