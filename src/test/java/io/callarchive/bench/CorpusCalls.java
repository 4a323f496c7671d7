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
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's day built from the corpus's own complete calls (issue 9): each template is one call exactly as a
 * public capture recorded it (every event of it, in order, read by the format's own reader), and a copy of it is the
 * same bytes with the call's ids, numbers and times moved on. Copy {@code k} of a template starts {@code k × gap}
 * seconds after the day's start; copies overlap as their calls last, and the events of all copies are written in time
 * order, as a PBX logs them.
 *
 * <p>What a copy changes, keeping every width so an ESL frame's {@code Content-Length} stays right: UUIDs (the last
 * group moved on by the copy number: FreeSWITCH {@code Unique-ID} and its echoes), Unix and Gregorian times in
 * seconds, milliseconds and microseconds (moved to the day, event-sources §1.4, §3.4, §4.3), other runs of ten or more
 * digits (Uniqueid sequences, ids), AMI channel name suffixes ({@code SIP/9170-12-0000003c}), and the caller and
 * callee numbers named in the call's own number fields (a pool of 500 per number). Kazoo call ids get the copy
 * number appended (JSON has no length to keep). The AMI captures were taken without {@code timestampevents}, so each
 * copied event gets the {@code Timestamp} header Asterisk writes after {@code Privilege} when it is on (manager.c):
 * the template's own Uniqueid creation seconds where the event names a channel, else 50 ms after the previous event.
 */
final class CorpusCalls implements io.callarchive.it.Traffic.Calls {
  private static final long GREGORIAN_OFFSET = 62_167_219_200L; // 0000-01-01 to 1970-01-01 in seconds (Kazoo)
  private static final long DAY0 = 1_763_805_600L; // 2025-11-22T10:00:00Z, the synthetic traffic's day too
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-([0-9a-fA-F]{12})");
  private static final Pattern AMI_CHANNEL_SUFFIX =
      Pattern.compile("(?m)^(?:Channel|DestChannel|Channel1|Channel2|Peer|Source|Destination): \\S+-([0-9a-f]{8})");
  private static final Pattern NUMBER_FIELD = Pattern.compile("(?mi)(?:^(?:CallerIDNum|ConnectedLineNum|Exten"
      + "|DestCallerIDNum|DestConnectedLineNum|Caller-Caller-ID-Number|Caller-Destination-Number"
      + "|Caller-Callee-ID-Number|Other-Leg-Caller-ID-Number|Other-Leg-Destination-Number): "
      + "|\"(?:Caller-ID-Number|Callee-ID-Number|caller_id_number|callee_id_number)\"\\s*:\\s*\")\\+?([0-9]{3,15})\\b");
  private static final Pattern KAZOO_ID =
      Pattern.compile("\"(?:Call-ID|call_id|Other-Leg-Call-ID|other_leg_call_id)\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern DIGITS = Pattern.compile("(?<![0-9])[0-9]{10,17}(?![0-9])");
  private static final Pattern FS_TIME = Pattern.compile("(?m)^Event-Date-Timestamp: ([0-9]{16})");
  // an AMI channel's creation second is the first part of its Uniqueid (event-sources §1.4)
  private static final Pattern AMI_TIME =
      Pattern.compile("(?m)^(?:Uniqueid|Linkedid|DestUniqueid|DestLinkedid|Uniqueid1|Uniqueid2): ([0-9]{10})\\.");
  // AMQP payloads carry "Timestamp": 63610891956, webhooks "timestamp": "63724349409" (Gregorian seconds, §4.3)
  private static final Pattern KAZOO_TIME = Pattern.compile("(?i)\"timestamp\"\\s*:\\s*\"?([0-9]{11})");

  /** Which corpus captures are whole calls, per format (PROVENANCE.md describes each). */
  static final List<List<String>> AMI = List.of(
      List.of("asterisk-ami/goami2__call-stream_crlf-reconstructed.txt"),
      List.of("asterisk-ami/wazo-amid__benchmark-ami-messages.txt"),
      List.of("asterisk-ami/panoramisk__originate_with_events.txt"));
  static final List<List<String>> FREESWITCH = List.of(
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example1.txt"),
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example2.txt"),
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example3.txt"),
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example4.txt"),
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example5.txt"),
      List.of("freeswitch-esl/NEventSocket__outbound-capture-Example6.txt"),
      List.of("freeswitch-esl/fsock__inbound-event-stream.txt"));
  static final List<List<String>> KAZOO = List.of(
      List.of("kazoo-amqp/kazoo__route_req__inbound-onnet-callflow.json",
          "kazoo-amqp/kazoo__route_win__inbound-onnet-callflow.json"),
      List.of("kazoo-amqp/kazoo__blackhole-README__CHANNEL_CREATE.json",
          "kazoo-amqp/kazoo__blackhole-README__CHANNEL_ANSWER.json",
          "kazoo-amqp/kazoo__blackhole-README__CHANNEL_DESTROY.json"),
      List.of("kazoo-amqp/kazoo__crossbar-webhook-samples__webhooks_channel_create-samples.json",
          "kazoo-amqp/kazoo__crossbar-webhook-samples__webhooks_channel_answer-samples.json",
          "kazoo-amqp/kazoo__crossbar-webhook-samples__webhooks_channel_bridge-samples.json",
          "kazoo-amqp/kazoo__crossbar-webhook-samples__webhooks_channel_destroy-samples.json"),
      List.of("kazoo-amqp/kazoo__route_req__inbound-onnet-trunkstore.json",
          "kazoo-amqp/kazoo__route_win__inbound-onnet-trunkstore.json"));

  private final String format;
  private final List<Template> templates;

  private CorpusCalls(String format, List<Template> templates) {
    this.format = format;
    this.templates = templates;
  }

  /** The templates of one format ({@code ami}, {@code freeswitch}, {@code kazoo}) from the corpus folder. */
  static CorpusCalls load(Path corpus, String format) throws IOException {
    EventFormat f = Formats.standard().byName(format).orElseThrow();
    List<List<String>> calls = switch (format) {
      case "ami" -> AMI;
      case "freeswitch" -> FREESWITCH;
      case "kazoo" -> KAZOO;
      default -> throw new IllegalArgumentException("no corpus calls for " + format);
    };
    List<Template> out = new ArrayList<>();
    for (List<String> files : calls) {
      List<String> events = new ArrayList<>();
      for (String name : files) {
        Path p = corpus.resolve(name);
        if (!Files.isRegularFile(p)) {
          throw new IOException("the corpus has no " + name + " under " + corpus + " (see --corpus)");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
            EventReader r = f.open(in, p.toString())) {
          for (Parsed piece; (piece = r.next()) != null; ) {
            if (piece instanceof Parsed.Event e) {
              String text = new String(e.raw(), StandardCharsets.ISO_8859_1);
              if (keep(format, text)) events.add(text);
            }
          }
        }
      }
      if (events.isEmpty()) throw new IOException("no events in " + files);
      out.add(Template.of(format, files.get(0), events));
    }
    return new CorpusCalls(format, out);
  }

  /** The events a copy keeps: AMI events (not the actions and responses of the capturing client), ESL event frames. */
  private static boolean keep(String format, String text) {
    return switch (format) {
      case "ami" -> text.startsWith("Event:");
      // the plain form as whole outer frames (event-sources §3.2): the output is an event socket stream
      case "freeswitch" -> text.startsWith("Content-Length:") && text.contains("Content-Type: text/event-plain");
      default -> true;
    };
  }

  int templates() {
    return templates.size();
  }

  /** Events per call, averaged over the templates as the rotation uses them. */
  double eventsPerCall() {
    return templates.stream().mapToInt(t -> t.events.size()).average().orElse(0);
  }

  /** Calls {@code [first, first + count)} of the day, copy {@code k} of template {@code k mod n}, in time order. */
  @Override
  public List<io.callarchive.it.Traffic.Timed> make(int first, int count, double gap) {
    List<io.callarchive.it.Traffic.Timed> out = new ArrayList<>();
    for (int k = first; k < first + count; k++) {
      Template t = templates.get(Math.floorMod(k, templates.size()));
      long start = (long) Math.floor(k * gap); // whole seconds, so copies' Uniqueids never meet
      for (int i = 0; i < t.events.size(); i++) {
        out.add(new io.callarchive.it.Traffic.Timed(start + t.rel[i], t.render(i, k, start)));
      }
    }
    out.sort(Comparator.comparingDouble(io.callarchive.it.Traffic.Timed::t));
    return out;
  }

  /**
   * Writes calls {@code first, first + 1, ...} to {@code file} until it holds {@code bytes}, every event in time
   * order across the calls that overlap (only the calls still running are held, so memory stays flat whatever the
   * size); returns the number of calls written.
   */
  long write(Path file, String header, long bytes, int first, double gap) throws IOException {
    long events = 0;
    int k = first;
    long planned = 0;
    java.util.PriorityQueue<io.callarchive.it.Traffic.Timed> running =
        new java.util.PriorityQueue<>(Comparator.comparingDouble(io.callarchive.it.Traffic.Timed::t));
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      if (header != null) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        o.write(h);
        planned += h.length;
      }
      for (; ; k++) {
        // a call starts no earlier than the one before it: what is due before it is final
        double next = planned < bytes ? Math.floor(k * gap) : Double.POSITIVE_INFINITY;
        while (!running.isEmpty() && running.peek().t() < next) {
          byte[] b = running.poll().text().getBytes(StandardCharsets.ISO_8859_1);
          o.write(b);
          events++;
        }
        if (next == Double.POSITIVE_INFINITY) break;
        // the call's bytes count when it starts, so the file ends at whole calls near its size
        for (var e : make(k, 1, gap)) {
          running.add(e);
          planned += e.text().length();
        }
      }
    }
    verify(file, events);
    return k - first;
  }

  /** Reads the file back with the format's reader: every event written is one event read, nothing malformed. */
  private void verify(Path file, long events) throws IOException {
    long read = 0, bad = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        EventReader r = Formats.standard().byName(format).orElseThrow().open(in, file.toString())) {
      for (Parsed p; (p = r.next()) != null; ) {
        if (p instanceof Parsed.Event) read++;
        else if (p instanceof Parsed.Malformed m) {
          if (bad++ == 0) System.err.println("malformed in " + file + ": " + m.reason());
        }
      }
    }
    if (read != events || bad > 0) {
      throw new IllegalStateException(file + ": wrote " + events + " events, read back " + read + " and " + bad
          + " malformed pieces");
    }
  }

  /** One call of the corpus, its events cut into literal text and the parts a copy moves on. */
  static final class Template {
    final String name;
    final List<List<Part>> events = new ArrayList<>();
    final double[] rel; // seconds after the call's first event
    final long base; // the call's first time, Unix seconds (0: it has none)
    final String format;

    private Template(String format, String name, List<List<Part>> parts, double[] rel, long base) {
      this.format = format;
      this.name = name;
      this.events.addAll(parts);
      this.rel = rel;
      this.base = base;
    }

    static Template of(String format, String name, List<String> texts) {
      String all = String.join("\n", texts);
      // the numbers and call ids named anywhere in the call, so that every echo of them moves on alike
      Set<String> numbers = new LinkedHashSet<>();
      for (Matcher m = NUMBER_FIELD.matcher(all); m.find(); ) numbers.add(m.group(1));
      Set<String> callIds = new LinkedHashSet<>();
      if (format.equals("kazoo")) for (Matcher m = KAZOO_ID.matcher(all); m.find(); ) callIds.add(m.group(1));
      Set<String> suffixes = new LinkedHashSet<>();
      if (format.equals("ami")) for (Matcher m = AMI_CHANNEL_SUFFIX.matcher(all); m.find(); ) suffixes.add(m.group(1));

      long base = 0;
      double[] times = new double[texts.size()];
      for (int i = 0; i < texts.size(); i++) times[i] = Double.NaN;
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        Matcher m = switch (format) {
          case "freeswitch" -> FS_TIME.matcher(t);
          case "kazoo" -> KAZOO_TIME.matcher(t);
          default -> AMI_TIME.matcher(t);
        };
        double latest = Double.NaN;
        while (m.find()) {
          double s = unixSeconds(m.group(1));
          if (!Double.isNaN(s) && (Double.isNaN(latest) || s > latest)) latest = s;
          if (!format.equals("ami")) break; // the event's own stamp
        }
        times[i] = latest;
        if (base == 0 && !Double.isNaN(latest)) base = (long) Math.floor(latest);
      }
      // no stamp of its own (a Kazoo route_req): any time in it, e.g. the Call-Interaction-ID's Gregorian prefix
      // (event-sources §4.3), which otherwise would tie every copy into one interaction
      for (Matcher m = DIGITS.matcher(all); base == 0 && m.find(); ) {
        double s = unixSeconds(m.group());
        if (!Double.isNaN(s)) base = (long) Math.floor(s);
      }
      double[] rel = new double[texts.size()];
      for (int i = 0; i < texts.size(); i++) {
        double prev = i == 0 ? 0 : rel[i - 1];
        double own = Double.isNaN(times[i]) || base == 0 ? Double.NaN : times[i] - base;
        // AMI: a channel's creation second is a floor, events follow one another 50 ms apart at least
        rel[i] = format.equals("ami") ? Math.max(i == 0 ? 0 : prev + 0.05, Double.isNaN(own) ? 0 : own)
            : Double.isNaN(own) ? (i == 0 ? 0 : prev + 0.05) : Math.max(own, prev);
      }
      List<List<Part>> parts = new ArrayList<>();
      for (String t : texts) parts.add(Part.split(t, numbers, callIds, suffixes));
      return new Template(format, name, parts, rel, base);
    }

    String render(int event, int k, long start) {
      long shift = base == 0 ? 0 : DAY0 + start - base; // seconds to move the call's times by
      StringBuilder b = new StringBuilder(4096);
      for (Part p : events.get(event)) p.append(b, k, shift);
      if (format.equals("ami")) {
        // Timestamp after Privilege, as manager.c writes it with timestampevents=yes
        double t = DAY0 + start + rel[event];
        String eol = b.indexOf("\r\n") >= 0 ? "\r\n" : "\n";
        int at = b.indexOf("Privilege:");
        at = at < 0 ? b.indexOf(eol) + eol.length() : b.indexOf(eol, at) + eol.length();
        b.insert(at, String.format(Locale.ROOT, "Timestamp: %.6f%s", t, eol));
        if (b.charAt(b.length() - 1) != '\n') b.append(eol);
        b.append(eol); // a blank line ends the block (§1.2)
      } else if (b.charAt(b.length() - 1) != '\n') {
        b.append('\n');
      }
      return b.toString();
    }
  }

  /** Unix seconds for a run of digits that reads as a time of the years 1998 to 2036, else NaN. */
  static double unixSeconds(String digits) {
    long v = Long.parseLong(digits);
    return switch (digits.length()) {
      case 10 -> v >= 900_000_000L && v < 2_100_000_000L ? v : Double.NaN;
      case 11 -> v >= 900_000_000L + GREGORIAN_OFFSET && v < 2_100_000_000L + GREGORIAN_OFFSET
          ? v - GREGORIAN_OFFSET : Double.NaN;
      case 13 -> v >= 900_000_000_000L && v < 2_100_000_000_000L ? v / 1e3 : Double.NaN;
      case 16 -> v >= 900_000_000_000_000L && v < 2_100_000_000_000_000L ? v / 1e6 : Double.NaN;
      default -> Double.NaN;
    };
  }

  /** A piece of an event: literal text, or a value a copy moves on. */
  sealed interface Part {
    void append(StringBuilder b, int k, long shift);

    record Text(String s) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        b.append(s);
      }
    }

    /** The last group of a UUID (hex, its case kept) plus the copy number. */
    record Uuid(String head, long last, boolean upper) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        String h = Long.toHexString((last + k + 1) & 0xFFFF_FFFF_FFFFL);
        b.append(head);
        for (int i = h.length(); i < 12; i++) b.append('0');
        b.append(upper ? h.toUpperCase(Locale.ROOT) : h);
      }
    }

    /** A time: moved by {@code shift} seconds in its own unit; other long digit runs: plus the copy number. */
    record Digits(long value, int width, long unitsPerSecond) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        long v = unitsPerSecond > 0 ? value + shift * unitsPerSecond : value + k;
        padded(b, v, width);
      }
    }

    /** A caller or callee number: one of a pool of 500 per number, its width kept. */
    record Number(long value, int width) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        padded(b, value + Math.floorMod(k, 500), width);
      }
    }

    /** An AMI channel's sequence suffix: 256 apart per copy, so a call's channels stay apart too. */
    record ChannelSuffix(long value) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        String h = Long.toHexString((value + 256L * k) & 0xFFFF_FFFFL);
        for (int i = h.length(); i < 8; i++) b.append('0');
        b.append(h);
      }
    }

    /** A Kazoo call id with the copy number appended. */
    record CallId(String id) implements Part {
      public void append(StringBuilder b, int k, long shift) {
        b.append(id).append('-').append(k);
      }
    }

    private static void padded(StringBuilder b, long v, int width) {
      String s = Long.toString(v);
      if (s.length() > width) s = s.substring(s.length() - width); // the width never changes
      for (int i = s.length(); i < width; i++) b.append('0');
      b.append(s);
    }

    /** Cuts an event into parts; where two kinds overlap the earlier in this list wins: UUID, call id, number, ... */
    static List<Part> split(String text, Set<String> numbers, Set<String> callIds, Set<String> suffixes) {
      record Span(int from, int to, Part part) {}
      List<Span> spans = new ArrayList<>();
      for (Matcher m = UUID.matcher(text); m.find(); ) {
        String last = m.group(1);
        spans.add(new Span(m.start(), m.end(), new Uuid(text.substring(m.start(), m.start(1)),
            Long.parseLong(last, 16), !last.equals(last.toLowerCase(Locale.ROOT)))));
      }
      for (String id : callIds) {
        for (int i = text.indexOf(id); i >= 0; i = text.indexOf(id, i + id.length())) {
          spans.add(new Span(i, i + id.length(), new CallId(id)));
        }
      }
      for (String n : numbers) {
        for (int i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + n.length())) {
          boolean alone = (i == 0 || !Character.isDigit(text.charAt(i - 1)))
              && (i + n.length() == text.length() || !Character.isDigit(text.charAt(i + n.length())));
          if (alone) spans.add(new Span(i, i + n.length(), new Number(Long.parseLong(n), n.length())));
        }
      }
      for (Matcher m = DIGITS.matcher(text); m.find(); ) {
        String d = m.group();
        long per = switch (d.length()) {
          case 10, 11 -> 1;
          case 13 -> 1_000;
          case 16 -> 1_000_000;
          default -> 0;
        };
        if (Double.isNaN(unixSeconds(d))) per = 0;
        spans.add(new Span(m.start(), m.end(), new Digits(Long.parseLong(d), d.length(), per)));
      }
      for (String s : suffixes) {
        String needle = "-" + s;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
          spans.add(new Span(i + 1, i + needle.length(), new ChannelSuffix(Long.parseLong(s, 16))));
        }
      }
      // keep the first-listed of overlapping spans, then cut the text in order
      List<Span> kept = new ArrayList<>();
      for (Span s : spans) {
        boolean free = true;
        for (Span k : kept) if (s.from < k.to && k.from < s.to) free = false;
        if (free) kept.add(s);
      }
      kept.sort(Comparator.comparingInt(Span::from));
      List<Part> parts = new ArrayList<>();
      int at = 0;
      for (Span s : kept) {
        if (s.from > at) parts.add(new Text(text.substring(at, s.from)));
        parts.add(s.part);
        at = s.to;
      }
      if (at < text.length()) parts.add(new Text(text.substring(at)));
      return parts;
    }
  }
}
