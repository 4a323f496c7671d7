package io.callarchive.correlate;

import io.callarchive.enrich.cause.Category;
import io.callarchive.enrich.cause.CauseTable;

/**
 * The cause enricher's full table (event-sources §10) behind {@link HangupCauses}: what imports use. Names win
 * over numbers, since FreeSWITCH reports its own causes above 127 as 16 (§3.7). Stateless, thread-safe.
 */
public final class TableCauses implements HangupCauses {
  @Override
  public Cause resolve(Integer q850, String name) {
    io.callarchive.enrich.cause.Cause c = name == null ? null : CauseTable.byName(name);
    if (c == null && q850 != null) c = CauseTable.byCode(q850);
    if (c == null) return new Cause(q850 != null && q850 >= 0 && q850 <= 127 ? q850 : null, name);
    return new Cause(c.code() <= 127 ? c.code() : null, c.name());
  }

  @Override
  public String category(Cause cause, boolean answered) {
    if (answered) return Category.ANSWERED.value();
    io.callarchive.enrich.cause.Cause c = cause.name() == null ? null : CauseTable.byName(cause.name());
    if (c == null && cause.q850() != null) c = CauseTable.byCode(cause.q850());
    if (c == null) return Category.OTHER.value();
    // a normal clearing of a call that was never answered is the caller giving up (§10.1)
    if (c.category() == Category.ANSWERED) return Category.CANCELLED.value();
    return c.category().value();
  }
}
