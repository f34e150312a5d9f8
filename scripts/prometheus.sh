#!/bin/sh
# prometheus.sh prints the path of a prometheus binary (promtool sits beside
# it; --promtool prints its path instead), providing both under .tools/ when
# they are not on PATH. It never installs a package or starts a service: it downloads the
# Debian package with `apt-get download` and unpacks it with `dpkg-deb -x`.
# Idempotent; when the binaries are already there it only prints the paths.
#
#   eval "$(scripts/prometheus.sh --env)"   # sets EFFEKT_PROMETHEUS, EFFEKT_PROMTOOL
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
prom_dir="$tools/prometheus"

find_bins() {
	prom=""
	tool=""
	if [ -n "${EFFEKT_PROMETHEUS:-}" ] && [ -x "${EFFEKT_PROMETHEUS}" ]; then
		prom=$EFFEKT_PROMETHEUS
	elif command -v prometheus >/dev/null 2>&1; then
		prom=$(command -v prometheus)
	elif [ -x "$prom_dir/usr/bin/prometheus" ]; then
		prom="$prom_dir/usr/bin/prometheus"
	fi
	if [ -n "${EFFEKT_PROMTOOL:-}" ] && [ -x "${EFFEKT_PROMTOOL}" ]; then
		tool=$EFFEKT_PROMTOOL
	elif command -v promtool >/dev/null 2>&1; then
		tool=$(command -v promtool)
	elif [ -x "$prom_dir/usr/bin/promtool" ]; then
		tool="$prom_dir/usr/bin/promtool"
	fi
}

find_bins
if [ -z "$prom" ] || [ -z "$tool" ]; then
	command -v apt-get >/dev/null 2>&1 || { echo "prometheus.sh: prometheus not found and apt-get unavailable" >&2; exit 1; }
	mkdir -p "$prom_dir"
	work=$(mktemp -d "$tools/prometheus-dl.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
		# Empty package lists (fresh container): refresh them once and retry.
		apt-get update >/dev/null 2>&1 || true
		(cd "$work" && apt-get download prometheus >&2) || { echo "prometheus.sh: apt-get download prometheus failed" >&2; exit 1; }
	fi
	dpkg-deb -x "$work"/prometheus_*.deb "$prom_dir"
	find_bins
	[ -n "$prom" ] && [ -n "$tool" ] || { echo "prometheus.sh: prometheus/promtool missing from the package" >&2; exit 1; }
fi

case "${1:-}" in
--env)
	echo "export EFFEKT_PROMETHEUS='$prom'"
	echo "export EFFEKT_PROMTOOL='$tool'"
	;;
--promtool) echo "$tool" ;;
*) echo "$prom" ;;
esac
