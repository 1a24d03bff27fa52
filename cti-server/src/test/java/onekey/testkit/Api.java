package onekey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** A tiny REST client for tests; over HTTPS with {@link #https(int, Path)}. */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final Path caFile;
    private volatile HttpClient http;
    public final String base;

    public Api(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    /**
     * {@code base} such as {@code https://127.0.0.1:8443}; {@code caFile} the PEM certificate(s) to trust for
     * https (null: the JDK's default trust). The file is read at the first request, so it may appear later
     * (the demo writes its certificate when it starts).
     */
    public Api(String base, Path caFile) {
        this.base = base;
        this.caFile = caFile;
    }

    /** HTTPS to 127.0.0.1:{@code port}, trusting the certificate(s) in {@code caFile}. */
    public static Api https(int port, Path caFile) {
        return new Api("https://127.0.0.1:" + port, caFile);
    }

    /** True for an https base. */
    public boolean secure() {
        return base.startsWith("https:");
    }

    /** The client this Api sends with (its TLS trust included), for a WebSocket to the same server. */
    public HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    HttpClient.Builder b = HttpClient.newBuilder();
                    if (caFile != null) {
                        b.sslContext(TlsTrust.trusting(caFile));
                    }
                    http = c = b.build();
                }
            }
        }
        return c;
    }

    public record Reply(int status, String body, HttpResponse<byte[]> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Reply send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> r = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), r);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    public String login(String user, String password) {
        try {
            Reply r = send("POST", "/api/login", null, JSON.writeValueAsString(Map.of("username", user, "password", password)));
            if (r.status() != 200) {
                throw new IllegalStateException("login " + user + " → " + r.status() + " " + r.body());
            }
            return r.json().get("token").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
