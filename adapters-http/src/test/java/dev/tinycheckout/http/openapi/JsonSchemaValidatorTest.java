package dev.tinycheckout.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonSchemaValidatorTest {
  private static final JsonNode ROOT =
      OpenApiDocument.parse(
          """
          {"components": {"schemas": {
            "Money": {"type": "object", "required": ["amount", "currency"],
                      "additionalProperties": false,
                      "properties": {"amount": {"type": "integer"},
                                     "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
            "Line": {"type": "object", "properties": {"price": {"$ref": "#/components/schemas/Money"}}}
          }}}
          """);
  private final JsonSchemaValidator validator = new JsonSchemaValidator(ROOT);

  private List<String> errors(String schema, String instance) {
    return validator.validate(OpenApiDocument.parse(schema), OpenApiDocument.parse(instance));
  }

  @Test
  void typeAcceptsItsOwnKindAndRefusesOthers() {
    assertThat(errors("{\"type\":\"string\"}", "\"a\"")).isEmpty();
    assertThat(errors("{\"type\":\"string\"}", "1")).singleElement().asString().contains("$");
    assertThat(errors("{\"type\":\"boolean\"}", "\"true\"")).hasSize(1);
    assertThat(errors("{\"type\":\"object\"}", "[]")).hasSize(1);
    assertThat(errors("{\"type\":\"array\"}", "{}")).hasSize(1);
    assertThat(errors("{\"type\":\"null\"}", "null")).isEmpty();
    assertThat(errors("{\"type\":[\"string\",\"null\"]}", "null")).isEmpty();
    assertThat(errors("{\"type\":[\"string\",\"null\"]}", "2")).hasSize(1);
  }

  @Test
  void integersAreNumbersWithoutAFractionWhateverTheirSpelling() {
    assertThat(errors("{\"type\":\"integer\"}", "3")).isEmpty();
    assertThat(errors("{\"type\":\"integer\"}", "3.0")).isEmpty();
    assertThat(errors("{\"type\":\"integer\"}", "3.5")).hasSize(1);
    assertThat(errors("{\"type\":\"integer\"}", "\"3\"")).hasSize(1);
    assertThat(errors("{\"type\":\"number\"}", "3.5")).isEmpty();
  }

  @Test
  void boundsOfNumbersAreInclusive() {
    String schema = "{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}";
    assertThat(errors(schema, "1")).isEmpty();
    assertThat(errors(schema, "100")).isEmpty();
    assertThat(errors(schema, "0")).singleElement().asString().contains("at least 1");
    assertThat(errors(schema, "101")).singleElement().asString().contains("at most 100");
  }

  @Test
  void stringLengthsCountCodePointsAndPatternsAreUnanchored() {
    String schema = "{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}";
    assertThat(errors(schema, "\"ab\"")).isEmpty();
    assertThat(errors(schema, "\"a\"")).hasSize(1);
    assertThat(errors(schema, "\"abcd\"")).hasSize(1);
    assertThat(errors(schema, "\"\\uD83D\\uDE00\\uD83D\\uDE00\"")).isEmpty();
    assertThat(errors("{\"pattern\":\"b+\"}", "\"abba\"")).isEmpty();
    assertThat(errors("{\"pattern\":\"^b+$\"}", "\"abba\"")).hasSize(1);
  }

  @Test
  void enumAndConstCompareJsonValues() {
    assertThat(errors("{\"enum\":[\"PAID\",\"WITHDRAWN\"]}", "\"PAID\"")).isEmpty();
    assertThat(errors("{\"enum\":[\"PAID\",\"WITHDRAWN\"]}", "\"PENDING\"")).hasSize(1);
    assertThat(errors("{\"const\":\"WITHDRAWN\"}", "\"WITHDRAWN\"")).isEmpty();
    assertThat(errors("{\"const\":\"WITHDRAWN\"}", "\"withdrawn\"")).hasSize(1);
    assertThat(errors("{\"const\":1}", "1.0")).isEmpty();
  }

  @Test
  void objectsNeedTheirRequiredMembersAndRefuseUndeclaredOnesWhenClosed() {
    String money = "{\"$ref\":\"#/components/schemas/Money\"}";
    assertThat(errors(money, "{\"amount\":100,\"currency\":\"USD\"}")).isEmpty();
    assertThat(errors(money, "{\"amount\":100}"))
        .singleElement()
        .asString()
        .contains("\"currency\"");
    assertThat(errors(money, "{\"amount\":100,\"currency\":\"USD\",\"cents\":1}"))
        .singleElement()
        .asString()
        .contains("$.cents");
    assertThat(errors("{\"type\":\"object\"}", "{\"anything\":1}")).isEmpty();
    assertThat(
            errors("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":1,\"b\":\"two\"}"))
        .singleElement()
        .asString()
        .contains("$.b");
  }

  @Test
  void referencesAreFollowedInsideNestedMembersAndPathsNameTheMember() {
    String line = "{\"$ref\":\"#/components/schemas/Line\"}";
    assertThat(errors(line, "{\"price\":{\"amount\":1,\"currency\":\"EUR\"}}")).isEmpty();
    assertThat(errors(line, "{\"price\":{\"amount\":1.5,\"currency\":\"euro\"}}"))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e).startsWith("$.price.amount"))
        .anySatisfy(e -> assertThat(e).startsWith("$.price.currency"));
  }

  @Test
  void arraysCheckEveryItemAndTheirSize() {
    String schema =
        "{\"type\":\"array\",\"minItems\":1,\"maxItems\":2,\"items\":{\"type\":\"integer\"}}";
    assertThat(errors(schema, "[1,2]")).isEmpty();
    assertThat(errors(schema, "[]")).hasSize(1);
    assertThat(errors(schema, "[1,2,3]")).hasSize(1);
    assertThat(errors(schema, "[1,\"x\"]")).singleElement().asString().startsWith("$[1]");
  }

  @Test
  void formatsAreCheckedLoosely() {
    String dateTime = "{\"type\":\"string\",\"format\":\"date-time\"}";
    assertThat(errors(dateTime, "\"2026-11-25T20:15:03.512Z\"")).isEmpty();
    assertThat(errors(dateTime, "\"2026-11-25T20:15:03+01:00\"")).isEmpty();
    assertThat(errors(dateTime, "\"2026-11-25 20:15:03\"")).hasSize(1);
    assertThat(errors(dateTime, "\"2026-13-25T20:15:03Z\"")).hasSize(1);
    String uri = "{\"type\":\"string\",\"format\":\"uri\"}";
    assertThat(errors(uri, "\"https://tinycheckout.dev/problems/not-found\"")).isEmpty();
    assertThat(errors(uri, "\"/problems/not-found\"")).hasSize(1);
    assertThat(errors(uri, "\"https://bad host/\"")).hasSize(1);
  }

  @Test
  void falseSchemaAllowsNothing() {
    assertThat(errors("false", "1")).hasSize(1);
    assertThat(errors("true", "1")).isEmpty();
  }

  @Test
  void checkSchemaReportsKeywordsTheValidatorWouldIgnore() {
    assertThat(
            validator.checkSchema(
                OpenApiDocument.parse(
                    "{\"type\":\"object\",\"description\":\"x\",\"properties\":{\"a\":{\"oneOf\":[]}}}"),
                "#"))
        .singleElement()
        .asString()
        .contains("#/properties/a/oneOf");
    assertThat(
            validator.checkSchema(
                OpenApiDocument.parse("{\"type\":\"string\",\"format\":\"email\"}"), "#"))
        .hasSize(1);
    assertThat(validator.checkSchema(OpenApiDocument.parse("{\"type\":\"text\"}"), "#")).hasSize(1);
  }

  @Test
  void checkSchemaReportsDanglingReferencesBadPatternsAndRequiredMembersThatDoNotExist() {
    assertThat(
            validator.checkSchema(
                OpenApiDocument.parse("{\"$ref\":\"#/components/schemas/Nope\"}"), "#"))
        .singleElement()
        .asString()
        .contains("points to nothing");
    assertThat(validator.checkSchema(OpenApiDocument.parse("{\"pattern\":\"[a-\"}"), "#"))
        .hasSize(1);
    assertThat(
            validator.checkSchema(
                OpenApiDocument.parse("{\"required\":[\"id\"],\"properties\":{\"identifier\":{}}}"),
                "#"))
        .hasSize(1);
    assertThat(
            validator.checkSchema(
                OpenApiDocument.parse("{\"$ref\":\"#/components/schemas/Line\"}"), "#"))
        .isEmpty();
  }

  @Test
  void remoteReferencesAreRefused() {
    assertThatThrownBy(() -> validator.resolve("https://example.com/schema.json"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
