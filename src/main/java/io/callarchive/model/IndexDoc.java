package io.callarchive.model;

import java.time.Instant;

/**
 * A document ready for the index stage: its type, the instant that picks its monthly index, its deterministic
 * id, and where its input came from (so an indexing failure can still dead-letter the original bytes).
 */
public record IndexDoc(IndexType type, String id, Instant timestamp, Doc doc, byte[] raw, Provenance provenance) {}
