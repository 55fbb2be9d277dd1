package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class WebhookSignatureProperties {
  private final WebhookSignature signature =
      WebhookSignature.ofSecret(WebhookSignature.generateSecret());

  @Property
  void aSignedRequestVerifiesAtTheTimeItWasSent(
      @ForAll @AlphaChars @NumericChars @Chars({'_', '-'}) @StringLength(min = 1, max = 64)
          String id,
      @ForAll @LongRange(min = 0, max = 4_102_444_800L) long timestamp,
      @ForAll @Size(max = 2048) byte[] body) {
    String header = signature.sign(id, timestamp, body);

    assertThat(
            signature.verify(
                id, Long.toString(timestamp), body, header, Instant.ofEpochSecond(timestamp)))
        .isTrue();
  }

  @Property
  void changingAnySingleByteOfTheBodyBreaksTheSignature(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 64) String id,
      @ForAll @LongRange(min = 0, max = 4_102_444_800L) long timestamp,
      @ForAll @Size(min = 1, max = 2048) byte[] body,
      @ForAll int position,
      @ForAll byte flip) {
    Assume.that(flip != 0);
    String header = signature.sign(id, timestamp, body);
    byte[] changed = body.clone();
    changed[Math.floorMod(position, body.length)] ^= flip;

    assertThat(
            signature.verify(
                id, Long.toString(timestamp), changed, header, Instant.ofEpochSecond(timestamp)))
        .isFalse();
  }
}
