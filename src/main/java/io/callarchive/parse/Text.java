package io.callarchive.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Byte to text decoding that never loses input silently (event-sources §0.3). */
public final class Text {
  private Text() {}

  /** A decoded string and whether bytes had to be replaced because they were not valid UTF-8. */
  public record Decoded(String text, boolean lossy) {}

  private static final ThreadLocal<CharsetDecoder> STRICT =
      ThreadLocal.withInitial(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  public static Decoded decode(byte[] bytes, int off, int len) {
    // The JDK's own UTF-8 decoding finds an ASCII run with a vectorised intrinsic and copies it once, far faster
    // than a byte loop over a 5 KB FreeSWITCH event. Its answer is kept only when it proves the input was ASCII:
    // one char per byte and no replacement char (a valid non-ASCII sequence gives fewer chars than bytes, an
    // invalid byte gives U+FFFD); anything else is decoded again strictly below, to learn whether it was lossy.
    String fast = new String(bytes, off, len, StandardCharsets.UTF_8);
    if (fast.length() == len && fast.indexOf('\uFFFD') < 0) return new Decoded(fast, false);
    try {
      CharBuffer cb = STRICT.get().reset().decode(ByteBuffer.wrap(bytes, off, len));
      return new Decoded(cb.toString(), false);
    } catch (CharacterCodingException e) {
      return new Decoded(new String(bytes, off, len, StandardCharsets.UTF_8), true);
    }
  }

  public static Decoded decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }
}
