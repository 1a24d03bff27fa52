package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.GridLayout;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import onekey.softphone.audio.Audio;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.audio.AudioSource;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;
import onekey.softphone.sip.SipPhone;

/**
 * The agent softphone: signs in with username + password, takes its own SIP settings from {@code GET /api/me},
 * registers its SIP phone, keeps the CTI WebSocket and shows the screen pop while the phone rings.
 *
 * <pre>./onekey softphone [--user NAME] [--password P] [--api https://127.0.0.1:8080] [--cacert run/tls/cert.pem]
 *                     [--audio-in FILE|silence|soundcard] [--audio-out FILE|none|soundcard] [--lang zh|en]
 *                     [--local-host ADDRESS] [--wallboard]</pre>
 * {@code --wallboard} opens only the supervisor's wallboard (no phone); a supervisor's softphone has a Wallboard
 * button too.
 */
public final class Softphone implements AutoCloseable {

    public record Options(URI api, Path cacert, String user, String password, String audioIn, String audioOut,
                          boolean english, String localHost, boolean wallboard) {
        public Options(URI api, Path cacert, String user, String password, String audioIn, String audioOut,
                       boolean english, String localHost) {
            this(api, cacert, user, password, audioIn, audioOut, english, localHost, false);
        }
    }

    private final Options o;
    private final I18n i18n;
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "softphone-actions");
        t.setDaemon(true);
        return t;
    });
    private CtiClient cti;
    private SipPhone phone;
    private SoftphoneWindow window;
    private AudioSource source;
    private AudioSink sink;
    private String username;
    private int wrapUpSeconds;
    private volatile long currentCallId = -1;
    private volatile Wallboard wallboard;
    /** Issue 19: the supervisors' and QA desk (supervisors and admins only), and its urgent alerts' sound. */
    private volatile SupervisorDesk desk;
    private volatile AlertCue alertCue = AlertCue.BEEP;
    /** Issue 19: QA sheets scored on this seat's calls, until acknowledged. */
    private volatile QaFeedback qaFeedback;
    /** Issue 19: the notices pinned on this seat. */
    private volatile NoticeBar notices;
    /** Issue 18: the seat's open incidents, beside the pop. */
    private volatile IncidentPanel incidents;
    /**
     * call.offered frame handed to the window → pop painted, in µs (the last {@link #POP_TIMES} pops; the bench reads
     * them): {total, waiting for the EDT, filling the pop, painting} per pop.
     */
    private final long[][] popMicros = new long[POP_TIMES][];
    private long pops;
    private final long[][] panelMicros = new long[POP_TIMES][];
    private long panels;
    static final int POP_TIMES = 4096;

    private Softphone(Options o) {
        this.o = o;
        this.i18n = new I18n(o.english());
    }

    public static void main(String[] args) throws Exception {
        String api = "https://127.0.0.1:8080";
        String user = null;
        String password = null;
        String cacert = null;
        String in = null;
        String out = null;
        String local = null;
        boolean english = false;
        boolean wall = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--wallboard")) {
                wall = true;
                continue;
            }
            if (a.startsWith("--") && i + 1 >= args.length) {
                usage("missing value for " + a);
            }
            switch (a) {
                case "--api" -> api = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--cacert" -> cacert = args[++i];
                case "--audio-in" -> in = args[++i];
                case "--audio-out" -> out = args[++i];
                case "--local-host" -> local = args[++i];
                case "--map" -> System.setProperty("onekey.map", args[++i]); // the alarm pop's offline map (issue 24)
                case "--lang" -> {
                    String l = args[++i];
                    if (!l.equals("zh") && !l.equals("en")) {
                        usage("--lang must be zh or en, not " + l);
                    }
                    english = l.equals("en");
                }
                default -> usage("unknown argument " + a);
            }
        }
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            usage("no display (set DISPLAY, or run under Xvfb: xvfb-run ./onekey softphone)");
        }
        Softphone sp = open(new Options(URI.create(api), cacert == null ? null : Path.of(cacert), user, password, in,
                out, english, local, wall));
        Runtime.getRuntime().addShutdownHook(new Thread(sp::close, "softphone-exit"));
    }

    private static void usage(String why) {
        System.err.println("softphone: " + why);
        System.err.println("usage: ./onekey softphone [--user NAME] [--password P] [--api URL] [--cacert PEM] "
                + "[--audio-in FILE|silence|soundcard] [--audio-out FILE|none|soundcard] [--lang zh|en] [--local-host ADDR] [--map FILE.map] [--wallboard]");
        System.exit(2);
    }

    /** Signs in (a dialog asks for what the options lack), opens the window, registers, connects. */
    public static Softphone open(Options o) throws Exception {
        com.formdev.flatlaf.FlatLightLaf.setup();
        Softphone sp = new Softphone(o);
        sp.start();
        return sp;
    }

    private void start() throws Exception {
        SSLContext tls = o.cacert() == null ? null : CtiClient.trusting(o.cacert());
        String user = o.user();
        String password = o.password();
        JsonNode me = null;
        String problem = null;
        while (me == null) {
            if (password == null || problem != null) {
                String[] creds = loginDialog(user, problem);
                if (creds == null) {
                    throw new IOException("sign-in cancelled");
                }
                user = creds[0];
                password = creds[1];
            }
            cti = new CtiClient(o.api(), user, password, tls, new CtiListener());
            try {
                cti.login();
                me = cti.me();
            } catch (CtiClient.LoginRefused e) {
                problem = e.getMessage();
            } catch (IOException e) {
                problem = i18n.t("cti.down") + ": " + e.getMessage();
            }
        }
        username = me.path("username").asText();
        long accountId = me.path("id").asLong(-1);
        wrapUpSeconds = me.path("wrapUpSeconds").asInt(0);
        boolean supervisor = "supervisor".equals(me.path("role").asText()) || "admin".equals(me.path("role").asText());
        if (o.wallboard()) {
            if (!supervisor) {
                throw new IOException("the wallboard is for supervisors and admins; " + username + " is "
                        + me.path("role").asText());
            }
            AtomicReference<Wallboard> wb = new AtomicReference<>();
            SwingUtilities.invokeAndWait(() -> wb.set(new Wallboard(i18n, cti)));
            wallboard = wb.get().open();
            wallboard.frame.setDefaultCloseOperation(javax.swing.JFrame.EXIT_ON_CLOSE);
            cti.start();
            return;
        }
        JsonNode sip = me.path("sip");
        if (!sip.isObject()) {
            throw new IOException("account " + username + " has no extension: it cannot take calls"
                    + (supervisor ? " (for the wallboard alone: --wallboard)" : ""));
        }
        String host = sip.path("host").asText("127.0.0.1");
        int port = sip.path("port").asInt(5060);
        String local = o.localHost() != null ? o.localHost() : localAddressTowards(host, port);
        source = Audio.source(o.audioIn());
        sink = Audio.sink(o.audioOut());
        String who = me.path("displayName").asText(username) + " (" + sip.path("extension").asText() + ")";
        AtomicReference<SoftphoneWindow> w = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> w.set(new SoftphoneWindow(i18n, new Buttons(), who)));
        window = w.get();
        window.elderForm.onSubmit(this::createElder);
        Warmup.start(i18n); // issue 18: the first pop's classes, fonts and glyphs, while the phone registers and CTI connects
        SwingUtilities.invokeAndWait(() -> { // issue 18: the incident workspace
            incidents = new IncidentPanel(i18n, cti, accountId);
            window.incidents(incidents);
        });
        workspace();
        SwingUtilities.invokeAndWait(() -> {
            qaFeedback = new QaFeedback(i18n, cti, work);
            notices = new NoticeBar(i18n, cti, work, username);
            window.frame.getJMenuBar().add(notices);
        });
        if ("dispatcher".equals(me.path("role").asText())) { // issue 21: the dispatch desk (the orders board), Ctrl+O
            SwingUtilities.invokeAndWait(() -> {
                javax.swing.JButton d = new javax.swing.JButton(i18n.t("desk.tab.orders") + " (Ctrl+O)");
                d.setName("ordersButton");
                desk = new SupervisorDesk(i18n, cti, () -> alertCue, n -> { }, () -> sink).ordersOnly(i18n);
                d.addActionListener(e -> desk.open());
                window.frame.getJMenuBar().add(d);
                window.frame.getRootPane().registerKeyboardAction(e -> desk.open(),
                        javax.swing.KeyStroke.getKeyStroke(java.awt.event.KeyEvent.VK_O, java.awt.event.InputEvent.CTRL_DOWN_MASK),
                        javax.swing.JComponent.WHEN_IN_FOCUSED_WINDOW);
            });
        }
        if (supervisor) {
            SwingUtilities.invokeAndWait(() -> {
                javax.swing.JButton b = new javax.swing.JButton(i18n.t("wb.open"));
                b.setName("wallboardButton");
                b.addActionListener(e -> openWallboard());
                window.frame.getJMenuBar().add(b);
                javax.swing.JButton d = new javax.swing.JButton(i18n.t("desk.open"));
                d.setName("deskButton");
                desk = new SupervisorDesk(i18n, cti, () -> alertCue, n -> d.setText(n == 0 ? i18n.t("desk.open")
                        : String.format(i18n.t("desk.openCount"), n)), () -> sink);
                d.addActionListener(e -> desk.open());
                window.frame.getJMenuBar().add(d);
            });
        }
        window.frame.addWindowListener(new java.awt.event.WindowAdapter() {
            @Override
            public void windowClosing(java.awt.event.WindowEvent e) {
                close();
                window.frame.dispose();
            }
        });
        phone = new SipPhone(new SipPhone.Settings(local, host, port, sip.path("extension").asText(),
                sip.path("secret").asText(), 0, 0, 60), source, sink, new PhoneListener()).start();
        SwingUtilities.invokeLater(window::show);
        cti.start();
    }

    /** The local address a UDP packet to the SIP server leaves from (loopback for a local Asterisk). */
    static String localAddressTowards(String host, int port) throws IOException {
        InetAddress h = InetAddress.getByName(host);
        if (h.isLoopbackAddress()) {
            return "127.0.0.1";
        }
        try (DatagramSocket d = new DatagramSocket()) {
            d.connect(new InetSocketAddress(h, port));
            return d.getLocalAddress().getHostAddress();
        }
    }

    private String[] loginDialog(String user, String problem) throws Exception {
        AtomicReference<String[]> out = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            JTextField u = new JTextField(user == null ? "" : user, 16);
            u.setName("loginUser");
            JPasswordField p = new JPasswordField(16);
            p.setName("loginPassword");
            JPanel panel = new JPanel(new GridLayout(0, 2, 6, 6));
            panel.add(new JLabel(i18n.t("login.server")));
            panel.add(new JLabel(o.api().toString()));
            panel.add(new JLabel(i18n.t("login.user")));
            panel.add(u);
            panel.add(new JLabel(i18n.t("login.password")));
            panel.add(p);
            if (problem != null) {
                JLabel err = new JLabel(problem);
                err.setForeground(java.awt.Color.RED);
                panel.add(err);
            }
            int r = JOptionPane.showConfirmDialog(null, panel, i18n.t("login.title"), JOptionPane.OK_CANCEL_OPTION,
                    JOptionPane.PLAIN_MESSAGE);
            if (r == JOptionPane.OK_OPTION) {
                out.set(new String[] {u.getText().trim(), new String(p.getPassword())});
            }
        });
        return out.get();
    }

    public JFrame frame() {
        return window != null ? window.frame : wallboard.frame;
    }

    /** Where the desk's urgent alerts sound (issue 19); a test records them. */
    public void alertCue(AlertCue cue) {
        alertCue = cue;
    }

    /** The supervisor's wallboard, opened once (on the EDT). */
    private void openWallboard() {
        if (wallboard == null) {
            wallboard = new Wallboard(i18n, cti).open();
        } else {
            wallboard.frame.setVisible(true);
            wallboard.frame.toFront();
        }
    }

    /** The unregistered caller's form: POST /api/elders with the call's id (the server links the record). */
    private void createElder(long callId, com.fasterxml.jackson.databind.node.ObjectNode body) {
        work.execute(() -> {
            try {
                JsonNode e = cti.request("POST", "/api/elders", body);
                ui(() -> window.elderCreated(e.path("id").asLong(), e.path("name").asText(), e.path("address").asText(null)));
            } catch (Exception | Error x) {
                String why = x.getMessage();
                ui(() -> window.elderForm.failed(why));
            }
        });
    }

    // ---- the seat's workspace (issue 18 items 4 and 6): the worklist tab, the booking form -----------------------

    private void workspace() {
        window.worklist.backend(new WorklistPanel.Backend() {
            @Override
            public void refresh() {
                refreshWorklist();
            }

            @Override
            public void dial(WorklistPanel.Item item) {
                work.execute(() -> {
                    try {
                        if (item.kind().equals("follow-up")) {
                            // Asterisk rings this seat's phone, then the elder: the attempt is noted, nothing is completed
                            cti.request("POST", "/api/incidents/" + item.id() + "/follow-up", null);
                        } else {
                            if (item.elderId() == null) {
                                throw new IOException("no elder's record to take the number from");
                            }
                            JsonNode e = cti.request("GET", "/api/elders/" + item.elderId() + "?reason=worklist", null);
                            String number = e.path("phones").path(0).asText("");
                            if (number.isEmpty()) {
                                throw new IOException("elder " + item.elderId() + " has no phone number");
                            }
                            phone.call(number); // this seat's own phone calls the elder
                            if (item.kind().equals("call-follow-up")) { // the attempt noted; it completes nothing
                                cti.request("POST", "/api/followups/" + item.id() + "/dialled", null);
                            }
                        }
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.worklist.status(why, true));
                    }
                    refreshWorklist();
                });
            }

            @Override
            public void outcome(WorklistPanel.Item item, boolean reached, String condition, Integer satisfaction) {
                work.execute(() -> {
                    try {
                        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                        if (item.kind().equals("follow-up")) {
                            var body = mapper.createObjectNode().put("reached", reached);
                            if (reached) {
                                body.put("condition", condition);
                                if (satisfaction != null) {
                                    body.put("satisfaction", satisfaction);
                                }
                            }
                            cti.request("POST", "/api/incidents/" + item.id() + "/follow-up/outcome", body);
                        } else if (item.kind().equals("call-follow-up")) {
                            var body = mapper.createObjectNode().put("reached", reached);
                            if (reached) {
                                body.put("condition", condition);
                                if (satisfaction != null) {
                                    body.put("satisfaction", satisfaction);
                                }
                            }
                            cti.request("POST", "/api/followups/" + item.id() + "/outcome", body);
                        } else if (reached) { // the elder heard about the booking from the seat: the task is done
                            cti.request("POST", "/api/broadcasts/" + item.id() + "/done",
                                    mapper.createObjectNode().put("note", condition));
                        }
                        ui(() -> window.worklist.saved(reached));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.worklist.status(why, true));
                    }
                    refreshWorklist();
                });
            }
        });
        window.orderForm.onSubmit(new OrderForm.Submit() { // issue 21: the life-services order from the pop
            @Override
            public void send(com.fasterxml.jackson.databind.node.ObjectNode body) {
                work.execute(() -> {
                    try {
                        JsonNode o = cti.request("POST", "/api/orders", body);
                        ui(() -> window.orderForm.created(o));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.orderForm.failed(why));
                    }
                });
            }

            @Override
            public void load(long orderId) {
                work.execute(() -> {
                    try {
                        JsonNode o = cti.request("GET", "/api/orders/" + orderId, null);
                        ui(() -> window.orderForm.progress(o));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.orderForm.failed(why));
                    }
                });
            }
        });
        window.elderDevices.onSubmit(new ElderDevicesPane.Submit() { // issue 24: the elder's terminals, 测试模式
            @Override
            public void load(long elderId) {
                work.execute(() -> {
                    try {
                        JsonNode list = cti.request("GET", "/api/devices?elderId=" + elderId, null);
                        ui(() -> window.elderDevices.loaded(elderId, list));
                    } catch (Exception | Error x) {
                        String why = x instanceof CtiClient.Refused r ? r.serverMessage() : x.getMessage();
                        ui(() -> window.elderDevices.failed(why));
                    }
                });
            }

            @Override
            public void testMode(long deviceId, int minutes) {
                work.execute(() -> {
                    try {
                        JsonNode d = cti.request("PUT", "/api/devices/" + deviceId + "/test-mode",
                                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("minutes", minutes));
                        ui(() -> window.elderDevices.testModeSet(d));
                    } catch (Exception | Error x) {
                        String why = x instanceof CtiClient.Refused r ? r.serverMessage() : x.getMessage();
                        ui(() -> window.elderDevices.failed(why));
                    }
                });
            }
        });
        window.smsPane.onSubmit(new SmsPane.Submit() { // issue 20: the elder's / incident's texts, a seat's free text
            @Override
            public void load(Long elderId, Long incidentId, Long callId) {
                work.execute(() -> {
                    try {
                        JsonNode list = cti.request("GET", "/api/sms?" + (incidentId != null ? "incidentId=" + incidentId
                                : "elderId=" + elderId + (callId != null ? "&callId=" + callId : "")) + "&limit=50", null);
                        ui(() -> window.smsPane.loaded(list));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.smsPane.failed(why));
                    }
                });
            }

            @Override
            public void send(com.fasterxml.jackson.databind.node.ObjectNode body) {
                work.execute(() -> {
                    try {
                        JsonNode m = cti.request("POST", "/api/sms", body);
                        ui(() -> window.smsPane.sent(m));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.smsPane.failed(why));
                    }
                });
            }
        });
        window.bookingForm.onSubmit(new BookingForm.Submit() {
            @Override
            public void send(com.fasterxml.jackson.databind.node.ObjectNode body) {
                work.execute(() -> {
                    try {
                        JsonNode b = cti.request("POST", "/api/broadcasts", body);
                        ui(() -> window.bookingForm.sent(b));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.bookingForm.failed(why));
                    }
                });
            }

            @Override
            public void load(long elderId) {
                work.execute(() -> {
                    try {
                        JsonNode list = cti.request("GET", "/api/broadcasts?elderId=" + elderId + "&limit=20", null);
                        ui(() -> window.bookingForm.history(list));
                    } catch (Exception | Error x) {
                        String why = x.getMessage();
                        ui(() -> window.bookingForm.failed(why));
                    }
                });
            }
        });
        SwingUtilities.invokeLater(() -> window.tabs.addChangeListener(e -> {
            if (window.tabs.getSelectedComponent() == window.worklist.panel) {
                refreshWorklist();
            }
        }));
    }

    /** Follow-ups due within 48 h and the bookings owed a call, loaded off the EDT. */
    private void refreshWorklist() {
        work.execute(() -> {
            try {
                java.util.List<WorklistPanel.Item> items = new java.util.ArrayList<>();
                cti.request("GET", "/api/worklist?hours=48", null).forEach(j -> items.add(WorklistPanel.Item.followUp(j)));
                cti.request("GET", "/api/broadcasts?task=open", null).forEach(b -> items.add(WorklistPanel.Item.booking(b)));
                ui(() -> window.worklist.rows(items));
            } catch (Exception | Error x) {
                String why = x.getMessage();
                ui(() -> window.worklist.status(why, true));
            }
        });
    }

    /** Bookings change state live in the pop ({@code broadcast.*}); the worklist follows incidents and bookings. */
    private void workspaceEvent(CtiEvent ev) {
        if (ev instanceof CtiEvent.Hello) {
            refreshWorklist();
        } else if (ev instanceof CtiEvent.Other o && o.type().startsWith("broadcast.")) {
            JsonNode b = o.json().path("broadcast");
            ui(() -> window.bookingForm.update(b));
            if (o.type().equals("broadcast.failed")) {
                refreshWorklist();
            }
        } else if (ev instanceof CtiEvent.IncidentChanged i && (i.type().equals("incident.resolved")
                || i.type().equals("incident.updated") || i.type().equals("incident.cancelled"))) {
            refreshWorklist();
        } else if (ev instanceof CtiEvent.Other o && o.type().startsWith("follow-up.")) {
            refreshWorklist();
        } else if (ev instanceof CtiEvent.Other o && o.type().startsWith("sms.")) {
            ui(() -> { // issue 20: a family's reply that is not an acknowledgement: the pane opens on its incident
                if (window.smsPane.event(o.type(), o.json())) {
                    JsonNode r = o.json().path("reply");
                    long incident = r.path("incidentId").asLong();
                    if (!window.smsForIncident(incident) && r.path("elderId").isNumber()) {
                        window.smsPane.show(r.path("elderId").asLong(), incident, null);
                    }
                }
            });
        }
    }

    /** Pop latencies measured so far (µs, the last {@value #POP_TIMES}), oldest first: {total, EDT wait, fill, paint}. */
    public synchronized long[][] popLatenciesMicros() {
        int n = (int) Math.min(pops, POP_TIMES);
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) {
            out[i] = popMicros[(int) ((pops - n + i) % POP_TIMES)];
        }
        return out;
    }

    private synchronized void popTook(long received, long onEdt, long filled, long painted) {
        popMicros[(int) (pops++ % POP_TIMES)] = new long[] {(painted - received) / 1000, (onEdt - received) / 1000,
                (filled - onEdt) / 1000, (painted - filled) / 1000};
    }

    static final int PANEL_SILENT = 0;
    static final int PANEL_INCIDENT = 1;
    static final int PANEL_ACK = 2;

    /**
     * Issue 18's bench: a {@code call.silent} / {@code incident.*} frame (or the no-response command's ack, which
     * carries the incident) handed to the window → its panel painted, measured as the pop is: the panel filled, the
     * window laid out (the banner may just have appeared) and what changed painted at once.
     */
    private void shown(int kind, Runnable fill) {
        long received = System.nanoTime();
        ui(() -> {
            long onEdt = System.nanoTime();
            fill.run();
            long filled = layOutChanges();
            paintChanges();
            panelTook(kind, received, onEdt, filled, System.nanoTime());
        });
    }

    /**
     * On the EDT, after a frame changed the window: what it marked for layout (revalidate) laid out now; returns when.
     * Only the invalid parts are laid out (a card that came, went or changed its size; the banner that appeared).
     */
    private long layOutChanges() {
        window.frame.getRootPane().validate();
        javax.swing.RepaintManager.currentManager(window.frame.getRootPane()).validateInvalidComponents();
        return System.nanoTime();
    }

    /**
     * On the EDT: what the frame changed painted now, once — the regions its setText / repaint / revalidate marked
     * dirty, as the RepaintManager would paint them at its leisure, but at once. The panels used to be painted whole
     * with {@code paintImmediately}, which left those regions dirty: the RepaintManager painted them a second time
     * right after (7–16 ms on the 2-core bench machine), and the frame that came next (the no-response ack ~10–20 ms
     * after incident.opened, or the other way round) waited for both paints; and a frame that changed one step line
     * or only the banner repainted the whole incident panel.
     */
    private void paintChanges() {
        javax.swing.RepaintManager.currentManager(window.frame.getRootPane()).paintDirtyRegions();
    }

    /** Incident frames not yet shown, by incident id: the EDT shows only the newest of each (guarded by itself). */
    private final Map<Long, PendingIncident> pendingIncidents = new HashMap<>();

    /** An incident's frames that came before the EDT ran: {kind, received} each, the newest made ready, and the banner's. */
    private static final class PendingIncident {
        final List<long[]> frames = new ArrayList<>();
        final List<Runnable> also = new ArrayList<>();
        IncidentPanel.Prepared newest;
    }

    /**
     * An {@code incident.*} frame or the no-response ack (which carries the incident; {@code also} starts the banner's
     * countdown). The card is made ready here, off the EDT; when several frames of one incident come before the EDT
     * runs (the ack and incident.opened together, a burst of incident.step), only the newest is applied, once, and
     * every one of them is counted as shown when the panel showing the newest (which includes it) is painted. Only what
     * changed is laid out and painted: a new card, or the step line, label or banner that changed.
     */
    private void incidentShown(int kind, JsonNode incident, Runnable also) {
        long received = System.nanoTime();
        IncidentPanel panel = incidents;
        IncidentPanel.Prepared p = panel.prepare(incident);
        boolean first;
        synchronized (pendingIncidents) {
            PendingIncident q = pendingIncidents.get(p.id());
            first = q == null;
            if (first) {
                q = new PendingIncident();
                pendingIncidents.put(p.id(), q);
            }
            q.frames.add(new long[] {kind, received});
            if (also != null) {
                q.also.add(also);
            }
            q.newest = p;
        }
        if (first) {
            ui(() -> showIncident(panel, p.id()));
        }
    }

    private void showIncident(IncidentPanel panel, long id) {
        PendingIncident q;
        synchronized (pendingIncidents) {
            q = pendingIncidents.remove(id);
        }
        long onEdt = System.nanoTime();
        q.also.forEach(Runnable::run);
        panel.apply(q.newest);
        long filled = layOutChanges();
        paintChanges();
        long painted = System.nanoTime();
        for (long[] f : q.frames) {
            panelTook((int) f[0], f[1], onEdt, filled, painted);
        }
    }

    private synchronized void panelTook(int kind, long received, long onEdt, long filled, long painted) {
        panelMicros[(int) (panels++ % POP_TIMES)] = new long[] {kind, (painted - received) / 1000, (onEdt - received) / 1000,
                (filled - onEdt) / 1000, (painted - filled) / 1000, received / 1000};
    }

    /**
     * The {@code call.silent} / {@code incident.*} panels' latencies so far (µs, the last {@value #POP_TIMES}), oldest
     * first: {kind (0 call.silent, 1 incident.*, 2 the no-response ack), total, EDT wait, fill and layout, paint, and
     * when the frame came (System.nanoTime() in µs, to find it in a Swing-thread trace)}.
     */
    public synchronized long[][] panelLatenciesMicros() {
        int n = (int) Math.min(panels, POP_TIMES);
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) {
            out[i] = panelMicros[(int) ((panels - n + i) % POP_TIMES)];
        }
        return out;
    }

    /** The sign-in's warm-up: how long it took (ms), -1 while it runs or when it is off. */
    public static long warmupMillis() {
        return Warmup.tookMillis();
    }

    public SipPhone phone() {
        return phone;
    }

    public CtiClient cti() {
        return cti;
    }

    private void ui(Runnable r) {
        SwingUtilities.invokeLater(r);
    }

    private void background(String what, ThrowingRunnable r) {
        work.execute(() -> {
            try {
                r.run();
            } catch (Exception | Error e) {
                ui(() -> window.savedMessage(what + ": " + e.getMessage()));
            }
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private final class Buttons implements SoftphoneWindow.Actions {
        @Override
        public void answer() {
            background("answer", phone::answer);
        }

        @Override
        public void hangup() {
            background("hang up", phone::hangup);
        }

        @Override
        public void ready() {
            background("ready", cti::ready);
        }

        @Override
        public void pause(String reason) {
            background("pause", () -> cti.pause(reason));
        }

        @Override
        public void logout() {
            background("logout", cti::logout);
        }

        @Override
        public void hold(boolean on) {
            background("hold", () -> phone.hold(on));
        }

        @Override
        public void mute(boolean on) {
            background("mute", () -> phone.mute(on));
        }

        @Override
        public void dtmf(String digit) {
            background("DTMF", () -> phone.sendDtmf(digit));
        }

        @Override
        public void transfer(String target) {
            background("transfer", () -> phone.transfer(target));
        }

        @Override
        public void consult(String target) {
            background("consult", () -> phone.consult(target));
        }

        @Override
        public void completeTransfer() {
            background("transfer", phone::completeTransfer);
        }

        @Override
        public void conference() {
            background("conference", phone::conference);
        }

        @Override
        public void hangupConsult() {
            background("line 2", phone::hangupConsult);
        }

        @Override
        public void dial(String number) {
            // idle: a call of its own; during a call: the second line (then transfer or conference from there)
            background("call " + number, () -> {
                if (phone.state() == SipPhone.CallState.IDLE) {
                    phone.call(number);
                } else {
                    phone.consult(number);
                }
            });
        }

        @Override
        public void noResponse(String linkedid) {
            background("no-response", () -> cti.noResponse(linkedid));
        }

        @Override
        public void emergency(String linkedid) {
            background("emergency", () -> cti.emergency(linkedid));
        }

        @Override
        public void save(String disposition, String notes) {
            long id = currentCallId;
            if (id < 0) {
                return;
            }
            background("save", () -> {
                cti.saveDisposition(id, disposition, notes);
                ui(() -> window.saved(i18n.t("saved")));
            });
        }
    }

    private final class PhoneListener implements SipPhone.Listener {
        @Override
        public void registration(boolean registered, String detail) {
            ui(() -> window.sip(registered, detail));
        }

        @Override
        public void callState(SipPhone.CallState state, String detail) {
            ui(() -> window.phone(state.name()));
        }

        @Override
        public void consultState(SipPhone.CallState state, String detail) {
            ui(() -> window.line2(state.name(), detail));
            String b = seatBJoining;
            if (b != null && (state == SipPhone.CallState.ACTIVE || state == SipPhone.CallState.IDLE)) {
                // issue 18 item 2: seat B answered on the second line: the elder and seat B go into this seat's room
                // (the three-way conference: REFER both, then this phone dials in); not answered: back with the elder
                seatBJoining = null;
                long id = emergencyIncident;
                if (state == SipPhone.CallState.ACTIVE) {
                    background("conference", phone::conference);
                    ui(() -> window.noResponse.emergencyStatus(String.format(i18n.t("em.joined"), id)));
                } else {
                    ui(() -> window.noResponse.emergencyStatus(String.format(i18n.t("em.seatBMissed"), id, b)));
                }
            }
        }

        @Override
        public void transferResult(boolean ok, String detail) {
            ui(() -> window.savedMessage(detail));
        }
    }

    private final class CtiListener implements CtiClient.Listener {
        @Override
        public void status(CtiClient.Status s, String detail) {
            if (window == null) {
                return;
            }
            ui(() -> window.cti(s == CtiClient.Status.CONNECTED,
                    s == CtiClient.Status.CONNECTED ? "cti.ok" : s == CtiClient.Status.SESSION_ENDED ? "cti.ended" : "cti.down",
                    detail));
        }

        @Override
        public void event(CtiEvent ev) {
            Wallboard wb = wallboard;
            if (wb != null && !(ev instanceof CtiEvent.Ack)) {
                wb.changed();
            }
            SupervisorDesk d = desk;
            if (d != null) {
                d.event(ev);
            }
            QaFeedback q = qaFeedback;
            if (q != null) {
                q.event(ev);
            }
            NoticeBar nb = notices;
            if (nb != null) {
                nb.event(ev);
            }
            if (window == null) {
                return;
            }
            if (ev instanceof CtiEvent.Other o && "device.alarm".equals(o.type())) {
                ui(() -> AlarmPop.show(window.frame, o.json())); // issue 24: an alarm without a voice, at SOS priority
            }
            workspaceEvent(ev);
            switch (ev) {
                case CtiEvent.Hello h -> {
                    JsonNode a = h.json().path("agent");
                    ui(() -> window.agent(h.state(), a.path("reason").asText(null), a.path("since").asLong(), wrapUpSeconds));
                    incidents.reload(); // issue 18: rebuilt from the server on every (re)connect
                }
                // ---- issue 18: the silent caller and the incident workspace ----
                case CtiEvent.CallSilent s -> shown(PANEL_SILENT,
                        () -> window.noResponse.silent(s.linkedid(), s.json().path("silentMs").asLong()));
                case CtiEvent.IncidentChanged i -> incidentShown(PANEL_INCIDENT, i.incident(), null);
                case CtiEvent.Ack a when "call.emergency".equals(a.command()) -> emergencyAck(a.json());
                case CtiEvent.Ack a when "call.no-response".equals(a.command()) -> incidentShown(PANEL_ACK,
                        a.json().path("incident"), () -> window.noResponse.started(a.json().path("incident").path("id").asLong(),
                                a.json().path("created").asBoolean()));
                case CtiEvent.CallOffered c -> {
                    if (c.callId() == currentCallId) {
                        return; // replayed after a reconnect: the pop (and the notes typed) stay as they are
                    }
                    currentCallId = c.callId();
                    long received = System.nanoTime();
                    ui(() -> {
                        long onEdt = System.nanoTime();
                        window.pop(c);
                        long filled = System.nanoTime();
                        // the pop (banner, record, notes) painted now, not at the repaint manager's leisure: the agent
                        // sees it while it rings; the buttons' new states follow with the next ordinary repaint
                        javax.swing.JComponent pop = (javax.swing.JComponent) window.banner.getParent();
                        pop.paintImmediately(0, 0, pop.getWidth(), pop.getHeight());
                        popTook(received, onEdt, filled, System.nanoTime());
                    });
                }
                case CtiEvent.CallAnswered c -> {
                    if (c.callId() == currentCallId) {
                        ui(() -> window.answered(null));
                    }
                }
                case CtiEvent.AgentState s -> {
                    if (username.equals(s.username())) {
                        ui(() -> window.agent(s.state(), s.reason(), s.since(), wrapUpSeconds));
                    }
                }
                case CtiEvent.Error e -> ui(() -> window.savedMessage(e.command() + ": " + e.message()));
                default -> {
                }
            }
        }
    }

    /** Seat B's extension while it is being called on the second line for an emergency (issue 18 item 2). */
    private volatile String seatBJoining;
    private volatile long emergencyIncident;

    /**
     * 紧急救援 acknowledged: the incident on the panel; with a second seat for task B, this phone holds the elder and
     * calls seat B on the second line (the conference follows when it answers, see PhoneListener.consultState); without
     * one the supervisors are alerted by the server and this seat keeps the elder.
     */
    private void emergencyAck(JsonNode ack) {
        JsonNode inc = ack.path("incident");
        long id = inc.path("id").asLong();
        String ext = ack.path("seatB").path("extension").asText(null);
        ui(() -> incidents.changed(inc));
        if (!ack.path("created").asBoolean()) {
            ui(() -> window.noResponse.emergencyStatus(String.format(i18n.t("em.existing"), id)));
            return;
        }
        if (ext == null) {
            ui(() -> window.noResponse.emergencyStatus(String.format(i18n.t("em.noSeatB"), id)));
            return;
        }
        ui(() -> window.noResponse.emergencyStatus(String.format(i18n.t("em.started"), id, ext)));
        emergencyIncident = id;
        seatBJoining = ext;
        background("emergency: seat B", () -> {
            try {
                phone.consult(ext);
            } catch (RuntimeException | java.io.IOException e) {
                seatBJoining = null;
                throw e;
            }
        });
    }

    @Override
    public synchronized void close() {
        if (wallboard != null) {
            wallboard.close();
        }
        if (incidents != null) {
            incidents.close();
        }
        if (desk != null) {
            desk.close();
        }
        if (qaFeedback != null) {
            qaFeedback.close();
        }
        if (notices != null) {
            notices.close();
        }
        if (cti != null) {
            try {
                if (cti.status() == CtiClient.Status.CONNECTED && window != null) { // the wallboard alone: no agent to log out
                    cti.logoutOnExit(); // not the seat another copy of this account holds (issue 16)
                }
            } catch (RuntimeException e) {
                System.err.println("softphone: could not log out on close: " + e.getMessage() + "; closing anyway");
            }
            cti.close();
        }
        if (phone != null) {
            phone.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (source != null) {
            source.close();
        }
        work.shutdownNow();
    }
}
