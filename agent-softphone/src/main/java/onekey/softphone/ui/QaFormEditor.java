package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import onekey.softphone.cti.CtiClient;

/**
 * 评分表设置 (issue 19 item 5): the QA form edited in the desk — the items (a stable key, the name the checker reads,
 * a weight; each scored 0–5 points, fixed by the server), added, removed and moved up or down, and the sample's share
 * of the non-SOS calls. Checked here with the server's rules (cti-server {@code QaForm}: at least one item, keys 1–32 of
 * a-z 0-9 - starting with a letter and distinct, names 1–100 characters, weights 1–100, the share 0–100; the weights
 * need not add up to 100, the total is their weighted share), then {@code PUT /api/qa/form}; the server stays the judge
 * and its refusal is shown as it says it. Keys: Ctrl+N add, Ctrl+D remove, Alt+↑/↓ move the focused row, Ctrl+S save,
 * Esc close. Components are named for tests: qaFormKey.N, qaFormLabel.N, qaFormWeight.N (N from 0, in order),
 * qaFormUp.N, qaFormDown.N, qaFormRemove.N, qaFormAdd, qaFormSample, qaFormSum, qaFormSave, qaFormStatus.
 */
final class QaFormEditor {
    private static final String KEY = "[a-z][a-z0-9-]{0,31}";

    /** One row being edited; {@code fixed}: a key the saved form already has (kept stable: past sheets use it). */
    private record Row(JTextField key, JTextField label, JTextField weight, boolean fixed) {}

    final JDialog dialog;
    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final Consumer<JsonNode> saved;
    private final List<Row> rows = new ArrayList<>();
    private final JPanel grid = new JPanel(new GridBagLayout());
    private final JTextField sample = new JTextField(4);
    private final JLabel sum = new JLabel(" ");
    private final JLabel status = new JLabel(" ");
    private final JButton save;
    private int fresh;

    /** {@code form}: the form as {@code GET /api/qa/form} gives it; {@code saved}: the server's form after a save. */
    QaFormEditor(Window owner, I18n i18n, CtiClient cti, Executor work, JsonNode form, Consumer<JsonNode> saved) {
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.saved = saved;
        dialog = new JDialog(owner, i18n.t("qe.title"), java.awt.Dialog.ModalityType.MODELESS);
        dialog.setName("qaFormEditor");
        for (JsonNode i : form.path("items")) {
            rows.add(row(i.path("key").asText(), i.path("label").asText(), i.path("weight").asInt(), true));
        }
        sample.setName("qaFormSample");
        sample.setText(form.path("samplePercent").asText("5"));
        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT));
        top.add(new JLabel(String.format(i18n.t("qe.points"), form.path("maxPoints").asInt(5))));
        top.add(new JLabel(i18n.t("qe.sample")));
        top.add(sample);
        top.add(new JLabel("%"));
        JScrollPane pane = new JScrollPane(grid);
        pane.setBorder(BorderFactory.createTitledBorder(i18n.t("qe.items")));
        JButton add = new JButton(i18n.t("qe.add"));
        add.setName("qaFormAdd");
        add.addActionListener(e -> add());
        save = new JButton(i18n.t("qe.save"));
        save.setName("qaFormSave");
        save.addActionListener(e -> save());
        JButton cancel = new JButton(i18n.t("qe.cancel"));
        cancel.setName("qaFormCancel");
        cancel.addActionListener(e -> dialog.dispose());
        sum.setName("qaFormSum");
        status.setName("qaFormStatus");
        status.setForeground(new Color(0xb00020));
        JPanel bottom = new JPanel(new BorderLayout(4, 4));
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
        buttons.add(add);
        buttons.add(save);
        buttons.add(cancel);
        buttons.add(sum);
        bottom.add(buttons, BorderLayout.NORTH);
        bottom.add(status, BorderLayout.SOUTH);
        JPanel content = new JPanel(new BorderLayout(4, 4));
        content.setBorder(BorderFactory.createEmptyBorder(6, 6, 6, 6));
        content.add(top, BorderLayout.NORTH);
        content.add(pane, BorderLayout.CENTER);
        content.add(bottom, BorderLayout.SOUTH);
        dialog.setContentPane(content);
        key("ctrl N", "add", this::add);
        key("ctrl D", "remove", () -> focused().ifPresent(this::remove));
        key("alt UP", "up", () -> focused().ifPresent(i -> move(i, -1)));
        key("alt DOWN", "down", () -> focused().ifPresent(i -> move(i, 1)));
        key("ctrl S", "save", this::save);
        key("ESCAPE", "close", dialog::dispose);
        layoutRows();
        dialog.setSize(720, 460);
        dialog.setLocationRelativeTo(owner);
    }

    private void key(String stroke, String name, Runnable r) {
        JComponent root = dialog.getRootPane();
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(stroke), name);
        root.getActionMap().put(name, new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                r.run();
            }
        });
    }

    private Row row(String key, String label, int weight, boolean fixed) {
        JTextField k = new JTextField(key, 10);
        k.setEditable(!fixed);
        JTextField l = new JTextField(label, 22);
        JTextField w = new JTextField(String.valueOf(weight), 4);
        w.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
            @Override
            public void insertUpdate(javax.swing.event.DocumentEvent e) {
                showSum();
            }

            @Override
            public void removeUpdate(javax.swing.event.DocumentEvent e) {
                showSum();
            }

            @Override
            public void changedUpdate(javax.swing.event.DocumentEvent e) {
                showSum();
            }
        });
        return new Row(k, l, w, fixed);
    }

    /** The index of the row holding the keyboard focus, if any. */
    private java.util.Optional<Integer> focused() {
        java.awt.Component f = dialog.getFocusOwner();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (f != null && (f == r.key() || f == r.label() || f == r.weight())) {
                return java.util.Optional.of(i);
            }
        }
        return java.util.Optional.empty();
    }

    private void add() {
        Set<String> keys = new HashSet<>();
        rows.forEach(r -> keys.add(r.key().getText().trim()));
        String k;
        do {
            k = "item-" + (++fresh);
        } while (keys.contains(k));
        rows.add(row(k, "", 10, false));
        layoutRows();
        rows.get(rows.size() - 1).label().requestFocusInWindow();
    }

    private void remove(int i) {
        rows.remove(i);
        layoutRows();
        if (!rows.isEmpty()) {
            rows.get(Math.min(i, rows.size() - 1)).label().requestFocusInWindow();
        }
    }

    private void move(int i, int by) {
        int j = i + by;
        if (j < 0 || j >= rows.size()) {
            return;
        }
        Row r = rows.remove(i);
        rows.add(j, r);
        layoutRows();
        r.label().requestFocusInWindow();
    }

    private void layoutRows() {
        grid.removeAll();
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 3, 2, 3);
        g.anchor = GridBagConstraints.WEST;
        g.gridy = 0;
        String[] heads = {"#", i18n.t("qe.key"), i18n.t("qe.label"), i18n.t("qe.weight")};
        for (int c = 0; c < heads.length; c++) {
            g.gridx = c;
            grid.add(new JLabel(heads[c]), g);
        }
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int at = i;
            g.gridy = i + 1;
            g.gridx = 0;
            grid.add(new JLabel(String.valueOf(i + 1)), g);
            r.key().setName("qaFormKey." + i);
            r.label().setName("qaFormLabel." + i);
            r.weight().setName("qaFormWeight." + i);
            g.gridx = 1;
            grid.add(r.key(), g);
            g.gridx = 2;
            grid.add(r.label(), g);
            g.gridx = 3;
            grid.add(r.weight(), g);
            g.gridx = 4;
            grid.add(button("↑", "qaFormUp." + i, i18n.t("qe.up"), () -> move(at, -1), i > 0), g);
            g.gridx = 5;
            grid.add(button("↓", "qaFormDown." + i, i18n.t("qe.down"), () -> move(at, 1), i < rows.size() - 1), g);
            g.gridx = 6;
            grid.add(button("✕", "qaFormRemove." + i, i18n.t("qe.remove"), () -> remove(at), true), g);
        }
        g.gridy = rows.size() + 1;
        g.gridx = 0;
        g.weighty = 1;
        grid.add(new JLabel(" "), g);
        grid.revalidate();
        grid.repaint();
        showSum();
    }

    private static JButton button(String text, String name, String tip, Runnable r, boolean enabled) {
        JButton b = new JButton(text);
        b.setName(name);
        b.setToolTipText(tip);
        b.setEnabled(enabled);
        b.setMargin(new Insets(1, 4, 1, 4));
        b.addActionListener(e -> r.run());
        return b;
    }

    private void showSum() {
        int s = 0;
        for (Row r : rows) {
            try {
                s += Integer.parseInt(r.weight().getText().trim());
            } catch (NumberFormatException e) {
                // shown by the check on save
            }
        }
        sum.setText(String.format(i18n.t("qe.sum"), s));
    }

    /** What is wrong with the form as typed, in words (null: nothing); the server's QaForm rules. */
    String problem() {
        if (rows.isEmpty()) {
            return i18n.t("qe.err.none");
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String k = r.key().getText().trim();
            if (!k.matches(KEY)) {
                return String.format(i18n.t("qe.err.key"), i + 1);
            }
            if (!keys.add(k)) {
                return String.format(i18n.t("qe.err.dup"), i + 1, k);
            }
            String l = r.label().getText().trim();
            if (l.isEmpty() || l.length() > 100) {
                return String.format(i18n.t("qe.err.label"), i + 1);
            }
            Integer w = number(r.weight().getText());
            if (w == null || w < 1 || w > 100) {
                return String.format(i18n.t("qe.err.weight"), i + 1);
            }
        }
        Integer p = number(sample.getText());
        if (p == null || p < 0 || p > 100) {
            return i18n.t("qe.err.sample");
        }
        return null;
    }

    private static Integer number(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void save() {
        String wrong = problem();
        if (wrong != null) {
            status.setText(wrong);
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        for (Row r : rows) {
            items.addObject().put("key", r.key().getText().trim()).put("label", r.label().getText().trim())
                    .put("weight", Integer.parseInt(r.weight().getText().trim()));
        }
        body.put("samplePercent", Integer.parseInt(sample.getText().trim()));
        status.setText(i18n.t("qe.saving"));
        save.setEnabled(false);
        work.execute(() -> {
            try {
                JsonNode f = cti.request("PUT", "/api/qa/form", body);
                SwingUtilities.invokeLater(() -> {
                    save.setEnabled(true);
                    dialog.dispose();
                    saved.accept(f);
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> {
                    save.setEnabled(true);
                    status.setText(i18n.t("qe.refused") + why);
                });
            }
        });
    }
}
