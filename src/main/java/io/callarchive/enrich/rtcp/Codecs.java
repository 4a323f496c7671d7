package io.callarchive.enrich.rtcp;

import java.util.Locale;
import java.util.Map;

/**
 * Codec names as Asterisk ({@code ulaw}, {@code g729}, {@code slin16}) and FreeSWITCH ({@code PCMU}, {@code
 * G729}, {@code opus}) print them, mapped to the RTP clock rate (RFC 3551 §4.5 table 4; RFC 7587 for Opus) and to
 * the E-model profile. Stateless and thread-safe.
 */
public final class Codecs {
  /** A known codec: its RTP clock rate (null when it varies by mode, e.g. Speex) and E-model profile (or null). */
  public record Codec(String name, Integer clockRate, CodecProfile profile) {}

  private static final Map<String, Codec> TABLE =
      Map.ofEntries(
          // G.711 and friends: 8000 Hz (RFC 3551 table 4)
          entry("ulaw", 8000, CodecProfile.G711),
          entry("alaw", 8000, CodecProfile.G711),
          entry("pcmu", 8000, CodecProfile.G711),
          entry("pcma", 8000, CodecProfile.G711),
          entry("g711u", 8000, CodecProfile.G711),
          entry("g711a", 8000, CodecProfile.G711),
          entry("g729", 8000, CodecProfile.G729A),
          entry("g729a", 8000, CodecProfile.G729A),
          entry("g729ab", 8000, CodecProfile.G729A),
          entry("g723", 8000, CodecProfile.G723_1),
          entry("g7231", 8000, CodecProfile.G723_1),
          // G.722 samples at 16 kHz but its RTP clock is 8000 Hz for historical reasons (RFC 3551 §4.5.2)
          entry("g722", 8000, CodecProfile.G722),
          entry("gsm", 8000, CodecProfile.GSM_FR),
          entry("ilbc", 8000, CodecProfile.ILBC),
          // Opus always uses a 48000 Hz RTP clock whatever the audio bandwidth (RFC 7587 §4.1)
          entry("opus", 48000, CodecProfile.OPUS),
          entry("g726", 8000, null),
          entry("g726aal2", 8000, null),
          entry("lpc10", 8000, null),
          entry("slin", 8000, null),
          entry("slin16", 16000, null),
          entry("slin32", 32000, null),
          entry("slin48", 48000, null),
          entry("speex", null, null),
          entry("speex16", 16000, null),
          entry("speex32", 32000, null),
          entry("siren7", 16000, null),
          entry("siren14", 32000, null),
          entry("g7221", 16000, null),
          entry("g719", 48000, null),
          entry("amr", 8000, null),
          entry("amrwb", 16000, null),
          entry("l16", null, null));

  private Codecs() {}

  private static Map.Entry<String, Codec> entry(String name, Integer rate, CodecProfile p) {
    return Map.entry(name, new Codec(name, rate, p));
  }

  /**
   * The codec for a name as printed by either platform, tolerating decorations: Asterisk's native format list
   * {@code (ulaw|alaw)} (first wins), FreeSWITCH's {@code PCMU@20i} and {@code G729/8000}, dots and dashes
   * ({@code G.729A}, {@code AMR-WB}). Null when unknown or blank.
   */
  public static Codec lookup(String name) {
    if (name == null) return null;
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.startsWith("(")) n = n.substring(1);
    for (char stop : new char[] {'|', ')', '@', '/', ',', ' '}) {
      int i = n.indexOf(stop);
      if (i >= 0) n = n.substring(0, i);
    }
    n = n.replace(".", "").replace("-", "").replace("_", "");
    return n.isEmpty() ? null : TABLE.get(n);
  }
}
