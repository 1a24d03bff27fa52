package onekey.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Clock;
import onekey.outbound.OutboundRepository;
import onekey.outbound.OutboundService;
import onekey.store.Database;
import onekey.testkit.RecordingPbx;

/**
 * Idle outbound dialer (issue 23): CPU of its thread over a real-time window (arg: seconds, default 20), and the CPU of
 * one pass. Run with the test classpath; the sleeps pace the measuring window, they wait for no condition.
 */
public final class IdleDialerCpu {
    public static void main(String[] a) throws Exception {
        var dir = Files.createTempDirectory("idlecpu");
        Database db = Database.open(Database.h2FileUrl(dir.resolve("onekey")), "sa", "", 4);
        OutboundService out = new OutboundService(new OutboundRepository(db), new RecordingPbx(), Clock.systemUTC(),
                OutboundService.Limits.none(), null);
        out.resync();
        var tm = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 300; i++) out.pollNow(); // warm-up (JIT)
        long t0 = tm.getThreadCpuTime(outboundThread());
        int n = 300;
        for (int i = 0; i < n; i++) out.pollNow();
        long perPass = (tm.getThreadCpuTime(outboundThread()) - t0) / n;
        Thread.sleep(2000);
        long c0 = tm.getThreadCpuTime(outboundThread());
        long w = Long.parseLong(a.length > 0 ? a[0] : "20");
        Thread.sleep(w * 1000);
        long idle = tm.getThreadCpuTime(outboundThread()) - c0;
        System.out.printf("one idle pass: %.3f ms CPU; idle dialer thread: %.3f ms CPU a second over %d s%n",
                perPass / 1e6, idle / 1e6 / w, w);
        out.close();
        db.close();
        System.exit(0);
    }

    static long outboundThread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("outbound")).findFirst()
                .orElseThrow().threadId();
    }
}
