package io.callarchive.it;

import java.nio.charset.StandardCharsets;

/**
 * One distinct, timed event per number in each of the five wire formats, written from the specification
 * (event-sources §1.2 AMI blocks, §2.2 ARI envelope, §3.2/§3.3 ESL plain frames, §4 Kazoo JSON, §5 ccs), for
 * tests that build files event by event.
 */
enum Frames {
  AMI("ami") {
    @Override
    byte[] event(int i) {
      return AmiLogs.event(i);
    }
  },
  ARI("ari") {
    @Override
    byte[] event(int i) {
      return ascii("{\"type\":\"ChannelVarset\",\"timestamp\":\"2026-11-22T10:00:" + two(i / 1000 % 60) + "."
          + three(i % 1000) + "+0000\",\"variable\":\"BRIDGEPEER\",\"value\":\"PJSIP/200-" + hex(i) + "\","
          + "\"channel\":{\"id\":\"1763805600." + i + "\",\"name\":\"PJSIP/100-" + hex(i) + "\",\"state\":\"Up\"},"
          + "\"asterisk_id\":\"52:54:00:12:34:56\",\"application\":\"archive\"}\n");
    }
  },
  FREESWITCH("freeswitch") {
    @Override
    byte[] event(int i) {
      String body = "Event-Name: CHANNEL_CREATE\nCore-UUID: 2f0d5a52-6f1e-4bde-9f0a-0c6d1f5e7a10\n"
          + "FreeSWITCH-Hostname: fs1\nFreeSWITCH-Switchname: fs1\nEvent-Date-Timestamp: " + (1763805600000000L + i * 1000L)
          + "\nUnique-ID: 5f0c1a2b-0000-4000-8000-" + String.format("%012d", i) + "\nCaller-Caller-ID-Number: 100\n"
          + "Caller-Destination-Number: 200\n\n";
      return ascii("Content-Length: " + body.length() + "\nContent-Type: text/event-plain\n\n" + body);
    }
  },
  KAZOO("kazoo") {
    @Override
    byte[] event(int i) {
      return ascii("{\"Event-Name\":\"CHANNEL_CREATE\",\"Event-Category\":\"call_event\",\"Msg-ID\":\"m-" + i + "\","
          + "\"Timestamp\":" + (63911234567L + i) + ",\"Call-ID\":\"call-" + i + "\",\"Call-Direction\":\"inbound\","
          + "\"Caller-ID-Number\":\"100\",\"Callee-ID-Number\":\"200\",\"Custom-Channel-Vars\":{\"Account-ID\":\"acct1\"}}\n");
    }
  },
  CCS("ccs") {
    @Override
    byte[] event(int i) {
      return ascii("{\"class\":\"ccsevents\",\"type\":\"call_create\",\"id\":\"ev-" + i + "\",\"ts\":\"2025-03-14T09:30:"
          + two(i / 1000 % 60) + "." + three(i % 1000) + "Z\",\"domain\":\"sales.example.com\",\"data\":{\"call_id\":\"c-"
          + i + "\",\"direction\":\"in\",\"number\":\"+4930123456\",\"state\":\"created\"}}\n");
    }
  };

  final String format;

  Frames(String format) {
    this.format = format;
  }

  abstract byte[] event(int i);

  /** Where to cut event {@code i} to leave it half written: mid-line for JSON, after a whole line for the others. */
  int cut(int i) {
    byte[] e = event(i);
    if (this == AMI || this == FREESWITCH) {
      int lines = 0;
      for (int k = 0; k < e.length; k++) if (e[k] == '\n' && ++lines == (this == AMI ? 3 : 5)) return k + 1;
    }
    return e.length / 2;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String two(int n) {
    return String.format("%02d", n);
  }

  private static String three(int n) {
    return String.format("%03d", n);
  }

  private static String hex(int n) {
    return String.format("%08x", n);
  }
}
