package io.callarchive.parse.json;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.parse.ccs.CcsFormat;
import io.callarchive.parse.kazoo.KazooFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Robustness of the JSON formats on whole captures: split reads, and seeded mutations. The captures are the
 * project's fixtures ({@link JsonFormatsFuzzTest}) or the shared corpus ({@link JsonFormatsFuzzCorpusTest}).
 */
abstract class JsonFormatsFuzzing {

  record Input(EventFormat format, String name, byte[] bytes) {}

  /** The ARI and Kazoo captures to read. */
  abstract List<Path> files(String folder);

  /** Inputs longer than this are not split at every byte (the framer tests cover long inputs). */
  abstract int maxSplitLength();

  List<Input> inputs() {
    List<Input> in = new ArrayList<>();
    add(in, new AriFormat(), files("asterisk-ari"));
    add(in, new KazooFormat(), files("kazoo-amqp"));
    add(in, new CcsFormat(), files("ccs"));
    try (var s = Files.list(Path.of("ingest", "samples", "ccs"))) {
      add(in, new CcsFormat(), s.filter(p -> !p.toString().endsWith(".md")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return in;
  }

  private static void add(List<Input> in, EventFormat f, List<Path> files) {
    for (Path p : files) {
      if (p.toString().endsWith(".md")) continue;
      try {
        in.add(new Input(f, p.getFileName().toString(), Files.readAllBytes(p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void filesSplitAtEveryByteGiveTheSameResult() {
    int checked = 0;
    for (Input in : inputs()) {
      if (in.bytes().length > maxSplitLength()) continue;
      checked++;
      List<String> whole = summary(Readers.readAll(in.format(), in.bytes(), "test"));
      for (int split = 0; split <= in.bytes().length; split += 1) {
        assertEquals(whole, summary(Pieces.readSplitAt(in.format(), in.bytes(), split)), in.name() + " @" + split);
      }
    }
    assertEquals(true, checked >= 5, "files split: " + checked);
  }

  @Test
  void wholeFoldersConcatenatedInRandomChunksGiveTheSameResult() {
    Random rnd = new Random(7);
    for (String kind : List.of("ari", "kazoo", "ccs")) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      EventFormat f = null;
      for (Input in : inputs()) {
        if (!in.format().name().equals(kind)) continue;
        f = in.format();
        all.writeBytes(in.bytes());
        all.write('\n');
      }
      byte[] bytes = all.toByteArray();
      List<Parsed> ps = Readers.readAll(f, bytes, "test");
      assertAccounted(bytes, ps);
      assertEquals(List.of(), Pieces.malformed(ps), kind);
      for (int round = 0; round < 20; round++) {
        assertEquals(summary(ps), summary(Pieces.readChunked(f, bytes, rnd.ints(11, 1, 300).toArray())), kind);
      }
    }
  }

  @Test
  void mutatedFilesNeverThrowAndAccountForEveryByte() {
    Random rnd = new Random(20240501L);
    byte[] specials = {'{', '}', '[', ']', '"', '\\', ',', ':', '\n', '\r', ' ', 0, (byte) 0xFF, (byte) 0xC3,
        (byte) 0xE2, 'x', '1'};
    Pipeline pipeline = new Pipeline(List.of(), new NoSink(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    SourceContext ctx = new SourceContext(null, Map.of(), Instant.EPOCH);
    List<Input> inputs = inputs();
    int events = 0;
    int malformed = 0;
    for (int round = 0; round < 600; round++) {
      Input in = inputs.get(rnd.nextInt(inputs.size()));
      byte[] b = mutate(in.bytes(), rnd, specials);
      List<Parsed> ps = Readers.readAll(in.format(), b, "fuzz");
      assertAccounted(b, ps);
      for (Parsed p : ps) {
        if (p instanceof Parsed.Event e) {
          IndexDoc d = pipeline.normalise(e, in.format(), ctx); // normalising odd trees must not throw either
          assertEquals(in.format().dataset(), d.doc().get("event.dataset"));
          events++;
        } else if (p instanceof Parsed.Malformed) {
          malformed++;
        }
      }
      if (round % 50 == 0) {
        assertEquals(summary(ps), summary(Pieces.readChunked(in.format(), b, 1 + rnd.nextInt(64))), in.name());
      }
    }
    // the mutations must have exercised both paths, or the test proves nothing
    assertEquals(true, events > 100, "events: " + events);
    assertEquals(true, malformed > 100, "malformed: " + malformed);
  }

  static byte[] mutate(byte[] src, Random rnd, byte[] specials) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = src.clone();
    int edits = 1 + rnd.nextInt(6);
    for (int i = 0; i < edits && b.length > 0; i++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(5)) {
        case 0 -> b[at] = specials[rnd.nextInt(specials.length)];
        case 1 -> b[at] = (byte) rnd.nextInt(256);
        case 2 -> { // delete a range
          int n = Math.min(b.length - at, 1 + rnd.nextInt(40));
          byte[] c = new byte[b.length - n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + n, c, at, b.length - at - n);
          b = c;
        }
        case 3 -> { // duplicate a range
          int n = Math.min(b.length - at, 1 + rnd.nextInt(200));
          out.reset();
          out.write(b, 0, at + n);
          out.write(b, at, b.length - at);
          b = out.toByteArray();
        }
        default -> b = java.util.Arrays.copyOf(b, at); // truncate
      }
    }
    return b;
  }

  static final class NoSink implements DocSink {
    public void accept(IndexDoc doc) {}

    public void flush() {}

    public void close() {}
  }
}
