package onekey.config;

import java.nio.file.Path;

/**
 * The whole configuration of a cti-server, read once at start by {@link ConfigLoader} from one
 * properties file with environment overrides (key {@code ami.port} ← env {@code ONEKEY_AMI_PORT}).
 */
public record OneKeyConfig(
        Ami ami,
        Agi agi,
        Http http,
        Db db,
        Asterisk asterisk,
        Paths paths,
        Tts tts,
        Calls calls,
        Escalation escalation,
        Logins logins,
        HttpTls httpTls,
        Recordings recordings,
        Rescue rescue,
        Broadcast broadcast,
        Ha ha,
        Metrics metrics,
        Nodes nodes,
        Devices devices,
        Sms sms,
        Orders orders,
        Reports reports) {

    /**
     * The SMSC OneKey sends texts through (issue 20; SMPP 3.4, bound as a transceiver). An empty {@code host}: no
     * SMS ({@code /api/health} says so). {@code windowSize}: submits awaiting their response at once;
     * {@code perSecond}: submits per second at most; {@code signature}: put before every text (【一键通】).
     * {@code centreNumber}: the number texts tell the family to call. {@code triggers}: which events send texts
     * (sos-call, incident-opened, incident-escalated, incident-ended, booking), comma list. {@code quietHours}:
     * "21:00-08:00" or none, in broadcast.timeZone — texts that are not about an incident/SOS (nor a seat's own
     * text) written inside them wait in their rows for the end (default: broadcast.quietHours).
     */
    public record Sms(String host, int port, String systemId, String password, String sourceAddress, String signature,
                      int windowSize, int perSecond, int enquireLinkSeconds, String centreNumber,
                      java.util.Set<String> triggers, String quietHours) {
        public Sms(String host, int port, String systemId, String password, String sourceAddress, String signature,
                   int windowSize, int perSecond, int enquireLinkSeconds, String centreNumber,
                   java.util.Set<String> triggers) {
            this(host, port, systemId, password, sourceAddress, signature, windowSize, perSecond, enquireLinkSeconds,
                    centreNumber, triggers, "none");
        }

        public boolean enabled() {
            return host != null && !host.isBlank();
        }

        /** No SMS. */
        public static Sms off() {
            return new Sms("", 2775, "", "", "", "", 1, 1, 30, "", java.util.Set.of());
        }
    }

    /** AMI connection: Asterisk's manager interface. */
    public record Ami(String host, int port, String user, String secret, int eventQueueCapacity) {}

    /**
     * Where OneKey's FastAGI server listens (the dialplan's ONEKEY_AGI points here), and the addresses
     * and CIDR blocks it takes sessions from (comma list; others are refused and logged).
     * {@code headerTimeoutSeconds}: a session whose AGI environment is not complete within it is closed.
     */
    public record Agi(String bind, int port, String allowFrom, int headerTimeoutSeconds) {}

    /** {@code headerTimeoutSeconds}: a connection's request head must arrive within it (slow clients are closed). */
    public record Http(String bind, int port, int maxBodyBytes, long tokenTtlMillis, int headerTimeoutSeconds) {}

    public record Db(String url, String user, String password, int poolSize) {}

    /**
     * What OneKey needs to know of the Asterisk it drives: the queue its agents sit in and the file
     * it rewrites with agent PJSIP endpoints ({@code pjsip.agents.conf}, included by pjsip.conf);
     * an empty agentsConf means endpoints are provisioned by someone else.
     */
    public record Asterisk(String queue, Path agentsConf, int sipPort, String sipHost) {
        /** Without the SIP host agents' phones register to (asterisk.sipHost, default 127.0.0.1). */
        public Asterisk(String queue, Path agentsConf, int sipPort) {
            this(queue, agentsConf, sipPort, "127.0.0.1");
        }
    }

    /**
     * Folders shared with Asterisk (where MixMonitor writes, where TTS prompts are cached) and OneKey's
     * own call journal (writes owed to the database, kept through an outage or a crash).
     */
    public record Paths(Path recordings, Path prompts, Path journal) {}

    /**
     * Prompts: the folder of human recordings that replace TTS for fixed phrases ({@code paths.recordedPrompts},
     * {@code <language>/} subfolders with a {@code manifest.txt}; null: none) and the bound of the prompt cache in
     * {@code paths.prompts} ({@code tts.cacheMaxMb}; least recently used prompts are removed past it).
     */
    /** @param ratePercent speaking rate of the TTS voices, 100 = their elder-friendly default */
    public record Tts(Path recordedPrompts, int cacheMaxMb, int ratePercent) {
        public long cacheMaxBytes() {
            return cacheMaxMb * 1024L * 1024L;
        }
    }

    /**
     * Call handling: the default area code used to normalise local caller numbers, how long an agent
     * stays in wrap-up after a call, the language for callers we do not know, and how long an elder may be
     * alone in a conference room before being put back into the queue.
     */
    public record Calls(String defaultAreaCode, int wrapUpSeconds, String defaultLanguage, int lookupTimeoutMs,
                        int journalCapacity, int conferenceAloneSeconds) {}

    /**
     * Nobody there (ARCHITECTURE "Faults"): an SOS call unanswered for {@code sosWaitSeconds}, any other
     * call for {@code otherWaitSeconds}, is dialled out through the trunk to {@code number} (a backup
     * centre or an on-call phone; empty = keep waiting in the queue), ringing {@code ringSeconds}.
     * OneKey hands these to the dialplan (AstDB), which applies them even while OneKey is down.
     */
    public record Escalation(String number, int sosWaitSeconds, int otherWaitSeconds, int ringSeconds) {}

    /**
     * Password checks (issue 6): an account name with {@code failuresPerAccount}, or an address with
     * {@code failuresPerAddress}, failed logins inside {@code windowSeconds} gets 429 without any hashing; hashes
     * run on {@code hashThreads} threads with {@code hashQueue} waiting at most (beyond that: 429 at once).
     */
    public record Logins(int failuresPerAccount, int failuresPerAddress, int windowSeconds, int hashThreads,
                         int hashQueue) {}

    /**
     * Transport of the REST + WebSocket API: with a certificate chain and a PKCS#8 key (PEM files) it speaks only
     * HTTPS and WSS; without them plain HTTP, which {@link ConfigLoader} allows only on a loopback address unless
     * {@code allowPlaintext} (tokens and elders' records would cross the network in clear).
     */
    public record HttpTls(Path cert, Path key, boolean allowPlaintext) {
        public boolean enabled() {
            return cert != null && key != null;
        }
    }

    /**
     * Recording retention and the recordings disk (issue 6): audio files older than {@code retentionDays} are
     * deleted (their rows kept and marked removed) unless on hold, checked every {@code retentionCheckMinutes}
     * and once at start; the recordings folder's free space is checked every {@code diskCheckSeconds}, and
     * an alert is raised while it is below {@code minFreeMb} or below {@code minFreePercent} of the file system
     * (0 turns that test off).
     */
    public record Recordings(int retentionDays, int retentionCheckMinutes, int diskCheckSeconds, long minFreeMb,
                             int minFreePercent) {}

    /**
     * No-response rescue (issue 8): how many redials of the elder, how far apart, how long each rings, how long
     * Asterisk listens on an answered redial and how much continuous sound counts as the elder speaking.
     */
    public record Rescue(int redials, int redialIntervalSeconds, int ringSeconds, int listenSeconds, int speechMillis,
                         int elderRetrySeconds, int followUpHours, int silenceSeconds, boolean openOnAbandonedSos,
                         int taskTakeSeconds) {}

    /**
     * Voice broadcasts (issue 9): the retry plan per kind ("3x600": 3 attempts 600 s apart; booking, reminder,
     * check-in), how long a call rings, how many times the message is played without a key and how long each play
     * waits for one, the quiet hours ("21:00-08:00" or none) in {@code timeZone}, when reminders go out (the day
     * before at {@code reminderEvening}, {@code reminderHoursBefore} h before), how many broadcast calls may be
     * up at once and how many may start a second; and the trunk: its channels (0: not known to OneKey) and how many
     * of them broadcasts always leave free for SOS and rescue calls.
     */
    public record Broadcast(String retryBooking, String retryReminder, String retryCheckIn, int ringSeconds, int replays,
                            int digitSeconds, String quietHours, String timeZone, String reminderEvening,
                            int reminderHoursBefore, int maxChannels, int callsPerSecond, int trunkChannels,
                            int trunkSosReserve) {}

    /**
     * One active cti-server per database (issue 10): the active instance holds a lease row it renews every third of
     * {@code leaseSeconds}; a standby (another machine, same database) waits and takes over when the lease
     * expires. {@code instanceId} names this instance (empty: host name and FastAGI port); the same instance
     * restarting (kill -9, a crash) takes its own lease back at once.
     */
    public record Ha(int leaseSeconds, String instanceId) {}

    /**
     * {@code GET /metrics} (Prometheus text format): who may scrape it without signing in, a comma list of addresses
     * and CIDR blocks ({@code metrics.allowFrom}, loopback by default); a signed-in admin may read it from anywhere.
     */
    public record Metrics(String allowFrom) {}

    /**
     * Several Asterisk nodes behind Kamailio (issue 25). {@code list} empty: one Asterisk at {@code ami.*}, as
     * always. Otherwise one AMI connection per node ({@code name} is the node's Asterisk systemname, the prefix
     * of its uniqueids), all with {@code ami.user}/{@code ami.secret}; {@code asterisk.agentsConf} names each
     * node's pjsip.agents.conf with {@code {node}} for the node's name; the agents' AORs get the contact
     * {@code sip:<ext>@proxy} (Kamailio, where they register), and their credentials go into Kamailio's
     * subscriber table {@code subscribers} (empty: not written). A node whose AMI is lost and not back within
     * {@code deadAfterMs} is dead: its calls are over, its cut-off elders are called back.
     */
    public record Nodes(java.util.List<Node> list, String proxy, Path subscribers, int deadAfterMs) {
        public boolean enabled() {
            return !list.isEmpty();
        }
    }

    /** One node: its name (Asterisk's systemname) and its AMI address. */
    public record Node(String name, String amiHost, int amiPort) {}

    /**
     * Devices and their alarms (issue 24): a terminal not tested within {@code testDays} is listed by the report; a
     * heartbeat device is checked every {@code silentCheckSeconds}; {@code platformKeys}: each device platform's HMAC key
     * for {@code POST /api/alarms} ("platform:key,platform2:key2"; empty: no platform may post).
     */
    public record Devices(int testDays, int silentCheckSeconds, java.util.Map<String, String> platformKeys) {}

    /**
     * Life services (issue 21): the categories suppliers may serve (a configurable list); how long a supplier has to
     * accept an offer ({@code acceptSeconds}: the ring and the answered call are both bounded by it) before the next
     * one is asked; how many times the offer is spoken without a key and how long each play waits; how far (km) the
     * bounding-box prefilter looks around the elder; the webhook's retries ("5x2": 5 deliveries, 2 s, 4 s, 8 s ...
     * apart); how long after the supplier reports done the elder is called back, and the callback's retry plan; the
     * share the district pays for a subsidised elder (district-paid: 100, others: 0).
     */
    public record Orders(java.util.List<String> categories, int acceptSeconds, int replays, int digitSeconds,
                         double maxRadiusKm, String webhookRetry, int callbackDelaySeconds, String callbackRetry,
                         int subsidisedPercent) {}

    /**
     * The district's view (issue 22): where the monthly reports are kept ({@code paths.reports}), the centre's name
     * printed on them ({@code reports.centreName}), and the key that seals the archive's secrets ({@code archive.key},
     * env {@code ONEKEY_ARCHIVE_KEY}: 64 hex digits or base64 of 32 bytes; empty: insurance card numbers can be
     * neither stored nor revealed). Periods are days in the centre's zone ({@code broadcast.timeZone}). The monthly
     * report's signed push to the district's platform ({@link onekey.reports.ReportPush}): {@code reports.pushUrls}
     * (comma-separated; empty: none), {@code reports.pushKey} (env {@code ONEKEY_REPORTS_PUSHKEY}, the HMAC key),
     * {@code reports.pushRetry} ("6x60").
     */
    public record Reports(Path dir, String centreName, String archiveKey, String pushUrls, String pushKey,
                          String pushRetry) {
        public static final Reports DEFAULTS = new Reports(Path.of("./run/data/reports").toAbsolutePath().normalize(),
                "一键通呼叫中心", "");

        /** Without a push to the district's platform. */
        public Reports(Path dir, String centreName, String archiveKey) {
            this(dir, centreName, archiveKey, "", "", "6x60");
        }

        @Override
        public String toString() { // never a key in a log line
            return "Reports[dir=" + dir + ", centreName=" + centreName + ", archiveKey=" + (archiveKey.isEmpty() ? "none" : "set")
                    + ", pushUrls=" + pushUrls + ", pushKey=" + (pushKey.isEmpty() ? "none" : "set") + ", pushRetry=" + pushRetry + "]";
        }
    }
}
