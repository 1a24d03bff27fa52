package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.awt.image.VolatileImage;
import java.lang.reflect.InvocationTargetException;
import javax.swing.JComponent;
import javax.swing.SwingUtilities;
import onekey.softphone.cti.CtiEvent;

/**
 * Issue 18's first pop: the first {@code call.offered} after sign-in took 220–275 ms to paint (issue 7's bench)
 * because the pop's classes, the fonts and the Chinese glyphs were loaded by the first call — which may be the
 * day's first SOS. So while the agent signs in (SIP registration and the CTI connection run meanwhile) this lays
 * out and paints, off screen, a throwaway copy of the window with a pop, the no-response banner and an incident
 * card filled with a made-up elder in Chinese: the same classes, fonts (CJK fallback included) and glyph caches the
 * first real pop needs. The Swing thread is taken in short slices (one step each, the longest a few tens of ms on a
 * cold JVM) so the window stays responsive; nothing is sent to the server and nothing is shown.
 * {@code -Dsoftphone.warmup=false} turns it off (the bench's comparison).
 */
final class Warmup {

    private static final System.Logger log = System.getLogger(Warmup.class.getName());
    private static volatile long doneAtNanos;
    private static volatile long tookMillis = -1;

    private Warmup() {
    }

    /** True once the warm-up has painted everything (or was turned off). */
    static boolean done() {
        return doneAtNanos != 0;
    }

    /** How long the warm-up took, ms (-1 while it runs or when it is off). */
    static long tookMillis() {
        return tookMillis;
    }

    static void start(I18n i18n) {
        if (!Boolean.parseBoolean(System.getProperty("softphone.warmup", "true"))) {
            doneAtNanos = System.nanoTime();
            return;
        }
        Thread t = new Thread(() -> run(i18n), "softphone-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run(I18n i18n) {
        long t0 = System.nanoTime();
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode offered = json.readTree(OFFERED); // Jackson's tree classes, as the first frame needs them
            JsonNode incident = json.readTree(INCIDENT);
            SoftphoneWindow[] w = new SoftphoneWindow[1];
            IncidentPanel[] p = new IncidentPanel[1];
            Image img = target(1280, 1000);
            edt(() -> w[0] = new SoftphoneWindow(i18n, new NoActions(), "warm-up"));
            edt(() -> w[0].pop(new CtiEvent.CallOffered(offered)));
            edt(() -> paint((JComponent) w[0].banner.getParent(), img));
            edt(() -> {
                w[0].noResponse.offered(offered.path("call").path("linkedid").asText());
                w[0].noResponse.silent(offered.path("call").path("linkedid").asText(), 15_000);
                paint(w[0].noResponse.panel, img);
            });
            edt(() -> {
                p[0] = new IncidentPanel(i18n, null, incident.path("agentId").asLong());
                p[0].changed(incident);
            });
            edt(() -> paint(p[0].panel, img));
            edt(() -> paint((JComponent) w[0].frame.getContentPane(), img)); // tabs, worklist, buttons in their fonts
            edt(() -> {
                p[0].close();
                w[0].worklist.stop();
                w[0].frame.dispose();
                w[0].frame.getContentPane().removeAll(); // a disposed frame stays in Window.getWindows() until collected:
                w[0].frame.setJMenuBar(null);            // nothing of it is found by name in place of the real window's
            });
            img.flush(); // the pixmap, on the X server
            tookMillis = (System.nanoTime() - t0) / 1_000_000;
            log.log(System.Logger.Level.INFO, "softphone.warmup ms=" + tookMillis);
        } catch (Exception | Error e) {
            // a warm-up that fails costs the first pop its speed, nothing else: said, not thrown
            log.log(System.Logger.Level.WARNING, "softphone.warmup failed error=" + e, e);
        } finally {
            doneAtNanos = System.nanoTime();
        }
    }

    private static void edt(Runnable r) throws InterruptedException, InvocationTargetException {
        SwingUtilities.invokeAndWait(r);
    }

    /**
     * Where the throwaway window is painted: an image of the screen's own kind where there is a screen (with Java2D's
     * XRender pipeline, an X pixmap painted through XRender, as the window's back buffer is), so that the first real
     * paint finds that pipeline's code compiled and the glyphs already sent to the X server's glyph cache — painted
     * into a BufferedImage only the software loops were warmed, and the first incident card still took 50–60 ms to
     * paint (issue 18's bench). A BufferedImage where there is no screen or the pixmap cannot be made.
     */
    private static Image target(int w, int h) {
        try {
            if (!GraphicsEnvironment.isHeadless()) {
                VolatileImage v = GraphicsEnvironment.getLocalGraphicsEnvironment().getDefaultScreenDevice()
                        .getDefaultConfiguration().createCompatibleVolatileImage(w, h);
                if (v != null) {
                    return v;
                }
            }
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "softphone.warmup no screen image: " + e);
        }
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    }

    /** Lays the component out at its preferred size (no peer needed) and paints it into {@code img}. */
    private static void paint(JComponent c, Image img) {
        Dimension d = c.getPreferredSize();
        c.setSize(Math.min(img.getWidth(null), Math.max(1, d.width)), Math.min(img.getHeight(null), Math.max(1, d.height)));
        layout(c);
        Graphics2D g = (Graphics2D) img.getGraphics();
        try {
            c.paint(g);
        } finally {
            g.dispose();
        }
    }

    private static void layout(Component c) {
        if (c instanceof Container k) {
            k.doLayout();
            for (Component child : k.getComponents()) {
                layout(child);
            }
        }
    }

    /** The throwaway window's buttons do nothing (nothing is clicked in it). */
    private static final class NoActions implements SoftphoneWindow.Actions {
        @Override
        public void answer() {
        }

        @Override
        public void hangup() {
        }

        @Override
        public void ready() {
        }

        @Override
        public void pause(String reason) {
        }

        @Override
        public void logout() {
        }

        @Override
        public void hold(boolean on) {
        }

        @Override
        public void mute(boolean on) {
        }

        @Override
        public void dtmf(String digit) {
        }

        @Override
        public void transfer(String target) {
        }

        @Override
        public void consult(String target) {
        }

        @Override
        public void completeTransfer() {
        }

        @Override
        public void conference() {
        }

        @Override
        public void hangupConsult() {
        }

        @Override
        public void dial(String number) {
        }

        @Override
        public void noResponse(String linkedid) {
        }

        @Override
        public void save(String disposition, String notes) {
        }
    }

    /** A made-up SOS call from a registered elder, shaped as docs/api.md's call.offered (Chinese throughout). */
    private static final String OFFERED = """
            {"type":"call.offered","seq":1,"registered":true,"callerNumber":"02155550000",
             "call":{"id":0,"linkedid":"warmup.0","line":"sos","elderId":0},
             "elder":{"id":0,"name":"王秀英","age":82,"gender":"female","address":"上海市静安区延安中路１２３弄４５号６０１室",
              "landmarks":"小区南门进，右手第二栋，电梯到六楼","district":"静安区","language":"wuu",
              "healthConditions":"高血压、糖尿病、轻度认知障碍","medications":"二甲双胍，每日两次；氨氯地平",
              "allergies":"青霉素过敏","mobility":"行走需助行器","device":"one-key-landline",
              "contacts":[{"name":"李建国","relation":"儿子","phone":"13800000000"},
                          {"name":"张丽华","relation":"女儿","phone":"13900000000"},
                          {"name":"居委会值班室","relation":"居委","phone":"02100000000"}],
              "lastCalls":[{"arrivedAt":1764979200000,"line":"sos","outcome":"completed","disposition":"family-informed",
                            "notes":"老人跌倒，已通知家属并叫救护车"},
                           {"arrivedAt":1764892800000,"line":"consult","outcome":"abandoned"}]}}
            """;

    /** A made-up open incident with every kind of step, shaped as docs/api.md's incident. */
    private static final String INCIDENT = """
            {"id":1,"callerNumber":"02155550000","callId":0,"agentId":-1,"openedAt":1764979200000,"openedBy":"warmup",
             "reason":"no-response","state":"escalating","closedAt":null,"outcome":null,
             "steps":[{"seq":1,"kind":"redial","target":"******0000","state":"done","endedAt":1764979230000,"result":"no-answer"},
                      {"seq":2,"kind":"redial","target":"******0000","state":"done","endedAt":1764979290000,"result":"silent"},
                      {"seq":3,"kind":"contact","target":"******0000","state":"done","endedAt":1764979330000,"result":"ack"},
                      {"seq":4,"kind":"task-a","target":"agent:-1","state":"taken","result":"taken by 坐席一","detail":"call-120: 呼叫120"},
                      {"seq":5,"kind":"task-b","target":"agent:-1","state":"open","detail":"stay-with-elder: 陪伴老人"},
                      {"seq":6,"kind":"call","target":"120","state":"dialing","startedAt":1764979400000}]}
            """;
}
