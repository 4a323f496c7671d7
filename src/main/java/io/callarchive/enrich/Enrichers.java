package io.callarchive.enrich;

import io.callarchive.enrich.aoc.AocEnricher;
import io.callarchive.enrich.cause.CauseEnricher;
import io.callarchive.enrich.rtcp.RtcpEnricher;
import io.callarchive.enrich.sdp.SdpEnricher;
import io.callarchive.enrich.security.SecurityEnricher;
import io.callarchive.pipeline.Enricher;
import java.util.List;

/** The registry of enrichers, applied in this order to every normalised event (house style rule 9). */
public final class Enrichers {
  private Enrichers() {}

  /** The standard enrichers; each is stateless, so the list may be shared between pipelines. */
  public static List<Enricher> standard() {
    return List.of(
        new AocEnricher(), new RtcpEnricher(), new CauseEnricher(), new SdpEnricher(), new SecurityEnricher());
  }
}
