package onekey.softphone.ui;

import java.awt.Color;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.border.Border;
import onekey.softphone.cti.CtiClient;

/**
 * A form's rows (issue 24: the terminal and 驿站 forms): a label, the field, and under it the line where the server's
 * 400 / 409 message for that field is shown (the field's border red), so a refused form keeps what was typed and says
 * at the field what is wrong. Fields are keyed by the request's field names ({@code serial}, {@code lat}, …); the
 * error lines are named {@code <prefix>Err.<field>} for tests.
 */
final class FieldRows {
    private static final Color ERROR = new Color(0xC6, 0x28, 0x28);

    final JPanel panel = new JPanel(new GridBagLayout());
    private final String prefix;
    private final I18n i18n;
    private final Map<String, JComponent> fields = new LinkedHashMap<>();
    private final Map<String, JLabel> labels = new LinkedHashMap<>();
    private final Map<String, String> labelKeys = new LinkedHashMap<>();
    private final Map<String, JLabel> errors = new LinkedHashMap<>();
    private final Map<String, Border> borders = new LinkedHashMap<>();
    private int row;

    FieldRows(I18n i18n, String prefix) {
        this.i18n = i18n;
        this.prefix = prefix;
    }

    /** A row for request field {@code field}, labelled with text {@code labelKey}; the component is named prefix+Field. */
    <T extends JComponent> T add(String field, String labelKey, T component) {
        component.setName(prefix + Character.toUpperCase(field.charAt(0)) + field.substring(1));
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(1, 4, 0, 4);
        g.anchor = GridBagConstraints.WEST;
        g.gridy = row;
        g.gridx = 0;
        JLabel l = new JLabel(i18n.t(labelKey));
        l.setLabelFor(component);
        panel.add(l, g);
        g.gridx = 1;
        g.weightx = 1;
        g.fill = GridBagConstraints.HORIZONTAL;
        panel.add(component, g);
        JLabel err = new JLabel();
        err.setName(prefix + "Err." + field);
        err.setForeground(ERROR);
        err.setVisible(false);
        g.gridy = ++row;
        g.insets = new Insets(0, 4, 2, 4);
        panel.add(err, g);
        row++;
        fields.put(field, component);
        labels.put(field, l);
        labelKeys.put(field, labelKey);
        errors.put(field, err);
        borders.put(field, component.getBorder());
        return component;
    }

    /** A full-width component under the rows (buttons, a status line). */
    void addWide(JComponent c) {
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(4, 4, 2, 4);
        g.anchor = GridBagConstraints.WEST;
        g.gridy = row++;
        g.gridx = 0;
        g.gridwidth = 2;
        g.fill = GridBagConstraints.HORIZONTAL;
        panel.add(c, g);
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    void relabel() {
        labels.forEach((f, l) -> l.setText(i18n.t(labelKeys.get(f))));
    }

    void clearErrors() {
        errors.forEach((f, e) -> {
            e.setText("");
            e.setVisible(false);
            fields.get(f).setBorder(borders.get(f));
        });
    }

    /** The message shown at {@code field} (its border red); false when the form has no such field. */
    boolean error(String field, String message) {
        JLabel e = field == null ? null : errors.get(field);
        if (e == null) {
            return false;
        }
        e.setText(message);
        e.setVisible(true);
        JComponent c = fields.get(field);
        c.setBorder(BorderFactory.createLineBorder(ERROR, 2));
        c.requestFocusInWindow();
        panel.revalidate();
        return true;
    }

    /**
     * A refused request shown: at the field the server named ({@code field}, or the "field: …" its message starts
     * with); returns the line for the status (the message itself, nothing dropped).
     */
    String refused(Exception x) {
        String field = null;
        String msg = x.getMessage();
        if (x instanceof CtiClient.Refused r) {
            field = r.field();
            msg = r.serverMessage();
            if (field == null && msg != null) {
                int colon = msg.indexOf(':');
                if (colon > 0 && msg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9]*")) {
                    field = msg.substring(0, colon);
                }
            }
        }
        error(field, msg);
        return msg;
    }
}
