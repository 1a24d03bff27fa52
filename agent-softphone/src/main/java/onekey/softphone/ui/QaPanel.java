package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's QA sheet (质检, issue 19 item 5): the QA sample (every SOS call and a share of the rest, from
 * {@code GET /api/qa/sample}), a score sheet per call from the configurable form ({@code GET /api/qa/form}: items with
 * weights, 0–5 points each, the total as the checker scores), a comment, save ({@code POST /api/calls/{id}/qa},
 * Ctrl+S), mark as a teaching case, play the call's recording, and the per-agent QA figures; 评分表设置 (Ctrl+E) edits
 * the form ({@link QaFormEditor}).
 */
final class QaPanel extends JPanel {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    static final String[] POINTS = {"0", "1", "2", "3", "4", "5"};

    private final I18n i18n;
    private final ValueNames names;
    private final CtiClient cti;
    private final Executor work;
    private final LongConsumer play;
    private final DefaultTableModel sampleModel;
    private final JTable sample;
    private final List<JsonNode> rows = new ArrayList<>();
    private final DefaultTableModel agentsModel;
    private final JPanel items = new JPanel(new GridBagLayout());
    private final Map<String, JComboBox<String>> points = new LinkedHashMap<>();
    private final Map<String, Integer> weights = new LinkedHashMap<>();
    private final JLabel title = new JLabel(" ");
    private final JLabel total = new JLabel(" ");
    private final JTextArea comment = new JTextArea(3, 40);
    private final JButton save = new JButton();
    /**
     * False while an opened call's earlier sheet is on its way: its points and comment, or a fresh sheet, replace
     * what the sheet shows when they come, so the sheet takes no input until then (a point chosen before would be
     * overwritten, and a save would score what the checker did not see).
     */
    private boolean sheetReady = true;
    private final JTextField teachingNote = new JTextField(20);
    private final JLabel status = new JLabel(" ");
    private long callId = -1;
    private QaFormEditor editor;

    QaPanel(I18n i18n, CtiClient cti, Executor work, LongConsumer play) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        this.cti = cti;
        this.work = work;
        this.play = play;
        sampleModel = new DefaultTableModel(new Object[] {i18n.t("qa.call"), i18n.t("qa.when"), i18n.t("qa.line"),
                i18n.t("qa.agent"), i18n.t("qa.talk"), i18n.t("qa.total"), i18n.t("qa.teaching")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        sample = new JTable(sampleModel);
        sample.setName("qaSample");
        sample.setRowHeight(22);
        sample.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        sample.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) {
                open();
            }
        });
        agentsModel = new DefaultTableModel(new Object[] {i18n.t("qa.agent"), i18n.t("qa.sheets"), i18n.t("qa.average")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        JTable agents = new JTable(agentsModel);
        agents.setName("qaAgents");
        JButton refresh = new JButton(i18n.t("qa.refresh"));
        refresh.setName("qaRefresh");
        refresh.addActionListener(e -> reload());
        JPanel left = new JPanel(new BorderLayout(4, 4));
        JPanel leftTop = new JPanel(new FlowLayout(FlowLayout.LEFT));
        leftTop.add(new JLabel(i18n.t("qa.sampleTitle")));
        leftTop.add(refresh);
        JButton editForm = new JButton(i18n.t("qa.editForm"));
        editForm.setName("qaEditForm");
        editForm.addActionListener(e -> editForm());
        leftTop.add(editForm);
        left.add(leftTop, BorderLayout.NORTH);
        left.add(new JScrollPane(sample), BorderLayout.CENTER);
        JScrollPane agentsPane = new JScrollPane(agents);
        agentsPane.setBorder(BorderFactory.createTitledBorder(i18n.t("qa.figures")));
        agentsPane.setPreferredSize(new java.awt.Dimension(300, 140));
        left.add(agentsPane, BorderLayout.SOUTH);

        JPanel sheet = new JPanel(new BorderLayout(4, 4));
        sheet.setBorder(BorderFactory.createTitledBorder(i18n.t("qa.sheet")));
        title.setName("qaCallTitle");
        sheet.add(title, BorderLayout.NORTH);
        JPanel middle = new JPanel(new BorderLayout(4, 4));
        middle.add(items, BorderLayout.NORTH);
        comment.setName("qaComment");
        comment.setLineWrap(true);
        JPanel c = new JPanel(new BorderLayout());
        c.add(new JLabel(i18n.t("qa.comment")), BorderLayout.NORTH);
        c.add(new JScrollPane(comment), BorderLayout.CENTER);
        middle.add(c, BorderLayout.CENTER);
        sheet.add(middle, BorderLayout.CENTER);
        total.setName("qaTotal");
        total.setFont(total.getFont().deriveFont(java.awt.Font.BOLD, 18f));
        save.setText(i18n.t("qa.save"));
        save.setName("qaSave");
        save.addActionListener(e -> save());
        JButton listen = new JButton(i18n.t("qa.play"));
        listen.setName("qaPlay");
        listen.addActionListener(e -> {
            if (callId > 0) {
                play.accept(callId);
            }
        });
        teachingNote.setName("qaTeachingNote");
        JButton teaching = new JButton(i18n.t("qa.markTeaching"));
        teaching.setName("qaTeaching");
        teaching.addActionListener(e -> teaching());
        status.setName("qaStatus");
        JPanel buttons = new JPanel(new GridBagLayout());
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 2, 2, 2);
        g.anchor = GridBagConstraints.WEST;
        buttons.add(total, g);
        buttons.add(save, g);
        buttons.add(listen, g);
        g.gridy = 1;
        buttons.add(new JLabel(i18n.t("qa.teachingNote")), g);
        buttons.add(teachingNote, g);
        buttons.add(teaching, g);
        g.gridy = 2;
        g.gridwidth = 3;
        buttons.add(status, g);
        sheet.add(buttons, BorderLayout.SOUTH);
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, left, sheet);
        split.setResizeWeight(0.5);
        add(split, BorderLayout.CENTER);
        getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_S, InputEvent.CTRL_DOWN_MASK), "save");
        getActionMap().put("save", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                save();
            }
        });
        getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_E, InputEvent.CTRL_DOWN_MASK), "editForm");
        getActionMap().put("editForm", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                editForm();
            }
        });
    }

    /**
     * 评分表设置 (Ctrl+E): the form as the server has it now, in {@link QaFormEditor}; once saved, the sheet is rebuilt
     * from the server's answer (the open call's earlier scores read again).
     */
    private void editForm() {
        if (editor != null && editor.dialog.isDisplayable()) {
            editor.dialog.toFront();
            return;
        }
        work.execute(() -> {
            try {
                JsonNode form = cti.request("GET", "/api/qa/form", null);
                SwingUtilities.invokeLater(() -> {
                    editor = new QaFormEditor(SwingUtilities.getWindowAncestor(this), i18n, cti, work, form, f -> {
                        form(f);
                        status.setText(String.format(i18n.t("qa.formSaved"), f.path("items").size()));
                        if (callId > 0) {
                            open();
                        }
                    });
                    editor.dialog.setVisible(true);
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("qa.loadFailed") + why));
            }
        });
    }

    /** The form, the sample of the last 7 days and the per-agent figures. */
    void reload() {
        work.execute(() -> {
            try {
                JsonNode form = cti.request("GET", "/api/qa/form", null);
                JsonNode list = cti.request("GET", "/api/qa/sample?days=7", null);
                JsonNode figures = cti.request("GET", "/api/qa/agents?days=7", null);
                SwingUtilities.invokeLater(() -> {
                    form(form);
                    Long selected = callId > 0 ? callId : null;
                    rows.clear();
                    sampleModel.setRowCount(0);
                    for (JsonNode r : list) {
                        rows.add(r);
                        long talk = r.path("talkMs").asLong(0) / 1000;
                        sampleModel.addRow(new Object[] {"#" + r.path("callId").asLong(),
                                WHEN.format(Instant.ofEpochMilli(r.path("arrivedAt").asLong())),
                                names.name("line", r.path("line").asText()), r.path("agent").asText(""),
                                String.format("%d:%02d", talk / 60, talk % 60),
                                r.hasNonNull("total") ? r.path("total").asText() : "—",
                                r.path("teaching").asBoolean() ? "✓" : ""});
                    }
                    if (selected != null) {
                        for (int i = 0; i < rows.size(); i++) {
                            if (rows.get(i).path("callId").asLong() == selected) {
                                sample.setRowSelectionInterval(i, i);
                            }
                        }
                    }
                    agentsModel.setRowCount(0);
                    for (JsonNode f : figures) {
                        agentsModel.addRow(new Object[] {f.path("username").asText(), f.path("sheets").asInt(),
                                f.path("average").asText()});
                    }
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("qa.loadFailed") + why));
            }
        });
    }

    private void form(JsonNode form) {
        items.removeAll();
        points.clear();
        weights.clear();
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 4, 2, 4);
        g.anchor = GridBagConstraints.WEST;
        g.gridy = 0;
        for (JsonNode i : form.path("items")) {
            String key = i.path("key").asText();
            JComboBox<String> p = new JComboBox<>(POINTS);
            p.setName("qaItem." + key);
            p.setSelectedItem("5");
            p.setEnabled(sheetReady);
            p.addActionListener(e -> showTotal());
            points.put(key, p);
            weights.put(key, i.path("weight").asInt());
            g.gridx = 0;
            JLabel label = new JLabel(i.path("label").asText());
            label.setName("qaItemLabel." + key);
            items.add(label, g);
            g.gridx = 1;
            JLabel weight = new JLabel(String.format(i18n.t("qa.weight"), i.path("weight").asInt()));
            weight.setName("qaItemWeight." + key);
            items.add(weight, g);
            g.gridx = 2;
            items.add(p, g);
            g.gridy++;
        }
        items.revalidate();
        items.repaint();
        showTotal();
    }

    /** The total as the server will compute it: Σ weight × points / 5 over Σ weight, 0–100. */
    private void showTotal() {
        double got = 0;
        int w = 0;
        for (Map.Entry<String, JComboBox<String>> e : points.entrySet()) {
            got += weights.get(e.getKey()) * Integer.parseInt((String) e.getValue().getSelectedItem()) / 5.0;
            w += weights.get(e.getKey());
        }
        total.setText(String.format(i18n.t("qa.totalIs"), w == 0 ? 0 : Math.round(got * 100 / w)));
    }

    private void open() {
        int i = sample.getSelectedRow();
        if (i < 0 || i >= rows.size()) {
            return;
        }
        JsonNode r = rows.get(i);
        callId = r.path("callId").asLong();
        title.setText(String.format(i18n.t("qa.callTitle"), callId, r.path("agent").asText(""),
                names.name("line", r.path("line").asText())));
        long id = callId;
        sheetReady(false);
        work.execute(() -> { // an earlier sheet of this call: its points and comment
            try {
                JsonNode s = cti.request("GET", "/api/calls/" + id + "/qa", null);
                SwingUtilities.invokeLater(() -> {
                    if (callId != id) {
                        return;
                    }
                    for (JsonNode it : s.path("items")) {
                        JComboBox<String> p = points.get(it.path("key").asText());
                        if (p != null && it.hasNonNull("points")) {
                            p.setSelectedItem(it.path("points").asText());
                        }
                    }
                    comment.setText(s.path("comment").asText(""));
                    sheetReady(true);
                });
            } catch (Exception e) {
                SwingUtilities.invokeLater(() -> { // not scored yet: a fresh sheet
                    if (callId == id) {
                        points.values().forEach(p -> p.setSelectedItem("5"));
                        comment.setText("");
                        sheetReady(true);
                    }
                });
            }
        });
    }

    private void sheetReady(boolean ready) {
        sheetReady = ready;
        points.values().forEach(p -> p.setEnabled(ready));
        comment.setEnabled(ready);
        save.setEnabled(ready);
    }

    private void save() {
        if (callId <= 0) {
            status.setText(i18n.t("qa.chooseCall"));
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode scores = body.putObject("scores");
        points.forEach((k, p) -> scores.put(k, Integer.parseInt((String) p.getSelectedItem())));
        body.put("comment", comment.getText().trim());
        long id = callId;
        work.execute(() -> {
            try {
                JsonNode s = cti.request("POST", "/api/calls/" + id + "/qa", body);
                SwingUtilities.invokeLater(() -> status.setText(String.format(i18n.t("qa.saved"), id, s.path("total").asInt())));
                reload();
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    private void teaching() {
        if (callId <= 0) {
            status.setText(i18n.t("qa.chooseCall"));
            return;
        }
        long id = callId;
        String note = teachingNote.getText().trim();
        work.execute(() -> {
            try {
                JsonNode r = cti.request("POST", "/api/calls/" + id + "/teaching",
                        JsonNodeFactory.instance.objectNode().put("note", note));
                SwingUtilities.invokeLater(() -> status.setText(String.format(i18n.t("qa.teachingDone"), id,
                        r.path("recordings").size())));
                reload();
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }
}
