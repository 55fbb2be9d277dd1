package dev.tinycheckout.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps the Java snippets of the docs and the tests that run them identical: the code between
 * {@code // tag::NAME[]} and {@code // end::NAME[]} in a test source must be, indentation aside,
 * the first {@code ```java} block of a Markdown page.
 */
public final class DocSnippets {
  private DocSnippets() {}

  /**
   * Asserts that a page shows exactly a tagged region of a test source.
   *
   * @param page the Markdown page, relative to the repository root, such as {@code README.md}
   * @param source the test source, relative to the repository root
   * @param tag the region's tag name, such as {@code readme}
   * @throws IOException if a file cannot be read
   */
  public static void assertPageShowsTaggedRegion(String page, String source, String tag)
      throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve(page)) && root.getParent() != null) {
      root = root.getParent();
    }
    Matcher block =
        Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(root.resolve(page)));
    assertThat(block.find()).as(page + " has a ```java block").isTrue();

    String code = Files.readString(root.resolve(source));
    String begin = "// tag::" + tag + "[]\n";
    String end = "// end::" + tag + "[]";
    assertThat(code).as(source).contains(begin).contains(end);
    String tagged = code.substring(code.indexOf(begin) + begin.length(), code.indexOf(end));
    assertThat(normalize(block.group(1))).isEqualTo(normalize(tagged));
  }

  /** Drops blank lines at both ends, trailing spaces, and the indentation all lines share. */
  static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).toList();
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    List<String> kept = lines.subList(from, to);
    int indent =
        kept.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return kept.stream()
        .map(l -> l.isBlank() ? "" : l.substring(Math.min(indent, l.length())))
        .collect(Collectors.joining("\n"));
  }
}
