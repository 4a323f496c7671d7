package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Bytes;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.cat.indices.IndicesRecord;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole monthly indices {@code callarchive-<type>-YYYY.MM} whose month ended before the retention cutoff
 * of their type. Works on any distribution (no ILM needed): an index is a month of documents, so deleting it is
 * cheap and exact, and the read aliases follow by themselves. The current month is never deleted (its end is in
 * the future). Stateless.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);
  private static final Pattern MONTHLY = Pattern.compile(Pattern.quote(IndexType.PREFIX) + "([a-z]+)-(\\d{4})\\.(\\d{2})");

  /** One monthly index older than its type's cutoff. */
  public record Expired(String index, IndexType type, YearMonth month, long docs, long bytes) {}

  public record Result(List<Expired> expired, boolean deleted, long bytes) {}

  private final ElasticsearchClient es;

  public Pruner(ElasticsearchClient es) {
    this.es = es;
  }

  /** The monthly indices that {@code retention} no longer keeps at {@code now}, oldest first. */
  public List<Expired> expired(Retention retention, Instant now) throws IOException {
    List<Expired> out = new ArrayList<>();
    List<IndicesRecord> records = es.cat().indices(r -> r.index(IndexType.PREFIX + "*").bytes(Bytes.Bytes)
        .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed)).indices();
    for (IndicesRecord rec : records) {
      Matcher m = MONTHLY.matcher(rec.index() == null ? "" : rec.index());
      if (!m.matches()) continue;
      IndexType type;
      try {
        type = Retention.type(m.group(1));
      } catch (IllegalArgumentException notOurs) {
        continue;
      }
      int month = Integer.parseInt(m.group(3));
      if (month < 1 || month > 12) continue;
      YearMonth ym = YearMonth.of(Integer.parseInt(m.group(2)), month);
      if (isExpired(ym, retention.keep(type), now)) {
        out.add(new Expired(rec.index(), type, ym, number(rec.docsCount()), number(rec.storeSize())));
      }
    }
    out.sort(Comparator.comparing(Expired::month).thenComparing(Expired::index));
    return out;
  }

  /** Whether every instant of {@code month} (UTC) is older than {@code now} minus {@code keep}. */
  public static boolean isExpired(YearMonth month, Retention.Period keep, Instant now) {
    Instant cutoff = keep.cutoff(now);
    Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return cutoff != null && !monthEnd.isAfter(cutoff);
  }

  /** Lists ({@code dryRun}) or deletes the expired indices. */
  public Result prune(Retention retention, Instant now, boolean dryRun) throws IOException {
    List<Expired> expired = expired(retention, now);
    long bytes = expired.stream().mapToLong(Expired::bytes).sum();
    if (!dryRun) {
      for (Expired e : expired) {
        try {
          es.indices().delete(r -> r.index(e.index()));
          log.info("Deleted {} ({} documents, {} bytes): older than {} for {}", e.index(), e.docs(), e.bytes(),
              retention.keep(e.type()), e.type().typeName());
        } catch (ElasticsearchException ex) {
          if (!"index_not_found_exception".equals(ex.error().type())) throw ex; // another prune was faster
        }
      }
    }
    return new Result(expired, !dryRun, bytes);
  }

  private static long number(String s) {
    if (s == null || s.isBlank()) return 0;
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
