package io.callarchive.query;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Plain-text tables for the terminal: columns padded to their widest cell, times in UTC. */
final class Tables {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Tables() {}

  static void print(List<String[]> rows, PrintWriter out) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        if (i > 0) line.append("  ");
        line.append(i == cols - 1 ? r[i] : pad(r[i], width[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  /** An ISO instant as {@code yyyy-MM-dd HH:mm:ss} UTC; anything else as it is. */
  static String time(String iso) {
    if (iso == null) return "-";
    try {
      return TIME.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
