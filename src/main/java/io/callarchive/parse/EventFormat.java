package io.callarchive.parse;

import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import java.io.InputStream;

/**
 * One wire format: how to recognise it, how to frame its bytes into events, and how to map a parsed event onto
 * the common schema. Implementations are stateless and thread-safe; the readers they open are not.
 */
public interface EventFormat {

  /** Stable name used on the command line ({@code --format ami}) and in the registry. */
  String name();

  /** The {@code event.dataset} of the events, e.g. {@code asterisk.ami}. */
  String dataset();

  /** The object under which every raw key/value is kept, e.g. {@code ami}. */
  String rawField();

  /** True when the first bytes of an input look like this format. */
  boolean detect(byte[] head, int length);

  /** Opens a reader over a stream; {@code origin} names it in provenance (file path or stream name). */
  EventReader open(InputStream in, String origin);

  /**
   * Fills the format-specific common fields of the schema ({@code call.id}, parties, channel, categorisation)
   * from a parsed event. The pipeline has already set the fields every format shares.
   */
  void normalise(Parsed.Event event, Doc doc);

  /**
   * The identity of an event when its bytes are not it: e.g. a ccs event delivered once per domain is one event
   * whose copies differ in the domain field. Null (the default) identifies an event by its raw bytes.
   */
  default String identity(Parsed.Event event) {
    return null;
  }

  /**
   * Whether the last piece of a file that may still grow (a log the platform is appending to) is a whole frame,
   * or a frame the end of the file cut short that the writer will finish. An incomplete one is neither imported
   * nor dead-lettered: it waits for the next run. {@code after} holds the bytes between the piece and the end
   * of the file (blank bytes no piece owns, at most a few KiB). The default suits the JSON formats: a piece that
   * parsed is complete, since no proper prefix of a JSON object is a JSON object (RFC 8259 §4).
   */
  default boolean completeAtEnd(Parsed last, byte[] after) {
    return !(last instanceof Parsed.Malformed);
  }
}
