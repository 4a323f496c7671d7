package io.callarchive.enrich.aoc;

import io.callarchive.enrich.RawFields;
import io.callarchive.model.Doc;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One decoded AMI Advice-of-Charge message ({@code AOC-S}, {@code AOC-D}, {@code AOC-E}), from either wire shape
 * of event-sources §1.8: the flat keys of Asterisk ≤ 13.2 ({@code Type}, {@code Currency/Amount/Cost}, {@code
 * Rate(N)/...}) or the JSON-flattened slash paths of 13.3+ ({@code Charge/Currency/Cost}, {@code (null)(0)/...}).
 * Immutable. Amounts are exact {@link BigDecimal}s; they become doubles only when written to a document.
 *
 * @param type {@code S}, {@code D} or {@code E}
 * @param chargeType {@code Currency}, {@code Units}, {@code Free}, {@code NotAvailable}, or null
 * @param amount Cost × Multiplier for currency charges, 0 for free ones, null when not available or unknown
 * @param units Σ NumberOf when every unit entry has one and they share one TypeOf, else null
 */
public record AdviceOfCharge(
    String type,
    String chargeType,
    BigDecimal amount,
    String currency,
    String multiplier,
    Long units,
    List<UnitEntry> unitEntries,
    String billingId,
    String totalType,
    List<Rate> rates,
    String associationNumber,
    String associationPlan,
    String associationId) {

  /** One {@code Units(N)} / {@code Units/Item(N)} entry; either part may be absent on the wire. */
  public record UnitEntry(Long numberOf, Integer typeOf) {}

  /** One AOC-S rate ({@code Rate(N)/...} or {@code (null)(N)/...}). */
  public record Rate(
      int index,
      String chargeable,
      String type,
      BigDecimal amount,
      String currency,
      String chargingType,
      Long timeLength,
      TimeScale timeScale,
      Long granularityLength,
      TimeScale granularityScale,
      String volumeUnit,
      Integer specialCode) {

    /** The length of the charged time unit in seconds (Length × Scale), or null. */
    public BigDecimal timeSeconds() {
      return timeLength == null || timeScale == null ? null : timeScale.seconds.multiply(BigDecimal.valueOf(timeLength));
    }

    public BigDecimal granularitySeconds() {
      return granularityLength == null || granularityScale == null
          ? null
          : granularityScale.seconds.multiply(BigDecimal.valueOf(granularityLength));
    }

    Map<String, Object> toMap() {
      Doc d = new Doc();
      d.put("index", index);
      d.put("chargeable", chargeable);
      d.put("type", type);
      d.put("amount", amount == null ? null : amount.doubleValue());
      d.put("currency", currency);
      d.put("charging_type", chargingType);
      d.put("time_length", timeLength);
      d.put("time_scale", timeScale == null ? null : timeScale.label);
      BigDecimal ts = timeSeconds();
      d.put("time_s", ts == null ? null : ts.doubleValue());
      d.put("granularity_length", granularityLength);
      d.put("granularity_scale", granularityScale == null ? null : granularityScale.label);
      BigDecimal gs = granularitySeconds();
      d.put("granularity_s", gs == null ? null : gs.doubleValue());
      d.put("volume_unit", volumeUnit);
      d.put("special_code", specialCode);
      return d.asMap();
    }
  }

  private static final Pattern UNIT_KEY =
      Pattern.compile("^(?:charge/units|units/item)\\((\\d+)\\)/(numberof|typeof)$");

  /** Rate keys are matched by their {@code (N)/...} suffix: the prefix is {@code Rate} or garbage (§1.8). */
  private static final Pattern RATE_KEY = Pattern.compile("^.*?\\((\\d+)\\)/(.+)$");

  private static final Set<String> RATE_TYPES =
      Set.of("duration", "flat", "volume", "specialcode", "free", "freefrombeginning", "notavailable");

  /** The message type letter for an AMI event name, or null when the event is not Advice of Charge. */
  public static String typeOf(String action) {
    if (action == null) return null;
    return switch (action.strip().toUpperCase(Locale.ROOT)) {
      case "AOC-S" -> "S";
      case "AOC-D" -> "D";
      case "AOC-E" -> "E";
      default -> null;
    };
  }

  /** Decodes an AOC event's raw AMI key/values; null when the action is not AOC. Never throws on odd values. */
  public static AdviceOfCharge decode(String action, RawFields raw) {
    String type = typeOf(action);
    if (type == null) return null;
    String chargeType = raw.first("Charge/Type", "Type");
    String currency = raw.first("Charge/Currency/Name", "Currency");
    String cost = raw.first("Charge/Currency/Cost", "Currency/Amount/Cost");
    String multiplier = raw.first("Charge/Currency/Multiplier", "Currency/Amount/Multiplier");
    BigDecimal amount = chargeAmount(chargeType, cost, multiplier);
    List<UnitEntry> entries = type.equals("S") ? List.of() : unitEntries(raw);
    return new AdviceOfCharge(
        type,
        chargeType,
        amount,
        currency,
        multiplier,
        unitsTotal(entries),
        entries,
        raw.first("Charge/BillingID", "BillingID"),
        raw.first("Charge/TotalType", "TypeOfCharging"),
        type.equals("S") ? rates(raw) : List.of(),
        raw.first("ChargingAssociation/Number/Number", "ChargingAssociation/Number"),
        raw.first("ChargingAssociation/Plan", "ChargingAssociation/Number/Plan"),
        raw.first("ChargingAssociation/ID"));
  }

  /**
   * The amount of a charge of the given type (§1.8): Cost × Multiplier for {@code Currency}; 0 for {@code Free};
   * null for {@code NotAvailable}, {@code Units}, and when cost or multiplier cannot be read (never guessed).
   * A message without a type but with a cost is read as a currency charge.
   */
  public static BigDecimal chargeAmount(String chargeType, String cost, String multiplier) {
    String t = chargeType == null ? "" : chargeType.toLowerCase(Locale.ROOT);
    if (t.equals("free")) return BigDecimal.ZERO;
    if (!t.equals("currency") && !t.isEmpty()) return null;
    return amount(cost, multiplier);
  }

  /** Cost × Multiplier, or null when either is missing or not understood. */
  public static BigDecimal amount(String cost, String multiplier) {
    Multiplier m = Multiplier.parse(multiplier);
    BigDecimal c = decimal(cost);
    return m == null || c == null ? null : m.apply(c);
  }

  /**
   * Σ NumberOf (§1.8): only when there are entries, every entry has a NumberOf (an entry without one makes the
   * total unknown) and at most one TypeOf appears (different unit types must not be summed).
   */
  public static Long unitsTotal(List<UnitEntry> entries) {
    if (entries.isEmpty()) return null;
    Set<Integer> types = new HashSet<>();
    long sum = 0;
    for (UnitEntry e : entries) {
      if (e.numberOf() == null) return null;
      if (e.typeOf() != null) types.add(e.typeOf());
      sum += e.numberOf();
    }
    return types.size() > 1 ? null : sum;
  }

  private static List<UnitEntry> unitEntries(RawFields raw) {
    TreeMap<Integer, Long[]> byIndex = new TreeMap<>();
    for (Map.Entry<String, Object> e : raw.entries().entrySet()) {
      Matcher m = UNIT_KEY.matcher(e.getKey().strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) continue;
      Long[] slot = byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new Long[2]);
      Long v = integer(raw.get(e.getKey()));
      if (m.group(2).equals("numberof")) slot[0] = v;
      else slot[1] = v;
    }
    List<UnitEntry> out = new ArrayList<>();
    for (Long[] s : byIndex.values()) out.add(new UnitEntry(s[0], s[1] == null ? null : s[1].intValue()));
    return out;
  }

  private static List<Rate> rates(RawFields raw) {
    // index → sub-key (lower case) → value, keeping the wire spelling of the sub-key's first segment
    TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
    TreeMap<Integer, String> firstSegment = new TreeMap<>();
    for (Map.Entry<String, Object> e : raw.entries().entrySet()) {
      Matcher m = RATE_KEY.matcher(e.getKey().strip());
      if (!m.matches()) continue;
      int idx = Integer.parseInt(m.group(1));
      String sub = m.group(2);
      byIndex.computeIfAbsent(idx, k -> new LinkedHashMap<>()).put(sub.toLowerCase(Locale.ROOT), raw.get(e.getKey()));
      String seg = sub.contains("/") ? sub.substring(0, sub.indexOf('/')) : sub;
      if (RATE_TYPES.contains(seg.toLowerCase(Locale.ROOT))) firstSegment.putIfAbsent(idx, seg);
    }
    List<Rate> out = new ArrayList<>();
    for (Map.Entry<Integer, Map<String, String>> e : byIndex.entrySet()) {
      Map<String, String> r = e.getValue();
      String type = r.get("type");
      if (type == null) type = firstSegment.get(e.getKey());
      String p = type == null ? "" : type.toLowerCase(Locale.ROOT) + "/";
      String cost = or(r.get(p + "currency/cost"), r.get(p + "amount/cost"));
      String mult = or(r.get(p + "currency/multiplier"), r.get(p + "amount/multiplier"));
      String currency = or(r.get(p + "currency/name"), p.isEmpty() ? null : r.get(p + "currency"));
      BigDecimal amount =
          p.startsWith("free") ? BigDecimal.ZERO : p.equals("notavailable/") ? null : amount(cost, mult);
      Long special = integer(or(r.get("specialcode"), r.get(p + "specialcode")));
      out.add(
          new Rate(
              e.getKey(),
              r.get("chargeable"),
              type,
              amount,
              currency,
              r.get(p + "chargingtype"),
              integer(r.get(p + "time/length")),
              TimeScale.parse(r.get(p + "time/scale")),
              integer(r.get(p + "granularity/length")),
              TimeScale.parse(r.get(p + "granularity/scale")),
              r.get(p + "unit"),
              special == null ? null : special.intValue()));
    }
    return out;
  }

  /** Writes the {@code charge.*} fields (schema.md, charges). */
  public void writeTo(Doc doc) {
    doc.put("charge.type", type);
    doc.put("charge.charge_type", chargeType);
    doc.put("charge.amount", amount == null ? null : amount.doubleValue());
    doc.put("charge.currency", currency);
    doc.put("charge.multiplier", multiplier);
    doc.put("charge.units", units);
    if (!unitEntries.isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (UnitEntry u : unitEntries) {
        Doc d = new Doc();
        d.put("number_of", u.numberOf());
        d.put("type_of", u.typeOf());
        list.add(d.asMap());
      }
      doc.put("charge.unit_entries", list);
    }
    doc.put("charge.billing_id", billingId);
    doc.put("charge.total_type", totalType);
    if (!rates.isEmpty()) doc.put("charge.rates", new ArrayList<>(rates.stream().map(Rate::toMap).toList()));
    doc.put("charge.association.number", associationNumber);
    doc.put("charge.association.plan", associationPlan);
    doc.put("charge.association.id", associationId);
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }

  private static BigDecimal decimal(String s) {
    if (s == null) return null;
    try {
      return new BigDecimal(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Long integer(String s) {
    if (s == null) return null;
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
