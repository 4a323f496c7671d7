package io.callarchive.enrich.rtcp;

import io.callarchive.enrich.DerivedDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.Enricher;
import java.util.function.Consumer;

/**
 * Decodes RTCP reports and end-of-call RTP statistics (see {@link RtcpDecoder}) into {@code rtcp.*} fields with an
 * E-model MOS ({@link EModel}). The events document gets the report's fields and those of its first block; every
 * block also becomes a {@code quality} document ({@code quality.kind: report}, id {@code DocIds.of("quality",
 * eventId, blockIndex)}). A report without blocks (an SR with no reception reports) yields no quality document.
 * Stateless and thread-safe.
 */
public final class RtcpEnricher implements Enricher {

  public RtcpEnricher() {}

  @Override
  public String name() {
    return "rtcp";
  }

  @Override
  public void enrich(IndexDoc event, Consumer<IndexDoc> derived) {
    if (event.type() != IndexType.EVENTS) return;
    RtcpMessage m = RtcpDecoder.decode(event.doc());
    if (m == null) return;
    m.writeHeader(event.doc());
    if (!m.blocks().isEmpty()) m.writeBlock(event.doc(), m.blocks().get(0));
    for (RtcpMessage.Block b : m.blocks()) {
      Doc q = DerivedDocs.common(event);
      q.put("event.kind", "metric");
      q.put("quality.kind", "report");
      m.writeHeader(q);
      m.writeBlock(q, b);
      derived.accept(
          new IndexDoc(
              IndexType.QUALITY,
              DocIds.of("quality", event.id(), b.index()),
              event.timestamp(),
              q,
              event.raw(),
              event.provenance()));
    }
  }
}
