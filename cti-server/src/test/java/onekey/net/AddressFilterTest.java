package onekey.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressFilterTest {

    @Test
    void loopbackByDefault() throws Exception {
        AddressFilter f = AddressFilter.parse(AddressFilter.LOOPBACK);
        assertThat(f.allows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("::1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(f.allows(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(f.allows(null)).isFalse();
    }

    @Test
    void cidrBlocks() throws Exception {
        AddressFilter f = AddressFilter.parse(" 10.1.2.0/23 , fd00::/8,192.168.5.7");
        assertThat(f.allows(InetAddress.getByName("10.1.3.250"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("10.1.4.1"))).isFalse();
        assertThat(f.allows(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(f.allows(InetAddress.getByName("192.168.5.7"))).isTrue();
        assertThat(f.allows(InetAddress.getByName("192.168.5.8"))).isFalse();
        assertThat(f.toString()).isEqualTo("10.1.2.0/23,fd00::/8,192.168.5.7");
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> AddressFilter.parse("127.0.0.1,asterisk.example.org"))
                .hasMessageContaining("'asterisk.example.org' is not an IP address");
        assertThatThrownBy(() -> AddressFilter.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> AddressFilter.parse("10.0.0.0/x")).hasMessageContaining("no prefix length");
        assertThatThrownBy(() -> AddressFilter.parse(" , ")).hasMessageContaining("empty");
    }
}
