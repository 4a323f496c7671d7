package io.callarchive.enrich.rtcp;

import io.callarchive.enrich.RawFields;
import io.callarchive.enrich.rtcp.RtcpMessage.Block;
import io.callarchive.enrich.rtcp.RtcpUnits.Endpoint;
import io.callarchive.model.Doc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RTCP reports out of normalised events documents: Asterisk AMI {@code RTCPSent}/{@code RTCPReceived} in
 * the 12+ shape ({@code ReportCount}, {@code Report<X>...}, event-sources §1.7) and the 1.8/11 shape ({@code
 * ReceptionReports}, {@code SenderSSRC}, one block as plain keys), the Asterisk end-of-call {@code RTPAUDIOQOS}
 * summary ({@code VarSet}; ARI {@code ChannelVarset}), FreeSWITCH {@code RECV_RTCP_MESSAGE} (§3.8)
 * and the FreeSWITCH end-of-call {@code variable_rtp_audio_in_*} statistics on {@code CHANNEL_HANGUP_COMPLETE} /
 * {@code CHANNEL_DESTROY}. Stateless and thread-safe; never throws on odd values, it drops what it cannot read.
 */
public final class RtcpDecoder {
  /** RFC 3550 §6.4: without a known codec the clock rate of the G.711 family is the safest guess (§1.7). */
  public static final int DEFAULT_CLOCK_RATE = 8000;

  private static final Pattern AMI_BLOCK = Pattern.compile("(?i)^report(\\d+)[a-z]");
  private static final Pattern FS_BLOCK = Pattern.compile("(?i)^source(\\d+)-");

  /** Channel variables that may name the codec, most specific first (§1.7: {@code channelvars}). */
  private static final List<String> AMI_CODEC_VARS =
      List.of("channel(audioreadformat)", "channel(audionativeformat)", "channel(audiowriteformat)");

  private RtcpDecoder() {}

  /** The report an events document carries, or null when it carries none. */
  public static RtcpMessage decode(Doc doc) {
    String action = doc.getString("event.action");
    if (action == null) return null;
    String a = action.strip().toUpperCase(Locale.ROOT);
    if (doc.get("ami") instanceof Map<?, ?>) {
      RawFields raw = RawFields.of(doc, "ami");
      return switch (a) {
        case "RTCPSENT" -> ami(raw, "sent");
        case "RTCPRECEIVED" -> ami(raw, "received");
        case "VARSET" -> "RTPAUDIOQOS".equalsIgnoreCase(raw.get("Variable")) ? qos(raw.get("Value"), amiCodec(raw)) : null;
        default -> null;
      };
    }
    if (doc.get("ari") instanceof Map<?, ?> ari) {
      // ARI announces the same RTPAUDIOQOS variable with ChannelVarset (event-sources §2.4)
      RawFields raw = RawFields.of(doc, "ari");
      if (!a.equals("CHANNELVARSET") || !"RTPAUDIOQOS".equalsIgnoreCase(raw.get("variable"))) return null;
      return qos(raw.get("value"), ariCodec(ari));
    }
    if (doc.get("freeswitch") instanceof Map<?, ?>) {
      RawFields raw = RawFields.of(doc, "freeswitch");
      return switch (a) {
        case "RECV_RTCP_MESSAGE" -> freeswitchRtcp(raw);
        case "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY" -> freeswitchSummary(raw);
        default -> null;
      };
    }
    return null;
  }

  // ---------------------------------------------------------------- Asterisk

  static RtcpMessage ami(RawFields raw, String direction) {
    boolean legacy = raw.get("ReportCount") == null && raw.first("ReceptionReports", "SenderSSRC", "OurSSRC") != null;
    String codec = amiCodec(raw);
    Codecs.Codec c = Codecs.lookup(codec);
    Integer clock = c != null ? c.clockRate() : null;
    boolean assumed = clock == null;
    int rate = assumed ? DEFAULT_CLOCK_RATE : clock;
    boolean anyTimestampJitter = false;

    List<Block> blocks = new ArrayList<>();
    Integer count;
    String ssrc;
    if (legacy) {
      // Asterisk 1.8/11 res_rtp_asterisk.c: decimal SSRCs; one block printed as plain keys. RTCPSent prints its own
      // receiver statistics with IAJitter in seconds, RTCPReceived the peer's block with IAJitter in RTP units.
      ssrc = RtcpUnits.ssrc(raw.first("SenderSSRC", "OurSSRC"), true);
      Long reports = RtcpUnits.integer(raw.get("ReceptionReports"));
      boolean hasBlock = raw.get("FractionLost") != null && (reports == null || reports > 0);
      count = reports != null ? Integer.valueOf(reports.intValue()) : hasBlock ? 1 : 0;
      if (hasBlock) {
        Double jitter;
        if (direction.equals("sent")) {
          jitter = RtcpUnits.secondsToMs(raw.get("IAJitter"));
        } else {
          jitter = RtcpUnits.jitterMs(RtcpUnits.integer(raw.get("IAJitter")), rate);
          anyTimestampJitter = true;
        }
        blocks.add(
            new Block(
                0,
                null,
                RtcpUnits.fractionLostPct(RtcpUnits.integer(raw.get("FractionLost"))),
                RtcpUnits.cumulativeLost24(RtcpUnits.integer(raw.first("PacketsLost", "CumulativeLoss"))),
                jitter,
                null));
      }
    } else {
      ssrc = RtcpUnits.ssrc(raw.get("SSRC"), false);
      Long rc = RtcpUnits.integer(raw.get("ReportCount"));
      count = rc == null ? null : rc.intValue();
      for (int i : indices(raw, AMI_BLOCK)) {
        String p = "Report" + i;
        blocks.add(
            new Block(
                i,
                RtcpUnits.ssrc(raw.get(p + "SourceSSRC"), false),
                RtcpUnits.fractionLostPct(RtcpUnits.integer(raw.get(p + "FractionLost"))),
                RtcpUnits.cumulativeLost24(RtcpUnits.integer(raw.get(p + "CumulativeLost"))),
                RtcpUnits.jitterMs(RtcpUnits.integer(raw.get(p + "IAJitter")), rate),
                null));
        anyTimestampJitter = true;
      }
    }
    Endpoint peer = RtcpUnits.endpoint(raw.get(direction.equals("sent") ? "To" : "From"));
    CodecProfile profile = c != null ? c.profile() : null;
    return new RtcpMessage(
        direction,
        packetType(raw.get("PT")),
        ssrc,
        count,
        RtcpUnits.secondsToMs(raw.get("RTT")),
        RtcpUnits.leadingNumber(raw.get("MES")),
        "asterisk_mes",
        anyTimestampJitter ? Integer.valueOf(rate) : null,
        assumed,
        c != null ? c.name() : null,
        profile != null ? profile : CodecProfile.G711,
        profile == null,
        direction.equals("received") ? peer : null,
        direction.equals("sent") ? peer : null,
        blocks);
  }

  /**
   * The end-of-call summary Asterisk stores in {@code RTPAUDIOQOS} and announces with a {@code VarSet} (§1.7):
   * {@code ssrc=…;themssrc=…;lp=…;rxjitter=…;rxcount=…;txjitter=…;txcount=…;rlp=…;rtt=…[;rxmes=…;txmes=…]}, times in
   * seconds. It describes the stream Asterisk received: loss = lp / (rxcount + lp), jitter = {@code txjitter} (the
   * jitter Asterisk measured on that stream: res_rtp_asterisk.c sets the TXJITTER stat from its own {@code
   * rxjitter}, §1.7). The {@code …BRIDGED} copy describes the peer channel, which
   * has its own {@code RTPAUDIOQOS}, and is not read to avoid counting a stream twice.
   */
  static RtcpMessage qos(String value, String codec) {
    Map<String, String> kv = new HashMap<>();
    if (value == null) return null;
    for (String part : value.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) kv.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
    }
    if (kv.isEmpty()) return null;
    // lp is res_rtp_asterisk's rxploss = expected_prior − received_prior, a signed count printed with %u, so
    // duplicates make it wrap like FreeSWITCH's Lost; a negative loss counts as none.
    Long lost = RtcpUnits.cumulativeLost32(RtcpUnits.integer(kv.get("lp")));
    Long received = RtcpUnits.integer(kv.get("rxcount"));
    Double loss = null;
    if (lost != null && received != null && received >= 0 && Math.max(0, lost) + received > 0) {
      loss = Math.max(0, lost) * 100.0 / (Math.max(0, lost) + received);
    }
    Double rtt = RtcpUnits.secondsToMs(kv.get("rtt"));
    Codecs.Codec c = Codecs.lookup(codec);
    CodecProfile profile = c != null ? c.profile() : null;
    return new RtcpMessage(
        "received",
        "rtp_stats",
        RtcpUnits.ssrc(kv.get("themssrc"), true),
        1,
        rtt != null && rtt > 0 ? rtt : null, // 0 when Asterisk never computed it
        RtcpUnits.leadingNumber(kv.get("rxmes")),
        "asterisk_mes",
        null,
        null,
        c != null ? c.name() : null,
        profile != null ? profile : CodecProfile.G711,
        profile == null,
        null,
        null,
        List.of(new Block(0, null, loss, lost, RtcpUnits.secondsToMs(kv.get("txjitter")), null)));
  }

  /** The codec from a channel variable listed in {@code channelvars} (12+: {@code ChanVariable: name=value}). */
  static String amiCodec(RawFields raw) {
    Map<String, String> vars = new HashMap<>();
    for (Map.Entry<String, Object> e : raw.entries().entrySet()) {
      String key = e.getKey().strip().toLowerCase(Locale.ROOT);
      if (!key.startsWith("chanvariable")) continue;
      for (String v : raw.all(e.getKey())) {
        int eq = v.indexOf('=');
        if (eq > 0) vars.putIfAbsent(v.substring(0, eq).strip().toLowerCase(Locale.ROOT), v.substring(eq + 1).strip());
      }
    }
    for (String name : AMI_CODEC_VARS) {
      String v = vars.get(name);
      if (v != null && !v.isEmpty()) return v;
      v = raw.get(name);
      if (v != null) return v;
    }
    return null;
  }

  /** The codec from the ARI channel's {@code channelvars} object, when {@code ari.conf channelvars} lists one. */
  static String ariCodec(Map<?, ?> ari) {
    if (!(ari.get("channel") instanceof Map<?, ?> channel)) return null;
    if (!(channel.get("channelvars") instanceof Map<?, ?> vars)) return null;
    for (String name : AMI_CODEC_VARS) {
      for (Map.Entry<?, ?> e : vars.entrySet()) {
        if (e.getKey() != null
            && e.getValue() != null
            && e.getKey().toString().strip().toLowerCase(Locale.ROOT).equals(name)
            && !e.getValue().toString().isBlank()) {
          return e.getValue().toString();
        }
      }
    }
    return null;
  }

  /** {@code 200(SR)}, {@code 201(Receiver Report)} → {@code SR}/{@code RR} (RFC 3550 §12.1 packet types). */
  static String packetType(String pt) {
    Double n = RtcpUnits.leadingNumber(pt);
    if (n == null) return null;
    if (n == 200) return "SR";
    if (n == 201) return "RR";
    return null;
  }

  // ---------------------------------------------------------------- FreeSWITCH

  static RtcpMessage freeswitchRtcp(RawFields raw) {
    Long rtpRate = RtcpUnits.integer(raw.get("RTP-Rate"));
    String codecName = fsCodec(raw);
    Codecs.Codec c = Codecs.lookup(codecName);
    Integer clock = rtpRate != null && rtpRate > 0 ? Integer.valueOf(rtpRate.intValue()) : c != null ? c.clockRate() : null;
    boolean assumed = clock == null;
    int rate = assumed ? DEFAULT_CLOCK_RATE : clock;
    List<Block> blocks = new ArrayList<>();
    for (int i : indices(raw, FS_BLOCK)) {
      String p = "Source" + i + "-";
      Double rtt = RtcpUnits.secondsToMs(raw.get("Rtt" + i + "-Avg"));
      blocks.add(
          new Block(
              i,
              RtcpUnits.ssrc(raw.get(p + "SSRC"), false),
              RtcpUnits.fractionLostPct(RtcpUnits.integer(raw.get(p + "Fraction"))),
              RtcpUnits.cumulativeLost32(RtcpUnits.integer(raw.get(p + "Lost"))),
              RtcpUnits.jitterMs(RtcpUnits.integer(raw.get(p + "Jitter")), rate),
              rtt != null && rtt > 0 ? rtt : null)); // switch_rtp.c prints 0 when RTT cannot be computed
    }
    boolean sr = raw.first("NTP-Most-Significant-Word", "Sender-Packet-Count") != null;
    CodecProfile profile = c != null ? c.profile() : null;
    return new RtcpMessage(
        "received",
        sr ? "SR" : "RR",
        RtcpUnits.ssrc(raw.get("SSRC"), false),
        blocks.size(),
        null,
        null,
        null,
        rate,
        assumed,
        c != null ? c.name() : null,
        profile != null ? profile : CodecProfile.G711,
        profile == null,
        null,
        null,
        blocks);
  }

  /**
   * The end-of-call statistics of the inbound audio stream (§3.8): loss ≈ flaws / (media packets + flaws), jitter
   * ≈ √(largest inter-arrival variance); both over the whole call, which is this summary's interval. Null when the
   * event carries no {@code rtp_audio_in_*} variable.
   */
  static RtcpMessage freeswitchSummary(RawFields raw) {
    String v = "variable_rtp_audio_in_";
    Long media = RtcpUnits.integer(raw.get(v + "media_packet_count"));
    Long flaws = RtcpUnits.integer(raw.get(v + "flaw_total"));
    Double mos = RtcpUnits.leadingNumber(raw.get(v + "mos"));
    Double maxVariance = RtcpUnits.leadingNumber(raw.get(v + "jitter_max_variance"));
    if (media == null && mos == null && maxVariance == null) return null;
    Double loss = null;
    if (media != null && flaws != null && media + flaws > 0 && media >= 0 && flaws >= 0) {
      loss = flaws * 100.0 / (media + flaws);
    }
    Double jitter = maxVariance != null && maxVariance >= 0 ? Math.sqrt(maxVariance) : null;
    // Old releases give packet counts only: no loss, jitter or score to report, so no quality report.
    if (loss == null && jitter == null && mos == null) return null;
    Codecs.Codec c = Codecs.lookup(fsCodec(raw));
    CodecProfile profile = c != null ? c.profile() : null;
    return new RtcpMessage(
        "received",
        "rtp_stats",
        null,
        1,
        null,
        mos,
        "freeswitch_mos",
        null,
        null,
        c != null ? c.name() : null,
        profile != null ? profile : CodecProfile.G711,
        profile == null,
        endpoint(raw.get("variable_remote_media_ip"), raw.get("variable_remote_media_port")),
        endpoint(raw.get("variable_local_media_ip"), raw.get("variable_local_media_port")),
        List.of(new Block(0, null, loss, null, jitter, null)));
  }

  static String fsCodec(RawFields raw) {
    return raw.first("variable_rtp_use_codec_name", "Channel-Read-Codec-Name", "variable_read_codec");
  }

  private static Endpoint endpoint(String ip, String port) {
    if (ip == null) return null;
    Long p = RtcpUnits.integer(port);
    return new Endpoint(ip, p != null && p >= 0 && p <= 65535 ? p.intValue() : null);
  }

  private static TreeSet<Integer> indices(RawFields raw, Pattern p) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String k : raw.entries().keySet()) {
      Matcher m = p.matcher(k.strip());
      if (m.find()) {
        try {
          int i = Integer.parseInt(m.group(1));
          if (i < 256) out.add(i); // RFC 3550: at most 31 blocks; a bound keeps junk keys from exploding the list
        } catch (NumberFormatException e) {
          // an index of absurd length: not a block
        }
      }
    }
    return out;
  }
}
