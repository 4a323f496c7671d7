package io.callarchive.bench;

import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Formats;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes corpus-like input of a given size for one format: the events of the shared corpus, read by the format's
 * own reader, repeated until the size is reached, every copy with its ids and Unix/Gregorian timestamps shifted
 * (each run of ten or more digits gets the copy number added, width kept), so no two copies are the same
 * document. ccs has no public samples, so its seeds are the canonical shape of event-sources §5.3.
 *
 * <p>Usage: {@code CorpusGenerator <format> <megabytes> <shared dir> <output file>}.
 */
public final class CorpusGenerator {
  private CorpusGenerator() {}

  /** Corpus folder per format. */
  static String corpusDir(String format) {
    return switch (format) {
      case "ami" -> "asterisk-ami";
      case "ari" -> "asterisk-ari";
      case "kazoo" -> "kazoo-amqp";
      case "freeswitch" -> "freeswitch-esl";
      default -> null;
    };
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: CorpusGenerator <format> <megabytes> <shared dir> <output file>");
      System.exit(2);
    }
    String name = args[0];
    long target = Long.parseLong(args[1]) * 1024 * 1024;
    Path shared = Path.of(args[2]);
    Path out = Path.of(args[3]);
    EventFormat format =
        Formats.standard().byName(name).orElseThrow(() -> new IllegalArgumentException("no format " + name));
    List<Seed> seeds = name.equals("ccs") ? ccsSeeds() : corpusSeeds(format, shared.resolve("corpus").resolve(
        corpusDir(name)));
    if (seeds.isEmpty()) throw new IllegalStateException("no seed events for " + name);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    long written = 0;
    long events = 0;
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      if (name.equals("ami")) {
        byte[] banner = "Asterisk Call Manager/9.0.0\r\n".getBytes(StandardCharsets.ISO_8859_1);
        o.write(banner);
        written += banner.length;
      }
      for (long copy = 0; written < target; copy++) {
        for (Seed s : seeds) {
          byte[] b = s.render(copy);
          o.write(b);
          written += b.length;
          events++;
        }
      }
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("%s: %d events, %d bytes from %d seeds -> %s%n", name, events, written, seeds.size(), out);
  }

  /** Every event of the corpus folder, as raw bytes followed by the separator the format needs. */
  static List<Seed> corpusSeeds(EventFormat format, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
    }
    List<Seed> seeds = new ArrayList<>();
    for (Path f : files) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
          EventReader r = format.open(in, f.toString())) {
        Parsed p;
        while ((p = r.next()) != null) {
          if (!(p instanceof Parsed.Event e)) continue;
          String text = new String(e.raw(), StandardCharsets.ISO_8859_1);
          // FreeSWITCH: the plain form only (event-sources §3.2), as whole outer frames, so the output is an
          // event socket stream; the Content-Length values stay right because variation keeps every width.
          if (format.name().equals("freeswitch") && !(text.startsWith("Content-Length:")
              && text.contains("Content-Type: text/event-plain"))) {
            continue;
          }
          // A blank line ends an AMI block (event-sources §1.2); JSON documents simply follow one another.
          String sep = format.name().equals("ami") ? (text.endsWith("\r\n") ? "\r\n" : "\n") : "\n";
          if (format.name().equals("ami") && !text.endsWith("\n")) text += "\r\n";
          if (readsBackCleanly(format, text + sep)) seeds.add(new Seed(text + sep));
        }
      }
    }
    return seeds;
  }

  /**
   * Published samples sometimes carry a framing number that disagrees with their text (a hand-abridged ESL frame
   * whose Content-Length overshoots); the reader copes when such a frame ends the input, but repeated it would
   * swallow its neighbour. Only seeds that read back, twice in a row, as exactly two events are used.
   */
  static boolean readsBackCleanly(EventFormat format, String text) throws IOException {
    byte[] bytes = (text + text).getBytes(StandardCharsets.ISO_8859_1);
    try (EventReader r = format.open(new java.io.ByteArrayInputStream(bytes), "seed")) {
      return r.next() instanceof Parsed.Event && r.next() instanceof Parsed.Event && r.next() == null;
    }
  }

  /** The nineteen ccs events in the canonical shape of event-sources §5.3, ids long enough to be varied. */
  static List<Seed> ccsSeeds() {
    String[] types = {
      "seance_create", "call_create", "call_attach_to_seance", "call_set_state", "connection_create",
      "connection_attach_to_seance", "connection_link_call", "seance_set_state", "connection_start_record",
      "call_dtmf", "call_update", "connection_update", "seance_update", "seance_set_next_number",
      "connection_set_record_info", "connection_failure", "call_delete", "connection_delete", "seance_delete"
    };
    List<Seed> seeds = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      String t = types[i];
      String data = "\"seance_id\":\"s-1714558270000001\",\"site\":\"berlin-1\",\"server\":\"ccs-a\"";
      if (t.startsWith("call_")) {
        data += ",\"call_id\":\"c-1714558270000002\",\"direction\":\"in\",\"number\":\"+4930111222\","
            + "\"remote_number\":\"8800\",\"state\":\"ringing\",\"prev_state\":\"created\"";
      }
      if (t.startsWith("connection_")) data += ",\"connection_id\":\"n-1714558270000003\"";
      if (t.equals("call_dtmf")) data += ",\"dtmf\":\"5\"";
      if (t.contains("record")) {
        data += ",\"record\":{\"started_at\":\"2024-05-01T10:11:12.345Z\",\"duration_ms\":61000,\"code\":\"k7\"}";
      }
      if (t.equals("connection_failure")) data += ",\"failure\":{\"reason\":\"busy\",\"sip_code\":486,\"q850\":17}";
      if (t.equals("seance_set_next_number")) data += ",\"next_number\":\"202\"";
      String json = "{\"class\":\"ccsevents\",\"type\":\"" + t + "\",\"id\":\"0c2f6a2e-" + String.format("%012d", i)
          + "\",\"ts\":\"2024-05-01T10:11:" + String.format("%02d", 10 + i) + ".345Z\","
          + "\"domain\":\"sales.example.com\",\"data\":{" + data + "}}\n";
      seeds.add(new Seed(json));
    }
    return seeds;
  }

  /** One seed event split into literal text and the digit runs that vary per copy. */
  static final class Seed {
    private final List<String> literals = new ArrayList<>();
    private final List<long[]> numbers = new ArrayList<>(); // {value, width}

    Seed(String text) {
      int i = 0;
      int lit = 0;
      while (i < text.length()) {
        if (Character.isDigit(text.charAt(i))) {
          int j = i;
          while (j < text.length() && Character.isDigit(text.charAt(j))) j++;
          if (j - i >= 10 && j - i <= 17) {
            literals.add(text.substring(lit, i));
            numbers.add(new long[] {Long.parseLong(text.substring(i, j)), j - i});
            lit = j;
          }
          i = j;
        } else {
          i++;
        }
      }
      literals.add(text.substring(lit));
    }

    byte[] render(long copy) {
      StringBuilder b = new StringBuilder(256);
      for (int k = 0; k < numbers.size(); k++) {
        b.append(literals.get(k));
        long[] n = numbers.get(k);
        String v = Long.toString(n[0] + copy);
        if (v.length() > n[1]) v = Long.toString(n[0]); // never change the width
        for (int pad = v.length(); pad < n[1]; pad++) b.append('0');
        b.append(v);
      }
      b.append(literals.get(literals.size() - 1));
      return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
