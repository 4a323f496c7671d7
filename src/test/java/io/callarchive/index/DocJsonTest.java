package io.callarchive.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DocJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void writesTheBytesAPlainObjectMapperWrites() throws Exception {
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 20_000; i++) {
      Map<String, Object> doc = map(r, 0);
      assertArrayEquals(MAPPER.writeValueAsBytes(doc), DocJson.bytes(doc), () -> String.valueOf(doc));
    }
  }

  @Test
  void oddKeysAndValuesAreLeftToTheMapper() throws Exception {
    Map<Object, Object> numericKeys = new LinkedHashMap<>();
    numericKeys.put(7, "seven");
    numericKeys.put("b", List.of(1, 2));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("numeric", numericKeys);
    doc.put("uuid", java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    doc.put("kind", java.time.DayOfWeek.MONDAY);
    doc.put("bytes", new byte[] {0, 1, 2, (byte) 0xff});
    doc.put("array", new String[] {"a", null});
    doc.put("set", new TreeSet<>(Set.of("x", "y")));
    doc.put("short", (short) 3);
    doc.put("float", 1.5f);
    doc.put("nan", Double.NaN);
    assertArrayEquals(MAPPER.writeValueAsBytes(doc), DocJson.bytes(doc));
  }

  private static Map<String, Object> map(SplittableRandom r, int depth) {
    Map<String, Object> m = r.nextInt(4) == 0 ? new HashMap<>() : new LinkedHashMap<>();
    int n = r.nextInt(depth == 0 ? 12 : 5);
    for (int i = 0; i < n; i++) m.put(text(r), value(r, depth));
    return m;
  }

  private static Object value(SplittableRandom r, int depth) {
    return switch (r.nextInt(depth > 3 ? 9 : 11)) {
      case 0 -> null;
      case 1 -> text(r);
      case 2 -> r.nextInt();
      case 3 -> r.nextLong();
      case 4 -> r.nextDouble() * Math.pow(10, r.nextInt(-20, 20));
      case 5 -> r.nextBoolean();
      case 6 -> new BigInteger(80, new java.util.Random(r.nextLong()));
      case 7 -> new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(-5, 10));
      case 8 -> "";
      case 9 -> map(r, depth + 1);
      default -> {
        List<Object> l = r.nextBoolean() ? new ArrayList<>() : Arrays.asList(new Object[r.nextInt(3)]);
        if (l instanceof ArrayList<Object> a) for (int i = r.nextInt(4); i > 0; i--) a.add(value(r, depth + 1));
        yield l;
      }
    };
  }

  private static final String[] PIECES = {"a", "Uniqueid", "call.id", "é", "\"", "\\", "\n", "\t", "\u0001", "</",
      "\u2028", "😀", "\ud800", "caf\u00e9", " ", "ü"};

  private static String text(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(5); i > 0; i--) sb.append(PIECES[r.nextInt(PIECES.length)]);
    return sb.toString();
  }
}
