package io.callarchive.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.model.IndexDoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the alert rules over documents as they come, in the documents' own time. The live stream feeds it
 * every document it has indexed ({@link #accept}) and calls {@link #tick} about once a second with the wall
 * clock, which closes windows, raises flatlines and recoveries; {@code alerts run} feeds it the same documents
 * read back from the indices in time order (ties by id) and ticks once at the end of the range, so the same
 * documents give the same alerts by both paths.
 *
 * <p>Windows slide: a document counts from its time until its time plus the window. Each key of each rule has
 * at most one open alert ({@link Alert.State#FIRED}); while the condition holds it is notified again
 * ({@link Alert.State#RENOTIFIED}) at the first matching document after {@code realert}; when the condition stops
 * holding (a document leaves the window, or a silent source speaks again) a {@link Alert.State#RECOVERED}
 * notice follows, timed exactly when the condition cleared. The engine's own alerts are fed back to it as
 * {@code alerts} documents, so a rule over the alerts index counts repeat offenders (recidive).
 *
 * <p>A document older than the window behind the latest time seen is too late to count and is only counted
 * in {@link #late}. Memory is bounded: at most {@link #MAX_ENTRIES_PER_KEY} documents per key (the oldest go
 * first) and {@link #MAX_KEYS_PER_RULE} keys per rule (new keys beyond are not tracked, counted in
 * {@link #untracked}).
 *
 * <p>With a state file, the windows and open alerts are saved on {@link #tick} when they changed and on
 * {@link #close}, and loaded by the next engine on the same file: an alert that already fired does not fire
 * again after a restart.
 *
 * <p>Thread-safe: every method may be called from any thread; evaluation is serialised on the engine, and the
 * notices are handed to the consumer outside that lock, in order per call. The consumer must not block for long
 * (the notifiers queue their deliveries).
 */
public final class AlertEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final int MAX_ENTRIES_PER_KEY = 10_000;
  public static final int MAX_KEYS_PER_RULE = 100_000;
  /** Alerts about alerts about alerts: deep enough for a recidive tier over a recidive tier, and no loops. */
  private static final int MAX_FEEDBACK_DEPTH = 3;

  private final List<RuleState> rules = new ArrayList<>();
  private final Consumer<Alert> out;
  private final Path stateFile;
  private final PriorityQueue<Due> due =
      new PriorityQueue<>(Comparator.comparing(Due::at).thenComparingLong(Due::seq));
  private final List<Alert> produced = new ArrayList<>();
  private Instant watermark;
  private long seq;
  private boolean dirty;

  public final LongAdder late = new LongAdder();
  public final LongAdder untracked = new LongAdder();
  public final LongAdder capped = new LongAdder();
  public final LongAdder fired = new LongAdder();

  /**
   * @param out receives every notice, outside the engine's lock
   * @param stateFile where windows and open alerts persist across restarts (null: in memory only); loaded now
   */
  public AlertEngine(List<Rule> rules, Consumer<Alert> out, Path stateFile) throws IOException {
    for (Rule r : rules) this.rules.add(new RuleState(r));
    this.out = out;
    this.stateFile = stateFile;
    if (stateFile != null && Files.isRegularFile(stateFile)) load(stateFile);
  }

  /** One document the pipeline has acknowledged (any index type); documents of no rule cost a few checks. */
  public void accept(IndexDoc doc) {
    List<Alert> notices;
    synchronized (this) {
      advance(doc.timestamp());
      insert(doc);
      notices = drain();
    }
    deliver(notices);
  }

  /** The time has come: closes windows up to {@code now}, raises flatlines and recoveries, saves the state. */
  public void tick(Instant now) {
    List<Alert> notices;
    synchronized (this) {
      advance(now);
      notices = drain();
      if (dirty && stateFile != null) save();
    }
    deliver(notices);
  }

  /**
   * Watches a key that has not spoken yet for silence: every flatline rule keyed on {@code field} alone (whose
   * conditions on that field, if any, hold for {@code value}) tracks {@code value} as if it was last heard at
   * {@code since}, so that a configured stream connection that never comes up is reported too. A key already
   * tracked (heard, or loaded from the state file) is left as it is. The live path only: a batch run knows the
   * sources of its data, not those that sent nothing.
   */
  public void expect(String field, String value, Instant since) {
    io.callarchive.model.Doc probe = new io.callarchive.model.Doc();
    probe.put(field, value);
    synchronized (this) {
      for (RuleState rs : rules) {
        Rule rule = rs.rule;
        if (rule.kind() != Rule.Kind.FLATLINE || !rule.key().equals(List.of(field)) || rs.keys.containsKey(value)) continue;
        if (rule.where().stream().anyMatch(c -> c.field().equals(field) && !c.matches(probe))) continue;
        KeyState ks = new KeyState(value);
        ks.lastSeen = since;
        rs.keys.put(value, ks);
        schedule(rs, ks, since.plus(rule.window()));
        dirty = true;
      }
    }
  }

  /** Open alerts now, by rule and key (for status output and tests). */
  public synchronized Map<String, List<String>> open() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (RuleState rs : rules) {
      List<String> keys = new ArrayList<>();
      for (KeyState ks : rs.keys.values()) if (ks.open != null) keys.add(ks.key);
      keys.sort(null);
      m.put(rs.rule.name(), keys);
    }
    return m;
  }

  @Override
  public synchronized void close() {
    if (stateFile != null) save();
  }

  private void deliver(List<Alert> notices) {
    for (Alert a : notices) out.accept(a);
  }

  /** The notices produced so far, each also fed back as an alerts document for rules over the alerts index. */
  private List<Alert> drain() {
    List<Alert> all = new ArrayList<>();
    int from = 0;
    for (int depth = 0; depth <= MAX_FEEDBACK_DEPTH && from < produced.size(); depth++) {
      int to = produced.size();
      for (int i = from; i < to; i++) {
        Alert a = produced.get(i);
        all.add(a);
        if (depth < MAX_FEEDBACK_DEPTH) insert(a.toIndexDoc(a.time()));
      }
      from = to;
    }
    for (int i = from; i < produced.size(); i++) all.add(produced.get(i));
    produced.clear();
    return all;
  }

  private void insert(IndexDoc doc) {
    Instant t = doc.timestamp();
    for (RuleState rs : rules) {
      Rule rule = rs.rule;
      if (!rule.matches(doc)) continue;
      String key = rule.keyOf(doc.doc());
      if (key == null) continue;
      KeyState ks = rs.keys.get(key);
      if (ks == null) {
        if (rs.keys.size() >= MAX_KEYS_PER_RULE) {
          untracked.increment();
          continue;
        }
        ks = new KeyState(key);
        rs.keys.put(key, ks);
      }
      dirty = true;
      if (rule.kind() == Rule.Kind.FLATLINE) {
        if (ks.lastSeen == null || t.isAfter(ks.lastSeen)) {
          ks.lastSeen = t;
          ks.lastDoc = doc.id();
        }
        if (ks.open != null && !t.isBefore(ks.open.windowStart)) {
          double silent = Duration.between(ks.open.windowStart, t).toMillis() / 1000.0;
          notice(rs, ks, Alert.State.RECOVERED, silent, ks.open.windowStart, t, t, List.of(doc.id()));
          ks.open = null;
        }
        schedule(rs, ks, ks.lastSeen.plus(rule.window()));
        continue;
      }
      if (!t.plus(rule.window()).isAfter(watermark)) {
        late.increment();
        if (ks.entries.isEmpty() && ks.open == null) rs.keys.remove(key);
        continue;
      }
      Entry e = new Entry(t, doc.id(), measure(rule, doc), distinct(rule, doc), rule.kind() == Rule.Kind.RATIO && rule.inNumerator(doc.doc()));
      ks.add(e);
      if (ks.entries.size() > MAX_ENTRIES_PER_KEY) {
        ks.removeFirst();
        capped.increment();
      }
      schedule(rs, ks, ks.entries.getFirst().time().plus(rule.window()));
      evaluate(rs, ks, t, true);
    }
  }

  private static double measure(Rule rule, IndexDoc doc) {
    if (rule.kind() != Rule.Kind.THRESHOLD) return Double.NaN;
    Double v = Condition.number(doc.doc().get(rule.field()));
    return v == null ? Double.NaN : v;
  }

  private static String distinct(Rule rule, IndexDoc doc) {
    if (rule.kind() != Rule.Kind.CARDINALITY) return null;
    Object v = doc.doc().get(rule.field());
    return v == null ? null : v.toString();
  }

  /** Moves time forward to {@code t} and handles every window end and silence due by then, in time order. */
  private void advance(Instant t) {
    if (watermark == null || t.isAfter(watermark)) watermark = t;
    while (!due.isEmpty() && !due.peek().at().isAfter(watermark)) {
      Due d = due.poll();
      KeyState ks = d.ks();
      if (!d.at().equals(ks.dueAt) || d.rs().keys.get(ks.key) != ks) continue;
      ks.dueAt = null;
      RuleState rs = d.rs();
      Rule rule = rs.rule;
      dirty = true;
      if (rule.kind() == Rule.Kind.FLATLINE) {
        Instant silentUntil = ks.lastSeen.plus(rule.window());
        if (silentUntil.isAfter(d.at())) {
          schedule(rs, ks, silentUntil);
        } else if (ks.open == null) {
          ks.open = new Open(ks.lastSeen, silentUntil);
          notice(rs, ks, Alert.State.FIRED, rule.window().toMillis() / 1000.0, ks.lastSeen, silentUntil, silentUntil,
              ks.lastDoc == null ? List.of() : List.of(ks.lastDoc));
        }
        continue;
      }
      Instant cut = d.at().minus(rule.window());
      while (!ks.entries.isEmpty() && !ks.entries.getFirst().time().isAfter(cut)) ks.removeFirst();
      evaluate(rs, ks, d.at(), false);
      if (!ks.entries.isEmpty()) {
        schedule(rs, ks, ks.entries.getFirst().time().plus(rule.window()));
      } else if (ks.open == null) {
        rs.keys.remove(ks.key);
      }
    }
  }

  private void schedule(RuleState rs, KeyState ks, Instant at) {
    // An earlier due stays: when it comes it reschedules for what remains.
    if (ks.dueAt != null && !ks.dueAt.isAfter(at)) return;
    ks.dueAt = at;
    due.add(new Due(at, seq++, rs, ks));
  }

  /** The window's value and whether the rule's condition holds on it. */
  private record Measured(double value, boolean holds) {}

  private static Measured measured(Rule rule, KeyState ks) {
    return switch (rule.kind()) {
      case FREQUENCY -> {
        double n = ks.entries.size();
        yield new Measured(n, rule.op().test(n, rule.threshold()));
      }
      case CARDINALITY -> {
        double n = ks.distinct.size();
        yield new Measured(n, rule.op().test(n, rule.threshold()));
      }
      case THRESHOLD -> {
        int n = ks.valued;
        if (n == 0) yield new Measured(Double.NaN, false);
        double v = switch (rule.stat()) {
          case AVG -> ks.sum / n;
          // min and max are rarer and need the whole window; the running sum serves the average
          case MIN -> ks.entries.stream().filter(e -> !Double.isNaN(e.value())).mapToDouble(Entry::value).min().orElse(Double.NaN);
          case MAX -> ks.entries.stream().filter(e -> !Double.isNaN(e.value())).mapToDouble(Entry::value).max().orElse(Double.NaN);
        };
        yield new Measured(v, n >= rule.minCount() && rule.op().test(v, rule.threshold()));
      }
      case RATIO -> {
        int n = ks.entries.size();
        if (n == 0) yield new Measured(Double.NaN, false);
        double pct = 100.0 * ks.numerators / n;
        yield new Measured(pct, n >= rule.minCount() && rule.op().test(pct, rule.threshold()));
      }
      case FLATLINE -> throw new IllegalStateException("flatline rules are not windowed");
    };
  }

  private void evaluate(RuleState rs, KeyState ks, Instant at, boolean onDocument) {
    Rule rule = rs.rule;
    Measured m = measured(rule, ks);
    if (m.holds()) {
      Instant start = ks.entries.getFirst().time();
      if (ks.open == null) {
        ks.open = new Open(start, at);
        notice(rs, ks, Alert.State.FIRED, m.value(), start, at, at, docIds(ks));
      } else if (onDocument && !at.isBefore(ks.open.lastNotified.plus(rule.realert()))) {
        ks.open = new Open(ks.open.windowStart, at);
        notice(rs, ks, Alert.State.RENOTIFIED, m.value(), start, at, at, docIds(ks));
      }
    } else if (ks.open != null) {
      Instant start = ks.entries.isEmpty() ? ks.open.windowStart : ks.entries.getFirst().time();
      notice(rs, ks, Alert.State.RECOVERED, Double.isNaN(m.value()) ? 0 : m.value(), start, at, at, docIds(ks));
      ks.open = null;
    }
  }

  private static List<String> docIds(KeyState ks) {
    List<String> ids = new ArrayList<>();
    for (Entry e : ks.entries) {
      if (ids.size() == Alert.MAX_DOC_IDS) break;
      ids.add(e.docId());
    }
    return ids;
  }

  private void notice(
      RuleState rs, KeyState ks, Alert.State state, double value, Instant windowStart, Instant windowEnd, Instant at,
      List<String> docIds) {
    Rule r = rs.rule;
    Instant opened = state == Alert.State.FIRED ? windowStart : ks.open.windowStart;
    String id = Alert.id(r.name(), ks.key, opened, state, at);
    if (state == Alert.State.FIRED) fired.increment();
    produced.add(new Alert(id, r.name(), r.kind(), state, ks.key, r.key(), r.index(), value, r.threshold(),
        r.condition(), windowStart, windowEnd, at, docIds));
  }

  // ---- state file ---------------------------------------------------------------------------------------

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    if (watermark != null) root.put("watermark", watermark.toString());
    ObjectNode rulesNode = root.putObject("rules");
    for (RuleState rs : rules) {
      ObjectNode keys = rulesNode.putObject(rs.rule.name());
      for (KeyState ks : rs.keys.values()) {
        ObjectNode k = keys.putObject(ks.key);
        if (ks.lastSeen != null) k.put("last_seen", ks.lastSeen.toString());
        if (ks.lastDoc != null) k.put("last_doc", ks.lastDoc);
        if (ks.open != null) {
          k.putObject("open").put("window_start", ks.open.windowStart.toString())
              .put("last_notified", ks.open.lastNotified.toString());
        }
        ArrayNode entries = k.putArray("entries");
        for (Entry e : ks.entries) {
          ArrayNode a = entries.addArray();
          a.add(e.time().toString()).add(e.docId());
          if (Double.isNaN(e.value())) a.addNull(); else a.add(e.value());
          a.add(e.distinct()).add(e.numerator());
        }
      }
    }
    try {
      Path parent = stateFile.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      dirty = false;
    } catch (IOException e) {
      // Alerting goes on in memory; the next tick tries again.
      log.warn("Could not save the alert state to {}: {}", stateFile, e.getMessage());
    }
  }

  private void load(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("the alert state file " + file + " cannot be read (" + e.getMessage()
          + "); move it away to start with empty windows", e);
    }
    if (root.hasNonNull("watermark")) watermark = Instant.parse(root.get("watermark").asText());
    JsonNode rulesNode = root.path("rules");
    for (RuleState rs : rules) {
      JsonNode keys = rulesNode.path(rs.rule.name());
      Iterator<Map.Entry<String, JsonNode>> it = keys.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> kv = it.next();
        KeyState ks = new KeyState(kv.getKey());
        JsonNode k = kv.getValue();
        if (k.hasNonNull("last_seen")) ks.lastSeen = Instant.parse(k.get("last_seen").asText());
        if (k.hasNonNull("last_doc")) ks.lastDoc = k.get("last_doc").asText();
        if (k.hasNonNull("open")) {
          ks.open = new Open(Instant.parse(k.get("open").get("window_start").asText()),
              Instant.parse(k.get("open").get("last_notified").asText()));
        }
        for (JsonNode a : k.path("entries")) {
          ks.add(new Entry(Instant.parse(a.get(0).asText()), a.get(1).asText(),
              a.get(2).isNull() ? Double.NaN : a.get(2).asDouble(), a.get(3).isNull() ? null : a.get(3).asText(),
              a.get(4).asBoolean()));
        }
        rs.keys.put(ks.key, ks);
        if (rs.rule.kind() == Rule.Kind.FLATLINE) {
          if (ks.lastSeen != null && ks.open == null) schedule(rs, ks, ks.lastSeen.plus(rs.rule.window()));
        } else if (!ks.entries.isEmpty()) {
          schedule(rs, ks, ks.entries.getFirst().time().plus(rs.rule.window()));
        } else if (ks.open != null) {
          schedule(rs, ks, watermark != null ? watermark : Instant.EPOCH);
        }
      }
    }
  }

  // ---- per rule and key ---------------------------------------------------------------------------------

  private static final class RuleState {
    final Rule rule;
    final Map<String, KeyState> keys = new HashMap<>();

    RuleState(Rule rule) {
      this.rule = rule;
    }
  }

  /** A document in a window: when, which, and what it contributes. */
  private record Entry(Instant time, String docId, double value, String distinct, boolean numerator) {}

  /** The open alert of a key: the start of the window it fired on, and when it was last notified. */
  private record Open(Instant windowStart, Instant lastNotified) {}

  private record Due(Instant at, long seq, RuleState rs, KeyState ks) {}

  private static final class KeyState {
    final String key;
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    final java.util.Set<String> ids = new java.util.HashSet<>();
    /** Running aggregates of the window, so that a document costs the same however full the window is. */
    final Map<String, Integer> distinct = new HashMap<>();
    double sum;
    int valued;
    int numerators;
    Open open;
    Instant lastSeen;
    String lastDoc;
    Instant dueAt;

    KeyState(String key) {
      this.key = key;
    }

    /** Adds in time order; a document seen again (same id: a call summary rewritten) replaces its entry. */
    void add(Entry e) {
      if (!ids.add(e.docId())) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
          Entry x = it.next();
          if (x.docId().equals(e.docId())) {
            it.remove();
            minus(x);
            break;
          }
        }
      }
      plus(e);
      if (entries.isEmpty() || !entries.getLast().time().isAfter(e.time())) {
        entries.addLast(e);
        return;
      }
      List<Entry> tail = new ArrayList<>();
      while (!entries.isEmpty() && entries.getLast().time().isAfter(e.time())) tail.add(entries.removeLast());
      entries.addLast(e);
      for (int i = tail.size() - 1; i >= 0; i--) entries.addLast(tail.get(i));
    }

    void removeFirst() {
      Entry e = entries.removeFirst();
      ids.remove(e.docId());
      minus(e);
    }

    private void plus(Entry e) {
      if (!Double.isNaN(e.value())) {
        sum += e.value();
        valued++;
      }
      if (e.distinct() != null) distinct.merge(e.distinct(), 1, Integer::sum);
      if (e.numerator()) numerators++;
    }

    private void minus(Entry e) {
      if (!Double.isNaN(e.value())) {
        sum -= e.value();
        valued--;
        // a running sum drifts by rounding; an empty window starts again from an exact zero
        if (valued == 0) sum = 0;
      }
      if (e.distinct() != null) distinct.computeIfPresent(e.distinct(), (k, n) -> n == 1 ? null : n - 1);
      if (e.numerator()) numerators--;
    }
  }
}
