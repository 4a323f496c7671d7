package io.callarchive.enrich.sdp;

import java.util.Locale;
import java.util.Set;

/**
 * One payload format of a media description: payload type number, encoding name, RTP clock rate and, for audio,
 * the channel count when the SDP states it (RFC 8866 §6.6 {@code a=rtpmap}).
 *
 * @param channels null when not given (one channel for audio)
 */
public record Codec(int pt, String encoding, int clock, Integer channels) {

  /** Payload formats that carry no voice: DTMF (RFC 4733), comfort noise (RFC 3389), redundancy, FEC, RTX. */
  private static final Set<String> NOT_VOICE =
      Set.of("telephone-event", "cn", "red", "ulpfec", "flexfec", "rtx", "parityfec");

  /** The conventional {@code encoding/clock[/channels]} label, e.g. {@code PCMU/8000}, {@code opus/48000/2}. */
  public String label() {
    return encoding + "/" + clock + (channels != null ? "/" + channels : "");
  }

  public boolean isTelephoneEvent() {
    return encoding.equalsIgnoreCase("telephone-event");
  }

  public boolean isComfortNoise() {
    return encoding.equalsIgnoreCase("CN");
  }

  /** True for a codec that carries the call's audio, false for DTMF, comfort noise, FEC and the like. */
  public boolean isVoice() {
    return !NOT_VOICE.contains(encoding.toLowerCase(Locale.ROOT));
  }

  /** Same codec regardless of payload type number and name case (how offer and answer are matched). */
  public boolean sameCodec(Codec o) {
    return encoding.equalsIgnoreCase(o.encoding)
        && clock == o.clock
        && (channels == null ? 1 : channels) == (o.channels == null ? 1 : o.channels);
  }
}
