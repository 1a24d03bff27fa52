package onekey.softphone.sip;

import java.util.ArrayList;
import java.util.List;

/** The little SDP a G.711 phone needs: write an offer/answer, read the peer's audio address and payload types. */
public record Sdp(String host, int port, List<Integer> payloadTypes, int dtmfType, String direction) {

    /** Our SDP: PCMU and PCMA (or only {@code pt}), telephone-event, 20 ms. */
    public static String write(String host, int port, List<Integer> pts, int dtmfType, String direction) {
        StringBuilder b = new StringBuilder();
        long id = System.currentTimeMillis() / 1000;
        b.append("v=0\r\n").append("o=onekey ").append(id).append(' ').append(id).append(" IN IP4 ").append(host).append("\r\n")
                .append("s=OneKey softphone\r\n").append("c=IN IP4 ").append(host).append("\r\n").append("t=0 0\r\n")
                .append("m=audio ").append(port).append(" RTP/AVP");
        for (int pt : pts) {
            b.append(' ').append(pt);
        }
        b.append(' ').append(dtmfType).append("\r\n");
        for (int pt : pts) {
            b.append("a=rtpmap:").append(pt).append(pt == 8 ? " PCMA/8000" : " PCMU/8000").append("\r\n");
        }
        b.append("a=rtpmap:").append(dtmfType).append(" telephone-event/8000\r\n")
                .append("a=fmtp:").append(dtmfType).append(" 0-16\r\n").append("a=ptime:20\r\n")
                .append("a=").append(direction).append("\r\n");
        return b.toString();
    }

    public static Sdp parse(String text) {
        String host = null;
        int port = 0;
        List<Integer> pts = new ArrayList<>();
        int dtmf = -1;
        String dir = "sendrecv";
        boolean audio = false;
        for (String line : text.split("\r?\n")) {
            line = line.trim();
            if (line.startsWith("c=IN IP4 ") && (host == null || audio)) {
                host = line.substring(9).trim().split("/")[0];
            } else if (line.startsWith("m=")) {
                audio = line.startsWith("m=audio ");
                if (audio) {
                    String[] f = line.substring(2).split("\\s+");
                    port = Integer.parseInt(f[1]);
                    for (int i = 3; i < f.length; i++) {
                        pts.add(Integer.parseInt(f[i]));
                    }
                }
            } else if (audio && line.startsWith("a=rtpmap:") && line.toLowerCase().contains("telephone-event/8000")) {
                dtmf = Integer.parseInt(line.substring(9, line.indexOf(' ')));
            } else if (audio && (line.equals("a=sendonly") || line.equals("a=recvonly") || line.equals("a=inactive")
                    || line.equals("a=sendrecv"))) {
                dir = line.substring(2);
            }
        }
        if (host == null || port == 0 && pts.isEmpty()) {
            throw new IllegalArgumentException("SDP without an audio stream");
        }
        return new Sdp(host, port, List.copyOf(pts), dtmf, dir);
    }

    /** The first G.711 type we both have (the peer's order), or -1. */
    public int g711() {
        for (int pt : payloadTypes) {
            if (pt == 0 || pt == 8) {
                return pt;
            }
        }
        return -1;
    }
}
