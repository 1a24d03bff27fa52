package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.KeyEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's reports (issue 22): the same figures the district reads ({@code GET /api/reports/{name}}), for a period
 * and a grouping, in a table with the total; Ctrl+R shows them. Dates as yyyy-MM-dd (empty: today). Column and key
 * names in Chinese first, English through the window's language.
 */
final class ReportsPanel extends JPanel {

    static final String[] REPORTS = {"calls", "answer-times", "incidents", "follow-ups", "broadcasts", "elders", "agents",
            "satisfaction"};
    static final String[] GROUPS = {"line", "day", "week", "month", "category", "sub-district", "care-level", "agent",
            "outcome", "reason", "kind", "none"};

    private static final Map<String, String> ZH = Map.ofEntries(
            Map.entry("calls", "话务量与接通率"), Map.entry("answer-times", "应答与处理时长"),
            Map.entry("incidents", "紧急求助与无响应事件"), Map.entry("follow-ups", "回访"),
            Map.entry("broadcasts", "语音播报与关爱活动"), Map.entry("elders", "服务对象档案"),
            Map.entry("agents", "坐席工作量"), Map.entry("satisfaction", "满意度"),
            Map.entry("line", "服务线路"), Map.entry("day", "日"), Map.entry("week", "周"), Map.entry("month", "月"),
            Map.entry("category", "服务对象类别"), Map.entry("sub-district", "街道"), Map.entry("care-level", "照护等级"),
            Map.entry("agent", "坐席"), Map.entry("outcome", "结果"), Map.entry("reason", "原因"), Map.entry("kind", "类型"),
            Map.entry("none", "合计"),
            Map.entry("col.offered", "呼入"), Map.entry("col.answered", "接通"),
            Map.entry("col.answeredWithin15s", "15秒内接通"), Map.entry("col.answeredWithin60s", "60秒内接通"),
            Map.entry("col.answeredWithin180s", "180秒内接通"), Map.entry("col.abandoned", "放弃"),
            Map.entry("col.avgWaitMs", "平均等待"), Map.entry("col.avgHandleMs", "平均处理(含整理)"),
            Map.entry("col.p90WaitMs", "90%等待"), Map.entry("col.longestWaitMs", "最长等待"),
            Map.entry("col.avgTalkMs", "平均通话"), Map.entry("col.avgWrapUpMs", "平均整理"),
            Map.entry("col.opened", "事件"), Map.entry("col.open", "处理中"), Map.entry("col.resolved", "已解决"),
            Map.entry("col.elderAnswered", "老人回应"), Map.entry("col.respondersArrived", "救援到达"),
            Map.entry("col.cancelled", "撤销"), Map.entry("col.avgToFirstRedialMs", "至首次回拨"),
            Map.entry("col.avgToContactAckMs", "至联系人确认"), Map.entry("col.avgToRespondersMs", "至救援到达"),
            Map.entry("col.due", "应回访"), Map.entry("col.done", "已回访"), Map.entry("col.onTime", "按时"),
            Map.entry("col.late", "超时完成"), Map.entry("col.overdue", "逾期未访"), Map.entry("col.notReached", "未接通"),
            Map.entry("col.broadcasts", "播报"), Map.entry("col.reached", "接听"), Map.entry("col.confirmed", "确认"),
            Map.entry("col.failed", "失败"), Map.entry("col.inProgress", "进行中"), Map.entry("col.elders", "服务对象"),
            Map.entry("col.enrolled", "在册"), Map.entry("col.newlyEnrolled", "本期新增"), Map.entry("col.livingAlone", "独居"),
            Map.entry("col.economicHardship", "经济困难"), Map.entry("col.selfCare", "自理"), Map.entry("col.assisted", "介助"),
            Map.entry("col.nursing", "介护"), Map.entry("col.careNotAssessed", "未评估"),
            Map.entry("col.proxyCallAgreed", "已签代呼协议"), Map.entry("col.terminalsSilent", "终端无呼叫"),
            Map.entry("col.calls", "接听"), Map.entry("col.talkMs", "通话"), Map.entry("col.wrapUpMs", "整理"),
            Map.entry("col.notReadyMs", "示忙"), Map.entry("col.readyMs", "空闲"), Map.entry("col.answers", "评价数"),
            Map.entry("col.avgScore", "平均分"), Map.entry("col.score1", "1分"), Map.entry("col.score2", "2分"),
            Map.entry("col.score3", "3分"), Map.entry("col.score4", "4分"), Map.entry("col.score5", "5分"),
            Map.entry("key.district-paid", "区级保障"), Map.entry("key.subsidised", "部分补贴"),
            Map.entry("key.market", "市场化"), Map.entry("key.unregistered", "未登记"), Map.entry("key.self-care", "自理"),
            Map.entry("key.assisted", "介助"), Map.entry("key.nursing", "介护"), Map.entry("key.not-assessed", "未评估"),
            Map.entry("key.no-response", "无响应"), Map.entry("key.abandoned-sos", "紧急呼叫未接"),
            Map.entry("key.unknown", "未知"));

    private final I18n i18n;
    private final ValueNames names;
    private final CtiClient cti;
    private final Executor work;
    private final JComboBox<String> report = new JComboBox<>(REPORTS);
    private final JComboBox<String> groupBy = new JComboBox<>(GROUPS);
    private final JTextField from = new JTextField(8);
    private final JTextField to = new JTextField(8);
    private final JLabel status = new JLabel(" ");
    private final DefaultTableModel model = new DefaultTableModel() {
        @Override
        public boolean isCellEditable(int r, int c) {
            return false;
        }
    };
    private final JTable table = new JTable(model);

    ReportsPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        this.cti = cti;
        this.work = work;
        report.setName("rpReport");
        groupBy.setName("rpGroupBy");
        from.setName("rpFrom");
        to.setName("rpTo");
        status.setName("rpStatus");
        table.setName("rpTable");
        table.setRowHeight(22);
        javax.swing.DefaultListCellRenderer named = new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index,
                                                                   boolean sel, boolean focus) {
                return super.getListCellRendererComponent(list, label(String.valueOf(value)), index, sel, focus);
            }
        };
        report.setRenderer(named);
        groupBy.setRenderer(named);
        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 2));
        top.add(new JLabel(i18n.t("rp.report")));
        top.add(report);
        top.add(new JLabel(i18n.t("rp.from")));
        top.add(from);
        top.add(new JLabel(i18n.t("rp.to")));
        top.add(to);
        top.add(new JLabel(i18n.t("rp.groupBy")));
        top.add(groupBy);
        JButton run = new JButton(i18n.t("rp.run"));
        run.setName("rpRun");
        run.addActionListener(e -> load());
        top.add(run);
        getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_R, KeyEvent.CTRL_DOWN_MASK), "rpRun");
        getActionMap().put("rpRun", new javax.swing.AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                load();
            }
        });
        add(top, BorderLayout.NORTH);
        add(new JScrollPane(table), BorderLayout.CENTER);
        add(status, BorderLayout.SOUTH);
    }

    /** A report's, grouping's, column's or key's name in the window's language. */
    String label(String code) {
        if (i18n.english()) {
            String c = code.startsWith("col.") || code.startsWith("key.") ? code.substring(4) : code;
            return c.replaceAll("([a-z])([A-Z0-9])", "$1 $2").replace('-', ' ');
        }
        return ZH.getOrDefault(code, code.startsWith("col.") || code.startsWith("key.") ? code.substring(4) : code);
    }

    private String keyName(String key) {
        if ("line".equals(groupBy.getSelectedItem()) && ValueNames.known("line", key)) {
            return names.name("line", key);
        }
        return label("key." + key);
    }

    void load() {
        StringBuilder q = new StringBuilder("/api/reports/").append(report.getSelectedItem()).append("?groupBy=")
                .append(groupBy.getSelectedItem());
        param(q, "from", from.getText());
        param(q, "to", to.getText());
        status.setText(i18n.t("rp.loading"));
        work.execute(() -> {
            try {
                JsonNode r = cti.request("GET", q.toString(), null);
                SwingUtilities.invokeLater(() -> show(r));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    private static void param(StringBuilder q, String k, String v) {
        if (v != null && !v.isBlank()) {
            q.append('&').append(k).append('=').append(URLEncoder.encode(v.trim(), StandardCharsets.UTF_8));
        }
    }

    private void show(JsonNode r) {
        List<String> cols = new ArrayList<>();
        JsonNode first = r.path("rows").size() > 0 ? r.path("rows").get(0) : r.path("total");
        first.fieldNames().forEachRemaining(f -> {
            if (!f.equals("key")) {
                cols.add(f);
            }
        });
        List<Object> header = new ArrayList<>();
        header.add(label(String.valueOf(groupBy.getSelectedItem())));
        cols.forEach(c -> header.add(label("col." + c) + (c.endsWith("Ms") ? i18n.t("rp.seconds") : "")));
        model.setDataVector(new Object[0][], header.toArray());
        for (JsonNode row : r.path("rows")) {
            model.addRow(cells(keyName(row.path("key").asText()), row, cols));
        }
        model.addRow(cells(i18n.t("rp.total"), r.path("total"), cols));
        status.setText(i18n.t("rp.period") + " " + r.path("from").asText().replace('T', ' ') + " — "
                + r.path("to").asText().replace('T', ' '));
    }

    private static Object[] cells(String key, JsonNode row, List<String> cols) {
        Object[] out = new Object[cols.size() + 1];
        out[0] = key;
        for (int i = 0; i < cols.size(); i++) {
            JsonNode v = row.path(cols.get(i));
            out[i + 1] = v.isNull() || v.isMissingNode() ? "—"
                    : cols.get(i).endsWith("Ms") ? String.format(Locale.ROOT, "%.1f", v.asLong() / 1000.0) : v.asText();
        }
        return out;
    }
}
