package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.ButtonGroup;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JPanel;
import javax.swing.JRadioButtonMenuItem;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JToggleButton;
import javax.swing.KeyStroke;
import javax.swing.SwingConstants;
import javax.swing.Timer;
import onekey.softphone.cti.CtiEvent;

/**
 * The softphone's window (Swing, all methods on the EDT): a state bar (phone registered, CTI connected, a red
 * "degraded" line while either is down), agent state buttons, call buttons with shortcuts (F2 answer, F4 hang
 * up, F5 ready), the screen pop and the notes + disposition. Components carry names (e.g. {@code elderName})
 * for tests and automation.
 */
final class SoftphoneWindow {

    /** What the buttons do (the controller). */
    interface Actions {
        void answer();

        void hangup();

        void ready();

        void pause(String reason);

        void logout();

        void hold(boolean on);

        void mute(boolean on);

        void save(String disposition, String notes);

        /** RFC 4733 DTMF on the call (the keypad). */
        void dtmf(String digit);

        /** Blind transfer of the call to a seat's extension or any number. */
        default void transfer(String target) {
        }

        /** Holds the call and calls {@code target} on the second line (attended transfer, conference). */
        default void consult(String target) {
        }

        /** Attended transfer: joins the held party with the one on the second line. */
        default void completeTransfer() {
        }

        /** Three-way conference of the held party, the second line and this seat. */
        default void conference() {
        }

        /** Hangs up the second line. */
        default void hangupConsult() {
        }

        /** Click-to-call a number on the pop: a new call when idle, the second line during a call. */
        default void dial(String number) {
        }

        /** Issue 18: the elder on call {@code linkedid} does not respond: start the no-response rescue. */
        default void noResponse(String linkedid) {
        }

        /** Issue 18 item 2: 紧急救援 on call {@code linkedid}: AB seats, seat B brought into the call. */
        default void emergency(String linkedid) {
        }
    }

    static final List<String> DISPOSITIONS = List.of("resolved", "ambulance-sent", "family-informed", "doctor-advice",
            "callback-needed", "false-alarm", "other");
    static final List<String> REASONS = List.of("break", "meal", "training", "meeting");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Color SOS = new Color(0xC62828);
    private static final Color OTHER_LINE = new Color(0x1565C0);
    private static final Color UNKNOWN = new Color(0x6D4C41);

    final JFrame frame;
    private final I18n i18n;
    private final Actions actions;
    private final Map<Object, String> texts = new LinkedHashMap<>();
    private final List<Runnable> relabels = new ArrayList<>();

    final JLabel sipStatus = named(new JLabel(), "sipStatus");
    final JLabel ctiStatus = named(new JLabel(), "ctiStatus");
    final JLabel degraded = named(new JLabel(" "), "degraded");
    final JLabel agentState = named(new JLabel(), "agentState");
    final JLabel wrapUp = named(new JLabel(" "), "wrapUp");
    final JButton readyButton = named(new JButton(), "readyButton");
    final JButton pauseButton = named(new JButton(), "pauseButton");
    final JComboBox<String> reason = named(new JComboBox<>(REASONS.toArray(String[]::new)), "pauseReason");
    final JButton logoutButton = named(new JButton(), "logoutButton");
    final JButton answerButton = named(new JButton(), "answerButton");
    final JButton hangupButton = named(new JButton(), "hangupButton");
    final JToggleButton holdButton = named(new JToggleButton(), "holdButton");
    final JToggleButton muteButton = named(new JToggleButton(), "muteButton");
    final JLabel banner = named(new JLabel(" ", SwingConstants.CENTER), "popBanner");
    final JLabel elderName = named(new JLabel(" "), "elderName");
    /** Issue 22: on an SOS pop, in red, when the elder has not signed the 人工代呼 agreement (calling 120 for them). */
    final JLabel proxyCall = named(new JLabel(" "), "proxyCallWarning");
    final JLabel caller = named(new JLabel(" "), "callerNumber");
    final Map<String, JLabel> fields = new LinkedHashMap<>();
    final DefaultListModel<String> contactsModel = new DefaultListModel<>();
    final JList<String> contacts = named(new JList<>(contactsModel), "contacts");
    final DefaultListModel<String> lastCallsModel = new DefaultListModel<>();
    final JList<String> lastCalls = named(new JList<>(lastCallsModel), "lastCalls");
    final JTextArea notes = named(new JTextArea(4, 30), "notes");
    final JComboBox<String> disposition = named(new JComboBox<>(DISPOSITIONS.toArray(String[]::new)), "disposition");
    final JButton saveButton = named(new JButton(), "saveButton");
    final JLabel saved = named(new JLabel(" "), "savedStatus");
    final List<JButton> keypad = new ArrayList<>();
    /** An unregistered caller's form (issue 7), below the pop. */
    final NewElderForm elderForm;
    // transfer, second line, conference, click-to-call (issue 7)
    final JComboBox<String> transferTarget = named(new JComboBox<>(), "transferTarget");
    final JButton transferButton = named(new JButton(), "transferButton");
    final JButton consultButton = named(new JButton(), "consultButton");
    final JButton completeButton = named(new JButton(), "completeTransferButton");
    final JButton conferenceButton = named(new JButton(), "conferenceButton");
    final JButton line2HangupButton = named(new JButton(), "line2HangupButton");
    final JLabel line2Status = named(new JLabel(" "), "line2Status");
    final JButton callContactButton = named(new JButton(), "callContactButton");
    final JButton call120Button = named(new JButton("120"), "call120Button");
    final JButton call110Button = named(new JButton("110"), "call110Button");
    // the seat's workspace (issue 18 items 4 and 6): the worklist tab, the booking form in the pop
    final javax.swing.JTabbedPane tabs = named(new javax.swing.JTabbedPane(), "tabs");
    final WorklistPanel worklist;
    final BookingForm bookingForm;
    /** Issue 21: the life-services order form in a registered elder's pop. */
    final OrderForm orderForm;
    /** Issue 20: the elder's (or an incident's) texts and the seat's free text to a contact. */
    final SmsPane smsPane;
    /** Issue 24: the elder's terminals and 测试模式 (Ctrl+T). */
    final ElderDevicesPane elderDevices;
    private IncidentPanel incidentPanel;
    /** The numbers of the contacts shown, in the list's order. */
    private final List<String> contactNumbers = new ArrayList<>();
    private boolean inCall;
    private String line2 = "IDLE";
    private Timer countdown;
    /** Notes or disposition changed since the pop or the last save. */
    private boolean dirty;
    private boolean sipOk;
    private boolean ctiOk;
    private String ctiText = "cti.down";
    /** The main line's last state (IDLE, RINGING, CALLING, ACTIVE, HELD). */
    private String phoneState = "IDLE";
    /**
     * The pop on screen belongs to a call that is offered or on the line: set by {@link #pop}, cleared when the phone
     * is idle again after a call. The phone may ring before the call.offered frame arrives (the SIP INVITE and the
     * frame race); then the pop on screen is the previous caller's and must not stand under a ringing phone.
     */
    private boolean popCurrent;
    // ---- issue 18: the silent caller's banner, the incident workspace, the values' names ----
    final NoResponseBar noResponse;
    private final ValueNames names;

    SoftphoneWindow(I18n i18n, Actions actions, String who) {
        this.i18n = i18n;
        this.actions = actions;
        this.elderForm = new NewElderForm(i18n);
        this.names = new ValueNames(i18n);
        this.noResponse = new NoResponseBar(i18n, actions::noResponse);
        relabels.add(noResponse::relabel);
        noResponse.onEmergency(actions::emergency);
        relabels.add(elderForm::relabel);
        this.worklist = new WorklistPanel(i18n, System::currentTimeMillis);
        this.bookingForm = new BookingForm(i18n);
        relabels.add(worklist::relabel);
        relabels.add(bookingForm::relabel);
        this.orderForm = new OrderForm(i18n);
        relabels.add(orderForm::relabel);
        this.smsPane = new SmsPane(i18n);
        relabels.add(smsPane::relabel);
        this.elderDevices = new ElderDevicesPane(i18n);
        relabels.add(elderDevices::relabel);
        frame = new JFrame();
        frame.setName("softphone");
        relabels.add(() -> frame.setTitle(i18n.t("title") + " — " + who));

        JPanel bar = new JPanel(new FlowLayout(FlowLayout.LEFT, 12, 4));
        bar.add(sipStatus);
        bar.add(ctiStatus);
        bar.add(agentState);
        bar.add(wrapUp);
        degraded.setForeground(Color.WHITE);
        degraded.setOpaque(true);
        degraded.setBackground(SOS);
        degraded.setVisible(false);
        JPanel top = new JPanel(new BorderLayout());
        top.add(bar, BorderLayout.NORTH);
        top.add(degraded, BorderLayout.SOUTH);

        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 4));
        for (Component c : List.<Component>of(readyButton, pauseButton, reason, logoutButton, Box.createHorizontalStrut(20),
                answerButton, hangupButton, holdButton, muteButton, noResponse.emergency)) {
            buttons.add(c);
        }
        text(readyButton, "ready");
        text(pauseButton, "pause");
        text(logoutButton, "logout");
        text(answerButton, "answer");
        text(hangupButton, "hangup");
        text(holdButton, "hold");
        text(muteButton, "mute");
        text(saveButton, "save");
        answerButton.setEnabled(false);
        hangupButton.setEnabled(false);
        holdButton.setEnabled(false);
        muteButton.setEnabled(false);
        readyButton.addActionListener(e -> actions.ready());
        pauseButton.addActionListener(e -> actions.pause((String) reason.getSelectedItem()));
        logoutButton.addActionListener(e -> actions.logout());
        answerButton.addActionListener(e -> actions.answer());
        hangupButton.addActionListener(e -> actions.hangup());
        holdButton.addActionListener(e -> actions.hold(holdButton.isSelected()));
        muteButton.addActionListener(e -> actions.mute(muteButton.isSelected()));
        saveButton.addActionListener(e -> actions.save((String) disposition.getSelectedItem(), notes.getText()));
        notes.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
            @Override
            public void insertUpdate(javax.swing.event.DocumentEvent e) {
                dirty = true;
            }

            @Override
            public void removeUpdate(javax.swing.event.DocumentEvent e) {
                dirty = true;
            }

            @Override
            public void changedUpdate(javax.swing.event.DocumentEvent e) {
                dirty = true;
            }
        });
        disposition.addActionListener(e -> dirty = true);

        // the pop
        banner.setOpaque(true);
        banner.setForeground(Color.WHITE);
        banner.setBackground(Color.GRAY);
        banner.setFont(banner.getFont().deriveFont(Font.BOLD, 20f));
        elderName.setFont(elderName.getFont().deriveFont(Font.BOLD, 26f));
        JPanel pop = new JPanel(new GridBagLayout());
        pop.setBorder(BorderFactory.createEmptyBorder(8, 12, 8, 12));
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 4, 2, 4);
        g.anchor = GridBagConstraints.NORTHWEST;
        g.fill = GridBagConstraints.HORIZONTAL;
        g.gridx = 0;
        g.gridy = 0;
        g.gridwidth = 2;
        g.weightx = 1;
        pop.add(elderName, g);
        g.gridy++;
        proxyCall.setForeground(new Color(0xC6, 0x28, 0x28));
        proxyCall.setFont(proxyCall.getFont().deriveFont(Font.BOLD, 16f));
        proxyCall.setVisible(false);
        pop.add(proxyCall, g);
        g.gridy++;
        pop.add(caller, g);
        g.gridy++;
        pop.add(elderForm.panel, g); // an unregistered caller's form, right under the number (hidden otherwise)
        g.gridwidth = 1;
        for (String k : List.of("age", "address", "landmarks", "district", "language", "health", "medications",
                "allergies", "mobility", "device")) {
            g.gridy++;
            g.gridx = 0;
            g.weightx = 0;
            JLabel key = new JLabel();
            text(key, k);
            key.setForeground(Color.GRAY);
            pop.add(key, g);
            g.gridx = 1;
            g.weightx = 1;
            JLabel v = named(new JLabel(" "), "elder" + Character.toUpperCase(k.charAt(0)) + k.substring(1));
            fields.put(k, v);
            pop.add(v, g);
        }
        g.gridy++;
        g.gridx = 0;
        JLabel ck = new JLabel();
        text(ck, "contacts");
        ck.setForeground(Color.GRAY);
        pop.add(ck, g);
        g.gridx = 1;
        contacts.setVisibleRowCount(3);
        pop.add(new JScrollPane(contacts), g);
        contactRow(pop, g);
        g.gridy++;
        g.gridx = 0;
        g.gridwidth = 2;
        pop.add(elderDevices.panel, g); // the elder's terminals, 测试模式 for a 驿站 worker's test (issue 24)
        g.gridwidth = 1;
        g.gridy++;
        g.gridx = 0;
        JLabel lk = new JLabel();
        text(lk, "lastCalls");
        lk.setForeground(Color.GRAY);
        pop.add(lk, g);
        g.gridx = 1;
        lastCalls.setVisibleRowCount(4);
        pop.add(new JScrollPane(lastCalls), g);
        g.gridy++;
        g.gridx = 0;
        g.gridwidth = 2;
        pop.add(bookingForm.panel, g); // a registered elder's booking form and bookings (issue 18)
        g.gridy++;
        pop.add(orderForm.panel, g); // a registered elder's life-services order (issue 21)
        g.gridy++;
        pop.add(smsPane.panel, g); // the elder's texts and a free text to a contact (issue 20)
        g.gridwidth = 1;

        JPanel wrap = new JPanel();
        wrap.setLayout(new BoxLayout(wrap, BoxLayout.Y_AXIS));
        JLabel nk = new JLabel();
        text(nk, "notes");
        JLabel dk = new JLabel();
        text(dk, "disposition");
        notes.setLineWrap(true);
        JPanel dispRow = new JPanel(new FlowLayout(FlowLayout.LEFT));
        dispRow.add(dk);
        dispRow.add(disposition);
        dispRow.add(saveButton);
        dispRow.add(saved);
        JScrollPane notesPane = new JScrollPane(notes);
        for (JComponent c : List.of(nk, notesPane, dispRow)) {
            c.setAlignmentX(Component.LEFT_ALIGNMENT);
            wrap.add(c);
        }
        wrap.setBorder(BorderFactory.createEmptyBorder(4, 12, 8, 12));

        JPanel keys = new JPanel(new FlowLayout(FlowLayout.LEFT, 2, 0));
        for (char k : "123456789*0#".toCharArray()) {
            JButton b = named(new JButton(String.valueOf(k)), "key" + (k == '*' ? "Star" : k == '#' ? "Hash" : String.valueOf(k)));
            b.setMargin(new Insets(1, 6, 1, 6));
            b.setEnabled(false);
            b.addActionListener(e -> actions.dtmf(String.valueOf(k)));
            keypad.add(b);
            keys.add(b);
        }
        keys.setAlignmentX(Component.LEFT_ALIGNMENT);
        wrap.add(keys, 0);

        JPanel center = new JPanel(new BorderLayout());
        JPanel banners = new JPanel(new BorderLayout());
        banners.add(banner, BorderLayout.NORTH);
        banners.add(noResponse.panel, BorderLayout.SOUTH); // issue 18: 无响应
        center.add(banners, BorderLayout.NORTH);
        center.add(new JScrollPane(pop), BorderLayout.CENTER);
        center.add(wrap, BorderLayout.SOUTH);

        JPanel north = new JPanel(new BorderLayout());
        north.add(top, BorderLayout.NORTH);
        north.add(buttons, BorderLayout.CENTER);
        north.add(transferRow(), BorderLayout.SOUTH);
        frame.getContentPane().add(north, BorderLayout.NORTH);
        // the pop and the worklist as tabs (issue 18); a ringing phone brings the pop's tab forward
        tabs.addTab("", center);
        tabs.addTab("", worklist.panel);
        relabels.add(() -> {
            tabs.setTitleAt(0, i18n.t("tab.pop"));
            tabs.setTitleAt(1, i18n.t("tab.worklist"));
        });
        frame.getContentPane().add(tabs, BorderLayout.CENTER);
        javax.swing.ListCellRenderer<Object> codes = new javax.swing.DefaultListCellRenderer() {
            @Override
            public Component getListCellRendererComponent(JList<?> list, Object value, int index, boolean selected,
                    boolean focus) {
                String k = "code." + value;
                String shown = i18n.t(k).equals(k) ? String.valueOf(value) : i18n.t(k);
                return super.getListCellRendererComponent(list, shown, index, selected, focus);
            }
        };
        disposition.setRenderer(codes);
        reason.setRenderer(codes);
        frame.setJMenuBar(menu());
        keys();
        relabel();
        sip(false, "");
        cti(false, "cti.down", "");
        agent("logged-out", null, 0, 0);
        frame.setPreferredSize(new Dimension(900, 760));
        frame.pack();
        frame.setDefaultCloseOperation(JFrame.DO_NOTHING_ON_CLOSE);
    }

    /** Transfer target (seats and professional seats from ONEKEY_TRANSFER_TARGETS, or typed) and its buttons. */
    private JPanel transferRow() {
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 2));
        transferTarget.setEditable(true);
        TransferTargets.fromEnvironment().forEach(t -> transferTarget.addItem(t.toString()));
        transferTarget.setPrototypeDisplayValue("心理咨询 王医生 (02161230000)");
        JLabel tk = new JLabel();
        text(tk, "transfer.to");
        for (Component c : List.<Component>of(tk, transferTarget, transferButton, consultButton, completeButton,
                conferenceButton, line2HangupButton, line2Status)) {
            row.add(c);
        }
        text(transferButton, "transfer");
        text(consultButton, "consult");
        text(completeButton, "transfer.complete");
        text(conferenceButton, "conference");
        text(line2HangupButton, "line2.hangup");
        transferButton.addActionListener(e -> target().ifPresent(actions::transfer));
        consultButton.addActionListener(e -> target().ifPresent(actions::consult));
        completeButton.addActionListener(e -> actions.completeTransfer());
        conferenceButton.addActionListener(e -> actions.conference());
        line2HangupButton.addActionListener(e -> actions.hangupConsult());
        transferControls();
        return row;
    }

    /** Click-to-call under the contacts: the selected contact (or a double click on it), 120, 110. */
    private void contactRow(JPanel pop, GridBagConstraints g) {
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        text(callContactButton, "call.contact");
        row.add(callContactButton);
        row.add(call120Button);
        row.add(call110Button);
        g.gridy++;
        g.gridx = 1;
        pop.add(row, g);
        callContactButton.addActionListener(e -> selectedContact().ifPresent(actions::dial));
        call120Button.addActionListener(e -> actions.dial("120"));
        call110Button.addActionListener(e -> actions.dial("110"));
        contacts.addMouseListener(new java.awt.event.MouseAdapter() {
            @Override
            public void mouseClicked(java.awt.event.MouseEvent e) {
                if (e.getClickCount() == 2) {
                    selectedContact().ifPresent(actions::dial);
                }
            }
        });
    }

    private java.util.Optional<String> selectedContact() {
        int i = contacts.getSelectedIndex();
        return i >= 0 && i < contactNumbers.size() ? java.util.Optional.of(contactNumbers.get(i)) : java.util.Optional.empty();
    }

    private java.util.Optional<String> target() {
        Object typed = transferTarget.getEditor().getItem();
        String n = TransferTargets.number(typed == null ? "" : typed.toString());
        if (n.isEmpty() && transferTarget.getSelectedItem() != null) {
            n = TransferTargets.number(transferTarget.getSelectedItem().toString());
        }
        if (n.isEmpty()) {
            savedMessage(i18n.t("transfer.none"));
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(n);
    }

    /** The second line changed state (IDLE, CALLING, ACTIVE). */
    void line2(String state, String detail) {
        line2 = state;
        line2Status.setText("IDLE".equals(state) ? " " : i18n.t("line2") + ": " + detail);
        transferControls();
    }

    private void transferControls() {
        boolean open = !"IDLE".equals(line2);
        transferButton.setEnabled(inCall && !open);
        consultButton.setEnabled(inCall && !open);
        completeButton.setEnabled(inCall && "ACTIVE".equals(line2));
        conferenceButton.setEnabled(inCall && "ACTIVE".equals(line2));
        line2HangupButton.setEnabled(open);
    }

    private static <T extends Component> T named(T c, String name) {
        c.setName(name);
        return c;
    }

    private void text(Object c, String key) {
        texts.put(c, key);
    }

    private JMenuBar menu() {
        JMenuBar mb = new JMenuBar();
        JMenu lang = named(new JMenu(), "languageMenu");
        relabels.add(() -> lang.setText(i18n.t("menu.language")));
        ButtonGroup group = new ButtonGroup();
        JRadioButtonMenuItem zh = named(new JRadioButtonMenuItem("中文", !i18n.english()), "langZh");
        JRadioButtonMenuItem en = named(new JRadioButtonMenuItem("English", i18n.english()), "langEn");
        group.add(zh);
        group.add(en);
        zh.addActionListener(e -> language(false));
        en.addActionListener(e -> language(true));
        lang.add(zh);
        lang.add(en);
        mb.add(lang);
        mb.add(noResponse.menu);
        return mb;
    }

    void language(boolean english) {
        i18n.english(english);
        relabel();
    }

    private void relabel() {
        texts.forEach((c, k) -> {
            if (c instanceof JLabel l) {
                l.setText(i18n.t(k));
            } else if (c instanceof javax.swing.AbstractButton b) {
                b.setText(i18n.t(k));
            }
        });
        relabels.forEach(Runnable::run);
    }

    private void keys() {
        JComponent root = frame.getRootPane();
        bind(root, KeyEvent.VK_F2, "answer", e -> {
            if (answerButton.isEnabled()) {
                actions.answer();
            }
        });
        bind(root, KeyEvent.VK_F4, "hangup", e -> {
            if (hangupButton.isEnabled()) {
                actions.hangup();
            }
        });
        bind(root, KeyEvent.VK_F5, "ready", e -> actions.ready());
        noResponse.bindKeys(root);
        worklist.bindKeys(root);
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_J,
                java.awt.event.InputEvent.CTRL_DOWN_MASK), "order"); // issue 21: 建工单
        root.getActionMap().put("order", new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                if (orderForm.panel.isShowing()) {
                    orderForm.send();
                }
            }
        });
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_T,
                java.awt.event.InputEvent.CTRL_DOWN_MASK), "elderDeviceTest"); // issue 24: 测试模式
        root.getActionMap().put("elderDeviceTest", new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                if (elderDevices.panel.isShowing()) {
                    elderDevices.testMode();
                }
            }
        });
        // issue 20: 发短信 in the SMS pane; Ctrl+Shift+M: the top incident's texts in the pane
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_M,
                java.awt.event.InputEvent.CTRL_DOWN_MASK), "smsSend");
        root.getActionMap().put("smsSend", new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                if (smsPane.panel.isShowing()) {
                    smsPane.send();
                }
            }
        });
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_M,
                java.awt.event.InputEvent.CTRL_DOWN_MASK | java.awt.event.InputEvent.SHIFT_DOWN_MASK), "smsIncident");
        root.getActionMap().put("smsIncident", new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                smsForIncident(null);
            }
        });
    }

    private static void bind(JComponent root, int key, String name, Consumer<ActionEvent> a) {
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(key, 0), name);
        root.getActionMap().put(name, new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                a.accept(e);
            }
        });
    }

    // ---- state -------------------------------------------------------------------------------------------

    void sip(boolean ok, String detail) {
        sipOk = ok;
        sipStatus.setText((ok ? "● " : "○ ") + i18n.t(ok ? "sip.ok" : "sip.down"));
        sipStatus.setForeground(ok ? new Color(0x2E7D32) : SOS);
        sipStatus.setToolTipText(detail);
        degradedLine();
    }

    /** {@code key}: cti.ok, cti.down or cti.ended. */
    void cti(boolean ok, String key, String detail) {
        ctiOk = ok;
        ctiText = key;
        ctiStatus.setText((ok ? "● " : "○ ") + i18n.t(key));
        ctiStatus.setForeground(ok ? new Color(0x2E7D32) : SOS);
        ctiStatus.setToolTipText(detail);
        degradedLine();
    }

    private void degradedLine() {
        if (sipOk && ctiOk) {
            degraded.setVisible(false);
            degraded.setText(" ");
            return;
        }
        StringBuilder b = new StringBuilder(" ").append(i18n.t("degraded"));
        if (!sipOk) {
            b.append(i18n.t("sip.down")).append("  ");
        }
        if (!ctiOk) {
            b.append(i18n.t(ctiText)).append("  ");
        }
        if (!"cti.ended".equals(ctiText) || ctiOk) {
            b.append(i18n.t("degraded.recovering"));
        }
        degraded.setText(b.toString());
        degraded.setVisible(true);
    }

    void agent(String state, String why, long since, int wrapUpSeconds) {
        agentState.setText(i18n.t("state") + i18n.t("state." + state) + (why == null ? "" : " (" + code(why) + ")"));
        agentState.putClientProperty("state", state);
        if (countdown != null) {
            countdown.stop();
            countdown = null;
        }
        wrapUp.setText(" ");
        if ("wrap-up".equals(state) && wrapUpSeconds > 0) {
            long ends = (since > 0 ? since : System.currentTimeMillis()) + wrapUpSeconds * 1000L;
            boolean[] autosaved = {false};
            Runnable tick = () -> {
                long left = ends - System.currentTimeMillis();
                wrapUp.setText(String.format(i18n.t("wrapup.left"), Math.max(0, (left + 999) / 1000)));
                // notes typed but not saved: saved by themselves a second before wrap-up ends
                if (left <= 1200 && !autosaved[0] && dirty) {
                    autosaved[0] = true;
                    actions.save((String) disposition.getSelectedItem(), notes.getText());
                }
            };
            tick.run();
            countdown = new Timer(250, e -> tick.run());
            countdown.start();
        }
        readyButton.setEnabled(!"ready".equals(state) && !"on-call".equals(state));
        pauseButton.setEnabled(!"not-ready".equals(state) && !"on-call".equals(state));
    }

    void phone(String sipState) {
        boolean ringing = "RINGING".equals(sipState);
        if (ringing && !"RINGING".equals(phoneState) && !popCurrent) {
            popPending();
        }
        if ("IDLE".equals(sipState) && !"IDLE".equals(phoneState)) {
            popCurrent = false;
        }
        phoneState = sipState;
        boolean inCall = "ACTIVE".equals(sipState) || "HELD".equals(sipState);
        answerButton.setEnabled(ringing);
        hangupButton.setEnabled(ringing || inCall);
        holdButton.setEnabled(inCall);
        muteButton.setEnabled(inCall);
        keypad.forEach(k -> k.setEnabled(inCall));
        this.inCall = inCall;
        noResponse.inCall(inCall);
        holdButton.setSelected("HELD".equals(sipState)); // also when the phone held the call for a consultation
        transferControls();
        if (!inCall) {
            holdButton.setSelected(false);
            muteButton.setSelected(false);
        }
        if (ringing) {
            if (!worklist.justDialled()) {
                tabs.setSelectedIndex(0);
            }
            frame.toFront();
        }
    }

    /**
     * The phone rings and the call's record has not come yet: the previous caller's record leaves the screen (an agent
     * must not greet the wrong elder), the banner says the record is on its way. Notes and disposition stay (they are
     * the previous call's until its pop replaces them; Save still saves them to that call).
     */
    private void popPending() {
        banner.setBackground(Color.GRAY);
        banner.setText(i18n.t("ringing") + " · " + i18n.t("pop.pending"));
        elderName.setText(" ");
        caller.setText(" ");
        fields.values().forEach(l -> l.setText(" "));
        proxyCall.setVisible(false);
        contactsModel.clear();
        contactNumbers.clear();
        lastCallsModel.clear();
        elderForm.hide();
        noResponse.offered(null); // issue 18: not the previous call's (a call Asterisk rings for the incident has no pop)
        bookingForm.hide();
        orderForm.hide();
        elderDevices.hide();
        if (smsPane.incidentId() == null) {
            smsPane.hide(); // an incident's texts stay while the seat works the incident
        }
    }

    /** Paints the screen pop for an offered call. */
    void pop(CtiEvent.CallOffered ev) {
        popCurrent = true;
        JsonNode call = ev.call();
        String line = call.path("line").asText("general");
        String lineName = names.name("line", line);
        noResponse.offered(call.path("linkedid").asText(null));
        JsonNode e = ev.elder();
        boolean known = ev.registered() && e.isObject();
        banner.setBackground("sos".equals(line) ? SOS : known ? OTHER_LINE : UNKNOWN);
        banner.setText(i18n.t("ringing") + " · " + lineName + (known ? "" : " · "
                + i18n.t(ev.recordUnavailable() ? "unavailable" : "unregistered")));
        caller.setText(i18n.t("caller") + ": " + ev.callerNumber());
        notes.setText("");
        saved.setText(" ");
        disposition.setSelectedIndex(0);
        contactsModel.clear();
        contactNumbers.clear();
        lastCallsModel.clear();
        dirty = false;
        // the 人工代呼 agreement: absent on an SOS call → red, before anyone dials 120 for the elder
        boolean noAgreement = known && "sos".equals(line) && e.has("proxyCallAgreed") && !e.path("proxyCallAgreed").asBoolean();
        proxyCall.setText(noAgreement ? i18n.t("proxyCall.missing") : " ");
        proxyCall.setVisible(noAgreement);
        if (!known) {
            elderName.setText(i18n.t(ev.recordUnavailable() ? "unavailable" : "unregistered"));
            fields.values().forEach(l -> l.setText(" "));
            bookingForm.hide();
            orderForm.hide();
            elderDevices.hide();
            if (ev.recordUnavailable()) {
                elderForm.hide(); // the record may exist: no second one while it cannot be read
            } else {
                elderForm.show(ev.callId(), ev.callerNumber());
            }
            return;
        }
        elderForm.hide();
        bookingForm.show(e.path("id").asLong(call.path("elderId").asLong()));
        orderForm.show(e.path("id").asLong(call.path("elderId").asLong()), ev.callId() > 0 ? ev.callId() : null);
        elderDevices.show(e.path("id").asLong(call.path("elderId").asLong()));
        smsPane.show(e.path("id").asLong(call.path("elderId").asLong()), null, e.path("contacts"),
                ev.callId() > 0 ? ev.callId() : null);
        elderName.setText(e.path("name").asText());
        fields.get("age").setText(e.path("age").isNumber() ? e.path("age").asText() + (e.path("gender").isTextual()
                ? " · " + names.name("sex", e.path("gender").asText()) : "") : "—");
        fields.get("address").setText(text(e, "address"));
        fields.get("landmarks").setText(text(e, "landmarks"));
        fields.get("district").setText(text(e, "district"));
        fields.get("language").setText(names.name("language", e.path("language").asText("")));
        fields.get("health").setText(text(e, "healthConditions"));
        fields.get("medications").setText(text(e, "medications"));
        fields.get("allergies").setText(text(e, "allergies"));
        fields.get("mobility").setText(text(e, "mobility"));
        fields.get("device").setText(names.name("device", e.path("device").asText("")));
        int i = 1;
        for (JsonNode c : e.path("contacts")) {
            contactsModel.addElement(i++ + ". " + c.path("name").asText() + " (" + c.path("relation").asText() + ") "
                    + c.path("phone").asText());
            contactNumbers.add(c.path("phone").asText());
        }
        for (JsonNode c : e.path("lastCalls")) {
            long at = c.path("arrivedAt").asLong();
            lastCallsModel.addElement((at > 0 ? WHEN.format(Instant.ofEpochMilli(at)) : "?") + "  "
                    + names.name("line", c.path("line").asText("general")) + "  " + names.name("outcome", c.path("outcome").asText(""))
                    + "  " + (c.path("disposition").isTextual() ? names.name("disposition", c.path("disposition").asText()) : "—") + (c.path("notes").isTextual() ? "  " + c.path("notes").asText() : ""));
        }
    }

    /** The unregistered caller's record was created and linked: the pop shows its name. */
    void elderCreated(long elderId, String name, String address) {
        elderForm.created(elderId);
        elderName.setText(name);
        fields.get("address").setText(address == null || address.isBlank() ? "—" : address);
    }

    void answered(String lineName) {
        String t = banner.getText();
        String ringing = i18n.t("ringing") + " · ";
        if (t.startsWith(ringing)) {
            banner.setText(t.substring(ringing.length()));
        }
    }

    private String code(String c) {
        String k = "code." + c;
        return i18n.t(k).equals(k) ? c : i18n.t(k);
    }

    private static String text(JsonNode e, String k) {
        String s = e.path(k).asText("");
        return s.isBlank() ? "—" : s;
    }

    void savedMessage(String s) {
        saved.setText(s);
    }

    /** The notes and disposition on screen were saved. */
    void saved(String message) {
        dirty = false;
        saved.setText(message);
    }

    /** Issue 18: the incident workspace, beside the pop (its keys on the window). */
    /**
     * The SMS pane on an incident's texts: {@code incidentId}, or the top incident of the workspace when null. False
     * when there is no such incident with an elder.
     */
    boolean smsForIncident(Long incidentId) {
        IncidentPanel p = incidentPanel;
        if (p == null) {
            return false;
        }
        var t = incidentId == null ? p.textsOfTop() : p.textsOf(incidentId);
        t.ifPresent(x -> smsPane.show(x.elderId(), x.incidentId(), x.contacts()));
        return t.isPresent();
    }

    void incidents(IncidentPanel p) {
        this.incidentPanel = p;
        frame.getContentPane().add(p.panel, BorderLayout.EAST);
        relabels.add(p::relabel);
        p.bindKeys(frame.getRootPane());
        frame.setPreferredSize(new Dimension(1270, 900));
        frame.pack();
    }

    void show() {
        frame.setLocationRelativeTo(null);
        frame.setVisible(true);
    }
}
