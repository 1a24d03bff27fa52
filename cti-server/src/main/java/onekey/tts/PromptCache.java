package onekey.tts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthesized prompts on disk, made once. A prompt lives at {@code <dir>/<sha256(language + "\n" + text)>.wav}
 * (8 kHz mono 16-bit); {@code dir} is typically {@code RUNDIR/sounds/onekey}, where Asterisk can read it.
 *
 * <p><b>Path contract:</b> {@link #prompt} returns the full path of the {@code .wav} file.
 * Asterisk's Playback / STREAM FILE want it without the extension: use {@link #playbackPath} (or
 * {@link #withoutExtension}) for that; {@code playbackPath} fits {@code onekey.flows.FlowHost#prompt}.
 *
 * <p>An elder's call never fails for a voice: no engine, a missing voice or a failed synthesis gives
 * {@link Optional#empty()} and one WARN line that names the language and the hash, never the text.
 */
public final class PromptCache {

    private static final Logger log = LoggerFactory.getLogger(PromptCache.class);

    private final Path dir;
    private final List<TtsEngine> engines;
    private final ConcurrentMap<String, CompletableFuture<Optional<Path>>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong syntheses = new AtomicLong();

    /**
     * @param engines in order of preference; for a language the first available engine of that language
     *     is used
     */
    public PromptCache(Path dir, List<TtsEngine> engines) {
        this.dir = dir.toAbsolutePath();
        this.engines = List.copyOf(engines);
    }

    /** zh → espeak-ng cmn; en → FreeTTS kevin16 if available, else espeak-ng en-us. */
    public static PromptCache standard(Path dir) {
        return new PromptCache(dir, List.of(EspeakTts.mandarin(), new FreeTts(), EspeakTts.english()));
    }

    /** The .wav for {@code text} spoken in {@code language}, synthesized on first use; empty when no voice. */
    public Optional<Path> prompt(String text, String language) {
        String lang = normalize(language);
        String key = hash(lang, text == null ? "" : text);
        Path wav = dir.resolve(key + ".wav");
        if (Files.isRegularFile(wav)) {
            return Optional.of(wav);
        }
        CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Path>> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join(); // someone else is synthesizing this prompt right now
        }
        try {
            Optional<Path> result = Files.isRegularFile(wav) ? Optional.of(wav) : synthesize(text, lang, key, wav);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.complete(Optional.empty());
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** {@link #prompt} as Asterisk wants it: the path without ".wav". */
    public Optional<String> playbackPath(String text, String language) {
        return prompt(text, language).map(PromptCache::withoutExtension);
    }

    public static String withoutExtension(Path wav) {
        String s = wav.toString();
        return s.endsWith(".wav") ? s.substring(0, s.length() - 4) : s;
    }

    /** How many prompts were synthesized (not served from disk) since start. */
    public long synthesized() {
        return syntheses.get();
    }

    /** Whether some available engine speaks {@code language}. */
    public boolean speaks(String language) {
        return engineFor(normalize(language)).isPresent();
    }

    private Optional<Path> synthesize(String text, String lang, String key, Path wav) {
        Optional<TtsEngine> engine = engineFor(lang);
        if (engine.isEmpty()) {
            log.warn("tts prompt skipped lang={} prompt={} reason=\"no available engine for the language\"", lang, shortHash(key));
            return Optional.empty();
        }
        try {
            engine.get().synthesize(text, wav);
            syntheses.incrementAndGet();
            log.info("tts prompt synthesized lang={} prompt={} engine=\"{}\"", lang, shortHash(key), engine.get());
            return Optional.of(wav);
        } catch (RuntimeException e) {
            log.warn("tts prompt skipped lang={} prompt={} engine=\"{}\" reason=\"{}\"", lang, shortHash(key), engine.get(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<TtsEngine> engineFor(String lang) {
        return engines.stream().filter(e -> e.language().equals(lang) && e.available()).findFirst();
    }

    /** "zh", "zh-CN", "cmn", "ZH_cn" → "zh"; "en-US" → "en"; empty → "zh" (the default language). */
    static String normalize(String language) {
        if (language == null || language.isBlank()) {
            return "zh";
        }
        String l = language.trim().toLowerCase(Locale.ROOT).split("[-_]")[0];
        return l.equals("cmn") ? "zh" : l;
    }

    static String hash(String language, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((language + "\n" + text).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String shortHash(String key) {
        return key.substring(0, 12);
    }
}
