#!/usr/bin/env bash
# Opens an OptBench report.html in headless Chromium, as a reader sees it, and
# saves screenshots: the whole page in slices, at desktop and at 800 px width.
#
#   scripts/screenshot_report.sh results/<run>/report.html [out-dir]
#
# Needs Debian's chromium (sudo apt-get install chromium).
set -euo pipefail
report=${1:?usage: scripts/screenshot_report.sh REPORT.html [OUT-DIR]}
out=${2:-$(dirname "$report")/screenshots}
[ -f "$report" ] || { echo "screenshot_report.sh: $report: no such file" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshot_report.sh: chromium not found (sudo apt-get install chromium)" >&2; exit 1; }
mkdir -p "$out"
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
shoot() {  # name width height
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --run-all-compositor-stages-before-draw \
        --virtual-time-budget=2000 --window-size="$2,$3" --screenshot="$out/$1.png" "$url" >/dev/null 2>&1
    echo "$out/$1.png"
}
# The full page at two widths; browsers cap a screenshot's height, so take it tall.
shoot desktop 1280 16000
shoot narrow 800 20000
