package onekey.flows;

import java.util.Map;

/**
 * Something to say: a stored sound ({@code sound}, a template for a path without extension), or TTS text
 * per language ({@code texts}: language → template, first entry is the fallback) spoken in the language
 * given by the {@code language} template (e.g. "${LANGUAGE:-zh}"). Exactly one of sound / texts is set.
 */
public record Prompt(Template sound, Map<String, Template> texts, Template language) {

    public boolean isSound() {
        return sound != null;
    }
}
