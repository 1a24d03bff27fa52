package onekey.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy delays, keeps order and holds traffic while paused (against a loopback echo server). */
class LatencyProxyTest {

    private ServerSocket echo;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofPlatform().daemon().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws IOException {
        echo.close();
    }

    @Test
    void delaysEachDirectionAndKeepsOrder() throws IOException {
        try (LatencyProxy proxy = new LatencyProxy(echo.getLocalPort(), 40);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                s.getOutputStream().write(i);
            }
            byte[] back = new byte[100];
            in.readFully(back);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            for (int i = 0; i < 100; i++) {
                assertThat(back[i]).isEqualTo((byte) i);
            }
            assertThat(tookMs).as("round trip through two 40 ms delays").isGreaterThanOrEqualTo(80);

            proxy.setDelayMillis(0);
            s.getOutputStream().write(7);
            assertThat(in.read()).isEqualTo(7);
            assertThat(proxy.connections()).isEqualTo(1);
        }
    }

    @Test
    void pauseHoldsTrafficUntilResume() throws IOException {
        try (LatencyProxy proxy = new LatencyProxy(echo.getLocalPort(), 0);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.getOutputStream().write(1);
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).isEqualTo(1);

            proxy.pause();
            s.getOutputStream().write(2);
            s.setSoTimeout(300);
            boolean heldBack;
            try {
                s.getInputStream().read();
                heldBack = false;
            } catch (SocketTimeoutException expected) {
                heldBack = true;
            }
            assertThat(heldBack).as("nothing arrives while paused").isTrue();

            proxy.resume();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).isEqualTo(2);
        }
    }
}
