package onekey.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Human recordings of fixed phrases, which are played instead of TTS (config {@code paths.recordedPrompts}). The
 * centre's staff drop WAV files in, without code and without a restart:
 *
 * <pre>
 * recorded-prompts/
 *   zh/   manifest.txt  greeting.wav  keys-booking.wav  …
 *   en/   manifest.txt  …
 *   wuu/  manifest.txt  …        Shanghainese: filed under the Mandarin text / phrase id they say
 * </pre>
 *
 * <p>{@code <language>/manifest.txt} (UTF-8) maps each recording to the phrase it says, one per line:
 * <pre>
 * # file = @phrase id (a broadcast template's fixed phrase, docs/operations.md lists them)
 * keys-booking.wav = @keys.booking
 * # file = the exact text (a flow's or a message's fixed prompt, as written there)
 * greeting.wav = 您好，马上为您接通。
 * </pre>
 * A WAV file named after a phrase id needs no line ({@code wuu/keys.booking.wav} says {@code @keys.booking}). The
 * manifest and the folder are looked at again at most every {@value #RECHECK_MILLIS} ms, so a new or replaced
 * recording is used by the next prompt that needs it.
 *
 * <p>Any common WAV is accepted (PCM 8/16/24/32-bit, float, A-law, µ-law; any rate; mono or stereo): it is
 * converted to 8 kHz mono, its lead-in and tail silence trimmed, and brought to the common level ({@link Loudness})
 * when first used; the original is never changed or removed. A recording that cannot be used (missing, not a WAV,
 * silent) is one WARN naming the file and why, and TTS speaks the phrase: never silence.
 */
public final class RecordedPrompts {

    private static final Logger log = LoggerFactory.getLogger(RecordedPrompts.class);
    public static final String MANIFEST = "manifest.txt";
    static final long RECHECK_MILLIS = 2000;
    /** A recording's own lead-in and tail kept (the rest of its silence is cut). */
    static final int KEEP_SILENCE_MILLIS = 100;

    /** One recording: the language folder it is in, the phrase id or text it says, the file and its version. */
    public record Recording(String language, String phrase, Path file, long size, long modifiedMillis) {
        /** Changes when the file is replaced: a new recording gets a new converted prompt. */
        String identity() {
            return language + "\n" + file + "\n" + size + "\n" + modifiedMillis;
        }
    }

    /**
     * A language folder as last read: phrase id → file, exact text → file, each file's size and modification time
     * (null: missing), and when it was read. Prompts look here, in memory; the disk is looked at again at most every
     * {@value #RECHECK_MILLIS} ms.
     */
    private record Folder(Map<String, Path> byPhrase, Map<String, Path> byText, Map<Path, long[]> files, long stamp,
                          long checkedAt) {}

    private final Path root;
    private final ConcurrentMap<String, Folder> folders = new ConcurrentHashMap<>();
    /** identity → why it cannot be used (warned once per version of the file). */
    private final ConcurrentMap<String, String> broken = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Boolean> warned = new ConcurrentHashMap<>();

    private RecordedPrompts(Path root) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    /** No recordings: everything is TTS. */
    public static RecordedPrompts none() {
        return new RecordedPrompts(null);
    }

    /** Recordings under {@code root} ({@code <root>/<language>/}); a folder that does not exist (yet) has none. */
    public static RecordedPrompts in(Path root) {
        RecordedPrompts r = new RecordedPrompts(root);
        if (root != null && !Files.isDirectory(root)) {
            log.info("recorded prompts: none yet dir={} (create {}/<zh|en|wuu>/ with WAV files and a {})", r.root,
                    r.root, MANIFEST);
        }
        return r;
    }

    /** The folder, or null when there are no recordings. */
    public Path root() {
        return root;
    }

    /**
     * The recording of a phrase in {@code language}: by its phrase id first (may be null), then by its exact text
     * (surrounding spaces ignored). Empty when there is none, or its file is missing or known to be unusable.
     */
    public Optional<Recording> find(String language, String phrase, String text) {
        if (root == null) {
            return Optional.empty();
        }
        String lang = Languages.normalize(language);
        Folder f = folder(lang);
        Path file = phrase == null ? null : f.byPhrase().get(phrase);
        String key = phrase != null && file != null ? "@" + phrase : null;
        if (file == null && text != null && !text.isBlank()) {
            file = f.byText().get(text.strip());
            key = text.strip();
        }
        if (file == null) {
            return Optional.empty();
        }
        long[] a = f.files().get(file);
        if (a == null) {
            warnOnce("missing:" + file, "recorded prompt missing language={} file={} phrase=\"{}\": TTS speaks it", lang,
                    file, key);
            return Optional.empty();
        }
        Recording r = new Recording(lang, key, file, a[0], a[1]);
        return broken.containsKey(r.identity()) ? Optional.empty() : Optional.of(r);
    }

    /** Every recording the folders name now (for the warm-up at start, which finds broken files early). */
    public List<Recording> all() {
        List<Recording> out = new ArrayList<>();
        if (root == null || !Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> langs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : langs) {
                String lang = d.getFileName().toString();
                Folder f = folder(lang);
                for (Map.Entry<String, Path> e : f.byPhrase().entrySet()) {
                    find(lang, e.getKey(), null).ifPresent(out::add);
                }
                for (String text : f.byText().keySet()) {
                    find(lang, null, text).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            log.warn("recorded prompts: cannot list dir={} error=\"{}\"", root, e.getMessage());
        }
        return out;
    }

    /**
     * The recording as a telephony prompt: 8 kHz mono, silence trimmed, at the common level.
     *
     * @throws TtsException why it cannot be used (also logged once as a WARN; later calls for the same version of
     *     the file fail at once)
     */
    Wav.Pcm load(Recording r) {
        String why = broken.get(r.identity());
        if (why != null) {
            throw new TtsException(why);
        }
        try {
            Wav.Pcm pcm = Wav.read(Files.readAllBytes(r.file()));
            if (pcm.seconds() < 0.1) {
                throw new TtsException("shorter than 0.1 s (" + pcm.samples().length + " samples at " + pcm.rate() + " Hz)");
            }
            Wav.Pcm tel = Wav.trimSilence(Wav.resample(pcm, Wav.TELEPHONY_RATE), KEEP_SILENCE_MILLIS);
            if (Double.isInfinite(Loudness.activeLevelDbfs(tel.samples(), tel.rate()))) {
                throw new TtsException("silent (nothing above " + Loudness.SILENCE_DBFS + " dBFS)");
            }
            return Loudness.normalize(tel);
        } catch (IOException | TtsException e) {
            String reason = e instanceof TtsException ? e.getMessage() : "cannot read it: " + e.getMessage();
            broken.put(r.identity(), reason);
            log.warn("recorded prompt unusable language={} file={} phrase=\"{}\" reason=\"{}\": TTS speaks this phrase"
                    + " instead until the file is replaced", r.language(), r.file(), r.phrase(), reason);
            throw new TtsException(reason, e);
        }
    }

    private Folder folder(String lang) {
        long now = System.currentTimeMillis();
        Folder f = folders.get(lang);
        if (f != null && now - f.checkedAt() < RECHECK_MILLIS) {
            return f;
        }
        Path dir = root.resolve(lang).normalize();
        long stamp = stamp(dir);
        if (f != null && f.stamp() == stamp) {
            // the same names: only a take replaced in place can have changed
            f = new Folder(f.byPhrase(), f.byText(), attributes(f.byPhrase(), f.byText()), stamp, now);
        } else {
            f = read(lang, dir, stamp, now);
        }
        folders.put(lang, f);
        return f;
    }

    /** Changes when the folder's files or the manifest change. */
    private static long stamp(Path dir) {
        long s = 0;
        for (Path p : List.of(dir, dir.resolve(MANIFEST))) {
            try {
                s = s * 31 + Files.getLastModifiedTime(p).toMillis() + Files.size(p);
            } catch (IOException e) {
                s = s * 31 - 1;
            }
        }
        return s;
    }

    private Folder read(String lang, Path dir, long stamp, long now) {
        Map<String, Path> byPhrase = new HashMap<>();
        Map<String, Path> byText = new HashMap<>();
        if (!Files.isDirectory(dir) || !dir.startsWith(root) || lang.isBlank()) {
            return new Folder(Map.of(), Map.of(), Map.of(), stamp, now);
        }
        try (DirectoryStream<Path> wavs = Files.newDirectoryStream(dir, "*.{wav,WAV}")) {
            for (Path w : wavs) {
                String name = w.getFileName().toString();
                byPhrase.put(name.substring(0, name.length() - 4), w);
            }
        } catch (IOException e) {
            log.warn("recorded prompts: cannot list dir={} error=\"{}\"", dir, e.getMessage());
        }
        Path manifest = dir.resolve(MANIFEST);
        int lines = 0;
        if (Files.isRegularFile(manifest)) {
            List<String> all;
            try {
                all = Files.readAllLines(manifest, StandardCharsets.UTF_8);
            } catch (IOException e) {
                log.warn("recorded prompts: cannot read manifest={} error=\"{}\" (expected UTF-8 text)", manifest,
                        e.getMessage());
                all = List.of();
            }
            for (int i = 0; i < all.size(); i++) {
                String line = all.get(i).strip();
                if (i == 0 && line.startsWith("\uFEFF")) {
                    line = line.substring(1).strip(); // a BOM from Windows Notepad
                }
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                String file = eq < 0 ? "" : line.substring(0, eq).strip();
                String said = eq < 0 ? "" : line.substring(eq + 1).strip();
                Path p = file.isEmpty() ? null : dir.resolve(file).normalize();
                String problem = eq < 0 ? "expected <file.wav> = @<phrase id> or <file.wav> = <exact text>"
                        : file.isEmpty() ? "no file name before '='"
                        : said.isEmpty() || said.equals("@") ? "no phrase after '='"
                        : !p.startsWith(dir) ? "the file must be inside " + dir
                        : !Files.isRegularFile(p) ? "no such file " + p
                        : null;
                if (problem != null) {
                    log.warn("recorded prompts: manifest line skipped manifest={} line={} reason=\"{}\"", manifest, i + 1,
                            problem);
                    continue;
                }
                if (said.startsWith("@")) {
                    byPhrase.put(said.substring(1).strip(), p);
                } else {
                    byText.put(said, p);
                }
                lines++;
            }
        }
        log.info("recorded prompts: read language={} dir={} phrases={} texts={} manifestLines={}", lang, dir,
                byPhrase.size(), byText.size(), lines);
        return new Folder(Map.copyOf(byPhrase), Map.copyOf(byText), attributes(byPhrase, byText), stamp, now);
    }

    /** Size and modification time of every file the maps name (absent: missing or unreadable). */
    private static Map<Path, long[]> attributes(Map<String, Path> byPhrase, Map<String, Path> byText) {
        Map<Path, long[]> out = new HashMap<>();
        for (Map<String, Path> m : List.of(byPhrase, byText)) {
            for (Path p : m.values()) {
                if (!out.containsKey(p)) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        out.put(p, new long[] {a.size(), a.lastModifiedTime().toMillis()});
                    } catch (IOException e) {
                        // missing: find() warns once and TTS speaks the phrase
                    }
                }
            }
        }
        return Map.copyOf(out);
    }

    private void warnOnce(String key, String format, Object... args) {
        if (warned.putIfAbsent(key, Boolean.TRUE) == null) {
            log.warn(format, args);
        }
    }
}
