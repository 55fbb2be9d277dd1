package dev.tinycheckout.consent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1 written down as literally as Java allows, recursion and all, over leaf data of any
 * length: the independent reference the production code is checked against. Slow (it recomputes
 * subtrees) and only for tests.
 */
final class Rfc9162 {
  private Rfc9162() {}

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        md.update(part);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code SHA-256(0x00 || d)}. */
  static byte[] leafHash(byte[] data) {
    return sha256(new byte[] {0}, data);
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  static byte[] nodeHash(byte[] left, byte[] right) {
    return sha256(new byte[] {1}, left, right);
  }

  /** The largest power of two smaller than {@code n}, for {@code n > 1}, counted up. */
  static int k(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  /** MTH(D[n]). */
  static byte[] mth(List<byte[]> d) {
    int n = d.size();
    if (n == 0) {
      return sha256();
    }
    if (n == 1) {
      return leafHash(d.get(0));
    }
    int k = k(n);
    return nodeHash(mth(d.subList(0, k)), mth(d.subList(k, n)));
  }

  /** PATH(m, D[n]) (§2.1.3.1). */
  static List<byte[]> path(int m, List<byte[]> d) {
    int n = d.size();
    List<byte[]> result = new ArrayList<>();
    if (n == 1) {
      return result;
    }
    int k = k(n);
    if (m < k) {
      result.addAll(path(m, d.subList(0, k)));
      result.add(mth(d.subList(k, n)));
    } else {
      result.addAll(path(m - k, d.subList(k, n)));
      result.add(mth(d.subList(0, k)));
    }
    return result;
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (§2.1.4.1). */
  static List<byte[]> proof(int m, List<byte[]> d) {
    return subproof(m, d, true);
  }

  private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
    int n = d.size();
    List<byte[]> result = new ArrayList<>();
    if (m == n) {
      if (!b) {
        result.add(mth(d));
      }
      return result;
    }
    int k = k(n);
    if (m <= k) {
      result.addAll(subproof(m, d.subList(0, k), b));
      result.add(mth(d.subList(k, n)));
    } else {
      result.addAll(subproof(m - k, d.subList(k, n), false));
      result.add(mth(d.subList(0, k)));
    }
    return result;
  }

  /** The leaf data of entries: their 32 chain-hash bytes. */
  static List<byte[]> data(List<ConsentHash> entries) {
    return entries.stream().map(ConsentHash::bytes).toList();
  }

  static List<ConsentHash> hashes(List<byte[]> hashes) {
    return hashes.stream().map(ConsentHash::of).toList();
  }
}
