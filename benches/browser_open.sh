#!/usr/bin/env bash
# How long headless Chromium takes to open a change-board report (`check -f html`).
#
#   benches/browser_open.sh REPORT.html [RUNS]
#
# Prints, per run, two numbers:
#   load  - milliseconds from navigation start to just after the page's load event
#           (parsing the whole file and running its filter script), read from a copy
#           of the report with one line of script appended;
#   shot  - wall-clock milliseconds of a whole `--screenshot` run (start, load, layout,
#           paint, exit) minus the same run on an empty page (Chromium's start-up).
# Needs Debian's `chromium` (or CHROMIUM=/path/to/chrome).
set -euo pipefail

report=${1:?usage: browser_open.sh REPORT.html [RUNS]}
runs=${2:-3}
chromium=${CHROMIUM:-chromium}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$report" "$work/timed.html"
echo '<script>addEventListener("load",()=>{setTimeout(()=>{document.title="loaded "+Math.round(performance.now())},0)})</script>' >> "$work/timed.html"
echo '<!DOCTYPE html><title>empty</title>' > "$work/empty.html"

browser() {
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" "$@" 2>/dev/null
}

ms() { date +%s%3N; }

for run in $(seq 1 "$runs"); do
  load=$(browser --virtual-time-budget=60000 --dump-dom "file://$work/timed.html" \
    | grep -o '<title>loaded [0-9]*' | grep -o '[0-9]*$' || echo "?")
  t0=$(ms); browser --window-size=1280,2000 --screenshot="$work/empty.png" "file://$work/empty.html" >/dev/null; t1=$(ms)
  browser --window-size=1280,2000 --screenshot="$work/report.png" "file://$report" >/dev/null; t2=$(ms)
  echo "run $run: load ${load} ms, shot $(( (t2 - t1) - (t1 - t0) )) ms (start-up $(( t1 - t0 )) ms)"
done
