package onekey.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads {@link OneKeyConfig}: built-in defaults, then the properties file, then environment variables
 * ({@code ONEKEY_} + key upper-cased with dots as underscores). Every value is checked here; a bad one
 * stops the start with a message naming the key and the expected form.
 */
public final class ConfigLoader {

    /** Keys and defaults; the only keys a config file may contain. */
    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("ami.host", "127.0.0.1"),
            Map.entry("ami.port", "5038"),
            Map.entry("ami.user", "onekey"),
            // no shared default: each install has its own (./onekey generates it, asterisk.sh requires it)
            Map.entry("ami.secret", ""),
            Map.entry("ami.eventQueueCapacity", "10000"),
            Map.entry("agi.bind", "127.0.0.1"),
            Map.entry("agi.port", "4573"),
            Map.entry("http.bind", "127.0.0.1"),
            Map.entry("http.port", "8080"),
            Map.entry("http.maxBodyBytes", "65536"),
            Map.entry("http.tokenTtlMinutes", "720"),
            Map.entry("http.headerTimeoutSeconds", "10"),
            Map.entry("agi.headerTimeoutSeconds", "5"),
            Map.entry("db.url", "jdbc:h2:file:./run/data/onekey" + onekey.store.Database.H2_FLAGS),
            Map.entry("db.user", "onekey"),
            Map.entry("db.password", ""),
            Map.entry("db.poolSize", "8"),
            Map.entry("asterisk.queue", "onekey"),
            Map.entry("asterisk.agentsConf", ""),
            Map.entry("asterisk.sipPort", "5060"),
            Map.entry("asterisk.sipHost", "127.0.0.1"),
            Map.entry("paths.recordings", "./run/asterisk/recordings"),
            Map.entry("paths.prompts", "./run/asterisk/sounds/onekey"),
            // prompts: human recordings that replace TTS, and the bound of the prompt cache (tts.*)
            Map.entry("paths.recordedPrompts", "./run/recorded-prompts"),
            Map.entry("tts.cacheMaxMb", "1024"),
            Map.entry("tts.ratePercent", "100"),
            Map.entry("calls.defaultAreaCode", "21"),
            Map.entry("calls.wrapUpSeconds", "5"),
            Map.entry("calls.defaultLanguage", "zh"),
            Map.entry("calls.lookupTimeoutMs", "300"),
            Map.entry("paths.journal", "./run/data/journal"),
            Map.entry("journal.capacity", "200000"),
            Map.entry("escalation.number", ""),
            Map.entry("escalation.sosWaitSeconds", "30"),
            Map.entry("escalation.otherWaitSeconds", "180"),
            Map.entry("escalation.ringSeconds", "30"),
            Map.entry("logins.failuresPerAccount", "5"),
            Map.entry("logins.failuresPerAddress", "30"),
            Map.entry("logins.windowSeconds", "900"),
            Map.entry("logins.hashThreads", "1"),
            Map.entry("logins.hashQueue", "8"),
            Map.entry("http.tlsCert", ""),
            Map.entry("http.tlsKey", ""),
            Map.entry("http.allowPlaintext", "false"),
            Map.entry("recordings.retentionDays", "180"),
            Map.entry("recordings.retentionCheckMinutes", "60"),
            Map.entry("recordings.diskCheckSeconds", "30"),
            Map.entry("recordings.minFreeMb", "2048"),
            Map.entry("recordings.minFreePercent", "5"),
            Map.entry("agi.allowFrom", onekey.net.AddressFilter.LOOPBACK),
            Map.entry("rescue.redials", "2"),
            Map.entry("rescue.redialIntervalSeconds", "60"),
            Map.entry("rescue.ringSeconds", "30"),
            Map.entry("rescue.listenSeconds", "10"),
            Map.entry("rescue.speechMillis", "500"),
            Map.entry("rescue.elderRetrySeconds", "300"),
            Map.entry("rescue.followUpHours", "24"),
            Map.entry("rescue.silenceSeconds", "15"),
            Map.entry("rescue.openOnAbandonedSos", "true"),
            Map.entry("rescue.taskTakeSeconds", "60"),
            Map.entry("broadcast.retry.booking", "3x600"),
            Map.entry("broadcast.retry.reminder", "2x600"),
            Map.entry("broadcast.retry.checkIn", "3x600"),
            Map.entry("broadcast.ringSeconds", "30"),
            Map.entry("broadcast.replays", "3"),
            Map.entry("broadcast.digitSeconds", "6"),
            Map.entry("broadcast.quietHours", "21:00-08:00"),
            Map.entry("broadcast.timeZone", "Asia/Shanghai"),
            Map.entry("broadcast.reminderEvening", "18:00"),
            Map.entry("broadcast.reminderHoursBefore", "2"),
            Map.entry("calls.conferenceAloneSeconds", "10"),
            Map.entry("broadcast.maxChannels", "10"),
            Map.entry("broadcast.callsPerSecond", "5"),
            Map.entry("trunk.channels", "0"),
            Map.entry("trunk.sosReserve", "4"),
            Map.entry("ha.leaseSeconds", "10"),
            Map.entry("ha.instanceId", ""),
            Map.entry("metrics.allowFrom", onekey.net.AddressFilter.LOOPBACK),
            Map.entry("nodes.list", ""),
            Map.entry("nodes.proxy", ""),
            Map.entry("nodes.subscribers", ""),
            Map.entry("nodes.deadAfterMs", "2000"),
            Map.entry("devices.testDays", "30"),
            Map.entry("devices.silentCheckSeconds", "60"),
            Map.entry("devices.platformKeys", ""),
            // issue 20: the SMSC (SMPP 3.4); empty host = no SMS
            Map.entry("sms.host", ""),
            Map.entry("sms.port", "2775"),
            Map.entry("sms.systemId", "onekey"),
            Map.entry("sms.password", ""),
            Map.entry("sms.sourceAddress", "10690000"),
            Map.entry("sms.signature", "【一键通】"),
            Map.entry("sms.windowSize", "10"),
            Map.entry("sms.perSecond", "50"),
            Map.entry("sms.enquireLinkSeconds", "30"),
            Map.entry("sms.centreNumber", "962222"),
            Map.entry("sms.triggers", "sos-call,incident-opened,incident-escalated,incident-ended,booking"),
            Map.entry("sms.quietHours", ""),
            Map.entry("orders.categories", "助餐,家政保洁,助浴,维修,陪诊,护理,出行,代购,挂号"),
            Map.entry("orders.acceptSeconds", "60"),
            Map.entry("orders.replays", "3"),
            Map.entry("orders.digitSeconds", "6"),
            Map.entry("orders.maxRadiusKm", "30"),
            Map.entry("orders.webhookRetry", "5x2"),
            Map.entry("orders.callbackDelaySeconds", "600"),
            Map.entry("orders.callbackRetry", "2x600"),
            Map.entry("orders.subsidisedPercent", "50"),
            Map.entry("paths.reports", "./run/data/reports"),
            Map.entry("reports.centreName", "一键通呼叫中心"),
            Map.entry("reports.pushUrls", ""),
            Map.entry("reports.pushKey", ""),
            Map.entry("reports.pushRetry", "6x60"),
            Map.entry("archive.key", ""));

    private final Properties values = new Properties();
    private final List<String> errors = new ArrayList<>();

    private ConfigLoader() {
        values.putAll(DEFAULTS);
    }

    /** Loads {@code file} (may be null or absent: defaults only) and the environment {@code env}. */
    public static OneKeyConfig load(Path file, Map<String, String> env) {
        ConfigLoader l = new ConfigLoader();
        if (file != null && Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            Set<String> unknown = new TreeSet<>();
            for (String k : p.stringPropertyNames()) {
                if (!DEFAULTS.containsKey(k)) {
                    unknown.add(k);
                }
                l.values.setProperty(k, p.getProperty(k).trim());
            }
            if (!unknown.isEmpty()) {
                throw new ConfigException("unknown key(s) in " + file + ": " + unknown + "; known keys: "
                        + new TreeSet<>(DEFAULTS.keySet()));
            }
        }
        for (String k : DEFAULTS.keySet()) {
            String v = env.get(envName(k));
            if (v != null) {
                l.values.setProperty(k, v.trim());
            }
        }
        return l.build();
    }

    /** {@code ami.port} → {@code ONEKEY_AMI_PORT}; {@code http.maxBodyBytes} → {@code ONEKEY_HTTP_MAXBODYBYTES}. */
    public static String envName(String key) {
        return "ONEKEY_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private OneKeyConfig build() {
        OneKeyConfig c = new OneKeyConfig(
                new OneKeyConfig.Ami(text("ami.host"), port("ami.port"), text("ami.user"), values.getProperty("ami.secret"),
                        integer("ami.eventQueueCapacity", 100, 10_000_000)),
                new OneKeyConfig.Agi(text("agi.bind"), port("agi.port"), addressList("agi.allowFrom"),
                        integer("agi.headerTimeoutSeconds", 1, 600)),
                new OneKeyConfig.Http(text("http.bind"), port("http.port"),
                        integer("http.maxBodyBytes", 1024, 64 * 1024 * 1024),
                        integer("http.tokenTtlMinutes", 1, 60 * 24 * 30) * 60_000L,
                        integer("http.headerTimeoutSeconds", 1, 3600)),
                new OneKeyConfig.Db(jdbc("db.url"), values.getProperty("db.user"), values.getProperty("db.password"),
                        integer("db.poolSize", 1, 200)),
                new OneKeyConfig.Asterisk(text("asterisk.queue"), optionalPath("asterisk.agentsConf"),
                        port("asterisk.sipPort"), text("asterisk.sipHost")),
                new OneKeyConfig.Paths(path("paths.recordings"), path("paths.prompts"), path("paths.journal")),
                tts(),
                new OneKeyConfig.Calls(digits("calls.defaultAreaCode"), integer("calls.wrapUpSeconds", 0, 3600),
                        oneOf("calls.defaultLanguage", Set.of("zh", "en")), integer("calls.lookupTimeoutMs", 50, 10_000),
                        integer("journal.capacity", 100, 10_000_000), integer("calls.conferenceAloneSeconds", 3, 600)),
                new OneKeyConfig.Escalation(dialString("escalation.number"), integer("escalation.sosWaitSeconds", 5, 3600),
                        integer("escalation.otherWaitSeconds", 5, 36_000), integer("escalation.ringSeconds", 5, 300)),
                new OneKeyConfig.Logins(integer("logins.failuresPerAccount", 1, 1000),
                        integer("logins.failuresPerAddress", 1, 100_000), integer("logins.windowSeconds", 1, 86_400),
                        integer("logins.hashThreads", 1, 64), integer("logins.hashQueue", 0, 10_000)),
                httpTls(),
                new OneKeyConfig.Recordings(integer("recordings.retentionDays", 1, 36_500),
                        integer("recordings.retentionCheckMinutes", 1, 7 * 24 * 60),
                        integer("recordings.diskCheckSeconds", 1, 3600), integer("recordings.minFreeMb", 0, 100_000_000),
                        integer("recordings.minFreePercent", 0, 99)),
                new OneKeyConfig.Rescue(integer("rescue.redials", 1, 10), integer("rescue.redialIntervalSeconds", 1, 3600),
                        integer("rescue.ringSeconds", 5, 300), integer("rescue.listenSeconds", 2, 120),
                        integer("rescue.speechMillis", 100, 5000), integer("rescue.elderRetrySeconds", 5, 3600),
                        integer("rescue.followUpHours", 1, 48), integer("rescue.silenceSeconds", 3, 300),
                        oneOf("rescue.openOnAbandonedSos", Set.of("true", "false")).equals("true"),
                        integer("rescue.taskTakeSeconds", 1, 3600)),
                broadcast(),
                new OneKeyConfig.Ha(integer("ha.leaseSeconds", 3, 300), values.getProperty("ha.instanceId", "").trim()),
                new OneKeyConfig.Metrics(addressList("metrics.allowFrom")),
                nodes(),
                new OneKeyConfig.Devices(integer("devices.testDays", 1, 3650), integer("devices.silentCheckSeconds", 1, 3600),
                        platformKeys()),
                sms(),
                orders(),
                reports());
        if (!errors.isEmpty()) {
            throw new ConfigException("invalid configuration: " + String.join("; ", errors));
        }
        return c;
    }

    /** nodes.*: several Asterisk nodes behind Kamailio (issue 25); an empty list is the one Asterisk at ami.*. */
    private OneKeyConfig.Nodes nodes() {
        String v = values.getProperty("nodes.list", "").trim();
        List<OneKeyConfig.Node> list = new ArrayList<>();
        String expected = "a comma list of name=host:amiPort, the name being the node's Asterisk systemname (letters,"
                + " digits, _), e.g. n1=127.0.0.1:5038,n2=127.0.0.1:5039";
        if (!v.isEmpty()) {
            Set<String> names = new TreeSet<>();
            for (String part : v.split(",")) {
                var m = java.util.regex.Pattern.compile("([A-Za-z0-9_]+)=([A-Za-z0-9.:\\[\\]-]+):([0-9]{1,5})").matcher(part.trim());
                int port = m.matches() ? Integer.parseInt(m.group(3)) : 0;
                if (!m.matches() || port < 1 || port > 65535 || !names.add(m.group(1))) {
                    errors.add("nodes.list (" + envName("nodes.list") + ") is '" + v + "', expected " + expected
                            + " (distinct names)");
                    list.clear();
                    break;
                }
                list.add(new OneKeyConfig.Node(m.group(1), m.group(2), port));
            }
            Path agentsConf = optionalPath("asterisk.agentsConf");
            if (list.size() > 1 && agentsConf != null && !agentsConf.toString().contains("{node}")) {
                errors.add("asterisk.agentsConf (" + envName("asterisk.agentsConf") + ") is '" + agentsConf + "': with"
                        + " several nodes it must name each node's file with {node}, e.g. /run/asterisk-{node}/etc/asterisk/pjsip.agents.conf");
            }
        }
        String proxy = values.getProperty("nodes.proxy", "").trim();
        if (!proxy.isEmpty() && !proxy.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            errors.add("nodes.proxy (" + envName("nodes.proxy") + ") is '" + proxy + "', expected host[:port] of the"
                    + " Kamailio front the agents register with, e.g. 127.0.0.1:5060");
        }
        return new OneKeyConfig.Nodes(List.copyOf(list), proxy, optionalPath("nodes.subscribers"),
                integer("nodes.deadAfterMs", 200, 600_000));
    }

    /** devices.platformKeys: "platform:key,…" (issue 24); a key of fewer than 16 characters is refused. */
    private Map<String, String> platformKeys() {
        String v = values.getProperty("devices.platformKeys", "").trim();
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        if (v.isEmpty()) {
            return keys;
        }
        for (String part : v.split(",")) {
            int colon = part.indexOf(':');
            String platform = colon < 0 ? "" : part.substring(0, colon).trim();
            String key = colon < 0 ? "" : part.substring(colon + 1).trim();
            if (!platform.matches("[A-Za-z0-9._-]{1,32}") || key.length() < 16) {
                errors.add("devices.platformKeys (" + envName("devices.platformKeys") + ") is not of the form"
                        + " platform:key,platform2:key2 with a platform name of letters, digits, . _ - and a key of at"
                        + " least 16 characters");
                return Map.of();
            }
            keys.put(platform, key);
        }
        return keys;
    }

    /** orders.*: life services (issue 21), each value checked with its key named. */
    private OneKeyConfig.Orders orders() {
        List<String> categories = new ArrayList<>();
        for (String c : values.getProperty("orders.categories", "").split(",")) {
            if (!c.isBlank()) {
                categories.add(c.trim());
            }
        }
        if (categories.isEmpty() || categories.stream().anyMatch(c -> c.length() > 32)) {
            errors.add("orders.categories (" + envName("orders.categories") + ") is '" + values.getProperty("orders.categories")
                    + "', expected a comma-separated list of service categories (at most 32 characters each) such as"
                    + " 助餐,家政保洁,助浴,维修");
        }
        for (String k : List.of("orders.webhookRetry", "orders.callbackRetry")) {
            parse(k, "attempts x seconds such as 5x2", v -> RetrySpec.parse(v), null);
        }
        double radius = parse("orders.maxRadiusKm", "a distance in km, 0.1..500, such as 30", v -> {
            double d = Double.parseDouble(v);
            if (!(d >= 0.1 && d <= 500)) {
                throw new IllegalArgumentException();
            }
            return d;
        }, 30.0);
        return new OneKeyConfig.Orders(List.copyOf(categories), integer("orders.acceptSeconds", 3, 3600),
                integer("orders.replays", 1, 5), integer("orders.digitSeconds", 1, 30), radius,
                text("orders.webhookRetry"), integer("orders.callbackDelaySeconds", 0, 7 * 86_400),
                text("orders.callbackRetry"), integer("orders.subsidisedPercent", 0, 100));
    }

    /** paths.reports, reports.centreName, archive.key (checked here: a bad key fails the start, naming it). */
    private OneKeyConfig.Reports reports() {
        String key = values.getProperty("archive.key", "").trim();
        if (!key.isEmpty()) {
            try {
                onekey.elders.ArchiveCipher.of(key);
            } catch (IllegalArgumentException e) {
                errors.add("archive.key (" + envName("archive.key") + ") is not a key: expected 64 hex digits or base64"
                        + " of 32 bytes");
            }
        }
        String pushUrls = values.getProperty("reports.pushUrls", "").trim();
        String pushKey = values.getProperty("reports.pushKey", "").trim();
        String pushRetry = values.getProperty("reports.pushRetry", "6x60").trim();
        try {
            onekey.reports.ReportPush.Config.parse(pushUrls, pushKey, pushRetry);
        } catch (IllegalArgumentException e) {
            String k = e.getMessage().substring(0, e.getMessage().indexOf(':'));
            errors.add(k + " (" + envName(k) + ")" + e.getMessage().substring(k.length()));
        }
        return new OneKeyConfig.Reports(path("paths.reports"), text("reports.centreName"), key, pushUrls, pushKey, pushRetry);
    }

    /** paths.recordedPrompts and tts.*: the recorded prompts' folder (empty: none) and the prompt cache's bound. */
    private OneKeyConfig.Tts tts() {
        Path recorded = optionalPath("paths.recordedPrompts");
        if (recorded != null && Files.exists(recorded) && !Files.isDirectory(recorded)) {
            errors.add("paths.recordedPrompts (" + envName("paths.recordedPrompts") + ") is '" + recorded + "', expected a"
                    + " folder (with zh/, en/, wuu/ … subfolders of WAV files and a manifest.txt) or empty for none");
        }
        int maxMb = parse("tts.cacheMaxMb", "a size in megabytes, an integer 1..1048576 such as 1024 (the prompt cache"
                + " in paths.prompts is kept under it)", v -> {
                    int i = Integer.parseInt(v);
                    if (i < 1 || i > 1_048_576) {
                        throw new IllegalArgumentException();
                    }
                    return i;
                }, 1024);
        int rate = integer("tts.ratePercent", 50, 300);
        return new OneKeyConfig.Tts(recorded, maxMb, rate);
    }

    /** The triggers sms.triggers may name. */
    public static final Set<String> SMS_TRIGGERS = Set.of("sos-call", "incident-opened", "incident-escalated",
            "incident-ended", "booking");

    /** sms.*: the SMSC and how hard OneKey may push it (issue 20). */
    private OneKeyConfig.Sms sms() {
        String host = values.getProperty("sms.host", "").trim();
        Set<String> triggers = new java.util.LinkedHashSet<>();
        for (String t : values.getProperty("sms.triggers", "").split(",")) {
            String x = t.trim();
            if (x.isEmpty()) {
                continue;
            }
            if (!SMS_TRIGGERS.contains(x)) {
                errors.add("sms.triggers (" + envName("sms.triggers") + ") names '" + x + "', expected a comma list of "
                        + new TreeSet<>(SMS_TRIGGERS));
            }
            triggers.add(x);
        }
        String source = values.getProperty("sms.sourceAddress", "").trim();
        if (!source.matches("[0-9A-Za-z+]{0,20}")) {
            errors.add("sms.sourceAddress (" + envName("sms.sourceAddress") + ") is '" + source + "', expected the"
                    + " centre's sender number or name, up to 20 letters or digits");
        }
        // empty: the broadcasts' quiet hours; "none": texts have none
        String quiet = values.getProperty("sms.quietHours", "").trim();
        if (quiet.isEmpty()) {
            quiet = values.getProperty("broadcast.quietHours", "").trim();
        } else {
            try {
                DailyWindow.parse(quiet);
            } catch (IllegalArgumentException e) {
                errors.add("sms.quietHours (" + envName("sms.quietHours") + ") is '" + quiet + "', " + e.getMessage()
                        + " (empty: as broadcast.quietHours)");
            }
        }
        return new OneKeyConfig.Sms(host, port("sms.port"), values.getProperty("sms.systemId", "").trim(),
                values.getProperty("sms.password", ""), source, values.getProperty("sms.signature", ""),
                integer("sms.windowSize", 1, 1000), integer("sms.perSecond", 1, 10_000),
                integer("sms.enquireLinkSeconds", 1, 3600), values.getProperty("sms.centreNumber", "").trim(),
                Set.copyOf(triggers), quiet);
    }

    /** broadcast.*: each value checked here, with the key and the expected form in the message. */
    private OneKeyConfig.Broadcast broadcast() {
        String zone = parse("broadcast.timeZone", "a time zone id such as Asia/Shanghai", v -> java.time.ZoneId.of(v).getId(),
                "Asia/Shanghai");
        String quiet = values.getProperty("broadcast.quietHours", "").trim();
        try {
            DailyWindow.parse(quiet);
        } catch (IllegalArgumentException e) {
            errors.add("broadcast.quietHours (" + envName("broadcast.quietHours") + ") is '" + quiet + "', "
                    + e.getMessage());
        }
        for (String k : List.of("broadcast.retry.booking", "broadcast.retry.reminder", "broadcast.retry.checkIn")) {
            parse(k, "<attempts>x<seconds apart> such as 3x600 (attempts 1..10, seconds 1..86400)",
                    RetrySpec::parse, null);
        }
        int trunkChannels = integer("trunk.channels", 0, 10_000);
        int sosReserve = integer("trunk.sosReserve", 0, 10_000);
        if (trunkChannels > 0 && sosReserve >= trunkChannels) {
            errors.add("trunk.sosReserve (" + envName("trunk.sosReserve") + ") is " + sosReserve + ", expected fewer than"
                    + " trunk.channels (" + trunkChannels + "): the channels broadcasts leave free for SOS calls");
        }
        String evening = parse("broadcast.reminderEvening", "a time of day HH:MM such as 18:00",
                v -> java.time.LocalTime.parse(v).toString(), "18:00");
        return new OneKeyConfig.Broadcast(text("broadcast.retry.booking"), text("broadcast.retry.reminder"),
                text("broadcast.retry.checkIn"), integer("broadcast.ringSeconds", 5, 300), integer("broadcast.replays", 1, 5),
                integer("broadcast.digitSeconds", 1, 30), quiet, zone, evening,
                integer("broadcast.reminderHoursBefore", 1, 24), integer("broadcast.maxChannels", 1, 500),
                integer("broadcast.callsPerSecond", 1, 200), trunkChannels, sosReserve);
    }

    /**
     * http.tlsCert + http.tlsKey (both or neither, readable PEM files, the key in PKCS#8); without them the API
     * may listen in clear only on a loopback address, unless http.allowPlaintext=true.
     */
    private OneKeyConfig.HttpTls httpTls() {
        boolean allowPlaintext = oneOf("http.allowPlaintext", Set.of("false", "true")).equals("true");
        Path cert = pemFile("http.tlsCert", "-----BEGIN CERTIFICATE-----", null);
        Path key = pemFile("http.tlsKey", "PRIVATE KEY-----", "a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert"
                + " an RSA/EC key with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
        boolean certSet = !values.getProperty("http.tlsCert", "").isBlank();
        boolean keySet = !values.getProperty("http.tlsKey", "").isBlank();
        if (certSet != keySet) {
            errors.add("http.tlsCert (" + envName("http.tlsCert") + ") and http.tlsKey (" + envName("http.tlsKey")
                    + ") go together: set both for HTTPS/WSS, or neither");
        }
        String bind = values.getProperty("http.bind", "");
        if (!certSet && !keySet && !allowPlaintext && !bind.isBlank() && !loopback(bind)) {
            errors.add("http.bind (" + envName("http.bind") + ") is '" + bind + "', not a loopback address, and no TLS"
                    + " certificate is set: the API refuses to listen in clear on the network (login tokens and elders'"
                    + " records). Set http.tlsCert and http.tlsKey (" + envName("http.tlsCert") + ", "
                    + envName("http.tlsKey") + ": PEM certificate chain and PKCS#8 key) for HTTPS/WSS, bind"
                    + " 127.0.0.1 behind a TLS proxy, or set http.allowPlaintext=true (" + envName("http.allowPlaintext")
                    + ") if the network is trusted");
        }
        if (cert != null && key != null) {
            return new OneKeyConfig.HttpTls(cert, key, allowPlaintext);
        }
        return new OneKeyConfig.HttpTls(null, null, allowPlaintext);
    }

    /** An address the API may serve in clear on: 127.0.0.0/8, ::1, or a name that resolves only to them. */
    private static boolean loopback(String host) {
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host);
            for (java.net.InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Empty → null; else a readable file containing {@code marker}. */
    private Path pemFile(String key, String marker, String hint) {
        String v = values.getProperty(key, "").trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v).toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            errors.add(key + " (" + envName(key) + ") is '" + v + "': cannot read it (" + e.getMessage() + ")");
            return null;
        }
        if (!text.contains(marker) || (hint != null && (text.contains("BEGIN RSA PRIVATE KEY")
                || text.contains("BEGIN EC PRIVATE KEY")))) {
            errors.add(key + " (" + envName(key) + ") is '" + v + "', expected a PEM file with "
                    + (hint != null ? hint : marker));
            return null;
        }
        return p;
    }

    private String text(String key) {
        String v = values.getProperty(key);
        if (v == null || v.isBlank()) {
            errors.add(key + " (" + envName(key) + ") must not be empty");
            return "";
        }
        return v;
    }

    private <T> T parse(String key, String expected, Function<String, T> f, T fallback) {
        String v = text(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return f.apply(v);
        } catch (RuntimeException e) {
            errors.add(key + " (" + envName(key) + ") is '" + v + "', expected " + expected);
            return fallback;
        }
    }

    private int integer(String key, int min, int max) {
        String expected = "an integer " + min + ".." + max;
        return parse(key, expected, v -> {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new IllegalArgumentException();
            }
            return i;
        }, min);
    }

    private int port(String key) {
        return integer(key, 0, 65535);
    }

    private Path path(String key) {
        return parse(key, "a file system path", v -> Path.of(v).toAbsolutePath().normalize(), Path.of("."));
    }

    private Path optionalPath(String key) {
        String v = values.getProperty(key, "");
        return v.isBlank() ? null : path(key);
    }

    private String digits(String key) {
        return parse(key, "digits only", v -> {
            if (!v.matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException();
            }
            return v;
        }, "");
    }

    /** Empty, or a number the trunk can dial (digits, an optional leading +, at most 32). */
    private String dialString(String key) {
        String v = values.getProperty(key, "").trim();
        if (!v.isEmpty() && !v.matches("\\+?[0-9]{1,32}")) {
            errors.add(key + " (" + envName(key) + ") is '" + v + "', expected a phone number (digits, optional leading +) or empty");
            return "";
        }
        return v;
    }

    /** A comma list of IP addresses and CIDR blocks (who may connect). */
    private String addressList(String key) {
        String v = text(key);
        try {
            return onekey.net.AddressFilter.parse(v).toString();
        } catch (IllegalArgumentException e) {
            if (!v.isEmpty()) {
                errors.add(key + " (" + envName(key) + ") is '" + v + "', expected a comma list of IP addresses or CIDR"
                        + " blocks such as 127.0.0.1,::1,10.0.0.0/24: " + e.getMessage());
            }
            return onekey.net.AddressFilter.LOOPBACK;
        }
    }

    private String jdbc(String key) {
        return parse(key, "a JDBC URL starting jdbc:h2: or jdbc:mariadb:", v -> {
            if (!v.startsWith("jdbc:h2:") && !v.startsWith("jdbc:mariadb:") && !v.startsWith("jdbc:mysql:")) {
                throw new IllegalArgumentException();
            }
            return v;
        }, "");
    }

    private String oneOf(String key, Set<String> allowed) {
        return parse(key, "one of " + allowed, v -> {
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException();
            }
            return v;
        }, allowed.iterator().next());
    }
}
