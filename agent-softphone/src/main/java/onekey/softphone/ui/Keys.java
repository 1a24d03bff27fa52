package onekey.softphone.ui;

import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import javax.swing.AbstractAction;
import javax.swing.JComponent;
import javax.swing.KeyStroke;

/**
 * The desk panels' keyboard shortcuts: bound on a panel for its window (WHEN_IN_FOCUSED_WINDOW), so a shortcut works
 * while the panel shows — a tab that is not showing does not take the keys its letters share with the other tabs.
 */
final class Keys {
    private Keys() {}

    /** {@code k} on {@code on} runs {@code r}; {@code name} is the action's key in the panel's maps. */
    static void bind(JComponent on, KeyStroke k, String name, Runnable r) {
        on.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(k, name);
        on.getActionMap().put(name, new AbstractAction() {
            @Override
            public void actionPerformed(ActionEvent e) {
                r.run();
            }
        });
    }

    /** Ctrl + {@code code} (a KeyEvent.VK_ code). */
    static void ctrl(JComponent on, int code, String name, Runnable r) {
        bind(on, KeyStroke.getKeyStroke(code, InputEvent.CTRL_DOWN_MASK), name, r);
    }
}
