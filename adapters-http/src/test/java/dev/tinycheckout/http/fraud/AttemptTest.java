package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttemptTest {

  @Test
  void anIpv4AddressIsItsOwnKey() {
    assertThat(Attempt.of(" 203.0.113.7 ", "a@example.com", "t").clientKey())
        .isEqualTo("203.0.113.7");
  }

  @Test
  void anIpv6AddressCountsByItsSlash64Prefix() {
    assertThat(Attempt.of("2001:db8:0:1::17", "a@example.com", "t").clientKey())
        .isEqualTo("2001:db8:0:1::/64");
    assertThat(Attempt.of("[2001:DB8:0:1:aaaa:bbbb:cccc:dddd]", "a@example.com", "t").clientKey())
        .isEqualTo("2001:db8:0:1::/64");
    assertThat(Attempt.of("fe80::1%eth0", "a@example.com", "t").clientKey())
        .isEqualTo("fe80:0:0:0::/64");
  }

  @Test
  void anIpv4MappedIpv6AddressCountsAsTheIpv4Address() {
    assertThat(Attempt.of("::ffff:203.0.113.7", "a@example.com", "t").clientKey())
        .isEqualTo("203.0.113.7");
  }

  @Test
  void textThatIsNotAnAddressIsUsedAsGivenAndNeverLookedUp() {
    assertThat(Attempt.of("proxy.example.com", "a@example.com", "t").clientKey())
        .isEqualTo("proxy.example.com");
    assertThat(Attempt.of("not:an:address:at:all:zz", "a@example.com", "t").clientKey())
        .isEqualTo("not:an:address:at:all:zz");
  }

  @Test
  void emailsDifferingOnlyInCaseAndSpacesAreOneEmail() {
    assertThat(Attempt.of("203.0.113.7", " Ann@Example.COM", "t").emailKey())
        .isEqualTo(Attempt.of("203.0.113.7", "ann@example.com", "t").emailKey())
        .isNotEqualTo(Attempt.of("203.0.113.7", "bob@example.com", "t").emailKey());
  }

  @Test
  void tokensAreCaseSensitive() {
    assertThat(Attempt.of("203.0.113.7", "a@example.com", "tok_A").tokenKey())
        .isNotEqualTo(Attempt.of("203.0.113.7", "a@example.com", "tok_a").tokenKey());
  }

  @Test
  void toStringShowsNeitherTheEmailNorTheToken() {
    Attempt a = Attempt.of("203.0.113.7", "ann@example.com", "tok_secret");

    assertThat(a.toString())
        .isEqualTo("Attempt[client=203.0.113.7]")
        .doesNotContain("ann")
        .doesNotContain("secret");
  }

  @Test
  void aBlankAddressIsRejected() {
    assertThatThrownBy(() -> Attempt.of(" ", "a@example.com", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientAddress must not be blank");
  }
}
