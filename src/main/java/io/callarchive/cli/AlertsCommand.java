package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.callarchive.alert.Alert;
import io.callarchive.alert.AlertConfig;
import io.callarchive.alert.AlertRun;
import io.callarchive.alert.Durations;
import io.callarchive.alert.Rule;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate the alert rules over what is indexed, and show the alerts.",
      "",
      "The rules are read from --alerts FILE, else CALLARCHIVE_ALERTS, else alerts.yml in the callarchive home,"
          + " else the built-in default pack (the same as ingest/alerts.yml). Every alert goes to the"
          + " callarchive-alerts index and the log, and to the webhooks and mail notifiers of the rules file.",
      ""
    },
    subcommands = {AlertsCommand.Run.class, AlertsCommand.ListAlerts.class, AlertsCommand.Check.class})
final class AlertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the rules come from, shared by the alerts commands and import. */
  static final class RulesOptions {
    @Option(names = "--alerts", paramLabel = "FILE", description = "Alert rules file (default: CALLARCHIVE_ALERTS, else alerts.yml in the home, else the built-in pack).")
    Path file;

    /** The configured rules file, or null when none is configured (the built-in pack is not a configuration). */
    Path configured(Path home) {
      if (file != null) return file;
      String env = LocalNodeOptions.env("CALLARCHIVE_ALERTS");
      if (env != null) return Path.of(env);
      Path inHome = home.resolve("alerts.yml");
      return Files.isRegularFile(inHome) ? inHome : null;
    }

    AlertConfig load(Path home) throws Exception {
      Path f = configured(home);
      if (f == null) return AlertConfig.builtIn();
      if (!Files.isRegularFile(f)) throw new AlertConfig.InvalidException("the alert rules file " + f + " does not exist");
      return AlertConfig.load(f);
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Evaluate the rules over the documents of a time range, with the events' own times.",
        "",
        "Alerts already in callarchive-alerts (same rule, key and window) are neither written nor notified"
            + " again, so running twice over a range adds nothing. Prints the alerts that are new.",
        ""
      })
  static final class Run implements Callable<Integer> {
    @Mixin ConnectionOptions connection = new ConnectionOptions();
    @Mixin RulesOptions rules = new RulesOptions();
    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "WHEN", description = "Start: an ISO-8601 instant (2026-11-30T00:00:00Z) or a duration back from now (24h).")
    String from;

    @Option(names = "--to", paramLabel = "WHEN", description = "End: an ISO-8601 instant or a duration back from now (default: now).")
    String to;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--templates", paramLabel = "DIR", hidden = true)
    Path templates;

    @Override
    public Integer call() throws Exception {
      AlertConfig config = rules.load(connection.local.settings().home());
      Instant now = Instant.now();
      Instant f = when(from, now, "--from");
      Instant t = to == null ? now : when(to, now, "--to");
      if (t.isBefore(f)) throw new IllegalArgumentException("--to (" + t + ") is before --from (" + f + ")");
      AlertRun.Result r;
      try (ElasticsearchClient client = connection.connect().client()) {
        r = AlertRun.run(client, config, f, t, templates);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", f.toString());
        m.put("to", t.toString());
        m.put("documents", r.documents());
        m.put("notices", r.alerts().size());
        m.put("new", r.added().stream().map(Alert::toJson).toList());
        m.put("notifiers", r.notifiers());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      } else {
        out.printf("%d documents over %s .. %s; %d alert notices, %d new%n", r.documents(), f, t, r.alerts().size(),
            r.added().size());
        for (Alert a : r.added()) out.println("  " + a.time() + "  " + a.message());
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Show open and recent alerts.")
  static final class ListAlerts implements Callable<Integer> {
    @Mixin ConnectionOptions connection = new ConnectionOptions();
    @Spec CommandSpec spec;

    @Option(names = "--since", paramLabel = "WHEN", defaultValue = "7d", description = "Alerts since an ISO-8601 instant or a duration back from now (default ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--max", paramLabel = "N", defaultValue = "200", description = "At most N notices (default ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--json", description = "Print JSON: {\"open\": [...], \"recent\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Instant s = when(since, Instant.now(), "--since");
      AlertRun.Listing l;
      try (ElasticsearchClient client = connection.connect().client()) {
        l = AlertRun.list(client, s, max);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", l.open());
        m.put("recent", l.recent());
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      } else {
        out.printf("open alerts: %d%n", l.open().size());
        for (Map<String, Object> a : l.open()) out.println("  " + a.get("@timestamp") + "  " + a.get("rule") + "  " + a.get("key") + "  " + a.get("message"));
        out.printf("recent notices since %s: %d%n", s, l.recent().size());
        for (Map<String, Object> a : l.recent()) out.println("  " + a.get("@timestamp") + "  " + a.get("message"));
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the rules file and list its rules and notifiers.")
  static final class Check implements Callable<Integer> {
    @Mixin LocalNodeOptions local = new LocalNodeOptions();
    @Mixin RulesOptions rules = new RulesOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      AlertConfig c = rules.load(local.settings().home());
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%s: %d rules, %d webhooks, %d mail notifiers%n", c.source(), c.rules().size(), c.webhooks().size(), c.emails().size());
      for (Rule r : c.rules()) {
        out.printf("  %-28s %-11s %-9s per %s: %s%n", r.name(), r.kind().name().toLowerCase(), r.index().typeName(),
            String.join("+", r.key()), r.condition());
      }
      out.flush();
      return Main.OK;
    }
  }

  /** An ISO-8601 instant, or a duration back from {@code now}. */
  static Instant when(String text, Instant now, String option) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return now.minus(Durations.parse(text));
      } catch (IllegalArgumentException d) {
        throw new IllegalArgumentException(option + " must be an ISO-8601 instant like 2026-11-30T00:00:00Z or a duration like 24h, got '" + text + "'");
      }
    }
  }

}
