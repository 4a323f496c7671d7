package io.callarchive.enrich.security;

import io.callarchive.enrich.DerivedDocs;
import io.callarchive.enrich.RawFields;
import io.callarchive.enrich.security.SecurityEventType.Outcome;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.Enricher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises security and authentication events — the 15 Asterisk AMI security events (event-sources §1.10) and
 * FreeSWITCH's {@code sofia::register_failure}, {@code sofia::pre_register} and {@code sofia::register_attempt}
 * (§3.10) — sets the security fields on the events document, and derives one {@code security} document per
 * event: same timestamp, id {@code DocIds.of("security", eventId)}, the common fields and the security fields,
 * without the original text. ARI has no security events (§2.4); none are known for Kazoo call events or ccs.
 * Stateless and thread-safe; never throws.
 */
public final class SecurityEnricher implements Enricher {

  private static final Pattern STATUS_TRANSPORT =
      Pattern.compile("\\((UDP|TCP|TLS|WSS|WS)\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CONTACT_TRANSPORT =
      Pattern.compile(";transport=(udp|tcp|tls|wss|ws)\\b", Pattern.CASE_INSENSITIVE);

  @Override
  public String name() {
    return "security";
  }

  @Override
  public void enrich(IndexDoc event, Consumer<IndexDoc> derived) {
    Doc doc = event.doc();
    RawFields raw = RawFields.of(doc);
    if (raw == null) return;
    Doc sec = fields(raw, doc.getString("event.action"));
    if (sec == null) return;
    mergeInto(doc, sec);
    addAuthenticationCategory(doc);

    Doc copy = DerivedDocs.common(event);
    mergeInto(copy, sec);
    String id = DocIds.of("security", event.id());
    derived.accept(new IndexDoc(IndexType.SECURITY, id, event.timestamp(), copy, event.raw(), event.provenance()));
  }

  /**
   * The security fields of one event ({@code security.*}, {@code user.*}, {@code source.*}, {@code
   * destination.*}, {@code network.*}, {@code user_agent.original}, {@code event.outcome}), or null when it is
   * not a security event.
   */
  public static Doc fields(RawFields raw, String action) {
    return switch (raw.source()) {
      case "ami" -> ami(raw, action);
      case "freeswitch" -> freeswitch(raw, action);
      default -> null;
    };
  }

  private static Doc ami(RawFields raw, String action) {
    SecurityEventType type = SecurityEventType.of(action);
    if (type == null || type.name().startsWith("SOFIA_")) return null;
    Doc d = new Doc();
    d.put("security.event", type.wireName());
    d.put("security.service", raw.text("Service"));
    String severity = raw.text("Severity");
    d.put("security.severity", severity != null ? severity : type.defaultSeverity());
    d.put("security.credential_failure", type.credentialFailure());
    String account = raw.text("AccountID");
    d.put("security.account_id", account);
    // "<unknown>" is PJSIP's placeholder for an anonymous request, not a user name (§1.10).
    if (account != null && !account.equalsIgnoreCase("<unknown>")) d.put("user.name", account);
    d.put("security.session_id", raw.text("SessionID"));
    d.put("security.event_version", raw.text("EventVersion"));
    d.put("security.event_time", raw.text("EventTV"));
    d.put("security.session_time", raw.text("SessionTV"));
    d.put("security.module", raw.text("Module"));
    d.put("security.request_type", raw.text("RequestType"));
    d.put("security.auth_method", raw.text("AuthMethod"));
    d.put("security.acl_name", raw.text("ACLName"));
    d.put("security.expected_address", raw.text("ExpectedAddress"));
    d.put("security.attempted_transport", raw.text("AttemptedTransport"));
    String usingPassword = raw.text("UsingPassword");
    if (usingPassword != null) d.put("security.using_password", usingPassword.equals("1"));
    d.put("security.remote_address", raw.text("RemoteAddress"));
    d.put("security.local_address", raw.text("LocalAddress"));
    SecurityAddress remote = SecurityAddress.parse(raw.text("RemoteAddress"));
    SecurityAddress local = SecurityAddress.parse(raw.text("LocalAddress"));
    if (remote != null) {
      d.put("source.ip", remote.ip());
      d.put("source.port", remote.port());
    }
    if (local != null) {
      d.put("destination.ip", local.ip());
      d.put("destination.port", local.port());
    }
    SecurityAddress either = remote != null ? remote : local;
    if (either != null) {
      String transport = remote != null ? remote.transport() : null;
      d.put("network.transport", transport != null ? transport : local != null ? local.transport() : null);
      d.put("network.type", either.family());
    }
    d.put("event.outcome", type.outcome().value());
    return d;
  }

  private static Doc freeswitch(RawFields raw, String action) {
    String subclass = raw.text("Event-Subclass");
    SecurityEventType type = SecurityEventType.of(subclass != null ? subclass : action);
    if (type == null || !type.name().startsWith("SOFIA_")) return null;
    Outcome outcome = type.outcome();
    String authResult = raw.text("auth-result");
    if (type == SecurityEventType.SOFIA_REGISTER_ATTEMPT && authResult != null) {
      // auth-result of sofia_reg.c: SUCCESS and RENEWED accept, FORBIDDEN refuses, STALE re-challenges.
      outcome =
          switch (authResult.toUpperCase(Locale.ROOT)) {
            case "SUCCESS", "RENEWED" -> Outcome.SUCCESS;
            case "FORBIDDEN" -> Outcome.FAILURE;
            default -> Outcome.UNKNOWN;
          };
    }
    Doc d = new Doc();
    d.put("security.event", type.wireName());
    d.put("security.service", "SIP");
    d.put("security.severity", outcome == Outcome.FAILURE ? "Error" : "Informational");
    d.put("security.credential_failure", type.credentialFailure() || outcome == Outcome.FAILURE);
    d.put("security.auth_result", authResult);
    d.put("security.profile", raw.text("profile-name"));
    d.put("security.request_type", raw.text("registration-type"));
    d.put("security.session_id", raw.text("call-id"));
    // register_failure names the user in to-user; pre_register and register_attempt put the AOR being
    // registered in from-user (the naming inversion of §3.10), and the authenticating name in username.
    String user =
        type == SecurityEventType.SOFIA_REGISTER_FAILURE
            ? raw.firstText("to-user", "from-user")
            : raw.firstText("username", "from-user", "to-user");
    String domain =
        type == SecurityEventType.SOFIA_REGISTER_FAILURE
            ? raw.firstText("to-host", "from-host")
            : raw.firstText("realm", "from-host", "to-host");
    d.put("user.name", user);
    d.put("user.domain", domain);
    d.put("user_agent.original", raw.text("user-agent"));
    SecurityAddress source = SecurityAddress.parse(raw.text("network-ip"));
    if (source != null) {
      d.put("source.ip", source.ip());
      d.put("network.type", source.family());
    }
    d.put("source.port", SecurityAddress.port(raw.text("network-port")));
    d.put("network.transport", transport(raw));
    d.put("event.outcome", outcome.value());
    return d;
  }

  /** The SIP transport of a REGISTER, from {@code status: Registered(UDP)} or the contact's transport param. */
  private static String transport(RawFields raw) {
    String status = raw.text("status");
    if (status != null) {
      Matcher m = STATUS_TRANSPORT.matcher(status);
      if (m.find()) return m.group(1).toLowerCase(Locale.ROOT);
    }
    String contact = raw.text("contact");
    if (contact != null) {
      Matcher m = CONTACT_TRANSPORT.matcher(contact);
      if (m.find()) return m.group(1).toLowerCase(Locale.ROOT);
    }
    return null;
  }

  /** ECS: authentication events carry {@code event.category: authentication} (added, never replacing). */
  private static void addAuthenticationCategory(Doc doc) {
    Object existing = doc.get("event.category");
    List<Object> categories = new ArrayList<>();
    if (existing instanceof List<?> l) categories.addAll(l);
    else if (existing != null) categories.add(existing);
    if (!categories.contains("authentication")) categories.add("authentication");
    doc.put("event.category", categories);
  }

  private static void mergeInto(Doc target, Doc source) {
    flatten("", source.asMap(), target);
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> node, Doc target) {
    for (Map.Entry<String, Object> e : node.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m) {
        flatten(prefix + e.getKey() + ".", (Map<String, Object>) m, target);
      } else {
        target.put(prefix + e.getKey(), e.getValue());
      }
    }
  }
}
