package io.callarchive.parse;

import io.callarchive.model.Parsed;
import java.io.Closeable;
import java.io.IOException;

/**
 * Pulls framed pieces out of one byte source (a file or a connection). Each call returns the next piece, or null
 * at the end of the input; a malformed piece is returned, never thrown, so the caller carries on with the rest.
 * Not thread-safe; closing it closes the underlying stream.
 */
public interface EventReader extends Closeable {
  Parsed next() throws IOException;
}
