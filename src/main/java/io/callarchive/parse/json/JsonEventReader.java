package io.callarchive.parse.json;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * An {@link EventReader} for a JSON format: {@link JsonFrameReader} frames and parses, an {@link Interpreter}
 * decides what each object is. Bad pieces become {@link Parsed.Malformed}. Not thread-safe.
 */
public final class JsonEventReader implements EventReader {

  /**
   * Turns one parsed object into an event or a skipped piece (or a malformed one when the object is JSON but
   * breaks the format's rules). Implementations must be stateless and thread-safe, and must not throw.
   */
  @FunctionalInterface
  public interface Interpreter {
    Parsed interpret(Map<String, Object> object, boolean lossy, byte[] raw, Provenance provenance);
  }

  private final JsonFrameReader frames;
  private final Interpreter interpreter;

  public JsonEventReader(InputStream in, String origin, Interpreter interpreter) {
    this(new JsonFrameReader(in, origin), interpreter);
  }

  public JsonEventReader(JsonFrameReader frames, Interpreter interpreter) {
    this.frames = frames;
    this.interpreter = interpreter;
  }

  @Override
  public Parsed next() throws IOException {
    JsonFrameReader.Piece piece = frames.next();
    return switch (piece) {
      case null -> null;
      case JsonFrameReader.BadPiece b -> new Parsed.Malformed(b.reason(), b.raw(), b.provenance());
      case JsonFrameReader.ObjectPiece o -> {
        try {
          yield interpreter.interpret(o.object(), o.lossy(), o.raw(), o.provenance());
        } catch (RuntimeException e) {
          // an interpreter bug must not stop the import; the piece goes to the dead letters with the reason
          yield new Parsed.Malformed("could not interpret the JSON object: " + e, o.raw(), o.provenance());
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    frames.close();
  }
}
