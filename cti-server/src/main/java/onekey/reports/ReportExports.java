package onekey.reports;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.Image;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.BaseFont;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * The district's files (issue 22: "导出、打印"): XLSX (fastexcel; one sheet per report, the figures as the JSON has
 * them, the key in the first column), PDF on A4 (OpenPDF; the centre's name, the period, each report's table and a
 * bar chart drawn by JFreeChart) with the Chinese font embedded as a subset — WenQuanYi Zen Hei from Debian's
 * {@code fonts-wqy-zenhei}, TrueType outlines that subset (Noto CJK's CFF outlines do not) — and CSV (UTF-8 with a
 * byte-order mark, so a spreadsheet opens it in Chinese).
 */
public final class ReportExports {

    /** Debian's fonts-wqy-zenhei; index 0 of the collection is Zen Hei itself. */
    public static final Path DEFAULT_FONT = Path.of("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");

    public static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public static final String PDF = "application/pdf";
    public static final String CSV = "text/csv; charset=utf-8";

    static final Map<String, String> TITLES = Map.of(
            "calls", "话务量与接通率",
            "answer-times", "应答与处理时长",
            "incidents", "紧急求助与无响应事件",
            "follow-ups", "回访",
            "broadcasts", "语音播报与关爱活动",
            "elders", "服务对象档案",
            "agents", "坐席工作量",
            "satisfaction", "满意度");

    static final Map<String, String> COLUMN_NAMES = Map.ofEntries(
            Map.entry("offered", "呼入"), Map.entry("answered", "接通"),
            Map.entry("answeredWithin15s", "15秒内接通"), Map.entry("answeredWithin60s", "60秒内接通"),
            Map.entry("answeredWithin180s", "180秒内接通"), Map.entry("abandoned", "放弃"),
            Map.entry("avgWaitMs", "平均等待"), Map.entry("avgHandleMs", "平均处理(含整理)"),
            Map.entry("p90WaitMs", "90%等待"), Map.entry("longestWaitMs", "最长等待"),
            Map.entry("avgTalkMs", "平均通话"), Map.entry("avgWrapUpMs", "平均整理"),
            Map.entry("opened", "事件"), Map.entry("open", "处理中"), Map.entry("resolved", "已解决"),
            Map.entry("elderAnswered", "老人回应"), Map.entry("respondersArrived", "救援到达"),
            Map.entry("cancelled", "撤销"), Map.entry("avgToFirstRedialMs", "至首次回拨"),
            Map.entry("avgToContactAckMs", "至联系人确认"), Map.entry("avgToRespondersMs", "至救援到达"),
            Map.entry("due", "应回访"), Map.entry("done", "已回访"), Map.entry("onTime", "按时"),
            Map.entry("late", "超时完成"), Map.entry("overdue", "逾期未访"), Map.entry("notReached", "未接通"),
            Map.entry("broadcasts", "播报"), Map.entry("reached", "接听"), Map.entry("confirmed", "确认"),
            Map.entry("failed", "失败"), Map.entry("inProgress", "进行中"),
            Map.entry("elders", "服务对象"), Map.entry("enrolled", "在册"), Map.entry("newlyEnrolled", "本期新增"),
            Map.entry("livingAlone", "独居"), Map.entry("economicHardship", "经济困难"), Map.entry("selfCare", "自理"),
            Map.entry("assisted", "介助"), Map.entry("nursing", "介护"), Map.entry("careNotAssessed", "未评估"),
            Map.entry("proxyCallAgreed", "已签代呼协议"), Map.entry("terminalsSilent", "终端无呼叫"),
            Map.entry("calls", "接听"), Map.entry("talkMs", "通话"), Map.entry("wrapUpMs", "整理"),
            Map.entry("notReadyMs", "示忙"), Map.entry("readyMs", "空闲"),
            Map.entry("answers", "评价数"), Map.entry("avgScore", "平均分"), Map.entry("score1", "1分"),
            Map.entry("score2", "2分"), Map.entry("score3", "3分"), Map.entry("score4", "4分"), Map.entry("score5", "5分"));

    static final Map<String, String> KEY_NAMES = Map.ofEntries(
            Map.entry("sos", "紧急求助"), Map.entry("registration", "挂号"), Map.entry("taxi", "叫车"),
            Map.entry("consult", "咨询"), Map.entry("general", "综合服务"), Map.entry("unknown", "未知"),
            Map.entry("district-paid", "区级保障"), Map.entry("subsidised", "部分补贴"), Map.entry("market", "市场化"),
            Map.entry("unregistered", "未登记"), Map.entry("unclassified", "未分类"),
            Map.entry("self-care", "自理"), Map.entry("assisted", "介助"), Map.entry("nursing", "介护"),
            Map.entry("not-assessed", "未评估"), Map.entry("no-response", "无响应"),
            Map.entry("abandoned-sos", "紧急呼叫未接"), Map.entry("emergency", "紧急救援"),
            Map.entry("elder-answered", "老人回应"), Map.entry("responders-arrived", "救援到达"),
            Map.entry("cancelled", "撤销"), Map.entry("open", "处理中"), Map.entry("on-time", "按时"),
            Map.entry("late", "超时完成"), Map.entry("overdue", "逾期"), Map.entry("incident", "事件回访"),
            Map.entry("booking", "预约确认"), Map.entry("reminder", "提醒"), Map.entry("check-in", "平安问候"),
            Map.entry("campaign", "关爱活动"), Map.entry("completed", "完成"), Map.entry("abandoned", "放弃"),
            Map.entry("overflowed", "溢出"), Map.entry("none", "无"), Map.entry("total", "合计"));

    private final Path fontFile;
    private final String centreName;
    private volatile java.awt.Font awtFont;

    public ReportExports(Path fontFile, String centreName) {
        this.fontFile = fontFile;
        this.centreName = centreName;
    }

    public String centreName() {
        return centreName;
    }

    static String title(String report) {
        return TITLES.getOrDefault(report, report);
    }

    static String columnName(String col) {
        String n = COLUMN_NAMES.getOrDefault(col, col);
        return col.endsWith("Ms") ? n + "(秒)" : n;
    }

    static String keyName(String key) {
        return KEY_NAMES.getOrDefault(key, key);
    }

    /** The period as the files print it: 2026-05-01 至 2026-05-31 (the last day included). */
    static String periodText(Period p) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        ZonedDateTime a = Instant.ofEpochMilli(p.from()).atZone(p.zone());
        ZonedDateTime b = Instant.ofEpochMilli(p.to()).atZone(p.zone());
        boolean days = a.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) && b.toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
        return days ? a.toLocalDate() + " 至 " + b.toLocalDate().minusDays(1) : a.format(f) + " 至 " + b.format(f);
    }

    private static String cell(String col, Object v) {
        if (v == null) {
            return "—";
        }
        if (col.endsWith("Ms") && v instanceof Number n) {
            return String.format(Locale.ROOT, "%.1f", n.longValue() / 1000.0);
        }
        return v.toString();
    }

    // ------------------------------------------------------------------ CSV

    /** One report as CSV: {@code key} and the JSON's columns, then the total. */
    public byte[] csv(Report r) {
        StringBuilder b = new StringBuilder("\uFEFF");
        b.append("key");
        r.columns().forEach(c -> b.append(',').append(c));
        b.append("\r\n");
        for (Map<String, Object> row : r.rows()) {
            b.append(csvField(String.valueOf(row.get("key"))));
            r.columns().forEach(c -> b.append(',').append(row.get(c) == null ? "" : row.get(c)));
            b.append("\r\n");
        }
        b.append("total");
        r.columns().forEach(c -> b.append(',').append(r.total().get(c) == null ? "" : r.total().get(c)));
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Columns of the raw call list's CSV, in order (issue 22; no personal data). */
    public static final List<String> CALL_LIST_COLUMNS = List.of("id", "arrivedAt", "line", "direction", "priority",
            "answeredAt", "endedAt", "waitMs", "talkMs", "agent", "outcome", "failOpen", "category", "subDistrict",
            "careLevel");

    /**
     * A page of the raw call list as CSV (UTF-8 with a BOM for Excel, CRLF): a header row only on the first page, so
     * pages concatenated are one file; times as ISO-8601 with the centre's offset.
     */
    public byte[] callListCsv(List<Map<String, Object>> rows, boolean header, java.time.ZoneId zone) {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append('\uFEFF').append(String.join(",", CALL_LIST_COLUMNS)).append("\r\n");
        }
        for (Map<String, Object> row : rows) {
            StringBuilder line = new StringBuilder();
            for (String c : CALL_LIST_COLUMNS) {
                Object v = row.get(c);
                if (!c.equals(CALL_LIST_COLUMNS.get(0))) {
                    line.append(',');
                }
                if (v != null && c.endsWith("At")) {
                    v = java.time.Instant.ofEpochMilli((Long) v).atZone(zone).toOffsetDateTime().toString();
                }
                line.append(v == null ? "" : csvField(v.toString()));
            }
            b.append(line).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    // ------------------------------------------------------------------ XLSX

    /** One sheet per report: title, centre and period, a header row (key, 名称, the columns), rows, the total. */
    public byte[] xlsx(List<Report> reports, Period p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Workbook wb = new Workbook(out, "OneKey", "1.0");
            java.util.Set<String> used = new java.util.HashSet<>();
            for (Report r : reports) {
                String name = sheetName(r, used);
                Worksheet ws = wb.newWorksheet(name);
                ws.value(0, 0, centreName + " · " + title(r.name()));
                ws.style(0, 0).bold().fontSize(14).set();
                ws.value(1, 0, "统计期间：" + periodText(p) + "（" + p.zone() + "）");
                ws.value(2, 0, "key");
                ws.value(2, 1, "名称");
                for (int c = 0; c < r.columns().size(); c++) {
                    ws.value(2, 2 + c, r.columns().get(c));
                    ws.value(3, 2 + c, columnName(r.columns().get(c)).replace("(秒)", "(毫秒)"));
                }
                ws.range(2, 0, 3, 1 + r.columns().size()).style().bold().fillColor("DDEBF7").set();
                int row = 4;
                for (Map<String, Object> m : r.rows()) {
                    write(ws, row++, String.valueOf(m.get("key")), m, r.columns());
                }
                write(ws, row, "total", r.total(), r.columns());
                ws.range(row, 0, row, 1 + r.columns().size()).style().bold().set();
                ws.width(0, 18);
                ws.width(1, 16);
                for (int c = 0; c < r.columns().size(); c++) {
                    ws.width(2 + c, 14);
                }
            }
            wb.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String sheetName(Report r, java.util.Set<String> used) {
        String base = title(r.name()) + "-" + r.groupBy().wire();
        base = base.length() > 28 ? base.substring(0, 28) : base;
        String n = base;
        for (int i = 2; !used.add(n); i++) {
            n = base + i;
        }
        return n;
    }

    private static void write(Worksheet ws, int row, String key, Map<String, Object> m, List<String> cols) {
        ws.value(row, 0, key);
        ws.value(row, 1, keyName(key));
        for (int c = 0; c < cols.size(); c++) {
            Object v = m.get(cols.get(c));
            if (v instanceof Number n) {
                ws.value(row, 2 + c, n);
            }
        }
    }

    // ------------------------------------------------------------------ PDF

    /** A4 pages: the centre's name and the period, then each report's table and its chart. */
    public byte[] pdf(List<Report> reports, Period p) {
        if (!Files.isReadable(fontFile)) {
            throw new IllegalStateException("the Chinese font for PDF reports is missing: " + fontFile
                    + " (apt-get install fonts-wqy-zenhei)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4, 36, 36, 40, 40);
        try {
            PdfWriter writer = PdfWriter.getInstance(doc, out);
            // Identity-H with the font embedded: OpenPDF writes only the glyphs used (a subset, "ABCDEF+" named)
            BaseFont bf = BaseFont.createFont(fontFile.toAbsolutePath() + ",0", BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
            bf.setSubset(true);
            Font h1 = new Font(bf, 18, Font.BOLD);
            Font h2 = new Font(bf, 13, Font.BOLD);
            Font body = new Font(bf, 8.5f);
            Font head = new Font(bf, 8.5f, Font.BOLD);
            doc.addTitle(centreName + " 服务报告 " + periodText(p));
            doc.addCreator("OneKey");
            doc.open();
            Paragraph t = new Paragraph(centreName, h1);
            t.setAlignment(Element.ALIGN_CENTER);
            doc.add(t);
            Paragraph sub = new Paragraph("服务报告　统计期间：" + periodText(p), h2);
            sub.setAlignment(Element.ALIGN_CENTER);
            sub.setSpacingAfter(10);
            doc.add(sub);
            for (Report r : reports) {
                Paragraph rh = new Paragraph(title(r.name()) + "（按" + groupName(r.groupBy()) + "）", h2);
                rh.setSpacingBefore(8);
                rh.setSpacingAfter(4);
                doc.add(rh);
                doc.add(table(r, body, head));
                if (!r.rows().isEmpty() && chartable(r)) {
                    Image img = Image.getInstance(png(r, 520, 200));
                    img.scaleToFit(doc.getPageSize().getWidth() - 72, 200);
                    img.setAlignment(Element.ALIGN_CENTER);
                    doc.add(img);
                }
            }
            doc.close();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String groupName(GroupBy g) {
        return switch (g) {
            case DAY -> "日";
            case WEEK -> "周";
            case MONTH -> "月";
            case LINE -> "服务线路";
            case CATEGORY -> "服务对象类别";
            case SUB_DISTRICT -> "街道";
            case CARE_LEVEL -> "照护等级";
            case AGENT -> "坐席";
            case OUTCOME -> "结果";
            case REASON -> "原因";
            case KIND -> "类型";
            case NONE -> "合计";
        };
    }

    private static PdfPTable table(Report r, Font body, Font head) {
        PdfPTable tb = new PdfPTable(1 + r.columns().size());
        tb.setWidthPercentage(100);
        tb.setHeaderRows(1);
        tb.addCell(headCell(groupName(r.groupBy()), head));
        r.columns().forEach(c -> tb.addCell(headCell(columnName(c), head)));
        for (Map<String, Object> m : r.rows()) {
            tb.addCell(new PdfPCell(new Phrase(keyName(String.valueOf(m.get("key"))), body)));
            r.columns().forEach(c -> tb.addCell(numCell(cell(c, m.get(c)), body)));
        }
        tb.addCell(headCell("合计", head));
        r.columns().forEach(c -> tb.addCell(numCell(cell(c, r.total().get(c)), head)));
        return tb;
    }

    private static PdfPCell headCell(String s, Font f) {
        PdfPCell c = new PdfPCell(new Phrase(s, f));
        c.setBackgroundColor(new Color(0xDD, 0xEB, 0xF7));
        return c;
    }

    private static PdfPCell numCell(String s, Font f) {
        PdfPCell c = new PdfPCell(new Phrase(s, f));
        c.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return c;
    }

    private static boolean chartable(Report r) {
        return !r.name().equals("agents") || r.rows().size() > 0;
    }

    /** The columns a report's chart shows (counts, not times). */
    static List<String> chartColumns(Report r) {
        return switch (r.name()) {
            case "calls" -> List.of("offered", "answered", "answeredWithin15s", "abandoned");
            case "answer-times" -> List.of("avgWaitMs", "p90WaitMs", "avgHandleMs");
            case "incidents" -> List.of("opened", "resolved", "cancelled");
            case "follow-ups" -> List.of("due", "onTime", "late", "overdue");
            case "broadcasts" -> List.of("broadcasts", "reached", "confirmed");
            case "elders" -> List.of("elders", "enrolled", "terminalsSilent");
            case "agents" -> List.of("calls");
            case "satisfaction" -> List.of("score1", "score2", "score3", "score4", "score5");
            default -> r.columns().subList(0, 1);
        };
    }

    /** A bar chart of the report's rows as a PNG (JFreeChart, Chinese labels in the same font). */
    public byte[] png(Report r, int width, int height) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Map<String, Object> m : r.rows()) {
            for (String c : chartColumns(r)) {
                Object v = m.get(c);
                double d = v instanceof Number n ? n.doubleValue() : 0;
                ds.addValue(c.endsWith("Ms") ? d / 1000.0 : d, columnName(c), keyName(String.valueOf(m.get("key"))));
            }
        }
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        java.awt.Font f = awtFont();
        theme.setExtraLargeFont(f.deriveFont(java.awt.Font.BOLD, 14f));
        theme.setLargeFont(f.deriveFont(12f));
        theme.setRegularFont(f.deriveFont(10f));
        theme.setSmallFont(f.deriveFont(9f));
        JFreeChart chart = ChartFactory.createBarChart(null, null, null, ds, PlotOrientation.VERTICAL, true, false, false);
        theme.apply(chart); // this chart's fonts, not the factory's global theme
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage img = chart.createBufferedImage(width * 2, height * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private java.awt.Font awtFont() {
        java.awt.Font f = awtFont;
        if (f == null) {
            try {
                f = Files.isReadable(fontFile) ? java.awt.Font.createFonts(fontFile.toFile())[0]
                        : new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10);
            } catch (java.awt.FontFormatException | IOException e) {
                f = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 10);
            }
            awtFont = f;
        }
        return f;
    }

    /** Today's date in the period's zone, for file names. */
    static LocalDate day(Period p) {
        return p.firstDay();
    }
}
