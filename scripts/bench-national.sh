#!/usr/bin/env bash
# The national benchmark of issue 11: whole-process runs of the release binary on the
# instances the issue names, each planned RUNS times (default 3, alternating), reporting
# the median wall time, the peak memory (max RSS) and, per stage, status, value and seconds
# of the median run. Timings are noisy: run it on an otherwise idle machine.
#
#   scripts/bench-national.sh                 # both instances, 3 runs each
#   RUNS=5 scripts/bench-national.sh open     # one instance: open | fixed
#
# Needs /usr/bin/time (GNU time). Writes into target/bench-national/.
#
# Each plan runs with --time-limit 900, and as the model stands neither instance is solved
# within it (README, Benchmarks): one run of the fixed instance took 17 minutes, and the
# open one runs to its limit as well, so the default (both, 3 runs each) takes well over an
# hour. RUNS=1 is a quicker look.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${RUNS:-3}"
if [ $# -gt 0 ]; then which=("$@"); else which=(open fixed); fi
out=target/bench-national
mkdir -p "$out"

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/klynge

# The instances of the issue: the national one in open mode (357 municipalities, 120 hubs,
# 236 small associations, 3,000 instructors, 6,000 requests), and `generate --instructors
# 3000 --seed 3` in fixed clusters.
generate() {
  case "$1" in
    open) "$bin" generate --instructors 3000 --requests 6000 --hubs 120 --small 236 \
            --cluster-mode open "$out/open" >/dev/null ;;
    fixed) "$bin" generate --instructors 3000 --seed 3 "$out/fixed" >/dev/null ;;
    *) echo "unknown instance '$1' (open or fixed)" >&2; exit 2 ;;
  esac
}

for name in "${which[@]}"; do
  [ -d "$out/$name" ] || generate "$name"
done

# One run: wall seconds, max RSS in MiB, and the stage lines of the summary.
run_once() {
  local name=$1 k=$2
  rm -f "$out/$name.db"
  /usr/bin/time -f '%e %M' -o "$out/$name.$k.time" \
    "$bin" --db "$out/$name.db" --lang en plan --time-limit 900 "$out/$name" \
    >"$out/$name.$k.log" 2>/dev/null || true
}

for k in $(seq 1 "$runs"); do
  for name in "${which[@]}"; do
    echo "run $k of $runs: $name" >&2
    run_once "$name" "$k"
  done
done

echo "| instance | median wall | runs (s) | peak RSS | stages (median run: status, seconds) |"
echo "|---|---|---|---|---|"
for name in "${which[@]}"; do
  walls=()
  for k in $(seq 1 "$runs"); do walls+=("$(cut -d' ' -f1 "$out/$name.$k.time")"); done
  sorted=$(printf '%s\n' "${walls[@]}" | sort -g)
  median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  mk=1
  for k in $(seq 1 "$runs"); do
    [ "$(cut -d' ' -f1 "$out/$name.$k.time")" = "$median" ] && mk=$k && break
  done
  rss=$(( $(cut -d' ' -f2 "$out/$name.$mk.time") / 1024 ))
  stages=$(grep -E '^  Stage ' "$out/$name.$mk.log" \
    | sed -E 's/^  Stage ([0-9b]+) \(([^)]*)\): ([a-z ]+)[;,].* ([0-9.]+) s$/\1: \3, \4 s/' \
    | paste -sd ';' -)
  echo "| $name | ${median} s | $(echo "$sorted" | paste -sd ',' -) | ${rss} MiB | ${stages} |"
done
