package onekey.qa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QA score sheet's form (issue 19 item 5): items with weights, each scored 0–5 points; the total is the weighted
 * share of the full marks, 0–100. {@code samplePercent}: the share of calls other than SOS drawn into the QA sample
 * (every SOS call is in it).
 */
public record QaForm(List<Item> items, int samplePercent) {

    public static final int MAX_POINTS = 5;

    /** One line of the sheet: a stable key, what the checker reads, and its weight. */
    public record Item(String key, String label, int weight) {}

    /** The built-in form: what the issue names for a call centre seat (greeting, identity and address, procedure, …). */
    public static final QaForm DEFAULT = new QaForm(List.of(
            new Item("greeting", "问候语规范", 15),
            new Item("identity", "核实老人身份与地址", 25),
            new Item("procedure", "本线路处置流程正确", 25),
            new Item("empathy", "安抚与同理心", 15),
            new Item("disposition", "处置结果登记正确", 20)), 5);

    public QaForm {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a form has at least one item");
        }
        if (samplePercent < 0 || samplePercent > 100) {
            throw new IllegalArgumentException("samplePercent must be 0 to 100");
        }
        for (Item i : items) {
            if (i.key() == null || !i.key().matches("[a-z][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException("item key '" + i.key() + "' must be 1-32 of a-z 0-9 -");
            }
            if (i.weight() < 1 || i.weight() > 100) {
                throw new IllegalArgumentException("item " + i.key() + ": weight must be 1 to 100");
            }
            if (i.label() == null || i.label().isBlank() || i.label().length() > 100) {
                throw new IllegalArgumentException("item " + i.key() + ": label must be 1 to 100 characters");
            }
        }
        if (items.stream().map(Item::key).distinct().count() != items.size()) {
            throw new IllegalArgumentException("item keys must be distinct");
        }
    }

    /**
     * The total, 0–100 (rounded): Σ weight × points / 5 over Σ weight. Every item must be scored, 0–5; a key the form
     * does not have is refused (IllegalArgumentException naming it).
     */
    public int total(Map<String, Integer> scores) {
        for (String k : scores.keySet()) {
            if (items.stream().noneMatch(i -> i.key().equals(k))) {
                throw new IllegalArgumentException("scores." + k + ": the form has no such item");
            }
        }
        double got = 0;
        int weights = 0;
        for (Item i : items) {
            Integer p = scores.get(i.key());
            if (p == null) {
                throw new IllegalArgumentException("scores." + i.key() + ": every item is scored (0 to " + MAX_POINTS + ")");
            }
            if (p < 0 || p > MAX_POINTS) {
                throw new IllegalArgumentException("scores." + i.key() + ": points are 0 to " + MAX_POINTS);
            }
            got += (double) i.weight() * p / MAX_POINTS;
            weights += i.weight();
        }
        return (int) Math.round(got * 100 / weights);
    }

    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items.stream().map(i -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", i.key());
            x.put("label", i.label());
            x.put("weight", i.weight());
            return x;
        }).toList());
        m.put("maxPoints", MAX_POINTS);
        m.put("samplePercent", samplePercent);
        return m;
    }
}
