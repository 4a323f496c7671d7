package io.callarchive.index;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import io.callarchive.parse.Text;
import io.callarchive.pipeline.DocIds;
import java.time.Instant;
import java.util.Base64;

/**
 * The one factory of dead-letter documents (house style rule 3: one failure path), whatever failed: parsing, a
 * pipeline stage, or the index refusing a document. A letter keeps the input as text (invalid UTF-8 escaped, and
 * then also the exact bytes in base64), where it came from, the stage and the reason. Stateless, thread-safe.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * A letter for input that could not be archived.
   *
   * @param raw the input bytes (for a derived document that has none, its JSON)
   * @param p where the input came from (null for a summary assembled from many events)
   * @param stage what failed: {@code parse}, a pipeline stage name, {@code index:<error type>}
   * @param dataset the input's {@code event.dataset}, null when unknown
   * @param action the input's {@code event.action}, null when unknown
   * @param idParts what identifies this failure, so that the same failure met twice is one letter
   */
  public static IndexDoc of(
      byte[] raw, Provenance p, String stage, String reason, String dataset, String action, Instant now,
      Object... idParts) {
    Doc doc = new Doc();
    doc.put("@timestamp", now.toString());
    doc.put("event.kind", "pipeline_error");
    doc.put("event.dataset", dataset);
    doc.put("event.action", action);
    doc.put("event.ingested", now.toString());
    doc.put("error.type", stage);
    doc.put("error.message", reason);
    if (p != null) {
      doc.put("log.file.path", p.origin());
      doc.put("log.offset", p.offset());
    }
    if (raw != null) {
      Text.Decoded text = Text.decode(raw);
      doc.put("event.original", text.text());
      if (text.lossy()) doc.put("event.original_base64", Base64.getEncoder().encodeToString(raw));
    }
    return new IndexDoc(IndexType.DEADLETTER, DocIds.of(idParts), now, doc, raw, p);
  }
}
