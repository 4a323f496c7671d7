package io.callarchive.it;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** Secrets for the no-secret-anywhere tests: random, so a hit can only be a leak, and searched for in any encoding. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<Charset> ENCODINGS =
      List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE);

  private Secrets() {}

  /** {@code prefix} followed by 24 random hex digits. */
  public static String random(String prefix) {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  /** Whether {@code bytes} hold {@code secret} in UTF-8 or UTF-16 (as a Java serialisation or a database might). */
  public static boolean foundIn(byte[] bytes, String secret) {
    for (Charset c : ENCODINGS) {
      if (indexOf(bytes, secret.getBytes(c)) >= 0) return true;
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
