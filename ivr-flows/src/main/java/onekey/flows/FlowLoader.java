package onekey.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads flow definitions (JSON, see ivr-flows/README.md) and validates them completely before anything
 * runs: unknown step kinds, unknown or missing fields, bad numbers and jumps to unknown labels are
 * rejected with a {@link FlowDefinitionException} naming the flow, step number and kind.
 */
public final class FlowLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PROMPT_FIELDS = Set.of("sound", "text", "language");

    private FlowLoader() {}

    /** Loads {@code flows/<name>.json} from the classpath (the flows shipped with the product). */
    public static Flow fromClasspath(String name) {
        String resource = "flows/" + name + ".json";
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = FlowLoader.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FlowDefinitionException("flow resource " + resource + " not found on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Parses and validates one flow; {@code source} (a file or resource name) is used in error messages. */
    public static Flow parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FlowDefinitionException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FlowDefinitionException(source + ": a flow must be a JSON object");
        }
        String name = text(root, "name", source);
        if (name == null || name.isBlank()) {
            throw new FlowDefinitionException(source + ": missing field 'name'");
        }
        checkFields(root, Set.of("name", "description", "variables", "steps"), source);
        String where = "flow '" + name + "'";
        JsonNode stepsNode = root.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            throw new FlowDefinitionException(where + ": 'steps' must be a non-empty array");
        }
        List<Step> steps = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < stepsNode.size(); i++) {
            JsonNode node = stepsNode.get(i);
            String kind = node.isObject() && node.get("step") != null ? node.get("step").asText() : null;
            String at = where + " step #" + (i + 1) + " (" + (kind == null ? "?" : kind) + ")";
            if (kind == null) {
                throw new FlowDefinitionException(at + ": missing field 'step' (the step kind)");
            }
            Step step = parseStep(kind, node, at);
            if (step instanceof Step.Label l && labels.putIfAbsent(l.name(), i) != null) {
                throw new FlowDefinitionException(at + ": duplicate label '" + l.name() + "'");
            }
            steps.add(step);
        }
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String at = where + " step #" + (i + 1) + " (" + s.kind() + ")";
            List<String> targets = switch (s) {
                case Step.Goto g -> List.of(g.target());
                case Step.Branch b -> List.of(b.target());
                case Step.Menu m -> {
                    List<String> t = new ArrayList<>(m.choices().values());
                    t.add(m.defaultLabel());
                    yield t;
                }
                default -> List.of();
            };
            for (String t : targets) {
                if (!labels.containsKey(t)) {
                    throw new FlowDefinitionException(at + ": goto to unknown label '" + t + "'");
                }
            }
        }
        String description = root.has("description") ? root.get("description").asText() : "";
        return new Flow(name, description, steps, labels);
    }

    private static Step parseStep(String kind, JsonNode n, String at) {
        return switch (kind) {
            case "answer" -> {
                checkFields(n, Set.of(), at);
                yield new Step.Answer();
            }
            case "hangup" -> {
                checkFields(n, Set.of(), at);
                yield new Step.Hangup();
            }
            case "set" -> {
                checkFields(n, Set.of("var", "value", "fromChannel", "export"), at);
                String var = required(n, "var", at);
                boolean hasValue = n.has("value");
                String fromChannel = text(n, "fromChannel", at);
                if (hasValue == (fromChannel != null)) {
                    throw new FlowDefinitionException(at + ": needs exactly one of 'value' or 'fromChannel'");
                }
                yield new Step.SetVar(var, hasValue ? template(n, "value", at) : null, fromChannel,
                        bool(n, "export", false, at));
            }
            case "lookup" -> {
                checkFields(n, Set.of("name", "optional"), at);
                yield new Step.Lookup(required(n, "name", at), bool(n, "optional", false, at));
            }
            case "record" -> {
                checkFields(n, Set.of("file"), at);
                requireText(n, "file", at);
                yield new Step.Record(template(n, "file", at));
            }
            case "play" -> {
                checkFields(n, union(PROMPT_FIELDS, Set.of("interrupt", "var")), at);
                boolean interrupt = bool(n, "interrupt", false, at);
                String var = text(n, "var", at);
                if (var != null && !interrupt) {
                    throw new FlowDefinitionException(at + ": 'var' needs \"interrupt\": true");
                }
                yield new Step.Play(prompt(n, at), interrupt, var);
            }
            case "readDigits" -> {
                checkFields(n, Set.of("prompt", "maxDigits", "timeoutMs", "var"), at);
                Prompt p = n.has("prompt") ? prompt(objectField(n, "prompt", at), at + " prompt") : null;
                yield new Step.ReadDigits(p, positiveInt(n, "maxDigits", at), positiveInt(n, "timeoutMs", at),
                        required(n, "var", at));
            }
            case "menu" -> {
                checkFields(n, Set.of("prompt", "choices", "retries", "timeoutMs", "default", "var"), at);
                Prompt p = prompt(objectField(n, "prompt", at), at + " prompt");
                JsonNode c = objectField(n, "choices", at);
                Map<String, String> choices = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().matches("[0-9*#]")) {
                        throw new FlowDefinitionException(at + ": choice '" + e.getKey() + "' must be one key 0-9, * or #");
                    }
                    if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                        throw new FlowDefinitionException(at + ": choice '" + e.getKey() + "' must name a label");
                    }
                    choices.put(e.getKey(), e.getValue().asText());
                }
                if (choices.isEmpty()) {
                    throw new FlowDefinitionException(at + ": 'choices' is empty");
                }
                int retries = n.has("retries") ? nonNegativeInt(n, "retries", at) : 2;
                yield new Step.Menu(p, choices, retries, positiveInt(n, "timeoutMs", at), required(n, "default", at),
                        text(n, "var", at));
            }
            case "branch" -> {
                checkFields(n, Set.of("var", "equals", "in", "empty", "notEmpty", "goto"), at);
                String var = required(n, "var", at);
                List<Step.Condition> conds = new ArrayList<>();
                if (n.has("equals")) {
                    conds.add(new Step.Condition.Equals(requireText(n, "equals", at)));
                }
                if (n.has("in")) {
                    JsonNode arr = n.get("in");
                    if (!arr.isArray() || arr.isEmpty()) {
                        throw new FlowDefinitionException(at + ": 'in' must be a non-empty array of strings");
                    }
                    List<String> opts = new ArrayList<>();
                    arr.forEach(x -> opts.add(x.asText()));
                    conds.add(new Step.Condition.In(List.copyOf(opts)));
                }
                if (n.has("empty") && bool(n, "empty", false, at)) {
                    conds.add(new Step.Condition.Empty());
                }
                if (n.has("notEmpty") && bool(n, "notEmpty", false, at)) {
                    conds.add(new Step.Condition.NotEmpty());
                }
                if (conds.size() != 1) {
                    throw new FlowDefinitionException(at + ": needs exactly one condition of 'equals', 'in', "
                            + "'empty': true, 'notEmpty': true (found " + conds.size() + ")");
                }
                yield new Step.Branch(var, conds.get(0), required(n, "goto", at));
            }
            case "label" -> {
                checkFields(n, Set.of("name"), at);
                yield new Step.Label(required(n, "name", at));
            }
            case "goto" -> {
                checkFields(n, Set.of("label"), at);
                yield new Step.Goto(required(n, "label", at));
            }
            case "queue" -> {
                checkFields(n, Set.of("queue", "priority"), at);
                requireText(n, "queue", at);
                requireText(n, "priority", at);
                yield new Step.Queue(template(n, "queue", at), template(n, "priority", at));
            }
            default -> throw new FlowDefinitionException(at + ": unknown step kind '" + kind
                    + "' (known: answer, set, lookup, record, play, readDigits, menu, branch, label, goto, queue, hangup)");
        };
    }

    private static Prompt prompt(JsonNode n, String at) {
        boolean sound = n.has("sound");
        boolean text = n.has("text");
        if (sound == text) {
            throw new FlowDefinitionException(at + ": needs exactly one of 'sound' or 'text'");
        }
        if (sound) {
            if (n.has("language")) {
                throw new FlowDefinitionException(at + ": 'language' only applies to 'text'");
            }
            requireText(n, "sound", at);
            return new Prompt(template(n, "sound", at), null, null);
        }
        Map<String, Template> texts = new LinkedHashMap<>();
        JsonNode t = n.get("text");
        if (t.isTextual()) {
            texts.put("", checkedTemplate(t.asText(), "text", at));
        } else if (t.isObject() && !t.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new FlowDefinitionException(at + ": text for language '" + e.getKey() + "' must be a string");
                }
                texts.put(e.getKey(), checkedTemplate(e.getValue().asText(), "text." + e.getKey(), at));
            }
        } else {
            throw new FlowDefinitionException(at + ": 'text' must be a string or an object {language: text}");
        }
        Template language = n.has("language") ? template(n, "language", at) : new Template("${LANGUAGE:-zh}");
        return new Prompt(null, Map.copyOf(texts), language);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    private static void checkFields(JsonNode n, Set<String> allowed, String at) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("step") && !f.startsWith("_") && !f.equals("comment") && !allowed.contains(f)) {
                throw new FlowDefinitionException(at + ": unknown field '" + f + "'"
                        + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")"));
            }
        }
    }

    private static JsonNode objectField(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new FlowDefinitionException(at + ": missing field '" + field + "'");
        }
        if (!v.isObject()) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be an object");
        }
        return v;
    }

    private static String text(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static String requireText(JsonNode n, String field, String at) {
        String v = text(n, field, at);
        if (v == null) {
            throw new FlowDefinitionException(at + ": missing field '" + field + "'");
        }
        return v;
    }

    private static String required(JsonNode n, String field, String at) {
        String v = requireText(n, field, at);
        if (v.isBlank()) {
            throw new FlowDefinitionException(at + ": field '" + field + "' is empty");
        }
        return v;
    }

    private static Template template(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be a string");
        }
        return checkedTemplate(v.asText(), field, at);
    }

    private static Template checkedTemplate(String s, String field, String at) {
        if (!Template.wellFormed(s)) {
            throw new FlowDefinitionException(at + ": '" + field + "' has a malformed ${...} reference: " + s);
        }
        return new Template(s);
    }

    private static boolean bool(JsonNode n, String field, boolean dflt, String at) {
        JsonNode v = n.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static int positiveInt(JsonNode n, String field, String at) {
        int v = intField(n, field, at);
        if (v <= 0) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be > 0");
        }
        return v;
    }

    private static int nonNegativeInt(JsonNode n, String field, String at) {
        int v = intField(n, field, at);
        if (v < 0) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be >= 0");
        }
        return v;
    }

    private static int intField(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new FlowDefinitionException(at + ": missing field '" + field + "'");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new FlowDefinitionException(at + ": '" + field + "' must be an integer");
        }
        return v.asInt();
    }
}
