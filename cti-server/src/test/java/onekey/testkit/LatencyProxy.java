package onekey.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a free loopback port that makes a server slow: every chunk read from either side is delivered
 * {@link #delayMillis()} later, in order. {@link #pause()} holds all traffic (connections stay open) until
 * {@link #resume()}. For "the database is slow / stalls" benchmarks and tests:
 *
 * <pre>{@code
 * try (MariaDbServer maria = MariaDbServer.start(); LatencyProxy slow = new LatencyProxy(maria.port(), 0)) {
 *     String url = "jdbc:mariadb://127.0.0.1:" + slow.port() + "/onekey";
 *     slow.setDelayMillis(50);   // each chunk, both directions
 *     slow.pause();              // nothing moves
 *     slow.resume();
 * }
 * }</pre>
 *
 * A chunk's delivery time is fixed when it is read (read time + the delay in force then), so lowering the delay
 * never reorders data. Each connection uses four threads (a reader and a writer per direction).
 */
public final class LatencyProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long delayNanos;
    private volatile boolean paused;
    private volatile boolean closed;

    /** Forwards 127.0.0.1:{@link #port()} to 127.0.0.1:{@code targetPort}, each chunk delayed {@code delayMillis}. */
    public LatencyProxy(int targetPort, long delayMillis) {
        this.targetPort = targetPort;
        setDelayMillis(delayMillis);
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
        Thread t = new Thread(this::acceptLoop, "latency-proxy-accept-" + port());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The delay applied to chunks read from now on (0 = pass through). */
    public void setDelayMillis(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("delay must be >= 0 ms: " + ms);
        }
        delayNanos = TimeUnit.MILLISECONDS.toNanos(ms);
    }

    public long delayMillis() {
        return TimeUnit.NANOSECONDS.toMillis(delayNanos);
    }

    /** Holds all traffic in both directions (nothing is delivered) until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    /** Delivers held traffic (each chunk no earlier than its delivery time) and lets new traffic flow. */
    public void resume() {
        paused = false;
        pipes.forEach(Pipe::wake);
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Bytes delivered so far (both directions). */
    public long bytesForwarded() {
        return bytes.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        pipes.forEach(Pipe::wake); // writers see "closed" and end
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            } catch (IOException e) {
                closeQuietly(client); // the target is down: the client sees a closed connection, as it would
                closeQuietly(server);
                continue;
            }
            connections.incrementAndGet();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException ignored) {
                // only latency
            }
            sockets.add(client);
            sockets.add(server);
            long n = connections.get();
            pipe(client, server, "latency-proxy-" + n + "-up");
            pipe(server, client, "latency-proxy-" + n + "-down");
        }
    }

    private record Chunk(long dueNanos, byte[] data) {}

    /** One direction: a reader stamps and queues chunks, a writer delivers each at its time (or later if paused). */
    private final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
        private final Socket from;
        private final Socket to;
        private boolean eof;

        Pipe(Socket from, Socket to) {
            this.from = from;
            this.to = to;
        }

        void wake() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void read() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    Chunk c = new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n));
                    lock.lock();
                    try {
                        queue.addLast(c);
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (IOException e) {
                // the connection ended
            } finally {
                lock.lock();
                try {
                    eof = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk next;
                    lock.lock();
                    try {
                        while (true) {
                            if (closed) {
                                return;
                            }
                            Chunk head = queue.peekFirst();
                            if (head == null && eof) {
                                return;
                            }
                            long wait = head == null ? Long.MAX_VALUE : head.dueNanos() - System.nanoTime();
                            if (head != null && !paused && wait <= 0) {
                                next = queue.pollFirst();
                                break;
                            }
                            // until the head chunk's delivery time, or a signal (new chunk, resume, close)
                            changed.awaitNanos(paused || head == null ? TimeUnit.SECONDS.toNanos(1) : wait);
                        }
                    } finally {
                        lock.unlock();
                    }
                    out.write(next.data());
                    out.flush();
                    bytes.addAndGet(next.data().length);
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                // one side gone ends the pair (JDBC needs no half-close)
                pipes.remove(this);
                closeQuietly(to);
                closeQuietly(from);
                sockets.remove(to);
                sockets.remove(from);
            }
        }
    }

    private void pipe(Socket from, Socket to, String name) {
        Pipe p = new Pipe(from, to);
        pipes.add(p);
        Thread reader = new Thread(p::read, name + "-read");
        Thread writer = new Thread(p::write, name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "LatencyProxy[127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + ", " + delayMillis() + " ms"
                + (paused ? ", paused" : "") + "]";
    }
}
