package onekey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A real SMSC for the SMS tests (issue 20): {@code cti-server/src/test/smsc/smsc.js} on the npm package {@code smpp}
 * (installed there by {@code ./onekey setup} with {@code npm ci}), run by Node on a free loopback port. Every PDU it
 * received or sent is a JSON line in {@link #pdus()}; it sends receipts, and on command injects a reply, throttles,
 * rejects a number, or holds its receipts. {@link #kill()} is kill -9; {@link #start()} again listens on the same
 * SMPP port.
 */
public final class Smsc implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path log;
    private final Path out;
    private final int port;
    private final List<String> extra;
    private Process process;
    private int control;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public Smsc() {
        this(List.of());
    }

    /** {@code extra}: more arguments for smsc.js (e.g. "--receipts", "off"). */
    public Smsc(List<String> extra) {
        this.dir = Repo.root().resolve("cti-server/src/test/smsc");
        if (!Files.isDirectory(dir.resolve("node_modules/smpp"))) {
            throw new IllegalStateException("the test SMSC's npm package is not installed in " + dir
                    + ": run ./onekey setup (it runs npm ci there; needs nodejs and npm)");
        }
        Proc.require("node");
        this.extra = List.copyOf(extra);
        try {
            Path work = Files.createTempDirectory("smsc");
            this.log = work.resolve("pdus.jsonl");
            this.out = work.resolve("smsc.out");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.port = Ports.free();
    }

    /** Starts (or starts again after {@link #kill()}) and waits until it listens. */
    public synchronized Smsc start() {
        List<String> cmd = new ArrayList<>(List.of("node", "smsc.js", "--port", Integer.toString(port), "--control", "0",
                "--log", log.toString()));
        cmd.addAll(extra);
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        process = Proc.start(cmd, dir, Map.of(), out);
        Pattern p = Pattern.compile("LISTENING smpp=(\\d+) control=(\\d+)");
        this.control = Awaitility.await("the test SMSC listens (" + out + ")").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the test SMSC exited: " + Proc.tail(out));
                    }
                    Matcher m = p.matcher(Files.exists(out) ? Files.readString(out) : "");
                    return m.find() ? Integer.parseInt(m.group(2)) : 0;
                }, c -> c > 0);
        return this;
    }

    public int port() {
        return port;
    }

    /** The ONEKEY_SMS_* environment pointing a server at this SMSC. */
    public Map<String, String> env() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("ONEKEY_SMS_HOST", "127.0.0.1");
        e.put("ONEKEY_SMS_PORT", Integer.toString(port));
        e.put("ONEKEY_SMS_SYSTEMID", "onekey");
        e.put("ONEKEY_SMS_PASSWORD", "secret");
        e.put("ONEKEY_SMS_ENQUIRELINKSECONDS", "2");
        return e;
    }

    /** kill -9. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Every PDU so far, in order. */
    public List<JsonNode> pdus() {
        try {
            if (!Files.exists(log)) {
                return List.of();
            }
            List<JsonNode> all = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        all.add(JSON.readTree(line));
                    } catch (IOException partial) {
                        // the last line while it is being written
                    }
                }
            }
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The submit_sm PDUs received. */
    public List<JsonNode> submits() {
        return pdus().stream().filter(n -> n.path("dir").asText().equals("in") && n.path("command").asText().equals("submit_sm"))
                .toList();
    }

    /** A text as the handset would show it: its parts joined by their concatenation header. */
    public record Text(String to, String text, int dataCoding, int parts, Integer reference, long at) {}

    /**
     * The texts the SMSC accepted (submit_sm answered without error), whole: concatenated parts joined by their
     * reference, in the order of their first part.
     */
    public List<Text> texts() {
        List<JsonNode> pdus = pdus();
        Map<Long, Integer> statusBySeq = new java.util.HashMap<>();
        for (JsonNode n : pdus) {
            if (n.path("dir").asText().equals("out") && n.path("command").asText().equals("submit_sm_resp")) {
                statusBySeq.put(n.path("seq").asLong(), n.path("status").asInt());
            }
        }
        List<Text> out = new ArrayList<>();
        Map<String, TreeMap<Integer, JsonNode>> multi = new LinkedHashMap<>();
        Map<String, Integer> totals = new java.util.HashMap<>();
        Map<String, Integer> slot = new java.util.HashMap<>();
        for (JsonNode n : pdus) {
            if (!n.path("dir").asText().equals("in") || !n.path("command").asText().equals("submit_sm")) {
                continue;
            }
            // the resp is written right after: a PDU answered with an error was refused (a throttled one is sent again)
            Integer st = statusBySeq.get(n.path("seq").asLong());
            if (st == null || st != 0) {
                continue;
            }
            // the library hands the UDH's information elements without the length byte: 00 03 ref total seq
            String udh = n.path("udh").asText("");
            if (udh.length() >= 10 && udh.startsWith("0003")) {
                byte[] h = HexFormat.of().parseHex(udh);
                int ref = h[2] & 0xFF;
                String key = n.path("destination_addr").asText() + "#" + ref;
                multi.computeIfAbsent(key, k -> new TreeMap<>()).put(h[4] & 0xFF, n);
                totals.put(key, h[3] & 0xFF);
                if (!slot.containsKey(key)) {
                    slot.put(key, out.size());
                    out.add(null);
                }
            } else {
                out.add(new Text(n.path("destination_addr").asText(), n.path("text").asText(), n.path("data_coding").asInt(),
                        1, null, n.path("t").asLong()));
            }
        }
        for (var e : multi.entrySet()) {
            StringBuilder sb = new StringBuilder();
            JsonNode first = e.getValue().firstEntry().getValue();
            for (JsonNode part : e.getValue().values()) {
                sb.append(part.path("text").asText());
            }
            String key = e.getKey();
            out.set(slot.get(key), new Text(first.path("destination_addr").asText(), sb.toString(),
                    first.path("data_coding").asInt(), e.getValue().size() == totals.get(key) ? totals.get(key) : -e.getValue().size(),
                    Integer.parseInt(key.substring(key.indexOf('#') + 1)), first.path("t").asLong()));
        }
        return out.stream().filter(java.util.Objects::nonNull).toList();
    }

    /** The texts accepted for one number, in order. */
    public List<Text> textsTo(String number) {
        return texts().stream().filter(t -> t.to().equals(number)).toList();
    }

    /** A text from a phone to OneKey (deliver_sm). */
    public void inject(String from, String text) {
        post("/inject", Map.of("from", from, "to", "10690000", "text", text));
    }

    /** The next {@code count} submits are answered ESME_RTHROTTLED. */
    public void throttle(int count) {
        post("/throttle", Map.of("count", count));
    }

    /** Submits to {@code to} are answered with {@code status} (11 = ESME_RINVDSTADR). */
    public void reject(String to, int status) {
        post("/reject", Map.of("to", to, "status", status));
    }

    public void receipts(boolean on) {
        post("/receipts", Map.of("on", on));
    }

    public boolean bound() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/health"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("bound").asBoolean();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void post(String path, Object body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + path))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("test SMSC " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("test SMSC " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String output() {
        return Proc.tail(out);
    }

    @Override
    public void close() {
        kill();
    }
}
