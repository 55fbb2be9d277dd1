package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.internal.JsonWriter;
import dev.tinycheckout.order.Email;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Seals a subject's personal data for the trail and opens it again: AES-256-GCM under the subject's
 * key, a random 96-bit nonce per entry, the subject id as additional authenticated data (so a
 * payload moved to another subject's entry does not open), a 128-bit tag. The plaintext is the
 * UTF-8 JSON object {@code {"email":...}} or {@code {"email":...,"name":...}}; the stored form is
 * base64 of nonce followed by ciphertext and tag.
 */
final class PersonalDataSeal {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  // One cipher per thread: looking one up costs more than sealing a few hundred bytes, and every
  // use initialises it afresh with its own key and nonce.
  private static final ThreadLocal<Cipher> CIPHER =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("every Java platform has AES/GCM/NoPadding", e);
            }
          });

  private PersonalDataSeal() {}

  /** What a sealed payload says. */
  record Opened(Email email, Optional<String> name) {}

  static String seal(SubjectKey key, SubjectId subject, Email email, Optional<String> name) {
    JsonWriter json = new JsonWriter().beginObject();
    json.name("email").value(email.value());
    name.ifPresent(n -> json.name("name").value(n));
    byte[] plain = json.endObject().toBytes();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, subject, nonce);
      byte[] sealed = cipher.doFinal(plain);
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed; every Java platform has it", e);
    }
  }

  /**
   * Opens a payload; empty if it does not open under this key and subject (the key that sealed it
   * was erased and replaced, or the payload was changed) or does not say what a sealed payload
   * says.
   */
  static Optional<Opened> open(SubjectKey key, SubjectId subject, String sealed) {
    if (sealed.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      return Optional.empty();
    }
    byte[] plain;
    try {
      Cipher cipher =
          cipher(Cipher.DECRYPT_MODE, key, subject, Arrays.copyOfRange(bytes, 0, NONCE_BYTES));
      plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed; every Java platform has it", e);
    }
    Map<String, String> members = parseFlatObject(new String(plain, StandardCharsets.UTF_8));
    if (members == null) {
      return Optional.empty();
    }
    String email = members.get("email");
    String name = members.get("name");
    if (email == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Opened(Email.of(email), Optional.ofNullable(name)));
    } catch (ValidationException e) {
      return Optional.empty();
    }
  }

  private static Cipher cipher(int mode, SubjectKey key, SubjectId subject, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher = CIPHER.get();
    cipher.init(
        mode, new SecretKeySpec(key.rawBytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(subject.value().getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }

  /**
   * Parses a JSON object whose members are all strings, as {@link JsonWriter} writes it; null if
   * the text is anything else.
   */
  static @Nullable Map<String, String> parseFlatObject(String text) {
    Parser p = new Parser(text);
    try {
      Map<String, String> members = new HashMap<>();
      p.skipSpace();
      p.expect('{');
      p.skipSpace();
      if (p.peek() == '}') {
        p.pos++;
      } else {
        while (true) {
          p.skipSpace();
          String name = p.string();
          p.skipSpace();
          p.expect(':');
          p.skipSpace();
          String value = p.string();
          if (members.put(name, value) != null) {
            return null;
          }
          p.skipSpace();
          char c = p.next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            return null;
          }
        }
      }
      p.skipSpace();
      return p.pos == text.length() ? members : null;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static final class Parser {
    private final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    char peek() {
      return s.charAt(pos);
    }

    char next() {
      return s.charAt(pos++);
    }

    void expect(char c) {
      if (next() != c) {
        throw new IllegalArgumentException("expected " + c);
      }
    }

    void skipSpace() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = Character.digit(next(), 16);
              if (digit < 0) {
                throw new IllegalArgumentException("bad \\u escape");
              }
              code = code * 16 + digit;
            }
            out.append((char) code);
          }
          default -> throw new IllegalArgumentException("bad escape");
        }
      }
    }
  }
}
