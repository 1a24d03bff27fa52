package onekey.softphone.ui;

/**
 * The audible cue of an urgent alert on the supervisor's desk (issue 19: no agent ready, SOS overflow, task not
 * taken, incident escalated). The default beeps through the desktop; a test puts in a sink that records each cue.
 */
@FunctionalInterface
public interface AlertCue {
    /** Called on the Swing thread when an urgent alert arrives, as it is shown. */
    void play(String kind, long alertId);

    /** The desktop's beep, three times a second apart for the urgent kinds. */
    AlertCue BEEP = (kind, id) -> {
        java.awt.Toolkit.getDefaultToolkit().beep();
        javax.swing.Timer t = new javax.swing.Timer(400, null);
        int[] left = {2};
        t.addActionListener(e -> {
            java.awt.Toolkit.getDefaultToolkit().beep();
            if (--left[0] == 0) {
                t.stop();
            }
        });
        t.start();
    };
}
