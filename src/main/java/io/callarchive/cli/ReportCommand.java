package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.callarchive.kibana.EsSearch;
import io.callarchive.kibana.Report;
import io.callarchive.kibana.SavedObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "The dashboards without Kibana: every panel as a table.",
      "",
      "Computes each panel of the dashboards (calls, quality, queue, security, ingest) from its saved object,"
          + " with the same Elasticsearch search Kibana runs for it, over a time range. Use it for a daily report.",
      ""
    })
final class ReportCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin DashboardOptions dashboards = new DashboardOptions();
  @Spec CommandSpec spec;

  @Option(names = "--from", paramLabel = "TIME", defaultValue = "now-7d",
      description = "Start: ISO instant, a date (UTC midnight), now, or now-N[mhd] (default ${DEFAULT-VALUE}).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", defaultValue = "now", description = "End, same forms (default ${DEFAULT-VALUE}).")
  String to;

  @Option(names = "--dashboard", paramLabel = "NAME", description = "Only this dashboard: calls, quality, queue, security or ingest.")
  String dashboard;

  @Option(names = "--json", description = "Print JSON (raw values: ratios as ratios) instead of tables.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Instant now = Instant.now();
    Instant f = time(from, now, "--from");
    Instant t = time(to, now, "--to");
    if (!f.isBefore(t)) throw new IllegalArgumentException("--from (" + f + ") must be before --to (" + t + ")");
    SavedObjects objects = dashboards.load();
    List<Report.Dashboard> result;
    try (ElasticsearchClient client = connection.connect().client()) {
      result = Report.run(objects, new EsSearch(client), f, t, dashboard);
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(Report.json(result, f, t)));
    } else {
      out.print(Report.text(result, f, t));
    }
    out.flush();
    return Main.OK;
  }

  private static final Pattern RELATIVE = Pattern.compile("now(?:-(\\d+)([mhd]))?");

  static Instant time(String s, Instant now, String option) {
    Matcher m = RELATIVE.matcher(s.trim());
    if (m.matches()) {
      if (m.group(1) == null) return now;
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return now.minus(d);
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(option + " " + s + " is not a time: give 2026-11-30T00:00:00Z, 2026-11-30,"
            + " now or now-1d");
      }
    }
  }
}
