package onekey.tts;

import java.util.List;
import java.util.Locale;

/**
 * The languages an elder or a contact may be spoken to in, and which voice speaks what nobody recorded.
 *
 * <p>{@code zh} Mandarin and {@code en} English have TTS voices. {@code wuu} (Shanghainese, ISO 639-3) has none: a
 * Shanghainese elder hears the centre's Shanghainese recordings where there are some ({@link RecordedPrompts}) and
 * Mandarin TTS for everything else (names, hospitals, times, phrases not recorded yet). Its texts are the Mandarin
 * ones: Wu Chinese is written with the same characters, so a recording is filed under the Mandarin text it says.
 */
public final class Languages {

    /** What an elder's or a contact's record may say (the REST API checks against this). */
    public static final List<String> ALL = List.of("zh", "en", "wuu");

    private Languages() {}

    /**
     * "zh", "zh-CN", "cmn", "ZH_cn" → "zh"; "en-US" → "en"; "wuu", "wuu-Hans" → "wuu"; empty → "zh" (the default
     * language); anything else is returned lower-cased (and then has no voice).
     */
    public static String normalize(String language) {
        if (language == null || language.isBlank()) {
            return "zh";
        }
        // the three a record may hold, as they are stored: every prompt of every call asks (issue 23)
        switch (language) {
            case "zh", "en", "wuu" -> {
                return language;
            }
            default -> { }
        }
        String l = language.trim().toLowerCase(Locale.ROOT);
        int cut = 0;
        while (cut < l.length() && l.charAt(cut) != '-' && l.charAt(cut) != '_') {
            cut++;
        }
        l = l.substring(0, cut);
        return l.equals("cmn") ? "zh" : l;
    }

    /** The TTS language that speaks {@code language}'s unrecorded parts: wuu → zh; zh and en themselves. */
    public static String speech(String language) {
        String l = normalize(language);
        return l.equals("wuu") ? "zh" : l;
    }
}
