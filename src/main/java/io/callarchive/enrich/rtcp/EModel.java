package io.callarchive.enrich.rtcp;

/**
 * A codec-aware ITU-T G.107 E-model estimate of MOS for one reporting interval. Pure and thread-safe.
 *
 * <p>R = R<sub>0</sub> − I<sub>d</sub> − I<sub>e,eff</sub>, where
 *
 * <ul>
 *   <li>R<sub>0</sub> = 93.2: the rating G.107 gives with every parameter at its default value (its table of
 *       default values), i.e. Ro − Is − Idte − Idle at zero delay, and A = 0;
 *   <li>I<sub>d</sub>, the delay impairment, uses the simplified form of Cole and Rosenbluth ("Voice over IP
 *       Performance Monitoring", ACM SIGCOMM CCR 31(2), 2001): {@code Id = 0.024 d + 0.11 (d − 177.3) H(d −
 *       177.3)}, their fit of G.107's Idd and Idte for default echo parameters; d is the effective latency;
 *   <li>the effective latency is {@code one-way delay + 2 × jitter + 10 ms}: the jitter buffer is taken to hold
 *       about twice the jitter, and 10 ms stands for codec and processing delay (the usual simplified VoIP
 *       monitoring convention);
 *   <li>I<sub>e,eff</sub> = Ie + (95 − Ie) × Ppl / (Ppl / BurstR + Bpl) (G.107 clause 7, the Ie,eff formula), with Ie and Bpl
 *       per {@link CodecProfile}, Ppl the packet loss of the interval in percent (never a cumulative count) and
 *       BurstR = 1, G.107's value for random loss, because RTCP reports carry no burst information.
 * </ul>
 *
 * MOS follows G.107 Annex B (eq. B-4) and is clamped to 1.0..4.5.
 */
public final class EModel {
  /** G.107: R with all parameters at their default values. */
  public static final double R_DEFAULT = 93.2;

  /** Cole and Rosenbluth 2001: Id slope below the knee, per ms. */
  static final double ID_SLOPE = 0.024;

  /** Ibid.: the extra slope above the knee, per ms. */
  static final double ID_KNEE_SLOPE = 0.11;

  /** Ibid.: the knee, ms (where talker echo and interactivity start to dominate). */
  static final double ID_KNEE_MS = 177.3;

  /** Codec and processing delay added to the effective latency, ms. */
  static final double PROCESSING_MS = 10.0;

  /** G.107: BurstR = 1 when packet loss is random (independent). */
  static final double BURST_R_RANDOM = 1.0;

  public static final double MOS_MIN = 1.0;
  public static final double MOS_MAX = 4.5;

  private EModel() {}

  /** The estimate for one interval: the rating R and the MOS it maps to. */
  public record Estimate(double r, double mos) {}

  /**
   * @param profile the codec's constants; null is read as G.711 (callers record that the codec was assumed)
   * @param lossPct packet loss of the interval, percent 0..100 (clamped; NaN or negative reads as 0)
   * @param jitterMs interarrival jitter, ms (NaN or negative reads as 0)
   * @param oneWayDelayMs one-way network delay, ms, e.g. RTT / 2 (NaN or negative reads as 0)
   */
  public static Estimate estimate(CodecProfile profile, double lossPct, double jitterMs, double oneWayDelayMs) {
    CodecProfile p = profile == null ? CodecProfile.G711 : profile;
    double d = effectiveLatencyMs(oneWayDelayMs, jitterMs);
    double r = R_DEFAULT - delayImpairment(d) - ieEff(p.ie, p.bpl, lossPct, BURST_R_RANDOM);
    return new Estimate(r, mos(r));
  }

  public static double effectiveLatencyMs(double oneWayDelayMs, double jitterMs) {
    return nonNegative(oneWayDelayMs) + 2 * nonNegative(jitterMs) + PROCESSING_MS;
  }

  /** Cole and Rosenbluth's simplified Id for an effective latency in ms. */
  public static double delayImpairment(double effectiveLatencyMs) {
    double d = nonNegative(effectiveLatencyMs);
    return ID_SLOPE * d + (d > ID_KNEE_MS ? ID_KNEE_SLOPE * (d - ID_KNEE_MS) : 0);
  }

  /** G.107's Ie,eff: the equipment impairment grown by the packet loss. */
  public static double ieEff(double ie, double bpl, double lossPct, double burstR) {
    double ppl = Math.min(100, nonNegative(lossPct));
    return ie + (95 - ie) * ppl / (ppl / burstR + bpl);
  }

  /** G.107 Annex B eq. B-4, clamped to 1.0..4.5 (the formula dips just below 1 for R under about 6.5). */
  public static double mos(double r) {
    if (Double.isNaN(r) || r <= 0) return MOS_MIN;
    if (r >= 100) return MOS_MAX;
    double m = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
    return Math.max(MOS_MIN, Math.min(MOS_MAX, m));
  }

  private static double nonNegative(double v) {
    return Double.isNaN(v) || v < 0 ? 0 : v;
  }
}
