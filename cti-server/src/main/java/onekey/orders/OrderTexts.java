package onekey.orders;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import onekey.elders.Elder;

/** What the calls say (issue 21): the order to a supplier, the callback to the elder; Mandarin, English for "en". */
final class OrderTexts {

    private OrderTexts() {
    }

    static String when(long at, ZoneId zone, boolean english) {
        ZonedDateTime t = Instant.ofEpochMilli(at).atZone(zone);
        return english ? String.format("%d/%d at %d:%02d", t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute())
                : t.getMonthValue() + "月" + t.getDayOfMonth() + "日" + t.getHour() + "点"
                        + (t.getMinute() == 0 ? "" : t.getMinute() + "分");
    }

    /** To the supplier: category, the elder's address and landmarks, the time, the need; 1 accepts, 2 declines, 3 again. */
    static String offer(Order o, Elder e, ZoneId zone) {
        // the category and the address first: a supplier who answers at once hears them before anything else
        StringBuilder s = new StringBuilder("一键通派单，").append(o.category()).append("。");
        s.append("地址，").append(e.address() == null ? "未登记" : e.address()).append("。");
        if (e.landmarks() != null && !e.landmarks().isBlank()) {
            s.append("参照，").append(e.landmarks()).append("。");
        }
        s.append("时间，").append(when(o.wantedAt(), zone, false)).append("。");
        if (o.need() != null && !o.need().isBlank()) {
            s.append("需求，").append(o.need()).append("。");
        }
        return s.append("接单请按1，拒单请按2，重听请按3。").toString();
    }

    /** To the elder after the service: done? satisfied? 1 satisfied, 2 so-so, 3 unsatisfied, 4 not done. */
    static String callback(Order o, Elder e, ZoneId zone) {
        if ("en".equals(e.language())) {
            return "Hello, this is the one-key service centre, about the " + o.category() + " service on "
                    + when(o.wantedAt(), zone, true) + ". Was the service done? If you are satisfied press 1, if it was "
                    + "so-so press 2, if you are not satisfied press 3, if it was not done press 4.";
        }
        return "您好，这里是一键通服务中心，回访您" + when(o.wantedAt(), zone, false) + "的" + o.category()
                + "服务。服务是否完成？满意请按1，一般请按2，不满意请按3，服务没有完成请按4。";
    }
}
