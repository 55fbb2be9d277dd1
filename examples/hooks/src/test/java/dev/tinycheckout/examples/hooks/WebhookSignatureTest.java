package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final String TS = Long.toString(NOW.getEpochSecond());
  private static final byte[] BODY =
      "{\"type\":\"order.placed\",\"orderId\":\"ord_1\"}".getBytes(StandardCharsets.UTF_8);

  private final WebhookSignature signature =
      WebhookSignature.ofSecret(WebhookSignature.generateSecret());

  private String signed() {
    return signature.sign("msg_1", NOW.getEpochSecond(), BODY);
  }

  @Test
  void aSignatureMatchesAFixedHmacSha256VectorOverIdTimestampAndBody() {
    // The key is the 32 bytes 0x01 to 0x20; the expected value was computed apart, with
    // printf 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' \
    //   | openssl dgst -sha256 -mac HMAC -macopt hexkey:0102…1f20 -binary | base64
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i + 1);
    }
    WebhookSignature fixed = WebhookSignature.ofKey(key);

    assertThat(
            fixed.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v1,frM35V2Z51bxs4v81I6TpLnscXkhXtKLP/7WPYVyj3A=");
  }

  @Test
  void theSignedRequestVerifies() {
    assertThat(signature.verify("msg_1", TS, BODY, signed(), NOW)).isTrue();
  }

  @Test
  void aTamperedBodyIsRefused() {
    byte[] tampered = BODY.clone();
    tampered[10] ^= 1;

    assertThat(signature.verify("msg_1", TS, tampered, signed(), NOW)).isFalse();
  }

  @Test
  void aSignatureMadeWithAnotherSecretIsRefused() {
    WebhookSignature other = WebhookSignature.ofSecret(WebhookSignature.generateSecret());

    assertThat(other.verify("msg_1", TS, BODY, signed(), NOW)).isFalse();
  }

  @Test
  void aChangedIdOrTimestampIsRefused() {
    assertThat(signature.verify("msg_2", TS, BODY, signed(), NOW)).isFalse();
    assertThat(
            signature.verify("msg_1", Long.toString(NOW.getEpochSecond() + 1), BODY, signed(), NOW))
        .isFalse();
  }

  @Test
  void aTimestampOutsideTheToleranceIsRefusedAsAReplay() {
    Instant sixMinutesLater = NOW.plus(Duration.ofMinutes(6));
    Instant sixMinutesEarlier = NOW.minus(Duration.ofMinutes(6));

    assertThat(signature.verify("msg_1", TS, BODY, signed(), NOW.plus(Duration.ofMinutes(5))))
        .isTrue();
    assertThat(signature.verify("msg_1", TS, BODY, signed(), sixMinutesLater)).isFalse();
    assertThat(signature.verify("msg_1", TS, BODY, signed(), sixMinutesEarlier)).isFalse();
    assertThat(
            signature.verify("msg_1", TS, BODY, signed(), sixMinutesLater, Duration.ofMinutes(10)))
        .isTrue();
  }

  @Test
  void aMalformedTimestampIsRefused() {
    assertThat(signature.verify("msg_1", "+" + TS, BODY, signed(), NOW)).isFalse();
    assertThat(signature.verify("msg_1", TS + ".0", BODY, signed(), NOW)).isFalse();
    assertThat(signature.verify("msg_1", "", BODY, signed(), NOW)).isFalse();
    assertThat(signature.verify("msg_1", "99999999999999999999", BODY, signed(), NOW)).isFalse();
  }

  @Test
  void oneMatchingSignatureAmongSeveralIsEnoughAsDuringASecretRotation() {
    String old =
        WebhookSignature.ofSecret(WebhookSignature.generateSecret()).sign("msg_1", 1, BODY);
    String header = "v1a,bm90LWNoZWNrZWQ= " + old + " v1,@@not-base64@@ " + signed();

    assertThat(signature.verify("msg_1", TS, BODY, header, NOW)).isTrue();
    assertThat(signature.verify("msg_1", TS, BODY, "v1a,bm90LWNoZWNrZWQ= " + old, NOW)).isFalse();
  }

  @Test
  void onlyVersionOneEntriesAreChecked() {
    String bare = signed().substring("v1,".length());

    assertThat(signature.verify("msg_1", TS, BODY, "v1a," + bare, NOW)).isFalse();
    assertThat(signature.verify("msg_1", TS, BODY, bare, NOW)).isFalse();
  }

  @Test
  void anIdWithAFullStopCannotBeSignedNorVerified() {
    assertThatThrownBy(() -> signature.sign("msg.1", 1, BODY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(signature.verify("msg.1", TS, BODY, signed(), NOW)).isFalse();
  }

  @Test
  void aSecretMustCarryThePrefixAndAtLeast32BytesAndItsErrorNeverShowsIt() {
    String short16 = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
    String unprefixed = WebhookSignature.generateSecret().substring("whsec_".length());

    assertThatThrownBy(() -> WebhookSignature.ofSecret(short16))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("held 16")
        .hasMessageNotContaining(short16.substring(6));
    assertThatThrownBy(() -> WebhookSignature.ofSecret(unprefixed))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("whsec_")
        .hasMessageNotContaining(unprefixed);
    assertThatThrownBy(() -> WebhookSignature.ofSecret("whsec_not base64!"))
        .isInstanceOf(ValidationException.class)
        .hasMessageNotContaining("not base64!");
    assertThatThrownBy(() -> WebhookSignature.ofKey(new byte[65]))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void aGeneratedSecretHolds32RandomBytes() {
    String a = WebhookSignature.generateSecret();

    assertThat(a).startsWith("whsec_").isNotEqualTo(WebhookSignature.generateSecret());
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
  }

  @Test
  void itsTextDoesNotShowTheSecret() {
    String secret = WebhookSignature.generateSecret();

    assertThat(WebhookSignature.ofSecret(secret).toString())
        .doesNotContain(secret.substring(6))
        .contains("32-byte");
  }
}
