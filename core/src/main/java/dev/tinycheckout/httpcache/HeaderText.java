package dev.tinycheckout.httpcache;

/** Small helpers for header field text. Not API. */
final class HeaderText {
  private HeaderText() {}

  /** Optional whitespace (RFC 9110 §5.6.3): space or horizontal tab. */
  static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** Removes leading and trailing optional whitespace, and nothing else. */
  static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isOws(s.charAt(start))) {
      start++;
    }
    while (end > start && isOws(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * The value as it may appear in an exception message: control characters escaped, at most 80
   * characters, so a hostile header can neither split a log line nor flood it.
   */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }
}
