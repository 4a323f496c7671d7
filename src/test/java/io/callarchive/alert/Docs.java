package io.callarchive.alert;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import io.callarchive.pipeline.DocIds;
import java.time.Instant;

/** Constructed documents of the index contract for the alert tests. */
public final class Docs {
  public static final Instant T0 = Instant.parse("2026-11-30T22:00:00Z");

  private Docs() {}

  public static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  public static IndexDoc doc(IndexType type, Instant t, Object... fieldsAndValues) {
    Doc d = new Doc();
    d.put("@timestamp", t.toString());
    for (int i = 0; i < fieldsAndValues.length; i += 2) d.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    String id = DocIds.of("test", type, t, d.toString());
    return new IndexDoc(type, id, t, d, new byte[0], new Provenance("test", 0, 0));
  }

  public static IndexDoc authFailure(Instant t, String ip, String user) {
    return doc(IndexType.SECURITY, t, "event.outcome", "failure", "security.event", "InvalidPassword",
        "security.service", "PJSIP", "source.ip", ip, "user.name", user);
  }

  public static IndexDoc rtcp(Instant t, String callId, String remote, double lossPct, double jitterMs, double mos) {
    return doc(IndexType.QUALITY, t, "quality.kind", "report", "call.id", callId, "source.ip", remote,
        "rtcp.fraction_lost_pct", lossPct, "rtcp.jitter_ms", jitterMs, "rtcp.mos", mos);
  }

  public static IndexDoc queueStay(Instant t, String queue, String outcome, double waitS) {
    return doc(IndexType.QUEUE, t, "queue.name", queue, "queue.outcome", outcome, "queue.wait_s", waitS,
        "call.id", "q-" + t.toEpochMilli() + "-" + queue);
  }

  public static IndexDoc call(Instant t, String pbx, boolean answered) {
    return doc(IndexType.CALLS, t, "observer.name", pbx, "call.complete", true, "call.answered", answered,
        "call.id", "c-" + t.toEpochMilli() + "-" + pbx);
  }

  public static IndexDoc event(Instant t, String pbx) {
    return doc(IndexType.EVENTS, t, "observer.name", pbx, "event.kind", "event", "event.action", "Newchannel", "event.dataset", "asterisk.ami");
  }
}
