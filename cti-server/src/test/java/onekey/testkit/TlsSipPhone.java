package onekey.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal SIP user agent over TLS (sipp here has no TLS): one TLS connection to Asterisk, REGISTER and INVITE
 * with digest authentication, an SDP offer of SRTP (RTP/SAVP) with an SDES key, ACK and BYE. Enough to see what
 * Asterisk answers; it sends no media.
 */
public final class TlsSipPhone implements AutoCloseable {

    /** One SIP response: status, headers (lower-case names, first value), body. */
    public record Response(int status, String reason, Map<String, String> headers, String body, String raw) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String local;
    private final String callId = "tls-" + hex(8) + "@127.0.0.1";
    private final String fromTag = hex(6);
    private final List<String> transcript = new ArrayList<>();
    private int cseq = 1;

    /** Connects over TLS to {@code host:port}, trusting {@code trust} and checking the host name. */
    public TlsSipPhone(SSLContext trust, String host, int port, String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        socket = (SSLSocket) trust.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(15_000);
        SSLParameters p = socket.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
        socket.startHandshake();
        in = socket.getInputStream();
        out = socket.getOutputStream();
        local = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** The negotiated TLS protocol, e.g. TLSv1.2. */
    public String tlsProtocol() {
        return socket.getSession().getProtocol();
    }

    /** Everything sent and received, for failure messages. */
    public String transcript() {
        return String.join("\n----\n", transcript);
    }

    /** REGISTER, answering the digest challenge; returns the final response. */
    public Response register() throws IOException {
        String uri = "sip:" + host + ":" + port + ";transport=tls";
        return withAuth("REGISTER", uri, "<sip:" + user + "@" + host + ">", null, null, "Expires: 300\r\n");
    }

    /** A dialogue after an answered INVITE: the 200 OK and what ACK and BYE need. */
    public record Call(Response ok, String uri, String toHeader) {}

    /** INVITE {@code extension} with {@code sdp}, answering the digest challenge; returns the final response. */
    public Call invite(String extension, String sdp) throws IOException {
        String uri = "sip:" + extension + "@" + host + ":" + port + ";transport=tls";
        String to = "<sip:" + extension + "@" + host + ">";
        Response r = withAuth("INVITE", uri, to, sdp, "application/sdp", "");
        return new Call(r, uri, r.header("To"));
    }

    /** ACKs a 2xx answer to the INVITE (a new transaction, the same CSeq number). */
    public void ack(Call call) throws IOException {
        int n = Integer.parseInt(call.ok().header("CSeq").trim().split("\\s+")[0]);
        send(request("ACK", call.uri(), call.toHeader(), n, branch(), null, null, ""));
    }

    /** Hangs up; returns the response to the BYE. */
    public Response bye(Call call) throws IOException {
        String branch = branch();
        send(request("BYE", call.uri(), call.toHeader(), ++cseq, branch, null, null, ""));
        return finalResponse();
    }

    private Response withAuth(String method, String uri, String to, String body, String type, String extra)
            throws IOException {
        String branch = branch();
        int n = ++cseq;
        send(request(method, uri, to, n, branch, body, type, extra));
        Response r = finalResponse();
        if (r.status() != 401 && r.status() != 407) {
            return r;
        }
        if (method.equals("INVITE")) {
            // a non-2xx final answer to an INVITE is acknowledged in the same transaction
            send(request("ACK", uri, r.header("To"), n, branch, null, null, ""));
        }
        String challenge = r.header(r.status() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
        String auth = digest(challenge, method, uri);
        String name = r.status() == 401 ? "Authorization" : "Proxy-Authorization";
        send(request(method, uri, to, ++cseq, branch(), body, type, extra + name + ": " + auth + "\r\n"));
        return finalResponse();
    }

    private String request(String method, String uri, String to, int n, String branch, String body, String type,
                           String extra) {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder();
        s.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        s.append("Via: SIP/2.0/TLS ").append(local).append(";rport;branch=").append(branch).append("\r\n");
        s.append("Max-Forwards: 70\r\n");
        s.append("From: <sip:").append(user).append('@').append(host).append(">;tag=").append(fromTag).append("\r\n");
        s.append("To: ").append(to).append("\r\n");
        s.append("Call-ID: ").append(callId).append("\r\n");
        s.append("CSeq: ").append(n).append(' ').append(method).append("\r\n");
        s.append("Contact: <sip:").append(user).append('@').append(local).append(";transport=tls>\r\n");
        s.append("User-Agent: OneKey-TlsSipPhone\r\n");
        s.append(extra);
        if (type != null) {
            s.append("Content-Type: ").append(type).append("\r\n");
        }
        s.append("Content-Length: ").append(b.length).append("\r\n\r\n");
        if (body != null) {
            s.append(body);
        }
        return s.toString();
    }

    private void send(String msg) throws IOException {
        transcript.add(">>> " + msg);
        out.write(msg.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads messages until a final response (>= 200); provisional ones and requests are noted and skipped. */
    private Response finalResponse() throws IOException {
        while (true) {
            Response r = read();
            if (r.status() >= 200) {
                return r;
            }
        }
    }

    private Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by Asterisk; so far:\n" + transcript());
            }
            if (head.size() == 0 && (c == '\r' || c == '\n')) {
                continue; // keep-alive CRLFs between messages
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (c == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", headers.getOrDefault("l", "0")).trim());
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        transcript.add("<<< " + text + body);
        if (!lines[0].startsWith("SIP/2.0 ")) {
            return new Response(0, lines[0], headers, body, text + body); // a request from Asterisk: ignored
        }
        String[] status = lines[0].split(" ", 3);
        return new Response(Integer.parseInt(status[1]), status.length > 2 ? status[2] : "", headers, body, text + body);
    }

    /** RFC 2617 digest (MD5, qop=auth when offered). */
    private String digest(String challenge, String method, String uri) {
        Map<String, String> c = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\"([^\"]*)\"|([^,\\s]+))").matcher(challenge);
        while (m.find()) {
            c.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(4));
        }
        String realm = c.get("realm");
        String nonce = c.get("nonce");
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        StringBuilder a = new StringBuilder("Digest username=\"").append(user).append("\", realm=\"").append(realm)
                .append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append("\", algorithm=MD5");
        boolean qop = c.getOrDefault("qop", "").contains("auth");
        if (qop) {
            String cnonce = hex(8);
            a.append(", qop=auth, nc=00000001, cnonce=\"").append(cnonce).append("\", response=\"")
                    .append(md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2)).append('"');
        } else {
            a.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
        }
        if (c.containsKey("opaque")) {
            a.append(", opaque=\"").append(c.get("opaque")).append('"');
        }
        return a.toString();
    }

    /** An SDP offer of G.711 over SRTP with a fresh SDES key (AES_CM_128_HMAC_SHA1_80: 16 key + 14 salt bytes). */
    public static String srtpOffer(int rtpPort) {
        byte[] key = new byte[30];
        RANDOM.nextBytes(key);
        return "v=0\r\n"
                + "o=- " + System.nanoTime() + " 1 IN IP4 127.0.0.1\r\n"
                + "s=OneKey TLS test\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + rtpPort + " RTP/SAVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "a=sendrecv\r\n";
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String branch() {
        return "z9hG4bK" + hex(8);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
