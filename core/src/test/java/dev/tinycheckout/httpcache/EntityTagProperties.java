package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** The laws of entity tags and their lists (RFC 9110 §8.8.3, §13.1.1, §13.1.2). */
class EntityTagProperties {

  /** Any valid tag: opaque tags over all of etagc, obs-text included, weak or strong. */
  @Provide
  Arbitrary<EntityTag> tags() {
    Arbitrary<String> opaque =
        Arbitraries.strings()
            .withChars('!')
            .withCharRange('#', '~')
            .withCharRange('\u0080', '\u00ff')
            .ofMaxLength(24);
    return Combinators.combine(opaque, Arbitraries.of(true, false)).as(EntityTag::new);
  }

  /** Tags from a tiny alphabet, so that comparisons often succeed. */
  @Provide
  Arbitrary<EntityTag> similarTags() {
    return Combinators.combine(Arbitraries.of("", "a", "b", "A"), Arbitraries.of(true, false))
        .as(EntityTag::new);
  }

  /** Text that looks like header values: quotes, W/, commas, stars, whitespace, and anything. */
  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<String> near =
        Arbitraries.strings()
            .withChars("\"W/w,* \t\r\nab!#~\u0000\u007f\u00e9\u2603")
            .ofMaxLength(16);
    Arbitrary<String> wrapped = near.map(s -> "\"" + s + "\"");
    return Arbitraries.frequencyOf(
        Tuple.of(4, near),
        Tuple.of(2, wrapped),
        Tuple.of(1, wrapped.map(s -> "W/" + s)),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(16)));
  }

  /** Law: the header form parses back to the same tag. */
  @Property
  void parsingTheHeaderFormGivesTheSameTag(@ForAll("tags") EntityTag tag) {
    assertThat(EntityTag.parse(tag.toString())).isEqualTo(tag);
  }

  /** Law: a list's header form parses back to the same list, whatever the tags hold. */
  @Property
  void parsingAListsHeaderFormGivesTheSameList(
      @ForAll("tags") EntityTag a, @ForAll("tags") EntityTag b, @ForAll("tags") EntityTag c) {
    EntityTagList list = EntityTagList.of(a, b, c);

    assertThat(EntityTagList.parse("If-Match", list.toString())).isEqualTo(list);
  }

  /** Law: weak comparison is equality of opaque tags, so it is symmetric and reflexive. */
  @Property
  void weakComparisonIsOpaqueEquality(
      @ForAll("similarTags") EntityTag a, @ForAll("similarTags") EntityTag b) {
    assertThat(a.weakMatch(b)).isEqualTo(a.opaque().equals(b.opaque())).isEqualTo(b.weakMatch(a));
    assertThat(a.weakMatch(a)).isTrue();
  }

  /** Law: strong comparison is weak comparison between two strong tags, and symmetric. */
  @Property
  void strongComparisonIsWeakComparisonOfTwoStrongTags(
      @ForAll("similarTags") EntityTag a, @ForAll("similarTags") EntityTag b) {
    Statistics.label("strong match").collect(a.strongMatch(b));
    assertThat(a.strongMatch(b)).isEqualTo(!a.weak() && !b.weak() && a.weakMatch(b));
    assertThat(a.strongMatch(b)).isEqualTo(b.strongMatch(a));
    Statistics.label("strong match").coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  /**
   * Law: parsing arbitrary text either refuses it with a ValidationException naming ETag, or gives
   * a tag whose header form is exactly that text (the grammar is strict: nothing is dropped).
   */
  @Property
  void parsingGarbageRefusesItOrReadsItExactly(@ForAll("garbage") String value) {
    EntityTag tag;
    try {
      tag = EntityTag.parse(value);
    } catch (ValidationException e) {
      assertThat(e.field()).isEqualTo("ETag");
      Statistics.label("parsed").collect(false);
      return;
    }
    Statistics.label("parsed").collect(true);
    assertThat(tag.toString()).isEqualTo(value);
  }

  /**
   * Law: parsing arbitrary text as a list either refuses it with a ValidationException naming the
   * header, or gives a list whose header form parses back to the same list.
   */
  @Property
  void parsingGarbageAsAListRefusesItNamingTheHeaderOrRoundTrips(@ForAll("garbage") String value) {
    EntityTagList list;
    try {
      list = EntityTagList.parse("If-None-Match", value);
    } catch (ValidationException e) {
      assertThat(e.field()).isEqualTo("If-None-Match");
      assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n");
      return;
    }
    assertThat(EntityTagList.parse("If-None-Match", list.toString())).isEqualTo(list);
  }

  /** Law: equal bytes give equal strong content tags, and different bytes different ones. */
  @Property
  void contentTagsFollowTheBytes(@ForAll byte[] a, @ForAll byte[] b) {
    EntityTag tagA = EntityTag.ofContent(a);

    assertThat(tagA.weak()).isFalse();
    assertThat(tagA).isEqualTo(EntityTag.ofContent(a.clone()));
    assertThat(tagA.equals(EntityTag.ofContent(b))).isEqualTo(Arrays.equals(a, b));
    assertThat(EntityTag.parse(tagA.toString())).isEqualTo(tagA);
  }

  /** Law: version tags are strong, parse back, and differ exactly when the versions differ. */
  @Property
  void versionTagsFollowTheVersion(@ForAll long a, @ForAll long b) {
    assertThat(EntityTag.ofVersion(a).equals(EntityTag.ofVersion(b))).isEqualTo(a == b);
    assertThat(EntityTag.parse(EntityTag.ofVersion(a).toString()))
        .isEqualTo(EntityTag.ofVersion(a));
  }

  /** Law: an opaque tag with a character outside etagc is refused, never stored. */
  @Property
  void anOpaqueTagOutsideEtagcIsRefused(
      @ForAll("tags") EntityTag tag, @ForAll("outsideEtagc") char bad, @ForAll boolean weak) {
    String opaque = tag.opaque() + bad;

    assertThatThrownBy(() -> new EntityTag(opaque, weak)).isInstanceOf(ValidationException.class);
  }

  @Provide
  Arbitrary<Character> outsideEtagc() {
    return Arbitraries.chars()
        .range('\u0000', '\u0020')
        .with('"', '\u007f')
        .range('\u0100', '\uffff');
  }
}
