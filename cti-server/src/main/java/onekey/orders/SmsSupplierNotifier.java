package onekey.orders;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import onekey.elders.PhoneNumbers;

/**
 * Supplier texts (issues 21 and 20): beside the call (or webhook) that asks, each offer is also texted to the
 * supplier's first mobile number — the order's number, category, the elder's address and landmarks and the wanted
 * time — so the supplier has it in writing; the answer still comes by the call's keys (or the webhook). A supplier
 * with landlines only gets no text. A failure to text never holds the offer up ({@link OrderService} catches it).
 */
public final class SmsSupplierNotifier implements SupplierNotifier {

    /** Sends one text (the SMS room's {@code SmsService.send}); {@code ref} names the order for its row. */
    @FunctionalInterface
    public interface Texter {
        void text(String to, String text, long elderId, String ref);
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("M月d日 HH:mm");

    private final Texter texter;
    private final ZoneId zone;

    public SmsSupplierNotifier(Texter texter, ZoneId zone) {
        this.texter = texter;
        this.zone = zone;
    }

    @Override
    public void offer(Offer o) {
        String mobile = o.supplier().phones() == null ? null
                : o.supplier().phones().stream().filter(PhoneNumbers::isMobile).findFirst().orElse(null);
        if (mobile == null) {
            return;
        }
        texter.text(mobile, text(o), o.elder().id(), "order:" + o.order().id() + ":offer:" + o.offer().id());
    }

    /** The offer's text (Chinese: suppliers are local services). */
    String text(Offer o) {
        var e = o.elder();
        StringBuilder b = new StringBuilder("派单#").append(o.order().id()).append("：").append(o.order().category());
        if (o.order().need() != null && !o.order().need().isBlank()) {
            b.append("（").append(o.order().need().trim()).append("）");
        }
        b.append("，").append(e.address() == null ? "地址见来电" : e.address());
        if (e.landmarks() != null && !e.landmarks().isBlank()) {
            b.append("，").append(e.landmarks().trim());
        }
        b.append("，").append(WHEN.format(Instant.ofEpochMilli(o.order().wantedAt()).atZone(zone)))
                .append("。请接听我们的来电：按1接单，按2拒单。");
        return b.toString();
    }
}
