package io.callarchive.model;

/**
 * Where a piece of input came from: a file and the byte offset of its first byte, or a live stream and
 * the sequence number of the message on that connection. Carried from the source to the index so that every
 * failure can name the exact place (house style rule 2).
 *
 * @param origin file path or stream name (for example {@code ami://pbx1:5038})
 * @param offset byte offset in the (decompressed) file, or the message sequence on a stream
 * @param length number of bytes of the piece
 */
public record Provenance(String origin, long offset, long length) {
  public Provenance {
    if (origin == null) throw new IllegalArgumentException("origin must not be null");
  }

  @Override
  public String toString() {
    return origin + "@" + offset;
  }
}
