package dev.latchkey.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.error.ApiException;
import org.junit.jupiter.api.Test;

class IpRangeTest {
  @Test
  void anIpv4BlockHoldsItsAddressesAndNoOthers() {
    IpRange r = IpRange.parse("203.0.113.0/24", "ip_range");

    assertThat(r.contains("203.0.113.0")).isTrue();
    assertThat(r.contains("203.0.113.255")).isTrue();
    assertThat(r.contains("203.0.114.0")).isFalse();
    assertThat(r.contains("2001:db8::1")).isFalse();
    assertThat(r.contains("")).isFalse();
    assertThat(r.contains(null)).isFalse();
  }

  @Test
  void anIpv6BlockHoldsItsAddressesAndNoOthers() {
    IpRange r = IpRange.parse("2001:db8::/32", "ip_range");

    assertThat(r.contains("2001:db8:ffff::1")).isTrue();
    assertThat(r.contains("2001:0db8:0000:0000:0000:0000:0000:0001")).isTrue();
    assertThat(r.contains("2001:db9::1")).isFalse();
    assertThat(r.contains("203.0.113.7")).isFalse();
  }

  @Test
  void theWholeSpaceAndASingleAddressAreBlocksToo() {
    assertThat(IpRange.parse("0.0.0.0/0", "ip_range").contains("198.51.100.7")).isTrue();
    assertThat(IpRange.parse("198.51.100.7/32", "ip_range").contains("198.51.100.7")).isTrue();
    assertThat(IpRange.parse("198.51.100.7/32", "ip_range").contains("198.51.100.8")).isFalse();
    assertThat(IpRange.parse("::1/128", "ip_range").contains("0:0:0:0:0:0:0:1")).isTrue();
  }

  @Test
  void anythingButAnAddressLiteralWithAPrefixIsRefusedWithoutLookingAnyNameUp() {
    for (String bad : new String[] {"203.0.113.0", "203.0.113.0/33", "::/129", "localhost/8", "example.com/24",
        "203.0.113.0/x", "203.0.113.0/+8", "/8", "1.2.3/8", "203.0.113.0/08 "}) {
      assertThatThrownBy(() -> IpRange.parse(bad, "ip_range")).as(bad).isInstanceOf(ApiException.class)
          .hasMessageContaining("ip_range");
    }
  }
}
