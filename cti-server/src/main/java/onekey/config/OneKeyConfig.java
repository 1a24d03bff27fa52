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
        Calls calls,
        Escalation escalation) {

    /** AMI connection: Asterisk's manager interface. */
    public record Ami(String host, int port, String user, String secret, int eventQueueCapacity) {}

    /**
     * Where OneKey's FastAGI server listens (the dialplan's ONEKEY_AGI points here), and the addresses
     * and CIDR blocks it takes sessions from (comma list; others are refused and logged).
     */
    public record Agi(String bind, int port, String allowFrom) {}

    public record Http(String bind, int port, int maxBodyBytes, long tokenTtlMillis) {}

    public record Db(String url, String user, String password, int poolSize) {}

    /**
     * What OneKey needs to know of the Asterisk it drives: the queue its agents sit in and the file
     * it rewrites with agent PJSIP endpoints ({@code pjsip.agents.conf}, included by pjsip.conf);
     * an empty agentsConf means endpoints are provisioned by someone else.
     */
    public record Asterisk(String queue, Path agentsConf, int sipPort) {}

    /**
     * Folders shared with Asterisk (where MixMonitor writes, where TTS prompts are cached) and OneKey's
     * own call journal (writes owed to the database, kept through an outage or a crash).
     */
    public record Paths(Path recordings, Path prompts, Path journal) {}

    /**
     * Call handling: the default area code used to normalise local caller numbers, how long an agent
     * stays in wrap-up after a call, and the language for callers we do not know.
     */
    public record Calls(String defaultAreaCode, int wrapUpSeconds, String defaultLanguage, int lookupTimeoutMs,
                        int journalCapacity) {}

    /**
     * Nobody there (ARCHITECTURE "Faults"): an SOS call unanswered for {@code sosWaitSeconds}, any other
     * call for {@code otherWaitSeconds}, is dialled out through the trunk to {@code number} (a backup
     * centre or an on-call phone; empty = keep waiting in the queue), ringing {@code ringSeconds}.
     * OneKey hands these to the dialplan (AstDB), which applies them even while OneKey is down.
     */
    public record Escalation(String number, int sosWaitSeconds, int otherWaitSeconds, int ringSeconds) {}
}
