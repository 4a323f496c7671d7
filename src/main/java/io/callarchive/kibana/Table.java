package io.callarchive.kibana;

import java.util.List;

/**
 * What a panel shows, as rows: bucket keys first, then metric values, one column per visible Lens column (the
 * hidden parts of a formula are left out). Values are {@code String}, {@code Double}, {@code Long} or null.
 *
 * @param columns column ids, labels and formats
 * @param rows one list of values per row, in column order
 */
public record Table(List<Column> columns, List<List<Object>> rows) {

  /**
   * @param format {@code percent} for a ratio shown as a percentage, {@code date} for an instant, else
   *     {@code number} or {@code string}
   */
  public record Column(String id, String label, String format) {}

  public int index(String columnId) {
    for (int i = 0; i < columns.size(); i++) if (columns.get(i).id().equals(columnId)) return i;
    throw new IllegalArgumentException("no column " + columnId + " in " + columns);
  }

  /** The value of a column in the first row whose first column equals the key (bucket look-up). */
  public Object value(Object key, String columnId) {
    for (List<Object> r : rows) if (String.valueOf(r.get(0)).equals(String.valueOf(key))) return r.get(index(columnId));
    return null;
  }
}
