#!/bin/sh
# grafana-node.sh prints the folder (.tools/grafana-node) holding Grafana's
# own frontend packages for the dashboard render test
# (integration/grafana/render.cjs), installing them when missing or when the
# committed lockfile changed:
#   - npm ci of integration/grafana/package.json + package-lock.json
#     (@grafana/data 12.4.0 pinned, a local stand-in for @grafana/runtime);
#   - @grafana/prometheus 12.4.0 unpacked from its registry tarball WITHOUT its
#     dependencies, checked against the sha512 below: the harness needs only
#     its result transformer (dist/cjs/result_transformer.cjs, which imports
#     lodash, @grafana/data and @grafana/runtime), while a full install pulls
#     @grafana/ui, monaco and a GitHub tarball (unreachable here).
# Idempotent: with the stamp matching it only prints the path. Needs node >= 20
# and npm; runs no install scripts.
set -eu

prom_pkg="@grafana/prometheus@12.4.0"
prom_sha512="dPaK8a7albL8LeCm5mNMDIbZDh/R0bW+ISvWVymuX2dgP3Y3sIpbo9feD4ljkrr9fet7mp2K4AtpNi/xBivmQQ=="

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/integration/grafana"
dest="$root/.tools/grafana-node"

stamp=$(cat "$src/package.json" "$src/package-lock.json" "$src/runtime-stub/package.json" "$src/runtime-stub/index.js" | sha256sum | cut -d' ' -f1)
stamp="$stamp $prom_pkg $prom_sha512"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp" ]; then
	echo "$dest"
	exit 0
fi

command -v node >/dev/null 2>&1 || { echo "grafana-node.sh: node not found (node >= 20 needed)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "grafana-node.sh: npm not found" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "grafana-node.sh: node $(node --version), need >= 20" >&2; exit 1; }

mkdir -p "$root/.tools"
work=$(mktemp -d "$root/.tools/grafana-node-dl.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$work/"
cp -R "$src/runtime-stub" "$work/runtime-stub"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
	{ echo "grafana-node.sh: npm ci failed" >&2; exit 1; }

tgz=$(cd "$work" && npm pack "$prom_pkg" --silent 2>/dev/null | tail -n 1)
[ -f "$work/$tgz" ] || { echo "grafana-node.sh: npm pack $prom_pkg failed" >&2; exit 1; }
got=$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$work/$tgz")
[ "$got" = "$prom_sha512" ] || { echo "grafana-node.sh: $tgz has sha512 $got, want $prom_sha512" >&2; exit 1; }
mkdir -p "$work/node_modules/@grafana/prometheus"
tar -xzf "$work/$tgz" -C "$work/node_modules/@grafana/prometheus" --strip-components=1
rm -f "$work/$tgz"

echo "$stamp" >"$work/.stamp"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
echo "$dest"
