package onekey.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prompts on disk, made once: TTS, converted recordings and composed messages. A prompt lives at
 * {@code <dir>/<sha256>.wav} (8 kHz mono 16-bit, at the common level of {@link Loudness}); {@code dir} is typically
 * {@code RUNDIR/sounds/onekey}, where Asterisk can read it. A TTS prompt's name is
 * {@code sha256("v2\n" + language + "\n" + text)}.
 *
 * <p><b>Recordings first:</b> when {@link RecordedPrompts} has a recording of the text in the language (a flow's fixed
 * prompt, a fixed message), the prompt is that recording, converted; {@link #compose} builds a message of fixed
 * phrases and field values from recordings where there are some and TTS for the rest. A dialect without a voice
 * ({@code wuu}) is spoken by Mandarin TTS where it has no recording ({@link Languages#speech}).
 *
 * <p><b>Bounded:</b> past {@code maxBytes} the least recently used prompts are removed (down to 90 % of the bound) —
 * a hit refreshes a prompt's use time (kept in memory and, at most once a minute, as the file's modification time,
 * so a restart keeps the order). Only this cache's own files ({@code <64 hex>.wav} directly in {@code dir}) are
 * ever removed: never a file being written (a prompt being made is not a candidate until it is done), never a
 * recording. A prompt removed while a broadcast waited for its call is made again by the broadcast when it dials.
 *
 * <p><b>Path contract:</b> {@link #prompt} returns the full path of the {@code .wav} file. Asterisk's Playback /
 * STREAM FILE want it without the extension: use {@link #playbackPath} (or {@link #withoutExtension}) for that;
 * {@code playbackPath} fits {@code onekey.flows.FlowHost#prompt}.
 *
 * <p>An elder's call never fails for a voice: no engine, a missing voice or a failed synthesis gives
 * {@link Optional#empty()} and one WARN line that names the language and the hash, never the text.
 */
public final class PromptCache {

    private static final Logger log = LoggerFactory.getLogger(PromptCache.class);
    private static final Pattern OWN_FILE = Pattern.compile("[0-9a-f]{64}\\.wav");
    /** Pieces of a composed prompt keep this much of their own silence at each end. */
    static final int PIECE_SILENCE_MILLIS = 120;
    /** … and fade in and out over this much, so no join clicks. */
    static final int PIECE_FADE_MILLIS = 5;
    /** How often, at most, a hit writes its use time into the file's modification time. */
    private static final long TOUCH_FILE_MILLIS = 60_000;
    public static final long DEFAULT_MAX_BYTES = 1024L * 1024 * 1024;

    /** A piece of a message: a template's fixed phrase (with its id) or a field value ({@code phrase} null). */
    public record Part(String phrase, String text) {
        public static Part fixed(String phrase, String text) {
            return new Part(phrase, text);
        }

        public static Part value(String text) {
            return new Part(null, text);
        }
    }

    /** A cache file's size and when it was last used. */
    private static final class Entry {
        final long size;
        volatile long used;
        volatile long touched;

        Entry(long size, long used) {
            this.size = size;
            this.used = used;
            this.touched = used;
        }
    }

    private final Path dir;
    private final List<TtsEngine> engines;
    private final RecordedPrompts recorded;
    private final long maxBytes;
    private final ConcurrentMap<String, CompletableFuture<Optional<Path>>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Entry> index = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final ReentrantLock evicting = new ReentrantLock();
    /**
     * In every TTS prompt's name when the voices speak at another rate than their default, so a prompt made at one rate
     * is never played for another; empty at the default, so the names stay those of earlier releases.
     */
    private final String rateTag;
    private final AtomicLong syntheses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /**
     * No recordings, the default bound.
     *
     * @param engines in order of preference; for a language the first available engine of that language is used
     */
    public PromptCache(Path dir, List<TtsEngine> engines) {
        this(dir, engines, RecordedPrompts.none(), DEFAULT_MAX_BYTES);
    }

    /**
     * @param engines  in order of preference; for a language the first available engine of that language is used
     * @param recorded human recordings that replace TTS for the phrases they say
     * @param maxBytes the bound of the folder (config {@code tts.cacheMaxMb})
     */
    public PromptCache(Path dir, List<TtsEngine> engines, RecordedPrompts recorded, long maxBytes) {
        this(dir, engines, recorded, maxBytes, "");
    }

    private PromptCache(Path dir, List<TtsEngine> engines, RecordedPrompts recorded, long maxBytes, String rateTag) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.dir = dir.toAbsolutePath();
        this.engines = List.copyOf(engines);
        this.recorded = recorded;
        this.maxBytes = maxBytes;
        this.rateTag = rateTag;
        scan();
        evictIfOver(null);
    }

    /** zh → espeak-ng cmn; en → FreeTTS kevin16 if available, else espeak-ng en-us. No recordings, default bound. */
    public static PromptCache standard(Path dir) {
        return standard(dir, RecordedPrompts.none(), DEFAULT_MAX_BYTES);
    }

    /** The standard engines with recordings and a bound. */
    public static PromptCache standard(Path dir, RecordedPrompts recorded, long maxBytes) {
        return standard(dir, recorded, maxBytes, 100);
    }

    /** The standard engines speaking at {@code ratePercent} of their elder-friendly rate (config tts.ratePercent). */
    public static PromptCache standard(Path dir, RecordedPrompts recorded, long maxBytes, int ratePercent) {
        return new PromptCache(dir, List.of(EspeakTts.mandarin(ratePercent), new FreeTts(ratePercent),
                EspeakTts.english(ratePercent)), recorded, maxBytes, ratePercent == 100 ? "" : "rate=" + ratePercent + "\n");
    }

    /**
     * The .wav for {@code text} said in {@code language}: its recording when the language has one of exactly this
     * text, else TTS (made on first use); empty when no voice speaks it.
     */
    public Optional<Path> prompt(String text, String language) {
        String lang = normalize(language);
        String t = text == null ? "" : text;
        Optional<RecordedPrompts.Recording> r = recorded.find(lang, null, t);
        if (r.isPresent()) {
            Optional<Path> p = recording(r.get());
            if (p.isPresent()) {
                return p;
            }
        }
        return tts(t, Languages.speech(lang));
    }

    /**
     * A message of fixed phrases and field values in {@code language}, as one prompt: the recorded phrases (by phrase
     * id or exact text) where the language has them, TTS in {@link Languages#speech} for the rest — consecutive
     * unrecorded parts are spoken together, as one sentence. With nothing recorded this is exactly
     * {@code prompt(the whole text, language)}. A recording that cannot be used is spoken by TTS instead; when TTS
     * cannot speak a part the whole prompt is empty (never a message with a hole in it).
     */
    public Optional<Path> compose(List<Part> parts, String language) {
        String lang = normalize(language);
        String whole = String.join("", parts.stream().map(p -> p.text() == null ? "" : p.text()).toList());
        Optional<Path> wholeRecorded = recorded.find(lang, null, whole).flatMap(this::recording);
        if (wholeRecorded.isPresent()) {
            return wholeRecorded;
        }
        List<Object> pieces = new ArrayList<>(); // Recording or String (a TTS run)
        StringBuilder run = new StringBuilder();
        for (Part p : parts) {
            String text = p.text() == null ? "" : p.text();
            Optional<RecordedPrompts.Recording> r = spoken(text) || p.phrase() != null
                    ? recorded.find(lang, p.phrase(), text) : Optional.empty();
            if (r.isPresent() && recording(r.get()).isPresent()) {
                if (spoken(run)) {
                    pieces.add(run.toString());
                }
                run.setLength(0);
                pieces.add(r.get());
            } else {
                run.append(text);
            }
        }
        if (spoken(run)) {
            pieces.add(run.toString());
        }
        if (pieces.stream().noneMatch(p -> p instanceof RecordedPrompts.Recording)) {
            return tts(whole, Languages.speech(lang));
        }
        if (pieces.size() == 1) {
            return recording((RecordedPrompts.Recording) pieces.get(0)); // one recording says it all
        }
        StringBuilder id = new StringBuilder("composed\n").append(rateTag).append(lang);
        for (Object p : pieces) {
            id.append('\n').append(p instanceof RecordedPrompts.Recording r ? "R " + r.identity() : "T " + p);
        }
        String key = sha256(id.toString());
        String speech = Languages.speech(lang);
        return cached(key, wav -> {
            List<Wav.Pcm> pcm = new ArrayList<>();
            for (Object p : pieces) {
                Optional<Path> file = p instanceof RecordedPrompts.Recording r ? recording(r) : tts((String) p, speech);
                if (file.isEmpty()) {
                    log.warn("tts composed prompt skipped lang={} prompt={} reason=\"a part has no voice\"", lang,
                            shortHash(key));
                    return Optional.empty();
                }
                pcm.add(Wav.fade(Wav.trimSilence(readAgain(file.get(), p, speech), PIECE_SILENCE_MILLIS), PIECE_FADE_MILLIS));
            }
            Wav.write(Loudness.normalize(Wav.concat(pcm, Wav.TELEPHONY_RATE)), wav);
            log.info("tts prompt composed lang={} prompt={} pieces={} recorded={}", lang, shortHash(key), pieces.size(),
                    pieces.stream().filter(p -> p instanceof RecordedPrompts.Recording).count());
            return Optional.of(wav);
        });
    }

    /** A piece's audio; if its file went away between being made and being read (evicted), it is made again. */
    private Wav.Pcm readAgain(Path file, Object piece, String speech) throws IOException {
        try {
            return Wav.read(file);
        } catch (NoSuchFileException e) {
            Optional<Path> again = piece instanceof RecordedPrompts.Recording r ? recording(r) : tts((String) piece, speech);
            return Wav.read(again.orElseThrow(() -> e));
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

    /**
     * A prompt that is about to be played (a broadcast dialling a prompt made hours ago): its use time is refreshed
     * so it is not removed during the call. False when it is not there any more.
     */
    public boolean use(String playbackPath) {
        Path wav = Path.of(playbackPath.endsWith(".wav") ? playbackPath : playbackPath + ".wav");
        if (!Files.isRegularFile(wav)) {
            return false;
        }
        if (wav.toAbsolutePath().getParent().equals(dir)) {
            hit(wav);
        }
        return true;
    }

    /**
     * Converts every recording now (in the background at start): a broken file is reported (WARN) when the server
     * starts rather than when the first elder should hear it.
     */
    public int warmRecordings() {
        int ok = 0;
        for (RecordedPrompts.Recording r : recorded.all()) {
            if (recording(r).isPresent()) {
                ok++;
            }
        }
        return ok;
    }

    /** How many prompts were synthesized (not served from disk) since start. */
    public long synthesized() {
        return syntheses.get();
    }

    /** How many prompt files the bound removed since start. */
    public long evicted() {
        return evictions.get();
    }

    /** Bytes of prompts in the folder (as this cache counts them). */
    public long sizeBytes() {
        return bytes.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Whether some available engine speaks {@code language} (a dialect: its Mandarin voice). */
    public boolean speaks(String language) {
        return engineFor(Languages.speech(language)).isPresent();
    }

    // ---- making prompts -----------------------------------------------------------------------------------------

    /** A TTS prompt in a voice's language. */
    private Optional<Path> tts(String text, String lang) {
        String key = ttsKey(lang, text);
        return cached(key, wav -> synthesize(text, lang, key, wav));
    }

    /**
     * The name of a TTS prompt, remembered for the texts said lately (issue 23: every call's greeting hashed its text
     * again); at most {@value #KEYS_REMEMBERED} texts, forgotten all at once past that.
     */
    private String ttsKey(String lang, String text) {
        String memo = lang + "\n" + text;
        String key = keys.get(memo);
        if (key == null) {
            key = rateTag.isEmpty() ? hash(lang, text) : sha256("v2\n" + rateTag + lang + "\n" + text);
            if (keys.size() >= KEYS_REMEMBERED) {
                keys.clear();
            }
            keys.put(memo, key);
        }
        return key;
    }

    private static final int KEYS_REMEMBERED = 4_096;
    private final ConcurrentMap<String, String> keys = new ConcurrentHashMap<>();

    /** A recording converted to a prompt; empty (after one WARN) when it cannot be used. */
    private Optional<Path> recording(RecordedPrompts.Recording r) {
        String key = sha256("recorded\n" + r.identity());
        return cached(key, wav -> {
            Wav.Pcm pcm;
            try {
                pcm = recorded.load(r);
            } catch (TtsException e) {
                return Optional.empty(); // RecordedPrompts warned, naming the file
            }
            Wav.write(pcm, wav);
            log.info("tts prompt from recording lang={} prompt={} file={}", r.language(), shortHash(key), r.file());
            return Optional.of(wav);
        });
    }

    private interface Maker {
        Optional<Path> make(Path wav) throws IOException;
    }

    /** The file of {@code key}: a hit refreshes its use; else made once (concurrent askers wait), indexed, bounded. */
    private Optional<Path> cached(String key, Maker maker) {
        Path wav = dir.resolve(key + ".wav");
        if (Files.isRegularFile(wav)) {
            hit(wav);
            return Optional.of(wav);
        }
        CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Path>> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join(); // someone else is making this prompt right now
        }
        try {
            Optional<Path> result;
            if (Files.isRegularFile(wav)) {
                hit(wav);
                result = Optional.of(wav);
            } else {
                try {
                    result = maker.make(wav);
                } catch (IOException | TtsException e) {
                    log.warn("tts prompt not written prompt={} reason=\"{}\"", shortHash(key), e.getMessage());
                    result = Optional.empty();
                }
                result.ifPresent(this::added);
            }
            mine.complete(result);
            evictIfOver(key);
            return result;
        } catch (RuntimeException e) {
            mine.complete(Optional.empty());
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
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

    // ---- the bound ----------------------------------------------------------------------------------------------

    /** The folder as it is at start: this cache's files, their sizes and modification times as their last use. */
    private void scan() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (OWN_FILE.matcher(f.getFileName().toString()).matches()) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            put(f.getFileName().toString(), new Entry(a.size(), a.lastModifiedTime().toMillis()));
                        }
                    } catch (IOException ignored) {
                        // gone meanwhile
                    }
                }
            }
        } catch (IOException e) {
            log.warn("tts cache: cannot list dir={} error=\"{}\"", dir, e.getMessage());
        }
        log.info("tts cache dir={} prompts={} sizeMb={} maxMb={}", dir, index.size(), mb(bytes.get()), mb(maxBytes));
    }

    private void hit(Path wav) {
        String name = wav.getFileName().toString();
        long now = System.currentTimeMillis();
        Entry e = index.get(name);
        if (e == null) {
            added(wav); // made by an earlier run or another process after the scan
            return;
        }
        e.used = now;
        if (now - e.touched > TOUCH_FILE_MILLIS) {
            e.touched = now;
            try {
                Files.setLastModifiedTime(wav, FileTime.fromMillis(now));
            } catch (IOException ignored) {
                // the in-memory use time still counts; only a restart would see an older one
            }
        }
    }

    private void added(Path wav) {
        String name = wav.getFileName().toString();
        if (!OWN_FILE.matcher(name).matches()) {
            return;
        }
        try {
            put(name, new Entry(Files.size(wav), System.currentTimeMillis()));
        } catch (IOException ignored) {
            // removed meanwhile: nothing to count
        }
    }

    private void put(String name, Entry e) {
        Entry old = index.put(name, e);
        bytes.addAndGet(e.size - (old == null ? 0 : old.size));
    }

    /**
     * Past the bound: removes the least recently used prompts down to 90 % of it. Never {@code making} (the prompt
     * just made, whose caller has not got it yet) nor any prompt being made; one thread at a time.
     */
    private void evictIfOver(String making) {
        if (bytes.get() <= maxBytes || !evicting.tryLock()) {
            return;
        }
        try {
            long low = maxBytes / 10 * 9;
            record Candidate(String name, Entry entry, long used) {}
            List<Candidate> lru = new ArrayList<>();
            index.forEach((name, e) -> lru.add(new Candidate(name, e, e.used)));
            lru.sort(Comparator.comparingLong(Candidate::used));
            int removed = 0;
            long freed = 0;
            for (Candidate c : lru) {
                if (bytes.get() <= low) {
                    break;
                }
                String key = c.name().substring(0, 64);
                if (key.equals(making) || inFlight.containsKey(key) || c.entry().used != c.used()) {
                    continue; // being made, or used since the list was sorted
                }
                try {
                    Files.deleteIfExists(dir.resolve(c.name()));
                } catch (IOException e) {
                    log.warn("tts cache: cannot remove prompt={} error=\"{}\"", shortHash(key), e.getMessage());
                    continue;
                }
                if (index.remove(c.name(), c.entry())) {
                    bytes.addAndGet(-c.entry().size);
                    freed += c.entry().size;
                    removed++;
                }
            }
            evictions.addAndGet(removed);
            log.info("tts cache evicted prompts={} freedKb={} sizeMb={} maxMb={} (tts.cacheMaxMb)", removed, freed / 1024,
                    mb(bytes.get()), mb(maxBytes));
        } finally {
            evicting.unlock();
        }
    }

    private static String mb(long b) {
        return String.format(java.util.Locale.ROOT, "%.1f", b / 1048576.0);
    }

    // ---- names --------------------------------------------------------------------------------------------------

    /** Text with something to say (not only spaces and punctuation). */
    private static boolean spoken(CharSequence text) {
        return text.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** See {@link Languages#normalize}. */
    static String normalize(String language) {
        return Languages.normalize(language);
    }

    /**
     * The name of a TTS prompt. Prompts made before every prompt was brought to one level (names without the "v2"
     * line) are not reused after an upgrade: they would be louder or quieter than the rest; they age out of the cache.
     */
    static String hash(String language, String text) {
        return sha256("v2\n" + language + "\n" + text);
    }

    private static String sha256(String s) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String shortHash(String key) {
        return key.substring(0, 12);
    }
}
