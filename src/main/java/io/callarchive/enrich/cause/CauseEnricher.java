package io.callarchive.enrich.cause;

import io.callarchive.enrich.RawFields;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.Enricher;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Adds the unified {@code hangup.*} fields to every event that reports how a leg ended, whatever the platform
 * (event-sources §10): AMI {@code Hangup}/{@code HangupRequest}/{@code SoftHangupRequest} ({@code Cause},
 * {@code Cause-txt}, {@code TechCause}), ARI {@code ChannelDestroyed}/{@code ChannelHangupRequest}
 * ({@code cause}, {@code cause_txt}, {@code tech_cause}), FreeSWITCH ({@code Hangup-Cause},
 * {@code variable_hangup_cause_q850}, {@code variable_sip_term_status}, {@code
 * variable_proto_specific_hangup_cause}), Kazoo ({@code Hangup-Cause}, {@code Hangup-Code}) and ccs ({@code
 * failure.q850}, {@code failure.sip_code}, {@code failure.reason}). {@code event.outcome} is left alone: a hangup
 * is neither a success nor a failure of the event itself. Stateless and thread-safe; never throws.
 */
public final class CauseEnricher implements Enricher {
  private static final Set<String> AMI_ACTIONS = Set.of("hangup", "hanguprequest", "softhanguprequest");
  private static final Set<String> ARI_ACTIONS = Set.of("channeldestroyed", "channelhanguprequest");

  @Override
  public String name() {
    return "cause";
  }

  @Override
  public void enrich(IndexDoc event, Consumer<IndexDoc> derived) {
    Doc doc = event.doc();
    RawFields raw = RawFields.of(doc);
    if (raw == null) return;
    HangupCause hc = extract(raw, doc.getString("event.action"));
    if (hc != null && !hc.empty()) hc.writeTo(doc);
  }

  /** What one platform's event says about how the leg ended, or null when it says nothing. */
  public static HangupCause extract(RawFields raw, String action) {
    String a = action == null ? "" : action.toLowerCase(Locale.ROOT);
    return switch (raw.source()) {
      case "ami" -> {
        if (!AMI_ACTIONS.contains(a)) yield null;
        // A channel that is still not Up (6) when destroyed was never answered (event-sources §11.1).
        String state = raw.text("ChannelState");
        Boolean answered = a.equals("hangup") && state != null ? state.equals("6") : null;
        yield resolveIfAny(null, raw.text("Cause"), raw.text("Cause-txt"), raw.text("TechCause"), answered);
      }
      case "ari" -> {
        if (!ARI_ACTIONS.contains(a)) yield null;
        String state = raw.text("channel.state");
        Boolean answered = a.equals("channeldestroyed") && state != null ? state.equalsIgnoreCase("Up") : null;
        yield resolveIfAny(null, raw.text("cause"), raw.text("cause_txt"), raw.text("tech_cause"), answered);
      }
      case "freeswitch" -> {
        // Caller-Channel-Answered-Time is 0 until the leg is answered (event-sources §3.4).
        String answeredTime = raw.text("Caller-Channel-Answered-Time");
        Boolean answered = answeredTime == null ? null : !answeredTime.equals("0");
        yield resolveIfAny(
            raw.firstText("Hangup-Cause", "variable_hangup_cause"),
            raw.text("variable_hangup_cause_q850"),
            null,
            raw.firstText("variable_sip_term_status", "variable_proto_specific_hangup_cause"),
            answered);
      }
      case "kazoo" -> resolveIfAny(raw.text("Hangup-Cause"), null, null, raw.text("Hangup-Code"), null);
      case "ccs" -> {
        String q850 = raw.text("failure.q850");
        String reason = raw.text("failure.reason");
        // ccs gives a free-text reason next to the number: keep it as the raw text, resolve by the number.
        HangupCause hc = resolveIfAny(null, q850, null, raw.text("failure.sip_code"), null);
        if (hc == null) {
          yield reason == null ? null : new HangupCause(null, null, Category.OTHER, null, false, reason);
        }
        yield reason == null
            ? hc
            : new HangupCause(hc.cause(), hc.q850(), hc.category(), hc.sipCode(), hc.sipMapped(), reason);
      }
      default -> null;
    };
  }

  private static HangupCause resolveIfAny(String name, String code, String text, String sip, Boolean answered) {
    if (name == null && code == null && text == null && sip == null) return null;
    return HangupCause.resolve(name, code, text, sip, answered);
  }
}
