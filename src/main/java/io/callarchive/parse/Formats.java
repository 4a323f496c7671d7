package io.callarchive.parse;

import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.parse.ccs.CcsFormat;
import io.callarchive.parse.freeswitch.FreeswitchFormat;
import io.callarchive.parse.kazoo.KazooFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of wire formats under their stable names (house style rule 9). Detection asks each format in
 * registration order, so a format with a more specific signature is registered before a looser one.
 */
public final class Formats {
  private final Map<String, EventFormat> byName = new LinkedHashMap<>();

  public Formats(List<EventFormat> formats) {
    for (EventFormat f : formats) {
      if (byName.putIfAbsent(f.name(), f) != null) {
        throw new IllegalArgumentException("two formats registered as " + f.name());
      }
    }
  }

  /** Every format callarchive knows. */
  public static Formats standard() {
    return new Formats(
        List.of(new FreeswitchFormat(), new AmiFormat(), new AriFormat(), new KazooFormat(), new CcsFormat()));
  }

  public Optional<EventFormat> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<EventFormat> all() {
    return List.copyOf(byName.values());
  }

  public Optional<EventFormat> detect(byte[] head, int length) {
    for (EventFormat f : byName.values()) {
      if (f.detect(head, length)) return Optional.of(f);
    }
    return Optional.empty();
  }
}
