package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.tinycheckout.ValidationException;
import org.junit.jupiter.api.Test;

class ConsentHeadTest {
  private final ConsentHash hash = ConsentHash.sha256(new byte[] {7});

  @Test
  void theTextFormIsOneLineThatParsesBack() {
    ConsentHead head = new ConsentHead(42, hash);

    assertThat(head.toText()).isEqualTo("tinycheckout-consent-head-v1:42:" + hash.hex());
    assertThat(head).hasToString(head.toText());
    assertThat(ConsentHead.parse("  " + head.toText() + "\n")).isEqualTo(head);
    assertThat(ConsentHead.parse(ConsentHead.EMPTY.toText())).isEqualTo(ConsentHead.EMPTY);
  }

  @Test
  void theEmptyHeadIsSequenceZeroWithTheZeroHash() {
    assertThat(ConsentHead.EMPTY.isEmpty()).isTrue();
    assertThat(ConsentHead.EMPTY.hash()).isEqualTo(ConsentHash.ZERO);
    assertThatThrownBy(() -> new ConsentHead(0, hash))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("hash"));
    assertThatThrownBy(() -> new ConsentHead(-1, ConsentHash.ZERO))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sequence"));
  }

  @Test
  void malformedTextIsRefusedNamingTheHead() {
    for (String text :
        new String[] {
          "",
          "42:" + hash.hex(),
          "tinycheckout-consent-head-v1:" + hash.hex(),
          "tinycheckout-consent-head-v1::" + hash.hex(),
          "tinycheckout-consent-head-v1:-1:" + hash.hex(),
          "tinycheckout-consent-head-v1:4x:" + hash.hex(),
          "tinycheckout-consent-head-v1:99999999999999999999:" + hash.hex(),
          "tinycheckout-consent-head-v1:42:" + hash.hex().substring(2),
          "tinycheckout-consent-head-v1:42:" + "zz" + hash.hex().substring(2),
          "tinycheckout-consent-head-v1:0:" + hash.hex()
        }) {
      assertThatThrownBy(() -> ConsentHead.parse(text))
          .as(text)
          .asInstanceOf(type(ValidationException.class))
          .satisfies(e -> assertThat(e.field()).isEqualTo("consentHead"));
    }
  }
}
