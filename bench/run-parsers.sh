#!/usr/bin/env bash
# Parse + normalise throughput benchmarks (JMH), one thread. Builds the bench module, generates corpus-like
# input under bench/target/bench-input (100 and 200 MiB per format, reused when present), then runs JMH.
#
#   bench/run-parsers.sh                    # every format, 100 and 200 MiB, with the GC profiler
#   bench/run-parsers.sh -p format=ami      # extra arguments go to JMH (here: AMI only)
#
# Needs a JDK 21+ (found like bin/callarchive does) and ../shared/corpus beside the checkout.
set -euo pipefail

bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$bench/.." && pwd)"
shared="${CALLARCHIVE_SHARED:-$root/../shared}"

java_major() { # prints the feature version of the java in $1/bin/java, or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local best="" best_v=0 v
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(java_major "$c")"; v="${v%%.*}"
    [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
    if [ "$c" = "${JAVA_HOME:-}" ] && [ "$v" -ge 21 ]; then best="$c"; break; fi
  done
  [ -n "$best" ] || { echo "run-parsers: no JDK 21 or newer found (set JAVA_HOME)" >&2; return 1; }
  echo "$best"
}

JAVA_HOME="$(find_jdk)"
export JAVA_HOME
[ -d "$shared/corpus" ] || { echo "run-parsers: no corpus at $shared/corpus (set CALLARCHIVE_SHARED)" >&2; exit 1; }

mvn -B -q -f "$bench/pom.xml" process-classes
cp="$bench/target/classes:$(cat "$bench/target/classpath.txt")"
input="$bench/target/bench-input"
mkdir -p "$input"

formats="ami ari kazoo ccs"
[ -d "$root/src/main/java/io/callarchive/parse/freeswitch" ] && formats="$formats freeswitch"
for f in $formats; do
  for mb in 100 200; do
    out="$input/$f-${mb}mb.txt"
    [ -f "$out" ] || "$JAVA_HOME/bin/java" -cp "$cp" io.callarchive.bench.CorpusGenerator "$f" "$mb" "$shared" "$out"
  done
done

fmt_param="$(echo "$formats" | tr ' ' ',')"
cd "$bench"
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main ParseNormaliseBenchmark \
  -p format="$fmt_param" -prof gc \
  -rf json -rff "$bench/target/jmh-result.json" "$@"
