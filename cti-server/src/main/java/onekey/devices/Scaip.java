package onekey.devices;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * A SCAIP-style alarm (issue 24: "an XML body naming device, type, status and location") as a SIP device sends it in a
 * MESSAGE to {@code sip:alarm@<asterisk>}. The elements read, in any order under the root: {@code ref} (the device's
 * id of this alarm; with the device it makes the alarm's idempotency key), {@code device} (its identity; else the
 * MESSAGE's From user), {@code type} (fall, sos, smoke, …), {@code status} ({@code alarm}, {@code test},
 * {@code restore}, {@code heartbeat}), {@code location} with {@code lat}, {@code lon} (WGS-84) and {@code accuracy}
 * (metres). A subset in the spirit of SS 91100's alarm messages, not a conformance claim: DTDs and external entities are
 * refused.
 */
public final class Scaip {

    /** A parsed message and the alarm it makes. */
    public record Message(String ref, String device, String type, String status, Double lat, Double lon, Double accuracy) {
        public AlarmService.Incoming incoming() {
            String kind = switch (status) {
                case "test" -> "test";
                case "restore", "cancel" -> "restore";
                case "heartbeat" -> "heartbeat";
                default -> type;
            };
            return new AlarmService.Incoming("scaip", device + "/" + ref, "scaip", null, null, device, kind, null, lat, lon,
                    accuracy, null, "scaip type=" + type + " status=" + status);
        }
    }

    private Scaip() {
    }

    /** IllegalArgumentException "field: message" for a malformed body. {@code from}: the MESSAGE's From URI or null. */
    public static Message parse(String xml, String from) {
        Map<String, String> v = new HashMap<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
            collect(d.getDocumentElement(), "", v);
        } catch (Exception e) {
            throw new IllegalArgumentException("body: not a well-formed alarm XML document (" + e.getMessage() + ")");
        }
        String device = first(v, "device", "did");
        if (device == null && from != null && !from.isBlank()) {
            device = DeviceDraft.sipUser(from.replaceAll("^.*<|>.*$", ""));
        }
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device: the alarm names no device (and no From)");
        }
        String type = first(v, "type", "dty");
        if (type == null || !type.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("type: fall, sos, smoke, … (a-z, 0-9, -)");
        }
        String status = first(v, "status", "stc");
        status = status == null ? "alarm" : status.toLowerCase(java.util.Locale.ROOT);
        String ref = first(v, "ref");
        if (ref == null || !ref.matches("[A-Za-z0-9._:-]{1,48}")) {
            throw new IllegalArgumentException("ref: the device's id of this alarm (1 to 48 letters, digits, . _ : -)");
        }
        Double lat = number(first(v, "location.lat", "lat"), "lat");
        Double lon = number(first(v, "location.lon", "lon"), "lon");
        if ((lat == null) != (lon == null)) {
            throw new IllegalArgumentException("location: lat and lon go together");
        }
        return new Message(ref, device.trim(), type, status, lat, lon, number(first(v, "location.accuracy", "accuracy"),
                "accuracy"));
    }

    private static void collect(Element e, String prefix, Map<String, String> into) {
        boolean leaf = true;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                leaf = false;
                String name = c.getLocalName() != null ? c.getLocalName() : c.getTagName();
                collect(c, prefix.isEmpty() && e.getParentNode() instanceof Document ? name : prefix + "." + name, into);
            }
        }
        if (leaf && !prefix.isEmpty()) {
            into.putIfAbsent(prefix, e.getTextContent().trim());
            String last = prefix.substring(prefix.lastIndexOf('.') + 1);
            into.putIfAbsent(last, e.getTextContent().trim());
        }
    }

    private static String first(Map<String, String> v, String... keys) {
        for (String k : keys) {
            String s = v.get(k);
            if (s != null && !s.isBlank()) {
                return s.trim();
            }
        }
        return null;
    }

    private static Double number(String s, String field) {
        if (s == null) {
            return null;
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": not a number: " + s);
        }
    }
}
