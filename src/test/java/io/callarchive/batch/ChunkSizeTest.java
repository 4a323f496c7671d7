package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callarchive.parse.ami.AmiFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk holds the setting's count of pieces, or fewer when the file's events are large. */
class ChunkSizeTest {
  @TempDir Path dir;

  /** {@code count} AMI events of exactly {@code bytes} bytes each, blank line included (a VarSet padded). */
  private static byte[] ami(int count, int bytes) {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String head = "Event: VarSet\r\nPrivilege: dialplan,all\r\nUniqueid: 1763805600." + i + "\r\nValue: ";
      String tail = "\r\n\r\n";
      all.append(head).append("x".repeat(bytes - head.length() - tail.length())).append(tail);
    }
    return all.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(content);
    }
    return f;
  }

  @Test
  void smallEventsKeepTheSetting() throws IOException {
    Path f = write("small.log", ami(5_000, 200), false); // 1 MB: 2,000 of them are 400 KB
    assertEquals(2000, ChunkSize.of(f, new AmiFormat(), 2000));
    assertEquals(7, ChunkSize.of(f, new AmiFormat(), 7), "never more than the setting");
  }

  @Test
  void largeEventsGetAsManyAsFitInTheInputBound() throws IOException {
    byte[] big = ami(1_000, 10_000); // 10 MB of 10,000-byte events
    int fit = (3 << 20) / 10_000; // 314, whether a piece's raw bytes keep the blank line or not (9,996)
    assertEquals(fit, ChunkSize.of(write("big.log", big, false), new AmiFormat(), 2000));
    assertEquals(fit, ChunkSize.of(write("big.log.gz", big, true), new AmiFormat(), 2000), "the content counts");
    assertEquals(100, ChunkSize.of(write("big2.log", big, false), new AmiFormat(), 100), "the setting if smaller");
  }

  @Test
  void aShortFileOfLargeEventsKeepsTheSetting() throws IOException {
    // 2 MB in all: the whole file fits one chunk's bound
    assertEquals(2000, ChunkSize.of(write("short.log", ami(200, 10_000), false), new AmiFormat(), 2000));
  }

  @Test
  void aFileThatCannotBeReadKeepsTheSetting() {
    assertEquals(2000, ChunkSize.of(dir.resolve("missing.log"), new AmiFormat(), 2000));
  }
}
