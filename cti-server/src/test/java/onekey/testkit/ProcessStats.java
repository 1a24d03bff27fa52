package onekey.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** CPU time of other processes and the machine's load, read from /proc (Linux), for benchmarks. */
public final class ProcessStats {

    private static long clockTicks;

    private ProcessStats() {
    }

    /** CPU time (user + system, this process only) of {@code pid} in ms, from /proc/PID/stat. */
    public static long cpuMillis(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/stat (is the process running?)", e);
        }
        // fields after "(comm)": state is field 3, utime 14, stime 15 (man 5 proc)
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1000 / clockTicks();
    }

    /**
     * CPU time (ms) of each thread of {@code pid}, summed by thread name with numbers after "-", "#", "_" or a space replaced by * ("api-io-1-3" and
     * "api-io-2-1" → "api-io-*-*"; Linux keeps 15 characters of a name), from /proc/PID/task/TID/stat.
     * Threads that ended are not counted.
     */
    public static java.util.Map<String, Long> threadCpuMillis(long pid) {
        return threadMillis(pid, true);
    }

    /**
     * Context switches by thread name, as {@link #threadCpuMillis} names them: voluntary (the thread waited: a park, a
     * blocking read) plus involuntary (preempted), from /proc/PID/task/TID/status.
     */
    public static java.util.Map<String, Long> threadSwitches(long pid) {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String status;
                try {
                    status = Files.readString(task.resolve("status"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = null;
                long n = 0;
                for (String line : status.split("\n")) {
                    if (line.startsWith("Name:")) {
                        name = line.substring(5).trim().replaceAll("(?<=[-#_ ])[0-9]+|[0-9]+$", "*");
                    } else if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                        n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                if (name != null) {
                    byName.merge(name, n, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/" + pid + "/task", e);
        }
        return byName;
    }

    /** As {@link #threadCpuMillis}, the time in the kernel only (stime: system calls, page faults). */
    public static java.util.Map<String, Long> threadKernelMillis(long pid) {
        return threadMillis(pid, false);
    }

    private static java.util.Map<String, Long> threadMillis(long pid, boolean userToo) {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("(?<=[-#_ ])[0-9]+|[0-9]+$", "*");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ms = ((userToo ? Long.parseLong(f[11]) : 0) + Long.parseLong(f[12])) * 1000 / clockTicks();
                byName.merge(name, ms, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/" + pid + "/task", e);
        }
        return byName;
    }

    /** {@code getconf CLK_TCK}: the unit of utime and stime. */
    public static synchronized long clockTicks() {
        if (clockTicks == 0) {
            clockTicks = Long.parseLong(Proc.run(List.of("getconf", "CLK_TCK"), Path.of("/"), Map.of(), 10).trim());
        }
        return clockTicks;
    }

    /** The first three fields of /proc/loadavg ("1.02 0.87 0.55": 1, 5, 15 minutes). */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The 1-minute load average, or -1 if unknown. */
    public static double load1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The CPU's model name from /proc/cpuinfo, for the machine line of a benchmark. */
    public static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | UncheckedIOException e) {
            return "unknown CPU";
        }
    }

    /** MemTotal as "23.5 GB", for the machine line of a benchmark. */
    public static String memTotal() {
        long b = memTotalBytes();
        return b < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.1f GB", b / 1024.0 / 1024.0 / 1024.0);
    }

    /** MemTotal from /proc/meminfo in bytes, or -1. */
    public static long memTotalBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }
}
