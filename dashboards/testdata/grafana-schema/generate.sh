#!/usr/bin/env bash
# Regenerates dashboard.schema.json: the JSON schema of Grafana's dashboard
# model (schema v1, the JSON that /api/dashboards/db and file provisioning
# take), derived from the TypeScript types Grafana publishes in the npm
# package @grafana/schema (dist/types/raw/dashboard/x/types.gen.d.ts) with
# ts-json-schema-generator. Objects are closed (additionalProperties false),
# so an unknown or misspelt key fails TestGrafanaSchema. Needs node and npm;
# the test itself only reads the committed schema.
set -euo pipefail
VERSION="${1:-13.2.3}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "@grafana/schema@$VERSION" >/dev/null
tar xzf grafana-schema-*.tgz
npm install --silent --no-audit --no-fund ts-json-schema-generator@2 typescript@5 >/dev/null
node_modules/.bin/ts-json-schema-generator --no-type-check \
  --path package/dist/types/raw/dashboard/x/types.gen.d.ts --type Dashboard \
  -o "$here/dashboard.schema.json"
echo "@grafana/schema@$VERSION" > "$here/VERSION"
echo "wrote $here/dashboard.schema.json from @grafana/schema@$VERSION"
