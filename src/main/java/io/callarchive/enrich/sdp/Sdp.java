package io.callarchive.enrich.sdp;

import java.util.List;

/**
 * What could be read from one session description (RFC 8866, event-sources §8).
 *
 * @param originAddress the {@code o=} unicast address, or null
 * @param sessionVersion the {@code o=} session version (it increments on re-offers), or null
 * @param media the media descriptions in order
 * @param partial true when some of the text could not be read (garbage lines, truncation, missing rtpmap)
 * @param problems why it is partial, one short reason per problem (bounded)
 */
public record Sdp(
    String originAddress, String sessionVersion, List<Media> media, boolean partial, List<String> problems) {

  /**
   * The stream that describes the call's audio: the first audio description with a non-zero port, else the
   * first audio description, else the first description; null without any.
   */
  public Media primary() {
    Media firstAudio = null;
    for (Media m : media) {
      if (m.type().equalsIgnoreCase("audio")) {
        if (m.port() != null && m.port() != 0) return m;
        if (firstAudio == null) firstAudio = m;
      }
    }
    if (firstAudio != null) return firstAudio;
    return media.isEmpty() ? null : media.get(0);
  }

  /**
   * One {@code m=} section with the session-level defaults already applied (connection address, direction).
   *
   * @param port null when unreadable; 0 means the stream was rejected or disabled
   * @param protocol the transport profile as written, e.g. {@code RTP/AVP}, {@code UDP/TLS/RTP/SAVPF}
   * @param codecs the payload formats in the order of the {@code m=} line, resolved through {@code a=rtpmap}
   *     or the static table; formats that could not be resolved are left out
   * @param direction {@code sendrecv} (the default), {@code sendonly}, {@code recvonly} or {@code inactive}
   * @param fingerprintHash the {@code a=fingerprint} hash function (DTLS-SRTP), or null
   * @param cryptoSuites the {@code a=crypto} suites (SDES-SRTP, RFC 4568); the keys are never kept
   */
  public record Media(
      String type,
      Integer port,
      String protocol,
      String connection,
      List<Codec> codecs,
      Integer ptime,
      Integer maxptime,
      String direction,
      boolean rtcpMux,
      int iceCandidates,
      List<String> cryptoSuites,
      String fingerprintHash) {

    /**
     * Media is encrypted when the profile is a secure one (SAVP, SAVPF; event-sources §8) or SDES crypto lines
     * offer keys (RFC 4568, also seen on RTP/AVP as best-effort SRTP). A DTLS fingerprint alone does not count:
     * it only carries keys under a UDP/TLS secure profile, which the first rule covers.
     */
    public boolean srtp() {
      return (protocol != null && protocol.toUpperCase(java.util.Locale.ROOT).contains("SAVP"))
          || !cryptoSuites.isEmpty();
    }

    /** {@code dtls}, {@code sdes} or null: how SRTP keys are exchanged. */
    public String srtpMethod() {
      boolean udpTls = protocol != null && protocol.toUpperCase(java.util.Locale.ROOT).startsWith("UDP/TLS");
      if (fingerprintHash != null && udpTls) {
        return "dtls";
      }
      if (!cryptoSuites.isEmpty()) return "sdes";
      if (fingerprintHash != null && srtp()) return "dtls";
      return null;
    }

    public boolean telephoneEvent() {
      return codecs.stream().anyMatch(Codec::isTelephoneEvent);
    }

    public List<Codec> voiceCodecs() {
      return codecs.stream().filter(Codec::isVoice).toList();
    }
  }
}
