package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.query.CallTimeline;
import io.callarchive.query.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
      "Show one call as a timeline.",
      "",
      "Every event of every leg in time order with its offset from the first and the leg it belongs to; transfers,"
          + " queue stays, RTCP reports summarised per leg and direction, charges and the dead letters that name the"
          + " call; then the summary document.",
      ""
    })
final class CallCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The call id or any key of one of its legs: Uniqueid, Linkedid, Call-ID, channel UUID, seance.")
  String id;

  @Option(names = "--pbx", paramLabel = "NAME", description = "The PBX (observer.name) when the same key exists on several.")
  String pbx;

  @Option(names = "--json", description = "Print the same as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CallTimeline.Timeline t;
    try (ElasticsearchClient client = connection.connect().client()) {
      t = new CallTimeline(client).find(id, pbx);
    }
    if (json) spec.commandLine().getOut().println(Json.pretty(CallTimeline.toJson(t)));
    else CallTimeline.print(t, spec.commandLine().getOut());
    return Main.OK;
  }
}
