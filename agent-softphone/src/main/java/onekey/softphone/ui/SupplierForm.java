package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.GridLayout;
import java.awt.Insets;
import java.awt.event.KeyEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;

/**
 * The form of one supplier (issue 21), every field {@code POST}/{@code PUT /api/suppliers} takes: name, categories (one
 * box each, from the list the server validates against, plus any a listed supplier has), phones, WGS-84 lat/lon, radius,
 * sub-districts, hours, contract and licence dates, state, how offers reach it (voice or a signed webhook: URL and key,
 * the key never shown again). Lat/lon and the radius are checked here with a clear message; the server's 400 is shown
 * under the field it names. Nothing typed is cleared by a failed save. Every label has an Alt mnemonic; the category
 * boxes Alt+1…9. Components are named for tests (supplierName, supplierCat_助浴, supplierLat, supplierErr_lat, …).
 */
final class SupplierForm extends JPanel implements javax.swing.Scrollable {
    /** The categories the server accepts by default (orders.categories in ConfigLoader); no endpoint lists them. */
    static final List<String> DEFAULT_CATEGORIES = List.of("助餐", "家政保洁", "助浴", "维修", "陪诊", "护理", "出行", "代购", "挂号");
    static final List<String> STATES = List.of("admitted", "suspended", "ended");
    private static final Color ERROR = new Color(0xC6, 0x28, 0x28);

    private final I18n i18n;
    final JLabel title = new JLabel();
    final JTextField name = new JTextField(14);
    private final JPanel categoryBoxes = new JPanel(new GridLayout(0, 6, 4, 0));
    private final Map<String, JCheckBox> categories = new LinkedHashMap<>();
    final JTextField phones = new JTextField(14);
    final JTextField lat = new JTextField(10);
    final JTextField lon = new JTextField(10);
    final JTextField radius = new JTextField(6);
    final JTextField subDistricts = new JTextField(14);
    final JTextField hours = new JTextField(14);
    final JTextField contract = new JTextField(10);
    final JTextField licence = new JTextField(10);
    final JComboBox<String> state = new JComboBox<>();
    final JComboBox<String> dispatch = new JComboBox<>();
    final JTextField webhookUrl = new JTextField(14);
    final JPasswordField webhookKey = new JPasswordField(14);
    private final JLabel keySet = new JLabel(" ");
    final JLabel scorecard = new JLabel(" ");
    /** The form's own line for what went wrong (the server's message, or "correct the fields in red"). */
    final JLabel error = new JLabel(" ");
    /** The API's field name → the message under it. */
    private final Map<String, JLabel> fieldErrors = new LinkedHashMap<>();
    private final Map<String, JComponent> fieldInputs = new LinkedHashMap<>();
    private final GridBagConstraints g = new GridBagConstraints();
    private int row;
    /** The next field's pair of grid columns: 0 (label 0, field 1) or 1 (label 2, field 3). */
    private int col;
    private Long id;

    SupplierForm(I18n i18n) {
        super(new GridBagLayout());
        this.i18n = i18n;
        setBorder(BorderFactory.createEmptyBorder(4, 8, 4, 8));
        g.insets = new Insets(2, 2, 2, 2);
        g.anchor = GridBagConstraints.WEST;
        title.setName("supplierFormTitle");
        title.setFont(title.getFont().deriveFont(java.awt.Font.BOLD));
        full(title);
        name.setName("supplierName");
        field("name", "sf.name", KeyEvent.VK_M, name);
        phones.setName("supplierPhones");
        field("phones", "sf.phones", KeyEvent.VK_P, phones);
        categoryBoxes.setName("supplierCategories");
        for (String c : DEFAULT_CATEGORIES) {
            addCategory(c);
        }
        wide("categories", "sf.categories", categoryBoxes);
        lat.setName("supplierLat");
        field("lat", "sf.lat", KeyEvent.VK_A, lat);
        lon.setName("supplierLon");
        field("lon", "sf.lon", KeyEvent.VK_O, lon);
        radius.setName("supplierRadius");
        field("radiusKm", "sf.radius", KeyEvent.VK_K, radius);
        subDistricts.setName("supplierSubDistricts");
        field("subDistricts", "sf.subDistricts", KeyEvent.VK_D, subDistricts);
        hours.setName("supplierHours");
        field("hours", "sf.hours", KeyEvent.VK_H, hours);
        for (String s : STATES) {
            state.addItem(t("su.state." + s));
        }
        state.setName("supplierState");
        field("state", "sf.state", KeyEvent.VK_T, state);
        contract.setName("supplierContract");
        field("contractUntil", "sf.contract", KeyEvent.VK_C, contract);
        licence.setName("supplierLicence");
        field("licenceUntil", "sf.licence", KeyEvent.VK_L, licence);
        dispatch.addItem(t("sf.dispatch.voice"));
        dispatch.addItem(t("sf.dispatch.webhook"));
        dispatch.setName("supplierDispatch");
        dispatch.addActionListener(e -> webhookEnabled());
        field("dispatch", "sf.dispatch", KeyEvent.VK_W, dispatch);
        webhookUrl.setName("supplierWebhookUrl");
        field("webhookUrl", "sf.webhookUrl", KeyEvent.VK_U, webhookUrl);
        webhookKey.setName("supplierWebhookKey");
        field("webhookKey", "sf.webhookKey", KeyEvent.VK_Y, webhookKey);
        keySet.setName("supplierWebhookKeySet");
        full(keySet);
        scorecard.setName("supplierScorecard");
        full(scorecard);
        error.setName("supplierError");
        error.setForeground(ERROR);
        full(error);
        g.weighty = 1;
        full(new JLabel(" "));
        clear();
    }

    private String t(String key) {
        return SuppliersTexts.t(i18n, key);
    }

    /** The end of a row of two fields (and the row of their messages). */
    private void endPair() {
        if (col == 1) {
            col = 0;
            row += 2;
        }
    }

    private void full(JComponent c) {
        endPair();
        g.gridx = 0;
        g.gridy = row++;
        g.gridwidth = 4;
        g.fill = GridBagConstraints.HORIZONTAL;
        g.weightx = 1;
        add(c, g);
    }

    /** A label (with its Alt mnemonic, focusing the field), the field, and under it the server's message for it. */
    private void field(String apiName, String label, int mnemonic, JComponent input) {
        place(apiName, label, mnemonic, input, 1);
    }

    /** A field across the whole width (the category boxes). */
    private void wide(String apiName, String label, JComponent input) {
        endPair();
        place(apiName, label, 0, input, 3);
        row += 2;
    }

    private void place(String apiName, String label, int mnemonic, JComponent input, int width) {
        JLabel l = new JLabel(t(label));
        if (mnemonic != 0) {
            l.setDisplayedMnemonic(mnemonic);
            l.setLabelFor(input);
        }
        int x = col * 2;
        g.gridx = x;
        g.gridy = row;
        g.gridwidth = 1;
        g.fill = GridBagConstraints.NONE;
        g.weightx = 0;
        add(l, g);
        g.gridx = x + 1;
        g.gridwidth = width;
        g.fill = GridBagConstraints.HORIZONTAL;
        g.weightx = 1;
        add(input, g);
        JLabel err = new JLabel() { // as wide as its column (not its message): a long message is cut, its tooltip whole
            @Override
            public java.awt.Dimension getPreferredSize() {
                return new java.awt.Dimension(1, super.getPreferredSize().height);
            }
        };
        err.setName("supplierErr_" + apiName);
        err.setForeground(ERROR);
        err.setVisible(false);
        g.gridy = row + 1;
        add(err, g);
        g.gridwidth = 1;
        if (width == 1) {
            if (col == 0) {
                col = 1;
            } else {
                col = 0;
                row += 2;
            }
        }
        fieldErrors.put(apiName, err);
        fieldInputs.put(apiName, input);
    }

    /** A category the server accepts (a listed supplier has it) that the default list lacks. */
    void addCategory(String c) {
        if (c == null || c.isBlank() || categories.containsKey(c)) {
            return;
        }
        int n = categories.size() + 1;
        JCheckBox b = new JCheckBox((n <= 9 ? n + " " : "") + c);
        b.setName("supplierCat_" + c);
        if (n <= 9) {
            b.setMnemonic(KeyEvent.VK_0 + n);
        }
        categories.put(c, b);
        categoryBoxes.add(b);
        categoryBoxes.revalidate();
    }

    List<String> categoryNames() {
        return new ArrayList<>(categories.keySet());
    }

    @Override
    public java.awt.Dimension getPreferredScrollableViewportSize() {
        return getPreferredSize();
    }

    @Override
    public int getScrollableUnitIncrement(java.awt.Rectangle r, int orientation, int direction) {
        return 16;
    }

    @Override
    public int getScrollableBlockIncrement(java.awt.Rectangle r, int orientation, int direction) {
        return r.height - 16;
    }

    /** As wide as the pane: no sideways scrolling, the fields shrink instead. */
    @Override
    public boolean getScrollableTracksViewportWidth() {
        return true;
    }

    @Override
    public boolean getScrollableTracksViewportHeight() {
        return false;
    }

    Long id() {
        return id;
    }

    /** A new supplier: every field empty, admitted, offers by voice. */
    void clear() {
        id = null;
        title.setText(t("sf.titleNew"));
        for (JTextField f : List.of(name, phones, lat, lon, radius, subDistricts, hours, contract, licence, webhookUrl)) {
            f.setText("");
        }
        webhookKey.setText("");
        categories.values().forEach(b -> b.setSelected(false));
        state.setSelectedIndex(0);
        dispatch.setSelectedIndex(0);
        keySet.setText(" ");
        scorecard.setText(" ");
        clearErrors();
        webhookEnabled();
    }

    /** The supplier as the server gave it. */
    void load(JsonNode s) {
        clear();
        id = s.path("id").asLong();
        title.setText(String.format(t("sf.titleEdit"), id));
        name.setText(s.path("name").asText(""));
        for (JsonNode c : s.path("categories")) {
            addCategory(c.asText());
            categories.get(c.asText()).setSelected(true);
        }
        phones.setText(join(s.path("phones"), ", "));
        lat.setText(number(s.path("lat")));
        lon.setText(number(s.path("lon")));
        radius.setText(number(s.path("radiusKm")));
        subDistricts.setText(join(s.path("subDistricts"), ", "));
        hours.setText(s.path("hours").asText(""));
        contract.setText(s.path("contractUntil").isTextual() ? s.path("contractUntil").asText() : "");
        licence.setText(s.path("licenceUntil").isTextual() ? s.path("licenceUntil").asText() : "");
        setState(s.path("state").asText("admitted"));
        dispatch.setSelectedIndex("webhook".equals(s.path("dispatch").asText()) ? 1 : 0);
        webhookUrl.setText(s.path("webhookUrl").isTextual() ? s.path("webhookUrl").asText() : "");
        keySet.setText(s.path("webhookKeySet").asBoolean() ? t("sf.webhookKey") + "：" + t("sf.webhookKeySet") : " ");
        scorecard.setText(t("sf.scorecard") + "：" + SuppliersPanel.scoreLine(i18n, s.path("scorecard")));
        webhookEnabled();
    }

    /** After a state change from the buttons: only the state box moves, the rest of the form is left as typed. */
    void setState(String wire) {
        int i = STATES.indexOf(wire);
        state.setSelectedIndex(Math.max(i, 0));
    }

    private void webhookEnabled() {
        boolean on = dispatch.getSelectedIndex() == 1;
        webhookUrl.setEnabled(on);
        webhookKey.setEnabled(on);
    }

    void clearErrors() {
        error.setText(" ");
        for (var e : fieldErrors.entrySet()) {
            e.getValue().setText("");
            e.getValue().setVisible(false);
            fieldInputs.get(e.getKey()).putClientProperty("JComponent.outline", null);
        }
    }

    /** The message under the field the API names (lat/lon errors come as "lat"), the form's line too. */
    void fieldError(String field, String message) {
        JLabel l = field == null ? null : fieldErrors.get(field.replaceAll("\\[\\d+]$", ""));
        if (l != null) {
            l.setText(message);
            l.setToolTipText(message);
            l.setVisible(true);
            fieldInputs.get(field.replaceAll("\\[\\d+]$", "")).putClientProperty("JComponent.outline", "error");
        }
        revalidate();
        repaint();
    }

    /**
     * The body of POST/PUT /api/suppliers, or null (the fields in red say why) when lat/lon or the radius are not
     * numbers the server could take. The webhook key goes only when typed (the server keeps the stored one).
     */
    ObjectNode body() {
        clearErrors();
        boolean[] bad = new boolean[1];
        Double la = decimalIn(lat, "lat", "sf.err.lat", -90, 90, bad);
        Double lo = decimalIn(lon, "lon", "sf.err.lon", -180, 180, bad);
        boolean ok = !bad[0];
        if (ok && (la == null) != (lo == null)) {
            fieldError(la == null ? "lat" : "lon", t("sf.err.latLon"));
            ok = false;
        }
        // a radius must be above 0: the smallest double above it is the lower bound
        Double r = decimalIn(radius, "radiusKm", "sf.err.radius", Double.MIN_VALUE, Double.MAX_VALUE, bad);
        ok &= !bad[0];
        if (!ok) {
            error.setText(t("sf.err.fix"));
            return null;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode b = f.objectNode();
        b.put("name", name.getText().trim());
        ArrayNode cats = b.putArray("categories");
        categories.forEach((c, box) -> {
            if (box.isSelected()) {
                cats.add(c);
            }
        });
        ArrayNode ph = b.putArray("phones");
        split(phones.getText(), "[,，、;；\\s]+").forEach(ph::add);
        putDouble(b, "lat", la);
        putDouble(b, "lon", lo);
        putDouble(b, "radiusKm", r);
        ArrayNode sd = b.putArray("subDistricts");
        split(subDistricts.getText(), "[,，、;；]+").forEach(sd::add);
        b.put("hours", hours.getText().trim().replace('，', ',').replace('－', '-').replace('：', ':'));
        putText(b, "contractUntil", contract.getText());
        putText(b, "licenceUntil", licence.getText());
        b.put("state", STATES.get(Math.max(state.getSelectedIndex(), 0)));
        b.put("dispatch", dispatch.getSelectedIndex() == 1 ? "webhook" : "voice");
        putText(b, "webhookUrl", webhookUrl.getText());
        String key = new String(webhookKey.getPassword()).trim();
        if (!key.isEmpty()) {
            b.put("webhookKey", key);
        }
        return b;
    }

    /**
     * The field's number (empty: null) when it lies in [min, max]; else its error shown at the field, {@code bad[0]}
     * set and null.
     */
    private Double decimalIn(javax.swing.JTextField in, String field, String errorKey, double min, double max,
                             boolean[] bad) {
        try {
            Double v = decimal(in.getText());
            if (v != null && (v < min || v > max)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            fieldError(field, t(errorKey));
            bad[0] = true;
            return null;
        }
    }

    private static Double decimal(String s) {
        String v = s.trim().replace('，', '.').replace('。', '.');
        return v.isEmpty() ? null : Double.valueOf(v);
    }

    private static void putDouble(ObjectNode b, String k, Double v) {
        if (v == null) {
            b.putNull(k);
        } else {
            b.put(k, v);
        }
    }

    private static void putText(ObjectNode b, String k, String v) {
        if (v == null || v.isBlank()) {
            b.putNull(k);
        } else {
            b.put(k, v.trim());
        }
    }

    private static List<String> split(String s, String re) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(re)) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    private static String join(JsonNode a, String sep) {
        List<String> s = new ArrayList<>();
        a.forEach(x -> s.add(x.asText()));
        return String.join(sep, s);
    }

    private static String number(JsonNode n) {
        if (!n.isNumber()) {
            return "";
        }
        double d = n.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? String.format(Locale.ROOT, "%.1f", d) : n.asText();
    }
}
