package io.callarchive.enrich.rtcp;

/**
 * Per-codec E-model constants: the equipment impairment factor Ie and the packet-loss robustness factor Bpl of
 * ITU-T G.107 / G.113 (11/2007) Appendix I. Values read from G.113 are marked so; the others are
 * approximations we chose, said so beside them, and {@link #fromG113} is false for them.
 */
public enum CodecProfile {
  /** G.113 App. I Table I.3: G.711 with the packet-loss concealment of G.711 Appendix I, Ie 0, Bpl 25.1. */
  G711("G.711", 0, 25.1, true),
  /** G.113 App. I Table I.3: G.729A + VAD, 20 ms packets, Ie 11, Bpl 19.0. */
  G729A("G.729A", 11, 19.0, true),
  /** G.113 App. I Table I.3: G.723.1 + VAD at 6.3 kbit/s, 30 ms packets, Ie 15, Bpl 16.1. */
  G723_1("G.723.1", 15, 16.1, true),
  /**
   * GSM 06.10 full rate: Ie 20 from G.113 App. I Table I.1. G.113 gives no Bpl for it; we borrow GSM-EFR's 10.0
   * (Table I.3), the closest codec family listed (approximation).
   */
  GSM_FR("GSM", 20, 10.0, false),
  /**
   * iLBC 15.2 kbit/s: approximation, not checked against G.113. Ie 10 (between G.711 and G.729A, as the codec's
   * listening tests place it) and Bpl 32 (its frame-independent coding conceals loss better than G.711 PLC).
   */
  ILBC("iLBC", 10, 32.0, false),
  /**
   * G.722: approximation. This is the narrowband E-model (R at most 93.2), which cannot express a wideband
   * codec's advantage (that needs G.107.1, where G.722 at 64 kbit/s has a small Ie,wb). We rate it as G.711 with
   * PLC: no coding impairment on this scale and G.722 Appendix III/IV concealment.
   */
  G722("G.722", 0, 25.1, false),
  /**
   * Opus: approximation, same reasoning as {@link #G722}: a fullband codec with built-in concealment (RFC 6716
   * §4.4) rated on the narrowband scale as G.711 with PLC.
   */
  OPUS("opus", 0, 25.1, false);

  public final String label;
  public final double ie;
  public final double bpl;
  public final boolean fromG113;

  CodecProfile(String label, double ie, double bpl, boolean fromG113) {
    this.label = label;
    this.ie = ie;
    this.bpl = bpl;
    this.fromG113 = fromG113;
  }
}
