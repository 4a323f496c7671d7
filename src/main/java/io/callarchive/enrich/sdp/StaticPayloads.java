package io.callarchive.enrich.sdp;

import java.util.Map;

/**
 * The static RTP payload types of RFC 3551 §6 tables 4 and 5 (event-sources §8), which an SDP may use without an
 * {@code a=rtpmap} line. 1, 2 and 19 are reserved or historic and deliberately absent; 96–127 are dynamic.
 * Immutable, thread-safe.
 */
public final class StaticPayloads {
  private static final Map<Integer, Codec> TABLE =
      Map.ofEntries(
          entry(0, "PCMU", 8000, null),
          entry(3, "GSM", 8000, null),
          entry(4, "G723", 8000, null),
          entry(5, "DVI4", 8000, null),
          entry(6, "DVI4", 16000, null),
          entry(7, "LPC", 8000, null),
          entry(8, "PCMA", 8000, null),
          // G.722 samples at 16 kHz but its RTP clock is 8000 for historical reasons (RFC 3551 §4.5.2).
          entry(9, "G722", 8000, null),
          entry(10, "L16", 44100, 2),
          entry(11, "L16", 44100, null),
          entry(12, "QCELP", 8000, null),
          entry(13, "CN", 8000, null),
          entry(14, "MPA", 90000, null),
          entry(15, "G728", 8000, null),
          entry(16, "DVI4", 11025, null),
          entry(17, "DVI4", 22050, null),
          entry(18, "G729", 8000, null),
          entry(25, "CelB", 90000, null),
          entry(26, "JPEG", 90000, null),
          entry(28, "nv", 90000, null),
          entry(31, "H261", 90000, null),
          entry(32, "MPV", 90000, null),
          entry(33, "MP2T", 90000, null),
          entry(34, "H263", 90000, null));

  private StaticPayloads() {}

  /** The codec of a static payload type, or null when the number is not statically assigned. */
  public static Codec of(int pt) {
    return TABLE.get(pt);
  }

  /** Every static assignment, for table-driven tests. */
  public static Map<Integer, Codec> all() {
    return TABLE;
  }

  private static Map.Entry<Integer, Codec> entry(int pt, String enc, int clock, Integer channels) {
    return Map.entry(pt, new Codec(pt, enc, clock, channels));
  }
}
