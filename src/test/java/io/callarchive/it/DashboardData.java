package io.callarchive.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test data for the dashboards with known answers: calls of several platforms and PBXs, lossy calls, RTCP
 * reports, queue stays of three queues (with stays exactly at the thresholds), attacks (a scanner, a brute force
 * that succeeds, refused requests), alerts, events, dead letters and connector state events. Documents are flat
 * maps of dotted field names; a few lie outside the report window, so the time filter is tested too.
 */
final class DashboardData {
  static final Instant FROM = Instant.parse("2026-11-20T00:00:00Z");
  static final Instant TO = Instant.parse("2026-11-22T00:00:00Z");
  static final Instant OUTSIDE = Instant.parse("2026-11-10T12:00:00Z");
  static final String[] DATASETS = {"asterisk.ami", "freeswitch.esl", "kazoo.amqp", "asterisk.ari", "ccs.events"};
  static final String[] PBXS = {"pbx-paris", "pbx-lyon", "pbx-nice"};
  static final String[] QUEUES = {"sales", "support", "billing"};
  static final String[] AGENTS = {"alice", "bob", "carol", "dave", "erin", "frank"};
  static final String[] CODECS = {"PCMU/8000", "PCMA/8000", "opus/48000/2", "G722/8000"};
  static final String[] MEDIA = {"192.0.2.10", "192.0.2.11", "198.51.100.20", "198.51.100.21", "203.0.113.30", "203.0.113.31"};

  /** category, Q.850 code, name, SIP response. */
  static final Object[][] CAUSES = {
    {"busy", 17, "USER_BUSY", 486}, {"no_answer", 19, "NO_ANSWER", 480}, {"rejected", 21, "CALL_REJECTED", 603},
    {"cancelled", 487, "ORIGINATOR_CANCEL", 487}, {"unavailable", 20, "SUBSCRIBER_ABSENT", 480},
    {"failure", 38, "NETWORK_OUT_OF_ORDER", 502}, {"other", 127, "INTERWORKING", 500}};

  final List<Map<String, Object>> calls = new ArrayList<>();
  final List<Map<String, Object>> quality = new ArrayList<>();
  final List<Map<String, Object>> queue = new ArrayList<>();
  final List<Map<String, Object>> security = new ArrayList<>();
  final List<Map<String, Object>> alerts = new ArrayList<>();
  final List<Map<String, Object>> events = new ArrayList<>();
  final List<Map<String, Object>> deadletter = new ArrayList<>();

  private final Random rnd = new Random(20261120);

  DashboardData() {
    for (int i = 0; i < 320; i++) call(i, i < 6 ? OUTSIDE.plusSeconds(i * 60L) : at());
    for (int i = 0; i < 420; i++) report(i, i < 5 ? OUTSIDE : at());
    for (int i = 0; i < 260; i++) stay(i, i < 4 ? OUTSIDE : at());
    attacks();
    for (int i = 0; i < 6; i++) {
      Map<String, Object> a = doc(at());
      a.put("alert.rule", i < 4 ? "failed-auth-burst" : "low-mos");
      a.put("alert.key", i < 4 ? (i % 2 == 0 ? "203.0.113.7" : "198.51.100.9") : "call-" + i);
      a.put("alert.value", 20.0 + i * 3.5);
      alerts.add(a);
    }
    for (int i = 0; i < 300; i++) {
      Map<String, Object> e = doc(i < 5 ? OUTSIDE : at());
      e.put("event.dataset", pick(DATASETS, i % 7 == 0 ? 0 : rnd.nextInt(DATASETS.length)));
      e.put("observer.name", pick(PBXS, rnd.nextInt(PBXS.length)));
      e.put("event.kind", "event");
      e.put("event.action", "Hangup");
      if (i % 25 == 0) {
        e.put("event.kind", "state");
        e.put("event.action", i % 50 == 0 ? "connector_lost" : "connector_restored");
      }
      events.add(e);
    }
    String[] reasons = {"parse:truncated_frame", "parse:invalid_json", "index:mapper_parsing_exception"};
    for (int i = 0; i < 14; i++) {
      Map<String, Object> d = doc(i == 0 ? OUTSIDE : at());
      d.put("event.kind", "pipeline_error");
      d.put("event.dataset", pick(DATASETS, i % DATASETS.length));
      d.put("error.type", reasons[i % 7 == 0 ? 2 : i % 2]);
      d.put("error.message", "bad input " + i);
      d.put("log.file.path", "/var/log/pbx/file-" + (i % 4) + ".log");
      d.put("log.offset", (long) i * 1000);
      deadletter.add(d);
    }
  }

  private void call(int i, Instant start) {
    Map<String, Object> c = doc(start);
    c.put("event.dataset", pick(DATASETS, rnd.nextInt(4)));
    c.put("observer.name", pick(PBXS, rnd.nextInt(PBXS.length)));
    c.put("call.id", "call-" + i);
    c.put("call.start", start.toString());
    c.put("call.direction", pick(new String[] {"inbound", "outbound", "internal"}, rnd.nextInt(3)));
    // Skewed parties so the top tables have clear leaders.
    c.put("caller.number", "+3315550" + String.format("%03d", (int) Math.floor(Math.pow(rnd.nextDouble(), 2) * 25)));
    c.put("callee.number", "+3314440" + String.format("%03d", (int) Math.floor(Math.pow(rnd.nextDouble(), 2) * 18)));
    boolean answered = rnd.nextDouble() < 0.6;
    c.put("call.answered", answered);
    double duration;
    if (answered) {
      double ring = seconds(0.3, 45);
      double bill = seconds(1, 600);
      c.put("call.ring_s", ring);
      c.put("call.billsec_s", bill);
      c.put("call.answer", start.plusMillis((long) (ring * 1000)).toString());
      c.put("hangup.cause.category", "answered");
      c.put("hangup.cause.q850", 16);
      c.put("hangup.cause.name", "NORMAL_CLEARING");
      if (rnd.nextDouble() < 0.9) c.put("hangup.sip_code", 200);
      duration = ring + bill;
    } else {
      Object[] cause = CAUSES[rnd.nextInt(CAUSES.length)];
      c.put("hangup.cause.category", cause[0]);
      c.put("hangup.cause.q850", cause[1]);
      c.put("hangup.cause.name", cause[2]);
      if (rnd.nextDouble() < 0.85) c.put("hangup.sip_code", cause[3]);
      duration = seconds(0.5, 40);
    }
    c.put("call.duration_s", duration);
    c.put("call.end", start.plusMillis((long) (duration * 1000)).toString());
    if (rnd.nextDouble() < 0.8) {
      List<String> codecs = new ArrayList<>(List.of(pick(CODECS, rnd.nextInt(CODECS.length))));
      if (rnd.nextDouble() < 0.3) {
        String second = pick(CODECS, rnd.nextInt(CODECS.length));
        if (!codecs.contains(second)) codecs.add(second);
      }
      c.put("sdp.codecs", codecs);
      c.put("sdp.srtp", rnd.nextDouble() < 0.35);
    }
    if (answered && rnd.nextDouble() < 0.75) {
      c.put("quality.mos_min", avoid(round2(1.2 + rnd.nextDouble() * 3.25), 1, 2, 3, 3.6, 4));
      c.put("quality.mos_avg", round2(((Double) c.get("quality.mos_min")) + 0.05));
      // One call in four is lossy.
      c.put("quality.loss_pct_max", avoid(round2(rnd.nextDouble() < 0.25 ? 1 + rnd.nextDouble() * 12 : rnd.nextDouble() * 1.4), 1, 5));
      c.put("quality.jitter_ms_max", round2(rnd.nextDouble() * 80));
      c.put("quality.rtt_ms_max", round2(5 + rnd.nextDouble() * 300));
    }
    if (answered && rnd.nextDouble() < 0.3) {
      c.put("charge.amount", round2(0.05 + rnd.nextDouble() * 4));
      c.put("charge.currency", rnd.nextDouble() < 0.7 ? "EUR" : "USD");
    }
    if (rnd.nextDouble() < 0.3) c.put("queue.name", pick(QUEUES, rnd.nextInt(QUEUES.length)));
    calls.add(c);
  }

  private void report(int i, Instant t) {
    Map<String, Object> q = doc(t);
    q.put("quality.kind", "report");
    q.put("event.kind", "metric");
    q.put("event.dataset", pick(DATASETS, rnd.nextInt(2)));
    int pbx = rnd.nextInt(PBXS.length);
    q.put("observer.name", PBXS[pbx]);
    q.put("call.id", "call-" + rnd.nextInt(320));
    // The last media address is the lossy one.
    int media = rnd.nextInt(MEDIA.length);
    q.put("source.ip", MEDIA[media]);
    double loss = round2(media == MEDIA.length - 1 ? 4 + rnd.nextDouble() * 10 : rnd.nextDouble() * 2);
    q.put("rtcp.fraction_lost_pct", loss);
    q.put("rtcp.jitter_ms", round2(rnd.nextDouble() * 60));
    q.put("rtcp.rtt_ms", round2(10 + rnd.nextDouble() * 200));
    q.put("rtcp.mos", round2(Math.max(1, 4.4 - loss * 0.2 - rnd.nextDouble() * 0.3)));
    if (pbx != 1 && rnd.nextDouble() < 0.6) q.put("rtcp.mos_reported", round2(3 + rnd.nextDouble() * 1.4));
    quality.add(q);
  }

  private void stay(int i, Instant join) {
    Map<String, Object> s = doc(join);
    s.put("event.dataset", pick(DATASETS, i % 3 == 0 ? 1 : 0));
    s.put("observer.name", pick(PBXS, rnd.nextInt(PBXS.length)));
    s.put("queue.name", pick(QUEUES, rnd.nextInt(QUEUES.length)));
    s.put("call.id", "qcall-" + i);
    s.put("queue.join", join.toString());
    double r = rnd.nextDouble();
    String outcome = r < 0.55 ? "answered" : r < 0.75 ? "abandoned" : r < 0.85 ? "timeout" : r < 0.93 ? "exit_key" : "transferred";
    double wait = seconds(0.2, outcome.equals("timeout") ? 300 : 90);
    // Stays exactly at the thresholds: answered at T counts as within T; abandoned at S is not short.
    if (i == 10) {
      outcome = "answered";
      wait = 20.0;
    }
    if (i == 11) {
      outcome = "abandoned";
      wait = 5.0;
    }
    if (outcome.equals("abandoned") && i % 3 == 0 && i != 11) wait = seconds(0.2, 4.8);
    s.put("queue.outcome", outcome);
    s.put("queue.wait_s", wait);
    s.put("queue.leave", join.plusMillis((long) (wait * 1000)).toString());
    s.put("queue.ring_no_answer", rnd.nextInt(4));
    if (outcome.equals("answered")) {
      s.put("agent.name", pick(AGENTS, (int) Math.floor(Math.pow(rnd.nextDouble(), 1.5) * AGENTS.length)));
      s.put("queue.talk_s", seconds(5, 900));
    }
    queue.add(s);
  }

  private void attacks() {
    // A scanner trying many accounts once each, over SIP.
    for (int i = 0; i < 30; i++) {
      sec(at(), "203.0.113.7", "ext" + (100 + i), "InvalidAccountID", "SIP", "failure", true);
    }
    // A brute force on one account that ends in a success, over PJSIP and AMI.
    Instant start = FROM.plus(Duration.ofHours(30));
    for (int i = 0; i < 45; i++) {
      sec(start.plusSeconds(i * 7L), "198.51.100.9", "ext200", "ChallengeResponseFailed", i % 3 == 0 ? "AMI" : "PJSIP",
          "failure", true);
    }
    sec(start.plusSeconds(400), "198.51.100.9", "ext200", "SuccessfulAuth", "PJSIP", "success", false);
    // FreeSWITCH registration failures from a few addresses, ESL and ARI failures.
    for (int i = 0; i < 25; i++) {
      sec(at(), "192.0.2." + (60 + rnd.nextInt(5)), "user" + rnd.nextInt(6), "sofia::register_failure", "SIP", "failure", true);
    }
    for (int i = 0; i < 8; i++) sec(at(), "192.0.2.80", "admin", "InvalidPassword", i % 2 == 0 ? "ESL" : "ARI", "failure", true);
    // Refused requests: not credential failures.
    String[] refused = {"FailedACL", "RequestNotAllowed", "RequestBadFormat", "SessionLimit"};
    for (int i = 0; i < 18; i++) {
      sec(at(), "192.0.2." + (50 + i % 3), null, refused[i % 4 == 3 && i > 10 ? 3 : i % 3], "SIP", "failure", false);
    }
    // Normal successful logins from the office, and challenges that are neither.
    for (int i = 0; i < 20; i++) sec(at(), "10.0.0." + (1 + i % 4), "ext" + (300 + i % 5), "SuccessfulAuth", "PJSIP", "success", false);
    for (int i = 0; i < 10; i++) sec(at(), "10.0.0.9", "ext301", "ChallengeSent", "PJSIP", "unknown", false);
    sec(OUTSIDE, "203.0.113.7", "ext999", "InvalidAccountID", "SIP", "failure", true);
  }

  private void sec(Instant t, String ip, String user, String event, String service, String outcome, boolean credential) {
    Map<String, Object> s = doc(t);
    s.put("event.dataset", service.equals("ESL") || event.startsWith("sofia") ? "freeswitch.esl" : "asterisk.ami");
    s.put("observer.name", pick(PBXS, rnd.nextInt(PBXS.length)));
    s.put("security.event", event);
    s.put("security.service", service);
    s.put("event.outcome", outcome);
    s.put("source.ip", ip);
    if (user != null) s.put("user.name", user);
    s.put("security.credential_failure", credential);
    security.add(s);
  }

  private Map<String, Object> doc(Instant t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("@timestamp", t.toString());
    return d;
  }

  /** A whole second inside the window (so date formatting is unambiguous). */
  private Instant at() {
    return FROM.plusSeconds(60 + rnd.nextInt((int) Duration.between(FROM, TO).toSeconds() - 120));
  }

  private double seconds(double min, double max) {
    return Math.round((min + rnd.nextDouble() * (max - min)) * 1000) / 1000.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Keeps a value off the panel's range bounds, where float storage could put it on either side. */
  private static double avoid(double v, double... bounds) {
    for (double b : bounds) if (Math.abs(v - b) < 0.005) return v + 0.01;
    return v;
  }

  private static String pick(String[] a, int i) {
    return a[i];
  }

  static boolean inWindow(Map<String, Object> d) {
    Instant t = Instant.parse((String) d.get("@timestamp"));
    return !t.isBefore(FROM) && !t.isAfter(TO);
  }
}
