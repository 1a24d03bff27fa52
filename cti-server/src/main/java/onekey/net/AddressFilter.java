package onekey.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may open a FastAGI session: a list of addresses and CIDR blocks (IPv4 and IPv6), e.g.
 * {@code 127.0.0.1, ::1, 10.0.0.0/24}. Only literal addresses: a host name would make the check
 * depend on DNS at every connection.
 */
public final class AddressFilter {

    /** Asterisk on the same machine. */
    public static final String LOOPBACK = "127.0.0.1,::1";

    private record Block(byte[] network, int bits, String text) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private AddressFilter(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses a comma list; throws {@link IllegalArgumentException} naming the entry that is not an
     * address or CIDR block. An empty list is refused too: nobody could connect.
     */
    public static AddressFilter parse(String commaList) {
        List<Block> out = new ArrayList<>();
        for (String raw : commaList == null ? new String[0] : commaList.split(",")) {
            String e = raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            String addr = e;
            Integer bits = null;
            int slash = e.indexOf('/');
            if (slash >= 0) {
                addr = e.substring(0, slash);
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("'" + e + "' has no prefix length after '/'");
                }
            }
            if (!addr.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR block");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(addr).getAddress();   // a literal: no DNS lookup
            } catch (UnknownHostException x) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR block");
            }
            int max = bytes.length * 8;
            int b = bits == null ? max : bits;
            if (b < 0 || b > max) {
                throw new IllegalArgumentException("'" + e + "': prefix length must be 0.." + max);
            }
            out.add(new Block(bytes, b, e));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the list is empty: no Asterisk could connect");
        }
        return new AddressFilter(out);
    }

    public boolean allows(InetAddress a) {
        if (a == null) {
            return false;
        }
        byte[] bytes = a.getAddress();
        // an IPv4 peer on a dual-stack socket may show up as ::ffff:a.b.c.d: Java already hands it as Inet4Address
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", blocks.stream().map(Block::text).toList());
    }
}
