package io.callarchive.kibana;

/**
 * The thresholds the queue dashboard is computed with, substituted into the saved objects when they are assembled
 * (placeholders {@code {{serviceLevelSeconds}}} and {@code {{shortAbandonSeconds}}}) so that Kibana, the markdown
 * definitions and {@code callarchive report} all use the same values.
 *
 * @param serviceLevelSeconds T: a stay answered within T seconds counts towards the service level
 * @param shortAbandonSeconds S: a caller who hangs up before S seconds is a short abandon, counted apart
 */
public record DashboardSettings(int serviceLevelSeconds, int shortAbandonSeconds) {
  public static final int DEFAULT_SERVICE_LEVEL_S = 20;
  public static final int DEFAULT_SHORT_ABANDON_S = 5;

  public static final DashboardSettings DEFAULTS =
      new DashboardSettings(DEFAULT_SERVICE_LEVEL_S, DEFAULT_SHORT_ABANDON_S);

  public DashboardSettings {
    if (serviceLevelSeconds < 1 || serviceLevelSeconds > 3600) {
      throw new IllegalArgumentException("the service level threshold must be 1 to 3600 seconds, not " + serviceLevelSeconds);
    }
    if (shortAbandonSeconds < 0 || shortAbandonSeconds >= serviceLevelSeconds) {
      throw new IllegalArgumentException("the short abandon threshold (" + shortAbandonSeconds
          + " s) must be 0 or more and below the service level threshold (" + serviceLevelSeconds + " s)");
    }
  }

  /** The text with every placeholder replaced; an unknown placeholder is an error in the saved objects. */
  String apply(String text, String where) {
    String out = text.replace("{{serviceLevelSeconds}}", Integer.toString(serviceLevelSeconds))
        .replace("{{shortAbandonSeconds}}", Integer.toString(shortAbandonSeconds));
    int at = out.indexOf("{{");
    if (at >= 0) {
      throw new IllegalArgumentException("unknown placeholder in " + where + ": "
          + out.substring(at, Math.min(out.length(), at + 40)));
    }
    return out;
  }
}
