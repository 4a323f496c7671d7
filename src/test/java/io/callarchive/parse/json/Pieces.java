package io.callarchive.parse.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.callarchive.Corpus;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test helpers for the JSON formats: chunked input, byte accounting, and the corpus ground truth. */
public final class Pieces {
  private Pieces() {}

  /** Reads everything with the stream delivering at most {@code chunks[i]} bytes per read, cycling. */
  public static List<Parsed> readChunked(EventFormat format, byte[] bytes, int... chunks) {
    InputStream in =
        new FilterInputStream(new ByteArrayInputStream(bytes)) {
          int call;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = chunks[call++ % chunks.length];
            return super.read(b, off, Math.max(1, Math.min(len, n)));
          }
        };
    List<Parsed> out = new ArrayList<>();
    try (EventReader r = format.open(in, "test")) {
      Parsed p;
      while ((p = r.next()) != null) out.add(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Reads with the input split once, at {@code split}. */
  public static List<Parsed> readSplitAt(EventFormat format, byte[] bytes, int split) {
    InputStream in =
        new InputStream() {
          int pos;

          @Override
          public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) return -1;
            int end = pos < split ? split : bytes.length;
            int n = Math.min(len, end - pos);
            if (n == 0) n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
          }
        };
    List<Parsed> out = new ArrayList<>();
    try (EventReader r = format.open(in, "test")) {
      Parsed p;
      while ((p = r.next()) != null) out.add(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Every byte is in exactly one piece or is a separator: pieces are in order, do not overlap, hold exactly the
   * input bytes at their offset, and what lies between them is whitespace, a leading BOM, or array punctuation.
   */
  public static void assertAccounted(byte[] input, List<Parsed> pieces) {
    long at = 0;
    long covered = 0;
    StringBuilder gaps = new StringBuilder();
    for (Parsed p : pieces) {
      long off = p.provenance().offset();
      byte[] raw = p.raw();
      assertEquals(raw.length, p.provenance().length(), "provenance length of piece at " + off);
      assertTrue(off >= at, "piece at " + off + " overlaps the previous one ending at " + at);
      gap(input, at, off, gaps);
      assertTrue(off + raw.length <= input.length, "piece at " + off + " runs past the input");
      assertTrue(
          Arrays.equals(raw, Arrays.copyOfRange(input, (int) off, (int) off + raw.length)),
          "piece at " + off + " does not hold the input bytes");
      covered += raw.length;
      at = off + raw.length;
    }
    gap(input, at, input.length, gaps);
    assertEquals(input.length, covered + gaps.length(), "bytes in pieces + separators = input");
  }

  private static void gap(byte[] input, long from, long to, StringBuilder gaps) {
    for (long i = from; i < to; i++) {
      int b = input[(int) i] & 0xff;
      boolean bom = i < 3 && input.length >= 3 && (input[0] & 0xff) == 0xEF && (input[1] & 0xff) == 0xBB
          && (input[2] & 0xff) == 0xBF;
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '[' || b == ']' || b == ',' || bom) {
        gaps.append((char) b);
      } else {
        fail("byte " + i + " (0x" + Integer.toHexString(b) + ") is in no piece and is not a separator");
      }
    }
  }

  /** What a reader made of some bytes, as comparable text (kind, offset, length, action or reason). */
  public static List<String> summary(List<Parsed> pieces) {
    List<String> out = new ArrayList<>();
    for (Parsed p : pieces) {
      String what =
          switch (p) {
            case Parsed.Event e -> "E " + e.action() + " " + e.time() + " " + e.fields();
            case Parsed.Skipped s -> "S " + s.reason();
            case Parsed.Malformed m -> "M " + m.reason();
          };
      out.add(p.provenance().offset() + "+" + p.raw().length + " " + what);
    }
    return out;
  }

  public static Map<String, Integer> eventCounts(List<Parsed> pieces) {
    Map<String, Integer> m = new TreeMap<>();
    for (Parsed p : pieces) if (p instanceof Parsed.Event e) m.merge(e.action(), 1, Integer::sum);
    return m;
  }

  public static List<Parsed.Malformed> malformed(List<Parsed> pieces) {
    return pieces.stream().filter(p -> p instanceof Parsed.Malformed).map(p -> (Parsed.Malformed) p).toList();
  }

  /**
   * Event counts per action from the corpus's PROVENANCE.md ("- Contents: 3 events: StasisStart×2, ..."); a
   * type written {@code category/NAME} or {@code kind:NAME} counts as NAME.
   */
  public static Map<String, Integer> provenanceCounts(String folder, String file) {
    try {
      String prov = Files.readString(Corpus.shared().resolve("corpus").resolve("PROVENANCE.md"));
      int sec = prov.indexOf("## " + folder + "/");
      int at = prov.indexOf("### `" + file + "`", sec);
      if (sec < 0 || at < 0) throw new IllegalStateException(file + " is not in PROVENANCE.md");
      Matcher m = Pattern.compile("- Contents: (\\d+) events(?::\\s*(.*))?").matcher(prov);
      if (!m.find(at)) throw new IllegalStateException("no Contents line for " + file);
      Map<String, Integer> counts = new TreeMap<>();
      int total = Integer.parseInt(m.group(1));
      if (m.group(2) != null) {
        for (String part : m.group(2).split(",\\s*")) {
          String[] kv = part.strip().split("×");
          String name = kv[0].replaceAll("^.*[/:]", "");
          counts.merge(name, Integer.parseInt(kv[1].strip()), Integer::sum);
        }
      }
      assertEquals(total, counts.values().stream().mapToInt(Integer::intValue).sum(), "provenance of " + file);
      return counts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An independent count: Jackson's own streaming reader over the whole file reads its successive root values
   * (event-sources §4.6), a top-level array counting as its elements, and {@code action} names each one (null
   * for objects that are not events).
   */
  public static Map<String, Integer> jacksonCounts(Path file, Function<Map<String, Object>, String> action) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, Integer> counts = new TreeMap<>();
    try (var it = mapper.readerFor(Object.class).readValues(Files.readAllBytes(file))) {
      while (it.hasNext()) {
        Object v = it.next();
        List<Object> items = v instanceof List<?> l ? new ArrayList<>(l) : List.of(v);
        for (Object item : items) {
          @SuppressWarnings("unchecked")
          Map<String, Object> obj = item instanceof Map<?, ?> mm ? (Map<String, Object>) mm : new LinkedHashMap<>();
          String a = action.apply(obj);
          if (a != null) counts.merge(a, 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
