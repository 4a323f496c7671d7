package io.callarchive.enrich;

import io.callarchive.enrich.aoc.AocEnricher;
import io.callarchive.enrich.rtcp.RtcpEnricher;
import io.callarchive.pipeline.Enricher;
import java.util.List;

/** The registry of enrichers, applied in this order to every normalised event. */
public final class Enrichers {
  private Enrichers() {}

  public static List<Enricher> standard() {
    return List.of(new AocEnricher(), new RtcpEnricher());
  }
}
