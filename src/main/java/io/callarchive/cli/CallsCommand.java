package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.query.CallSearch;
import io.callarchive.query.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "calls",
    mixinStandardHelpOptions = true,
    description = {
      "List calls from callarchive-calls, newest first.",
      "",
      "A table of start (UTC), caller, callee, duration, cause (category and Q.850 code), worst MOS, queue, PBX and"
          + " call id; every option narrows the list. 'callarchive call ID' shows one of them in full.",
      ""
    })
final class CallsCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--caller", paramLabel = "N", description = "Calls from this number (caller.number, exact).")
  String caller;

  @Option(names = "--callee", paramLabel = "N", description = "Calls to this number (callee.number, exact).")
  String callee;

  @Option(names = "--number", paramLabel = "N", description = "Calls from or to this number.")
  String number;

  @Option(
      names = "--cause",
      paramLabel = "CAUSE",
      description = "A cause category (answered, busy, no_answer, rejected, unavailable, failure, cancelled, other), a Q.850 code (17) or a cause name (USER_BUSY).")
  String cause;

  @Option(names = "--queue", paramLabel = "Q", description = "Calls that went through this queue.")
  String queue;

  @Option(names = "--pbx", paramLabel = "NAME", description = "Calls of this PBX (observer.name).")
  String pbx;

  @Option(names = "--from", paramLabel = "WHEN", description = "Calls that started at or after WHEN: ISO-8601 (2026-11-22, 2026-11-22T10:00:00Z) or date math (now-1d/d).")
  String from;

  @Option(names = "--to", paramLabel = "WHEN", description = "Calls that started before WHEN (same forms as --from).")
  String to;

  @ArgGroup(exclusive = true)
  Answer answer;

  static final class Answer {
    @Option(names = "--answered", description = "Answered calls only.")
    boolean answered;

    @Option(names = "--unanswered", description = "Unanswered calls only.")
    boolean unanswered;
  }

  @Option(names = "--min-loss", paramLabel = "PCT", description = "Calls whose worst packet loss (quality.loss_pct_max) is at least PCT percent.")
  Double minLoss;

  @Option(names = "--limit", paramLabel = "K", defaultValue = "20", description = "At most K calls (default ${DEFAULT-VALUE}, at most 10000).")
  int limit;

  @Option(names = "--json", description = "Print {\"total\": N, \"calls\": [the stored documents]} instead of the table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Boolean answered = answer == null ? null : answer.answered;
    CallSearch.Filter f =
        new CallSearch.Filter(caller, callee, number, cause, queue, pbx, from, to, answered, minLoss, limit);
    CallSearch.Result r;
    try (ElasticsearchClient client = connection.connect().client()) {
      r = new CallSearch(client).run(f);
    }
    if (json) spec.commandLine().getOut().println(Json.pretty(CallSearch.toJson(r)));
    else CallSearch.printTable(r, spec.commandLine().getOut());
    return Main.OK;
  }
}
