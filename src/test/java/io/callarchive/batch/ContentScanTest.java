package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentScanTest {
  private static String sha(byte[] b, int n) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(b, n)));
  }

  @Test
  void prefixChecksumsMatchTheChecksumOfThePrefixWhereverTheCutFalls(@TempDir Path tmp) throws Exception {
    byte[] content = new byte[700_000]; // several read buffers, so cuts fall inside and on buffer edges
    new Random(42).nextBytes(content);
    Path file = tmp.resolve("f");
    Files.write(file, content);
    TreeSet<Long> cuts = new TreeSet<>(java.util.List.of(0L, 1L, 262_143L, 262_144L, 262_145L, 524_288L, 699_999L, 700_000L, 900_000L));
    ContentScan.Result r = ContentScan.scan(file, cuts);
    assertEquals(content.length, r.length());
    assertEquals(sha(content, content.length), r.sha256());
    for (long c : cuts) {
      if (c > content.length) {
        assertFalse(r.prefixSha256().containsKey(c), "no prefix longer than the content");
      } else {
        assertEquals(sha(content, (int) c), r.prefixSha256().get(c), "prefix " + c);
      }
    }
  }

  @Test
  void aGzippedCopyHasTheFingerprintOfItsContent(@TempDir Path tmp) throws Exception {
    byte[] content = "Event: Hangup\r\nUniqueid: 1.1\r\n\r\n".repeat(1000).getBytes();
    Path plain = tmp.resolve("ami.log");
    Files.write(plain, content);
    Path gz = tmp.resolve("ami.log.1.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(content);
    }
    assertEquals(ContentScan.scan(plain, new TreeSet<>()), ContentScan.scan(gz, new TreeSet<>()));
  }
}
