package io.callarchive.model;

import java.util.Locale;

/** The index types of the index contract; concrete indices are {@code callarchive-<type>-YYYY.MM}. */
public enum IndexType {
  EVENTS,
  CALLS,
  QUALITY,
  QUEUE,
  SECURITY,
  CHARGES,
  ALERTS,
  DEADLETTER;

  public static final String PREFIX = "callarchive-";

  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The read alias over all months, e.g. {@code callarchive-events}. */
  public String alias() {
    return PREFIX + typeName();
  }
}
