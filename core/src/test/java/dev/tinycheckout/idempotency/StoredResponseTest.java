package dev.tinycheckout.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredResponseTest {
  private static final byte[] BODY = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

  private static StoredResponse response(Map<String, String> headers, byte[] body) {
    return new StoredResponse(201, headers, body);
  }

  @Test
  void copiesTheBodyOnTheWayIn() {
    byte[] body = BODY.clone();
    StoredResponse response = response(Map.of(), body);

    body[0] = 'X';

    assertThat(response.body()).isEqualTo(BODY);
  }

  @Test
  void copiesTheBodyOnTheWayOut() {
    StoredResponse response = response(Map.of(), BODY);

    response.body()[0] = 'X';

    assertThat(response.body()).isEqualTo(BODY);
  }

  @Test
  void bodyTextDecodesUtf8() {
    StoredResponse response = response(Map.of(), "Grüße".getBytes(StandardCharsets.UTF_8));

    assertThat(response.bodyText()).isEqualTo("Grüße");
  }

  @Test
  void allowsAnEmptyBody() {
    assertThat(new StoredResponse(204, Map.of(), new byte[0]).body()).isEmpty();
  }

  @Test
  void looksUpHeadersCaseInsensitively() {
    StoredResponse response = response(Map.of("Location", "/orders/1"), BODY);

    assertThat(response.header("location")).contains("/orders/1");
    assertThat(response.header("LOCATION")).contains("/orders/1");
    assertThat(response.headers().get("lOcAtIoN")).isEqualTo("/orders/1");
  }

  @Test
  void keepsTheHeaderNameCaseAsGiven() {
    StoredResponse response = response(Map.of("Content-Type", "application/json"), BODY);

    assertThat(response.headers().keySet()).containsExactly("Content-Type");
  }

  @Test
  void anAbsentHeaderIsEmpty() {
    assertThat(response(Map.of(), BODY).header("Location")).isEmpty();
  }

  @Test
  void copiesTheHeadersOnTheWayIn() {
    Map<String, String> headers = new HashMap<>(Map.of("Location", "/orders/1"));
    StoredResponse response = response(headers, BODY);

    headers.put("Location", "/orders/2");

    assertThat(response.header("Location")).contains("/orders/1");
  }

  @Test
  void headersCannotBeModified() {
    StoredResponse response = response(Map.of("Location", "/orders/1"), BODY);

    assertThatThrownBy(() -> response.headers().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesTheSameHeaderGivenTwiceInDifferentCase() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", "/a");
    headers.put("location", "/b");

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> response(headers, BODY));

    assertThat(e.field()).isEqualTo("headers");
    assertThat(e.reason()).contains("given twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb", "a\r\nSet-Cookie: x=y", "a\u0000b"})
  void refusesCrLfOrNulInAHeaderValue(String value) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> response(Map.of("Location", value), BODY));

    assertThat(e.field()).isEqualTo("headers");
    assertThat(e.reason()).contains("Location");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Bad\nName", "Bäd", "\u007f"})
  void refusesAnInvalidHeaderName(String name) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> response(Map.of(name, "v"), BODY));

    assertThat(e.field()).isEqualTo("headers");
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 200, 599})
  void acceptsStatusCodesFrom100To599(int status) {
    assertThat(new StoredResponse(status, Map.of(), BODY).status()).isEqualTo(status);
  }

  @ParameterizedTest
  @ValueSource(ints = {99, 600, 0, -200})
  void refusesStatusCodesOutside100To599(int status) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> new StoredResponse(status, Map.of(), BODY));

    assertThat(e.field()).isEqualTo("status");
    assertThat(e.reason()).contains(Integer.toString(status));
  }

  @Test
  void equalsComparesBodyContentsNotArrayIdentity() {
    StoredResponse a = response(Map.of("Location", "/orders/1"), BODY.clone());
    StoredResponse b = response(Map.of("Location", "/orders/1"), BODY.clone());

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void responsesWithDifferentBodiesAreNotEqual() {
    assertThat(response(Map.of(), BODY)).isNotEqualTo(response(Map.of(), new byte[] {1}));
  }

  @Test
  void responsesWithDifferentStatusesAreNotEqual() {
    assertThat(new StoredResponse(200, Map.of(), BODY))
        .isNotEqualTo(new StoredResponse(201, Map.of(), BODY));
  }

  @Test
  void responsesWithDifferentHeaderValuesAreNotEqual() {
    assertThat(response(Map.of("Location", "/a"), BODY))
        .isNotEqualTo(response(Map.of("Location", "/b"), BODY));
  }

  @Test
  void headerNamesDifferingOnlyInCaseAreEqualAndHashAlike() {
    StoredResponse a = response(Map.of("Location", "/orders/1"), BODY);
    StoredResponse b = response(Map.of("location", "/orders/1"), BODY);

    assertThat(a).isEqualTo(b);
    assertThat(b).isEqualTo(a);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
  }

  @Test
  void toStringShowsTheBodyLengthNotTheBody() {
    assertThat(response(Map.of(), BODY).toString())
        .contains("status=201")
        .contains(BODY.length + " bytes")
        .doesNotContain("\"id\"");
  }
}
