package io.callarchive.enrich.aoc;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The AOC currency multipliers (ETSI EN 300 182-1 / Q.956 {@code Multiplier}; Asterisk {@code
 * ast_aoc_currency_multiplier} in main/aoc.c, printed by {@code aoc_multiplier_str}). Each is a power of ten, so
 * {@code Cost × Multiplier} is exact with {@link BigDecimal#scaleByPowerOfTen} (event-sources §1.8).
 */
public enum Multiplier {
  ONE_THOUSANDTH("1/1000", "OneThousandth", -3),
  ONE_HUNDREDTH("1/100", "OneHundredth", -2),
  ONE_TENTH("1/10", "OneTenth", -1),
  ONE("1", "One", 0),
  TEN("10", "Ten", 1),
  HUNDRED("100", "Hundred", 2),
  THOUSAND("1000", "Thousand", 3);

  /** The label Asterisk prints in both AMI shapes. */
  public final String label;

  /** The ASN.1 name, accepted as well because some channel drivers and dumps print it. */
  public final String asnName;

  public final int powerOfTen;

  Multiplier(String label, String asnName, int powerOfTen) {
    this.label = label;
    this.asnName = asnName;
    this.powerOfTen = powerOfTen;
  }

  /** The multiplier for a label, or null when it is absent or not one of the seven. */
  public static Multiplier parse(String label) {
    if (label == null) return null;
    String l = label.strip().replace(" ", "");
    for (Multiplier m : values()) {
      if (m.label.equals(l) || m.asnName.toLowerCase(Locale.ROOT).equals(l.toLowerCase(Locale.ROOT))) return m;
    }
    return null;
  }

  /** {@code cost × multiplier}, exact. */
  public BigDecimal apply(BigDecimal cost) {
    return cost.scaleByPowerOfTen(powerOfTen);
  }
}
