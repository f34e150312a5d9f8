#!/bin/sh
# chromium.sh prints the path of a headless-capable Chromium for the browser
# tests (insatser/), installing Debian's `chromium` package with apt-get only
# when no chromium is on PATH (and EFFEKT_CHROMIUM is not set). Idempotent:
# when a binary is there it only prints its path. Installing needs root, as
# in the CI container.
set -eu

find_bin() {
	bin=""
	if [ -n "${EFFEKT_CHROMIUM:-}" ] && [ -x "${EFFEKT_CHROMIUM}" ]; then
		bin=$EFFEKT_CHROMIUM
	elif command -v chromium >/dev/null 2>&1; then
		bin=$(command -v chromium)
	elif command -v chromium-browser >/dev/null 2>&1; then
		bin=$(command -v chromium-browser)
	fi
}

find_bin
if [ -z "$bin" ]; then
	command -v apt-get >/dev/null 2>&1 || { echo "chromium.sh: chromium not found and apt-get unavailable" >&2; exit 1; }
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2; then
		# Empty package lists (fresh container): refresh them once and retry.
		apt-get update >&2 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2 || { echo "chromium.sh: apt-get install chromium failed" >&2; exit 1; }
	fi
	find_bin
	[ -n "$bin" ] || { echo "chromium.sh: chromium missing after install" >&2; exit 1; }
fi
echo "$bin"
