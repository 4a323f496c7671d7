package io.callarchive.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Generated AMI logs (event-sources §1.2 framing, timestampevents=yes), every event distinct. */
final class AmiLogs {
  private AmiLogs() {}

  static byte[] event(int i) {
    // A new channel then its hangup, alternately; Timestamp makes the event's time its own (§1.4).
    String action = i % 2 == 0 ? "Newchannel" : "Hangup";
    String s = "Event: " + action + "\r\n"
        + "Privilege: call,all\r\n"
        + "Timestamp: " + (1763805600L + i / 10) + "." + String.format("%06d", (i % 10) * 100_000 + i % 1000) + "\r\n"
        + "Channel: PJSIP/100-" + String.format("%08x", i / 2) + "\r\n"
        + "CallerIDNum: 100\r\nCallerIDName: Reception\r\nConnectedLineNum: 2" + (i % 100) + "\r\n"
        + "Exten: 200\r\nContext: from-internal\r\n"
        + (i % 2 == 1 ? "Cause: 16\r\nCause-txt: Normal Clearing\r\n" : "")
        + "Uniqueid: 1763805600." + i + "\r\nLinkedid: 1763805600." + (i - i % 2) + "\r\n\r\n";
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Appends events {@code [from, to)} to the file (created when missing). */
  static void append(Path file, int from, int to) throws IOException {
    try (OutputStream out = new java.io.BufferedOutputStream(
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16)) {
      for (int i = from; i < to; i++) out.write(event(i));
    }
  }
}
