package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The field value of {@code If-Match} or {@code If-None-Match} (RFC 9110 §13.1.1, §13.1.2): either
 * {@code *} ("any current representation") or a list of entity tags.
 *
 * <p>{@link #parse(String, String)} follows the list rules of RFC 9110 §5.6.1: optional whitespace
 * around commas is accepted and empty elements ({@code , ,"a"}) are skipped, so the values of
 * several header lines joined with commas parse as one list. Anything else is refused. Immutable
 * and thread-safe.
 *
 * @param any whether the value is {@code *}; then {@code tags} is empty
 * @param tags the listed tags in the order sent, possibly empty; unmodifiable
 */
public record EntityTagList(boolean any, List<EntityTag> tags) {
  private static final EntityTagList ANY = new EntityTagList(true, List.of());

  /**
   * Validates.
   *
   * @param any whether the value is {@code *}; then {@code tags} is empty
   * @param tags the listed tags in the order sent, possibly empty
   * @throws ValidationException with field {@code tags} if {@code any} is set and tags are listed
   *     too ({@code *} stands alone)
   */
  public EntityTagList {
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    if (any && !tags.isEmpty()) {
      throw new ValidationException("tags", "'*' stands alone, but tags were listed too: " + tags);
    }
  }

  /**
   * The wildcard {@code *}.
   *
   * @return the list that stands for any current representation
   */
  public static EntityTagList anyTag() {
    return ANY;
  }

  /**
   * A list of tags.
   *
   * @param tags the tags, in order
   * @return the list
   */
  public static EntityTagList of(EntityTag... tags) {
    return new EntityTagList(false, List.of(tags));
  }

  /**
   * Parses an {@code If-Match} or {@code If-None-Match} field value: {@code *}, or entity tags
   * separated by commas with optional spaces and tabs around them.
   *
   * @param header the header name, used as the field of a failure, such as {@code If-None-Match}
   * @param value the field value; the values of repeated header lines joined with {@code ", "}
   * @return the parsed list; empty (no tags, not {@code *}) for a value with no elements
   * @throws ValidationException naming {@code header} if the value is neither {@code *} nor a list
   *     of entity tags (an unquoted tag, {@code *} mixed with tags, a stray character)
   */
  public static EntityTagList parse(String header, String value) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(value, "value");
    String v = HeaderText.trimOws(value);
    if (v.equals("*")) {
      return ANY;
    }
    List<EntityTag> tags = new ArrayList<>();
    int i = 0;
    int n = v.length();
    while (i < n) {
      char c = v.charAt(i);
      if (c == ',' || HeaderText.isOws(c)) {
        i++; // an empty list element, or the whitespace around a comma
        continue;
      }
      int start = i;
      if (v.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || v.charAt(i) != '"') {
        throw notAList(header, value, start);
      }
      i++;
      while (i < n && v.charAt(i) != '"') {
        if (!EntityTag.isEtagc(v.charAt(i))) {
          throw notAList(header, value, start);
        }
        i++;
      }
      if (i >= n) {
        throw notAList(header, value, start);
      }
      i++;
      tags.add(EntityTag.parse(v.substring(start, i), header));
      while (i < n && HeaderText.isOws(v.charAt(i))) {
        i++;
      }
      if (i < n && v.charAt(i) != ',') {
        throw notAList(header, value, i);
      }
    }
    return new EntityTagList(false, tags);
  }

  private static ValidationException notAList(String header, String value, int at) {
    return new ValidationException(
        header,
        "must be '*' or a comma-separated list of entity tags such as \"xyzzy\", W/\"r2\""
            + " (RFC 9110 section 13.1), but was '"
            + HeaderText.printable(value)
            + "' (bad element at index "
            + at
            + ")");
  }

  /**
   * Whether a listed tag matches {@code current} by strong comparison (RFC 9110 §8.8.3.2), as
   * {@code If-Match} compares. {@code *} lists no tags, so this is {@code false} for it.
   *
   * @param current the current representation's tag
   * @return whether some listed tag matches strongly
   */
  public boolean containsStrongMatch(EntityTag current) {
    Objects.requireNonNull(current, "current");
    return tags.stream().anyMatch(current::strongMatch);
  }

  /**
   * Whether a listed tag matches {@code current} by weak comparison (RFC 9110 §8.8.3.2), as {@code
   * If-None-Match} compares. {@code *} lists no tags, so this is {@code false} for it.
   *
   * @param current the current representation's tag
   * @return whether some listed tag matches weakly
   */
  public boolean containsWeakMatch(EntityTag current) {
    Objects.requireNonNull(current, "current");
    return tags.stream().anyMatch(current::weakMatch);
  }

  /**
   * The header form.
   *
   * @return {@code *}, or the tags joined with {@code ", "} (empty for no tags)
   */
  @Override
  public String toString() {
    return any ? "*" : tags.stream().map(EntityTag::toString).collect(Collectors.joining(", "));
  }
}
