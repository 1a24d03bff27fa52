package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cti-server as the softphone sees it, for window tests: {@code POST /api/login}, {@code GET /api/me} and any
 * REST request (recorded with its body and answered from {@link #answer}), and the WebSocket {@code /ws} (RFC 6455
 * by hand: the handshake, text frames both ways) through which a test sends the frames the real server sends
 * ({@code hello}, {@code call.offered}, {@code call.silent}, {@code incident.*}, {@code ack}) and reads the commands
 * the window sends. {@link #drop()} cuts the WebSocket as a restarted server or a network cut would.
 */
final class FakeCti implements AutoCloseable {

    record Request(String method, String path, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body.isEmpty() ? "{}" : body);
            } catch (IOException e) {
                throw new IllegalStateException(body, e);
            }
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** What the window sent on the WebSocket (commands, the resume after a reconnect). */
    final List<JsonNode> commands = new CopyOnWriteArrayList<>();
    /** "METHOD /path" (query included, or without it as a fallback) → the JSON answered; else {} with 200. */
    final Map<String, String> answers = new ConcurrentHashMap<>();
    /** An answer made from the request, with its status (a refusal, an echo); "METHOD /path" as for {@link #answers}. */
    record Reply(int status, String body) {}

    final Map<String, java.util.function.Function<Request, Reply>> handlers = new ConcurrentHashMap<>();
    final long accountId;
    final AtomicLong seq = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    private final ServerSocket server;
    private volatile Socket ws;
    private volatile boolean closed;

    FakeCti(long accountId, String extension, int sipPort) throws IOException {
        this.accountId = accountId;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        answers.put("POST /api/login", "{\"token\":\"test-token\",\"role\":\"agent\"}");
        answers.put("GET /api/me", "{\"id\":" + accountId + ",\"username\":\"" + extension + "\",\"displayName\":\"坐席一\","
                + "\"role\":\"agent\",\"wrapUpSeconds\":0,\"sip\":{\"host\":\"127.0.0.1\",\"port\":" + sipPort
                + ",\"extension\":\"" + extension + "\",\"secret\":\"secret\"}}");
        answers.put("GET /api/incidents?state=open", "[]");
        answers.put("GET /api/worklist?hours=48", "[]");
        answers.put("GET /api/broadcasts?task=open", "[]");
        Thread t = new Thread(this::accept, "fake-cti");
        t.setDaemon(true);
        t.start();
    }

    String api() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fake-cti-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            String first = line(in);
            if (first == null || first.isEmpty()) {
                s.close();
                return;
            }
            Map<String, String> h = new LinkedHashMap<>();
            for (String l; (l = line(in)) != null && !l.isEmpty(); ) {
                int c = l.indexOf(':');
                if (c > 0) {
                    h.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
                }
            }
            String[] p = first.split(" ");
            if ("websocket".equalsIgnoreCase(h.get("upgrade"))) {
                webSocket(s, h.get("sec-websocket-key"));
                return;
            }
            int n = Integer.parseInt(h.getOrDefault("content-length", "0"));
            byte[] body = new DataInputStream(in).readNBytes(n);
            Request r = new Request(p[0], p[1], new String(body, StandardCharsets.UTF_8));
            if (!p[1].equals("/api/login")) {
                requests.add(r);
            }
            String key = p[0] + " " + p[1];
            var handler = handlers.get(key);
            Reply reply = handler != null ? handler.apply(r)
                    : new Reply(200, answers.getOrDefault(key, answers.getOrDefault(key.split("\\?")[0], "{}")));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            OutputStream o = s.getOutputStream();
            o.write(("HTTP/1.1 " + reply.status() + (reply.status() == 200 ? " OK" : " Error") + "\r\nContent-Type: application/json\r\nContent-Length: " + out.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            o.write(out);
            o.flush();
            s.close();
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException x) {
                // gone
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                String l = b.toString(StandardCharsets.ISO_8859_1);
                return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private void webSocket(Socket s, String key) throws IOException {
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        OutputStream o = s.getOutputStream();
        o.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        ws = s;
        connects.incrementAndGet();
        send("{\"type\":\"hello\",\"account\":{\"id\":" + accountId + "},\"agent\":{\"state\":\"ready\",\"since\":"
                + System.currentTimeMillis() + "}}");
        DataInputStream in = new DataInputStream(s.getInputStream());
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) != 0) {
                    in.readFully(mask);
                }
                byte[] data = new byte[(int) len];
                in.readFully(data);
                for (int i = 0; i < data.length; i++) {
                    data[i] ^= mask[i % 4];
                }
                int op = b0 & 0x0f;
                if (op == 1) {
                    commands.add(JSON.readTree(new String(data, StandardCharsets.UTF_8)));
                } else if (op == 8) {
                    s.close();
                    return;
                } else if (op == 9) {
                    frame(s, 0x8a, data);
                }
            }
        } catch (IOException e) {
            s.close();
        }
    }

    /** Sends a frame as the server would: {@code seq} added (the next number). */
    void send(String frame) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(frame);
        if (!node.has("seq")) {
            node.put("seq", seq.incrementAndGet());
        }
        Socket s = ws;
        if (s == null || s.isClosed()) {
            throw new IOException("no WebSocket connected");
        }
        frame(s, 0x81, JSON.writeValueAsBytes(node));
    }

    private static synchronized void frame(Socket s, int b0, byte[] data) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(b0);
        if (data.length < 126) {
            f.write(data.length);
        } else if (data.length < 65536) {
            f.write(126);
            f.write(data.length >> 8);
            f.write(data.length & 0xff);
        } else {
            f.write(127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) data.length >> (8 * i)) & 0xff);
            }
        }
        f.write(data);
        OutputStream o = s.getOutputStream();
        o.write(f.toByteArray());
        o.flush();
    }

    boolean connected() {
        Socket s = ws;
        return s != null && !s.isClosed();
    }

    /** The WebSocket cut without a close frame (a restarted server, a network cut): the window reconnects by itself. */
    void drop() throws IOException {
        Socket s = ws;
        ws = null;
        if (s != null) {
            s.close();
        }
    }

    /** The requests so far to {@code method path} (the query included when {@code path} has one). */
    List<Request> sent(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method)
                && (path.contains("?") ? r.path().equals(path) : r.path().split("\\?")[0].equals(path))).toList();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        drop();
        server.close();
    }
}
