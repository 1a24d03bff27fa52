package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import onekey.softphone.cti.CtiClient;

/**
 * The seat's incident workspace (issue 18, item 3), beside the pop: one card per open incident the seat holds, the
 * newest on top. A card shows the steps with their times (redials, each contact called and the result, who
 * acknowledged), tasks A and B with 接受 / 完成, click-to-call buttons (120, 110, 119, each contact) through
 * {@code POST /api/incidents/{id}/call} (recorded, in the incident's timeline), the address and access route to read
 * out, 救援人员已到达 with the outcome, 撤销报警 with the reason, and a rescue note appended to the elder's record.
 * It follows {@code incident.*} events and is rebuilt from {@code GET /api/incidents?state=open} on every
 * (re)connect. The keyboard acts on the top card. All methods on the EDT but {@link #prepare}; requests run on a worker
 * thread.
 *
 * <p>An event's card is made ready off the Swing thread ({@link #prepare}: every text of the card computed), and the
 * EDT only sets what changed ({@link #apply}): the steps list is edited line by line, the contacts' buttons are made
 * again only when the record or the language changed, and a layout is asked for only when a card came or went or its
 * size may have changed. {@link Softphone} hands the EDT only the newest frame of an incident when several came before
 * the EDT ran (the no-response ack and incident.opened, a burst of incident.step).
 */
final class IncidentPanel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final Color SOS = new Color(0xC62828);

    final JPanel panel = new JPanel(new BorderLayout());
    final JLabel status = named(new JLabel(" "), "incidentStatus");
    private final JLabel heading = named(new JLabel(), "incidentHeading");
    private final JPanel cards = new JPanel();
    private final I18n i18n;
    private final ValueNames names;
    private final CtiClient cti;
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "softphone-incidents");
        t.setDaemon(true);
        return t;
    });
    /** Open incidents by id, newest first. */
    private final Map<Long, Card> open = new LinkedHashMap<>();
    /**
     * Elders' records by id, fetched once per incident for the address, access route and contacts. Written on the EDT,
     * read by {@link #prepare} off it too.
     */
    private final Map<Long, JsonNode> elders = new ConcurrentHashMap<>();

    /** The signed-in account (GET /api/me's id): a supervisor gets every incident's events, but holds only its own. */
    private final long me;

    /**
     * A card ready for the next incident, laid out and unused (EDT only): making a card's ~30 components and laying
     * them out is most of what a new incident costs the Swing thread. The card of an incident that closed becomes the
     * spare (the next incident sets its texts again, its typed fields emptied; the contacts' buttons stay if the elder
     * is the same); one is made afresh only when an incident took the spare and none has closed since, and only once
     * the incidents have been quiet for {@link #SPARE_QUIET_MS}: an incident's first frames (incident.opened, the
     * no-response ack, the first steps) come within a few hundred ms, and a card made among them held the Swing thread
     * while one of them waited (issue 18's bench).
     */
    private Card spare;
    static final int SPARE_QUIET_MS = 2000;
    private final javax.swing.Timer spareMaker = new javax.swing.Timer(SPARE_QUIET_MS, e -> makeSpare());

    IncidentPanel(I18n i18n, CtiClient cti, long me) {
        this.me = me;
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        this.cti = cti;
        panel.setName("incidentPanel");
        cards.setLayout(new BoxLayout(cards, BoxLayout.Y_AXIS));
        heading.setFont(heading.getFont().deriveFont(Font.BOLD, 15f));
        heading.setBorder(BorderFactory.createEmptyBorder(4, 8, 4, 8));
        JPanel north = new JPanel(new BorderLayout());
        north.add(heading, BorderLayout.NORTH);
        north.add(status, BorderLayout.SOUTH);
        status.setBorder(BorderFactory.createEmptyBorder(0, 8, 4, 8));
        panel.add(north, BorderLayout.NORTH);
        JPanel top = new JPanel(new BorderLayout()); // cards at their own height, not stretched to the panel's
        top.add(cards, BorderLayout.NORTH);
        JScrollPane scroll = new JScrollPane(top);
        scroll.setBorder(BorderFactory.createEmptyBorder());
        panel.add(scroll, BorderLayout.CENTER);
        panel.setPreferredSize(new java.awt.Dimension(560, 600));
        relabel();
        spareMaker.setRepeats(false);
        spareMaker.setInitialDelay(250); // the first one while the seat signs in
        spareMaker.start();
        spareMaker.setInitialDelay(SPARE_QUIET_MS);
    }

    /** On the EDT: the spare card made and laid out at its size, if there is none. */
    private void makeSpare() {
        if (spare != null) {
            return;
        }
        spare = new Card(0);
        java.awt.Dimension d = spare.box.getPreferredSize();
        spare.box.setSize(d);
        layOut(spare.box);
        spare.settleFields();
    }

    private static void layOut(Component c) {
        if (c instanceof java.awt.Container k) {
            k.doLayout();
            for (Component child : k.getComponents()) {
                layOut(child);
            }
        }
    }

    /**
     * On the EDT: a card for incident {@code id}, the spare one if it is there; the next spare is the next closed
     * incident's card, or one made once the incidents are quiet.
     */
    private Card newCard(long id) {
        Card c = spare;
        spare = null;
        spareMaker.restart();
        if (c == null) {
            return new Card(id);
        }
        c.id = id;
        return c;
    }

    private static <T extends Component> T named(T c, String name) {
        c.setName(name);
        return c;
    }

    /** The window's language changed. */
    void relabel() {
        heading.setText(i18n.t("inc.heading") + " (" + open.size() + ")");
        open.values().forEach(Card::render);
    }

    /** Key bindings for the top card's actions, on the window's root pane (WHEN_IN_FOCUSED_WINDOW). */
    void bindKeys(JComponent root) {
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F6, 0), "incTakeA", c -> c.taskAction("task-a", "take"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F7, 0), "incDoneA", c -> c.taskAction("task-a", "done"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F6, InputEvent.SHIFT_DOWN_MASK), "incTakeB", c -> c.taskAction("task-b", "take"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F7, InputEvent.SHIFT_DOWN_MASK), "incDoneB", c -> c.taskAction("task-b", "done"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_1, InputEvent.CTRL_DOWN_MASK), "incCall120", c -> c.call("120"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_2, InputEvent.CTRL_DOWN_MASK), "incCall110", c -> c.call("110"));
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_3, InputEvent.CTRL_DOWN_MASK), "incCall119", c -> c.call("119"));
        for (int i = 0; i < 6; i++) {
            int n = i;
            bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_4 + i, InputEvent.CTRL_DOWN_MASK), "incCallContact" + (i + 1),
                    c -> c.callContact(n));
        }
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F8, 0), "incArrived", Card::arrived);
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_F8, InputEvent.CTRL_DOWN_MASK), "incCancel", Card::cancel);
        bind(root, KeyStroke.getKeyStroke(KeyEvent.VK_N, InputEvent.CTRL_DOWN_MASK), "incNote", Card::note);
    }

    private void bind(JComponent root, KeyStroke key, String name, java.util.function.Consumer<Card> a) {
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(key, name);
        root.getActionMap().put(name, new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                open.values().stream().findFirst().ifPresent(a);
            }
        });
    }

    /** What the SMS pane needs of an incident (issue 20): its id, its elder's id and the record's contacts. */
    record TextsOf(long incidentId, long elderId, JsonNode contacts) {}

    /** The top (newest) open incident with a registered elder. EDT. */
    java.util.Optional<TextsOf> textsOfTop() {
        return open.values().stream().findFirst().flatMap(c -> textsOf(c.id));
    }

    /** Incident {@code id}, when open here with a registered elder. EDT. */
    java.util.Optional<TextsOf> textsOf(long id) {
        Card c = open.get(id);
        if (c == null || c.incident == null || !c.incident.path("elderId").isNumber()) {
            return java.util.Optional.empty();
        }
        long elderId = c.incident.path("elderId").asLong();
        JsonNode e = elders.get(elderId);
        return java.util.Optional.of(new TextsOf(id, elderId, e == null ? null : e.path("contacts")));
    }

    // ---- the server's side -------------------------------------------------------------------------------

    /** Connected (or reconnected): the panel is rebuilt from the seat's open incidents. */
    void reload() {
        work.execute(() -> {
            try {
                JsonNode list = cti.request("GET", "/api/incidents?state=open", null);
                SwingUtilities.invokeLater(() -> {
                    List<Long> ids = new ArrayList<>();
                    list.forEach(i -> ids.add(i.path("id").asLong()));
                    new ArrayList<>(open.keySet()).stream().filter(id -> !ids.contains(id)).forEach(this::remove);
                    // the list is newest first; cards are put on top, so the oldest goes in first
                    for (int k = list.size() - 1; k >= 0; k--) {
                        changed(list.get(k));
                    }
                });
            } catch (Exception e) {
                message(i18n.t("inc.loadFailed") + e.getMessage());
            }
        });
    }

    /** An incident as the server sent it (an event, an ack, a REST answer), on the EDT. */
    void changed(JsonNode inc) {
        apply(prepare(inc));
    }

    /**
     * An incident made ready to be shown: whether this seat shows it, and its card's texts as they were computed for
     * the elder's record and the language of the moment ({@link #apply} computes them again on the EDT if either
     * changed meanwhile).
     */
    record Prepared(long id, JsonNode incident, boolean shown, boolean isOpen, JsonNode elder, boolean english, View view) {
    }

    /** Everything a card shows, computed off the EDT. */
    record View(String title, String state, String address, String landmarks, List<String> steps, TaskView a, TaskView b,
            String call120, String call110, String call119, String contactsKey, String outcome, String arrived,
            String reason, String cancel, String note, String addNote, boolean noteEnabled) {
    }

    record TaskView(String label, String take, String done, boolean takeOn, boolean doneOn) {
    }

    /** Any thread: the incident's card made ready (texts and all), so that the EDT only sets them. */
    Prepared prepare(JsonNode inc) {
        long id = inc.path("id").asLong();
        if (id <= 0 || inc.path("agentId").asLong(-1) != me && !hasTask(inc)) {
            // not an incident this seat holds or has a task of (seat B, issue 18 item 2)
            return new Prepared(id, inc, false, false, null, false, null);
        }
        boolean isOpen = inc.path("closedAt").isNull() || inc.path("closedAt").isMissingNode();
        if (!isOpen) {
            return new Prepared(id, inc, true, false, null, false, null);
        }
        boolean english = i18n.english();
        JsonNode elder = inc.path("elderId").isNumber() ? elders.get(inc.path("elderId").asLong()) : null;
        return new Prepared(id, inc, true, true, elder, english, view(id, inc, elder));
    }

    /**
     * On the EDT: the prepared incident shown; only what changed is set, and only that is marked for layout
     * (revalidate) and painting (repaint) — the caller has the RepaintManager lay out and paint exactly that.
     */
    void apply(Prepared p) {
        if (!p.shown()) {
            return;
        }
        long id = p.id();
        JsonNode inc = p.incident();
        if (!p.isOpen()) {
            // said whether the card is still here or not: the incident.resolved event and the answer to 救援人员已到达
            // race, and the last word on the status line must be the incident's end, not "✓"
            remove(id);
            status.setText(String.format(i18n.t("inc.closed"), id, names.name("incidentState", inc.path("state").asText()),
                    inc.path("outcome").asText("")));
            return;
        }
        Card c = open.get(id);
        if (c != null && inc.equals(c.incident)) {
            return; // the same incident again (the no-response ack and incident.opened carry the same)
        }
        boolean added = c == null;
        if (added) {
            c = newCard(id);
            Map<Long, Card> again = new LinkedHashMap<>();
            again.put(id, c);
            again.putAll(open);
            open.clear();
            open.putAll(again);
            cards.add(c.box, 0);
            if (inc.path("elderId").isNumber()) {
                fetchElder(inc.path("elderId").asLong(), id);
            }
        }
        if (spare == null && spareMaker.isRunning()) {
            spareMaker.restart(); // an incident's frames still coming: the spare is made when they are quiet
        }
        c.incident = inc;
        JsonNode elder = c.elder();
        View v = elder == p.elder() && p.english() == i18n.english() ? p.view() : view(id, inc, elder);
        boolean resized = c.show(v);
        if (added) {
            heading.setText(i18n.t("inc.heading") + " (" + open.size() + ")");
            cards.revalidate();
            cards.repaint();
            return;
        }
        if (resized) {
            c.box.revalidate();
        }
    }

    /** Whether one of the incident's tasks is this seat's (its target "agent:&lt;id&gt;"). */
    private boolean hasTask(JsonNode inc) {
        for (JsonNode s : inc.path("steps")) {
            if (s.path("kind").asText().startsWith("task-") && s.path("target").asText("").equals("agent:" + me)) {
                return true;
            }
        }
        return false;
    }

    private void remove(long id) {
        Card c = open.remove(id);
        if (c != null) {
            cards.remove(c.box);
            cards.revalidate();
            cards.repaint();
            if (spare == null) {
                c.recycle();
                spare = c;
                spareMaker.stop();
            }
        }
        heading.setText(i18n.t("inc.heading") + " (" + open.size() + ")");
    }

    private void fetchElder(long elderId, long incidentId) {
        if (elders.containsKey(elderId)) {
            return;
        }
        work.execute(() -> {
            try {
                // audited as elder.view; the reason names the incident (a seat may hold it after the call ended)
                JsonNode e = cti.request("GET", "/api/elders/" + elderId + "?reason="
                        + URLEncoder.encode("rescue incident " + incidentId, StandardCharsets.UTF_8), null);
                SwingUtilities.invokeLater(() -> {
                    elders.put(elderId, e);
                    // only the cards of this elder: with many incidents open, rendering them all held the Swing
                    // thread while the next incident waited
                    for (Card c : open.values()) {
                        if (c.incident != null && c.incident.path("elderId").asLong(-1) == elderId) {
                            c.render();
                        }
                    }
                });
            } catch (Exception x) {
                message(i18n.t("inc.elderFailed") + x.getMessage());
            }
        });
    }

    private void message(String s) {
        SwingUtilities.invokeLater(() -> status.setText(s));
    }

    /** A request for an incident; its answer (the incident) repaints the card. */
    private void act(String what, String method, String path, ObjectNode body, Runnable after) {
        status.setText(what + " …");
        work.execute(() -> {
            try {
                JsonNode r = cti.request(method, path, body);
                SwingUtilities.invokeLater(() -> {
                    status.setText(what + " ✓");
                    if (r.has("id") && r.has("steps")) {
                        changed(r);
                    }
                    if (after != null) {
                        after.run();
                    }
                });
            } catch (Exception e) {
                message(what + ": " + e.getMessage());
            }
        });
    }

    void close() {
        spareMaker.stop();
        work.shutdownNow();
    }

    // ---- one incident -----------------------------------------------------------------------------------

    private final class Card {
        /** The incident shown (0 while the card is the spare one; set when it is taken). */
        long id;
        JsonNode incident;
        final JPanel box = new JPanel();
        final JLabel title = named(new JLabel(), "incidentTitle");
        final JLabel state = named(new JLabel(), "incidentState");
        final JLabel address = named(new JLabel(" "), "incidentAddress");
        final JLabel landmarks = named(new JLabel(" "), "incidentLandmarks");
        final DefaultListModel<String> stepsModel = new DefaultListModel<>();
        final JList<String> steps = named(new JList<>(stepsModel), "incidentSteps");
        final JLabel taskA = named(new JLabel(" "), "taskA");
        final JButton takeA = named(new JButton(), "taskATake");
        final JButton doneA = named(new JButton(), "taskADone");
        final JLabel taskB = named(new JLabel(" "), "taskB");
        final JButton takeB = named(new JButton(), "taskBTake");
        final JButton doneB = named(new JButton(), "taskBDone");
        final JButton call120 = named(new JButton(), "incidentCall120");
        final JButton call110 = named(new JButton(), "incidentCall110");
        final JButton call119 = named(new JButton(), "incidentCall119");
        final JPanel contactButtons = new JPanel(new java.awt.GridLayout(0, 1, 0, 2));
        final JTextField outcome = named(new JTextField(24), "arrivedOutcome");
        final JButton arrivedButton = named(new JButton(), "arrivedButton");
        final JTextField reason = named(new JTextField(24), "cancelReason");
        final JButton cancelButton = named(new JButton(), "cancelButton");
        final JTextField note = named(new JTextField(24), "rescueNote");
        final JButton noteButton = named(new JButton(), "rescueNoteButton");
        final JLabel labelOutcome = new JLabel();
        final JLabel labelReason = new JLabel();
        final JLabel labelNote = new JLabel();
        /** The contacts and language the buttons were made for. */
        String shownContacts;
        /** The contacts' numbers in the record's order (the buttons'). */
        final List<String> contactNumbers = new ArrayList<>();

        Card(long id) {
            this.id = id;
            box.setLayout(new BoxLayout(box, BoxLayout.Y_AXIS));
            box.setBorder(BorderFactory.createCompoundBorder(BorderFactory.createEmptyBorder(4, 6, 4, 6),
                    BorderFactory.createLineBorder(SOS, 2)));
            title.setOpaque(true);
            title.setBackground(SOS);
            title.setForeground(Color.WHITE);
            title.setFont(title.getFont().deriveFont(Font.BOLD, 16f));
            title.setMaximumSize(new java.awt.Dimension(Integer.MAX_VALUE, 28));
            address.setFont(address.getFont().deriveFont(Font.BOLD, 14f));
            steps.setVisibleRowCount(9);
            takeA.addActionListener(e -> taskAction("task-a", "take"));
            doneA.addActionListener(e -> taskAction("task-a", "done"));
            takeB.addActionListener(e -> taskAction("task-b", "take"));
            doneB.addActionListener(e -> taskAction("task-b", "done"));
            call120.addActionListener(e -> call("120"));
            call110.addActionListener(e -> call("110"));
            call119.addActionListener(e -> call("119"));
            arrivedButton.addActionListener(e -> arrived());
            cancelButton.addActionListener(e -> cancel());
            noteButton.addActionListener(e -> note());
            JScrollPane stepsPane = new JScrollPane(steps);
            stepsPane.setPreferredSize(new java.awt.Dimension(530, 215));
            contactButtons.setBorder(BorderFactory.createEmptyBorder(2, 4, 2, 4));
            for (JComponent c : List.<JComponent>of(title, state, address, landmarks, stepsPane,
                    row(taskA, takeA, doneA), row(taskB, takeB, doneB), row(call120, call110, call119), contactButtons,
                    row(labelOutcome, outcome, arrivedButton), row(labelReason, reason, cancelButton),
                    row(labelNote, note, noteButton))) {
                c.setAlignmentX(Component.LEFT_ALIGNMENT);
                box.add(c);
            }
        }

        private JPanel row(JComponent... cs) {
            JPanel r = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 1));
            for (JComponent c : cs) {
                r.add(c);
            }
            return r;
        }

        /** The card of a closed incident made the spare: no incident, the typed fields emptied. */
        void recycle() {
            id = 0;
            incident = null;
            outcome.setText("");
            reason.setText("");
            note.setText("");
            settleFields();
        }

        /**
         * The text fields' horizontal scrolling computed for their size now: Swing does it on a field's first paint
         * (and after its text changed), and then asks for the field to be painted again — after the new card had been
         * painted, a second paint the next incident frame waited for.
         */
        void settleFields() {
            for (JTextField f : List.of(outcome, reason, note)) {
                try {
                    f.modelToView2D(0);
                } catch (javax.swing.text.BadLocationException e) {
                    // position 0 is in every document
                }
            }
        }

        void render() {
            if (incident != null) {
                show(view(id, incident, elder()));
            }
        }

        /** The card shows {@code v}: only what differs is set. Whether its size may have changed (the contacts' buttons). */
        boolean show(View v) {
            set(title, v.title());
            set(state, v.state());
            set(address, v.address());
            set(landmarks, v.landmarks());
            List<String> lines = v.steps();
            int before = stepsModel.size();
            for (int i = 0; i < lines.size(); i++) {
                if (i >= stepsModel.size()) {
                    stepsModel.addElement(lines.get(i));
                } else if (!stepsModel.get(i).equals(lines.get(i))) {
                    stepsModel.set(i, lines.get(i));
                }
            }
            if (stepsModel.size() > lines.size()) {
                stepsModel.removeRange(lines.size(), stepsModel.size() - 1);
            }
            if (stepsModel.size() > 0 && stepsModel.size() != before) {
                steps.ensureIndexIsVisible(stepsModel.size() - 1); // the newest step in view
            }
            task(v.a(), taskA, takeA, doneA);
            task(v.b(), taskB, takeB, doneB);
            set(call120, v.call120());
            set(call110, v.call110());
            set(call119, v.call119());
            // the contacts' buttons are made again only when the record or the language changed, not on every step
            JsonNode e = elder();
            boolean remake = !v.contactsKey().equals(shownContacts);
            if (remake) {
                shownContacts = v.contactsKey();
                contactButtons.removeAll();
                contactNumbers.clear();
                contactButtons.revalidate();
                contactButtons.repaint();
            }
            if (remake && e != null) {
                int n = 0;
                for (JsonNode c : e.path("contacts")) {
                    n++;
                    String phone = c.path("phone").asText();
                    contactNumbers.add(phone);
                    JButton b = named(new JButton(String.format(i18n.t("inc.callContact"), c.path("name").asText(),
                            c.path("relation").asText(), n + 3)), "incidentCallContact" + n);
                    b.addActionListener(x -> call(phone));
                    contactButtons.add(b);
                }
            }
            set(labelOutcome, v.outcome());
            set(arrivedButton, v.arrived());
            set(labelReason, v.reason());
            set(cancelButton, v.cancel());
            set(labelNote, v.note());
            set(noteButton, v.addNote());
            if (noteButton.isEnabled() != v.noteEnabled()) {
                noteButton.setEnabled(v.noteEnabled());
            }
            return remake;
        }

        private void task(TaskView t, JLabel label, JButton take, JButton done) {
            set(label, t.label());
            set(take, t.take());
            set(done, t.done());
            if (take.isEnabled() != t.takeOn()) {
                take.setEnabled(t.takeOn());
            }
            if (done.isEnabled() != t.doneOn()) {
                done.setEnabled(t.doneOn());
            }
        }

        JsonNode elder() {
            return incident != null && incident.path("elderId").isNumber() ? elders.get(incident.path("elderId").asLong())
                    : null;
        }

        void taskAction(String kind, String action) {
            JsonNode t = incident == null ? null : lastTask(incident, kind);
            if (t == null || t.path("state").asText().equals("done")) {
                status.setText(i18n.t("inc.noTask"));
                return;
            }
            act(i18n.t(action.equals("take") ? "inc.taking" : "inc.finishing"), "POST",
                    "/api/incidents/" + id + "/tasks/" + t.path("seq").asInt() + "/" + action, null, null);
        }

        void call(String number) {
            act(String.format(i18n.t("inc.calling"), number), "POST", "/api/incidents/" + id + "/call",
                    JSON.createObjectNode().put("number", number), null);
        }

        void callContact(int index) {
            if (index < contactNumbers.size()) {
                call(contactNumbers.get(index));
            }
        }

        void arrived() {
            String o = outcome.getText().trim();
            if (o.isEmpty()) {
                status.setText(i18n.t("inc.outcomeNeeded"));
                outcome.requestFocusInWindow();
                return;
            }
            act(i18n.t("inc.arrived"), "POST", "/api/incidents/" + id + "/arrived",
                    JSON.createObjectNode().put("outcome", o), null);
        }

        void cancel() {
            String r = reason.getText().trim();
            if (r.isEmpty()) {
                status.setText(i18n.t("inc.reasonNeeded"));
                reason.requestFocusInWindow();
                return;
            }
            act(i18n.t("inc.cancel"), "POST", "/api/incidents/" + id + "/cancel", JSON.createObjectNode().put("reason", r),
                    null);
        }

        void note() {
            String n = note.getText().trim();
            if (n.isEmpty() || !incident.path("elderId").isNumber()) {
                status.setText(i18n.t("inc.noteNeeded"));
                note.requestFocusInWindow();
                return;
            }
            long elderId = incident.path("elderId").asLong();
            long forIncident = id;
            act(i18n.t("inc.addNote"), "POST", "/api/elders/" + elderId + "/notes",
                    JSON.createObjectNode().put("text", "#" + id + " " + n), () -> {
                        if (id == forIncident) { // not a note typed on this card for the next incident meanwhile
                            note.setText("");
                        }
                        status.setText(i18n.t("inc.noteAdded"));
                    });
        }
    }

    /** Any thread: every text of an open incident's card, for the elder's record given (null: not fetched yet). */
    private View view(long id, JsonNode incident, JsonNode e) {
        String who = e != null ? e.path("name").asText() : incident.path("elderId").isNumber() ? "…"
                : i18n.t("unregistered") + " " + incident.path("callerNumber").asText("");
        String title = " " + String.format(i18n.t("inc.title"), id, names.name("reason", incident.path("reason").asText()))
                + " · " + who;
        String state = i18n.t("inc.state") + names.name("incidentState", incident.path("state").asText())
                + "  ·  " + i18n.t("inc.opened") + time(incident.path("openedAt"));
        String address = i18n.t("address") + colon() + (e == null ? "—" : e.path("address").asText("—"));
        String landmarks = i18n.t("inc.route") + colon() + (e == null ? "—" : e.path("landmarks").asText("—"));
        List<String> lines = new ArrayList<>();
        int redial = 0;
        int contact = 0;
        for (JsonNode s : incident.path("steps")) {
            String kind = s.path("kind").asText();
            if (kind.equals("redial")) {
                redial++;
            }
            lines.add(stepLine(s, kind.equals("redial") ? redial : kind.equals("contact") ? contact++ : 0, e));
        }
        String contactsKey = (e == null ? "" : e.path("contacts").toString()) + i18n.english();
        return new View(title, state, address, landmarks, List.copyOf(lines), taskView(incident, "task-a"),
                taskView(incident, "task-b"), i18n.t("inc.call120"), i18n.t("inc.call110"), i18n.t("inc.call119"),
                contactsKey, i18n.t("inc.outcome"), i18n.t("inc.arrived"), i18n.t("inc.reason"), i18n.t("inc.cancel"),
                i18n.t("inc.note"), i18n.t("inc.addNote"), incident.path("elderId").isNumber());
    }

    private TaskView taskView(JsonNode incident, String kind) {
        JsonNode t = lastTask(incident, kind);
        String seat = i18n.t(kind.equals("task-a") ? "inc.taskA" : "inc.taskB");
        String take = i18n.t(kind.equals("task-a") ? "inc.takeA" : "inc.takeB");
        String done = i18n.t(kind.equals("task-a") ? "inc.doneA" : "inc.doneB");
        if (t == null) {
            return new TaskView(seat + colon() + i18n.t("inc.noTask"), take, done, false, false);
        }
        String st = t.path("state").asText();
        return new TaskView(seat + colon() + names.name("task", taskWhat(t)) + " · " + names.name("stepState", st)
                + (st.equals("taken") ? " " + t.path("result").asText("").replace("taken by ", "") : ""), take, done,
                st.equals("open"), st.equals("open") || st.equals("taken"));
    }

    /** {@code no}: the redial's number (from 1), or the contact step's place among the contact steps (from 0). */
    private String stepLine(JsonNode s, int no, JsonNode elder) {
        String kind = s.path("kind").asText();
        String st = s.path("state").asText();
        JsonNode at = s.path("endedAt").isNumber() ? s.path("endedAt") : s.path("startedAt").isNumber()
                ? s.path("startedAt") : s.path("dueAt");
        StringBuilder b = new StringBuilder(time(at)).append("  ").append(names.name("step", kind));
        if (kind.equals("redial")) {
            b.append(' ').append(no);
        }
        String target = s.path("target").asText("");
        if (kind.equals("contact")) {
            b.append("  ").append(contactName(target, no, elder));
        } else if (kind.startsWith("task-") || kind.equals("follow-up")) {
            b.append(colon()).append(names.name("task", taskWhat(s)));
        } else if (!target.isEmpty()) {
            b.append("  ").append(target);
        }
        b.append("  ·  ");
        if (st.equals("done")) {
            b.append(names.stepResult(kind, s.path("result").asText()));
        } else if (st.equals("taken")) {
            b.append(names.name("stepState", st)).append(' ').append(s.path("result").asText("").replace("taken by ", ""));
        } else {
            b.append(names.name("stepState", st));
        }
        return b.toString();
    }

    /**
     * A contact's name for a masked target: seat A calls the record's contacts in their order, so the n-th contact
     * step is the n-th contact when its number ends as the step's does (two contacts may share the last 4 digits);
     * otherwise the first contact whose number ends so.
     */
    private String contactName(String masked, int place, JsonNode e) {
        if (e != null && masked.length() >= 4) {
            String tail = masked.substring(masked.length() - 4);
            JsonNode nth = e.path("contacts").path(place);
            if (nth.path("phone").asText().endsWith(tail)) {
                return nth.path("name").asText() + paren(nth.path("relation").asText()) + masked;
            }
            for (JsonNode c : e.path("contacts")) {
                if (c.path("phone").asText().endsWith(tail)) {
                    return c.path("name").asText() + paren(c.path("relation").asText()) + masked;
                }
            }
        }
        return masked;
    }

    private static String taskWhat(JsonNode s) {
        String d = s.path("detail").asText("");
        int colon = d.indexOf(':');
        return colon > 0 ? d.substring(0, colon) : d;
    }

    private static JsonNode lastTask(JsonNode incident, String kind) {
        JsonNode t = null;
        for (JsonNode s : incident.path("steps")) {
            if (s.path("kind").asText().equals(kind)) {
                t = s;
            }
        }
        return t;
    }

    /** A label's or button's text set only when it differs (no revalidate, no repaint otherwise). */
    private static void set(JLabel l, String text) {
        if (!text.equals(l.getText())) {
            l.setText(text);
        }
    }

    private static void set(javax.swing.AbstractButton b, String text) {
        if (!text.equals(b.getText())) {
            b.setText(text);
        }
    }

    /** The label's colon and a bracket as the window's language writes them (full-width in Chinese). */
    private String colon() {
        return i18n.english() ? ": " : "：";
    }

    private String paren(String s) {
        return i18n.english() ? " (" + s + ") " : "（" + s + "）";
    }

    private static String time(JsonNode at) {
        return at.isNumber() ? TIME.format(Instant.ofEpochMilli(at.asLong())) : "--:--:--";
    }
}
