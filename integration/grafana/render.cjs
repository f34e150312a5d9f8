'use strict';
// render.cjs runs dashboard panels the way Grafana's frontend does, with
// Grafana's own code, for integration/dashboards_render_test.go.
//
//   node render.cjs TOOLS_DIR < request.json > result.json
//
// TOOLS_DIR is .tools/grafana-node (scripts/grafana-node.sh). The request is
// {"panels": [{"key", "panel", "responses": {refId: prometheusData}}]} where
// prometheusData is the "data" object of Prometheus's /api/v1/query(_range)
// answer ({resultType, result}). For each panel:
//
//  1. backendFrames: the Prometheus answer of each target becomes data frames
//     as Grafana's backend does (grafana/grafana pkg/promlib: converter
//     ReadPrometheusStyleResult + querydata addMetadataToMultiFrame; Go code,
//     ported here): one frame per series [Time, Value(labels)], the value
//     field named after __name__ when present, displayNameFromDS from the
//     legend format, and one empty frame (no fields) for a query without data.
//  2. transformV2 of @grafana/prometheus (the real result_transformer): table
//     format → one table per refId with "Value #refId" columns.
//  3. transformDataFrame of @grafana/data with the panel's transformations,
//     looked up in @grafana/data's standard transformer registry.
//  4. applyFieldOverrides of @grafana/data with the panel's field config; the
//     field config registry lists Grafana's standard property ids (displayName,
//     unit, …; in Grafana it is app code with React editors), thresholds
//     processed as Grafana does (null base step → -Infinity, sorted).
//  5. getFieldDisplayName for every field; every override's matcher is
//     evaluated against the result.
//
// The answer is [{key, errors, frames: [{refId, length, fields: [{name,
// displayName, type, config, values}]}], overrides: [{matcher, options,
// matched}]}].

const path = require('node:path');
const { createRequire } = require('node:module');

const toolsDir = process.argv[2] && path.resolve(process.argv[2]);
if (!toolsDir) {
  process.stderr.write('usage: node render.cjs TOOLS_DIR < request.json\n');
  process.exit(2);
}
const req = createRequire(path.join(toolsDir, 'package.json'));

// stdout carries the answer only: libraries' console chatter goes to stderr.
for (const k of ['log', 'info', 'debug']) {
  console[k] = (...args) => process.stderr.write(args.join(' ') + '\n');
}

// @grafana/data's module graph touches window/localStorage while loading
// (utils/store) and react-use must not think it runs in a browser: give store
// a window while it loads, then none while the rest loads, then a plain
// object again for transformDataFrame's window.__grafanaSceneContext check.
const memory = new Map();
globalThis.localStorage = {
  getItem: (k) => (memory.has(k) ? memory.get(k) : null),
  setItem: (k, v) => memory.set(k, String(v)),
  removeItem: (k) => memory.delete(k),
};
globalThis.window = { addEventListener() {}, removeEventListener() {} };
req(path.join(toolsDir, 'node_modules/@grafana/data/dist/cjs/utils/store.cjs'));
delete globalThis.window;
const data = req('@grafana/data');
const prom = req(path.join(toolsDir, 'node_modules/@grafana/prometheus/dist/cjs/result_transformer.cjs'));
const { firstValueFrom } = req('rxjs');
globalThis.window = { addEventListener() {}, removeEventListener() {} };
// Node 20 has no navigator; the date formats ask it for the locale.
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { language: 'sv-SE', languages: ['sv-SE'] };
}

const transformers = new Map();
for (const t of Object.values(data.standardTransformers)) {
  transformers.set(t.id, { id: t.id, name: t.name, transformation: t });
}
data.standardTransformersRegistry.setInit(() => [...transformers.values()]);

// Grafana's standard field config properties (id = path).
const identity = (v) => v;
const standardProps = ['displayName', 'displayNameFromDS', 'unit', 'decimals', 'min', 'max', 'noValue', 'color',
  'mappings', 'links', 'description', 'filterable', 'fieldMinMax', 'writeable', 'path', 'type', 'interval'];
function thresholdsProcess(v) {
  if (!v || !Array.isArray(v.steps)) return v;
  const steps = v.steps.map((s) => ({ ...s, value: s.value == null ? -Infinity : s.value }));
  steps.sort((a, b) => a.value - b.value);
  return { ...v, steps };
}
function fieldConfigRegistry(panel) {
  const items = standardProps.map((id) => ({ id, path: id, name: id, process: identity, shouldApply: () => true, override: () => null, editor: () => null }));
  items.push({ id: 'thresholds', path: 'thresholds', name: 'thresholds', process: thresholdsProcess, shouldApply: () => true, override: () => null, editor: () => null });
  // custom.* belong to the panel plugin: accept those the panel uses.
  const custom = new Set(Object.keys(panel.fieldConfig?.defaults?.custom ?? {}));
  for (const o of panel.fieldConfig?.overrides ?? []) {
    for (const p of o.properties ?? []) {
      if (p.id.startsWith('custom.')) custom.add(p.id.slice('custom.'.length));
    }
  }
  for (const c of custom) {
    items.push({ id: 'custom.' + c, path: c, name: c, isCustom: true, process: identity, shouldApply: () => true, override: () => null, editor: () => null });
  }
  return new data.FieldConfigOptionsRegistry(() => items);
}

// legendName is pkg/promlib's getName: the legend format with {{label}}
// replaced, or name{label="value", …} when the legend is empty.
function legendName(target, labels) {
  let legend;
  const names = Object.keys(labels).filter((k) => k !== '__name__').sort();
  if (names.length === 0) {
    legend = labels.__name__ ?? '{}';
  } else {
    legend = `${labels.__name__ ?? ''}{${names.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}`;
  }
  if (target.legendFormat === '__auto') {
    if (Object.keys(labels).length > 0) legend = '';
  } else if (target.legendFormat) {
    legend = target.legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name) => labels[name.trim()] ?? '');
  }
  return legend === '{}' ? target.expr : legend;
}

function backendFrames(target, answer) {
  const resultType = answer?.resultType;
  let series = [];
  if (resultType === 'vector') {
    series = answer.result.map((s) => ({ labels: s.metric, points: [s.value] }));
  } else if (resultType === 'matrix') {
    series = answer.result.map((s) => ({ labels: s.metric, points: s.values }));
  } else if (resultType === 'scalar') {
    series = [{ labels: {}, points: [answer.result] }];
  }
  if (series.length === 0) {
    return [{ refId: target.refId, name: '', fields: [], length: 0, meta: {} }];
  }
  const type = resultType === 'matrix' ? 'timeseries-multi' : 'numeric-multi';
  return series.map((s) => {
    const name = legendName(target, s.labels);
    const value = {
      name: s.labels.__name__ ?? 'Value',
      type: data.FieldType.number,
      labels: s.labels,
      config: name ? { displayNameFromDS: name } : {},
      values: s.points.map((p) => prom.parseSampleValue(p[1])),
    };
    const time = { name: 'Time', type: data.FieldType.time, config: { interval: 15000 }, values: s.points.map((p) => Math.round(p[0] * 1000)) };
    return { refId: target.refId, name, fields: [time, value], length: s.points.length, meta: { type, custom: { resultType } } };
  });
}

function plain(v) {
  if (typeof v === 'number' && !Number.isFinite(v)) return v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  return v === undefined ? null : v;
}

async function renderPanel(item) {
  const { panel } = item;
  const errors = [];
  const targets = (panel.targets ?? []).filter((t) => !t.hide);
  let frames = [];
  for (const t of targets) {
    frames.push(...backendFrames(t, item.responses?.[t.refId]));
  }
  frames = prom.transformV2({ data: frames }, { targets, app: 'dashboard' }, {}).data;

  const transformations = (panel.transformations ?? []).filter((t) => !t.disabled);
  const unknown = transformations.filter((t) => !transformers.has(t.id)).map((t) => t.id);
  if (unknown.length > 0) {
    errors.push(`unknown transformation id ${unknown.join(', ')} (Grafana's registry throws)`);
  } else if (transformations.length > 0) {
    frames = await firstValueFrom(data.transformDataFrame(transformations, frames));
  }

  const registry = fieldConfigRegistry(panel);
  for (const o of panel.fieldConfig?.overrides ?? []) {
    for (const p of o.properties ?? []) {
      if (!registry.getIfExists(p.id)) errors.push(`override property ${p.id} is no field config property`);
    }
    if (!data.fieldMatchers.getIfExists(o.matcher?.id)) errors.push(`override matcher ${o.matcher?.id} is unknown`);
  }
  frames = data.applyFieldOverrides({
    data: frames,
    fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
    fieldConfigRegistry: registry,
    replaceVariables: (s) => s,
    theme: data.createTheme(),
    timeZone: 'utc',
  });

  const overrides = (panel.fieldConfig?.overrides ?? []).map((o) => {
    const info = data.fieldMatchers.getIfExists(o.matcher?.id);
    let matched = false;
    if (info) {
      const match = info.get(o.matcher.options);
      matched = frames.some((f) => f.fields.some((field) => match(field, f, frames)));
    }
    return { matcher: o.matcher?.id, options: JSON.stringify(o.matcher?.options ?? null), matched };
  });

  return {
    key: item.key,
    errors,
    overrides,
    frames: frames.map((f) => ({
      refId: f.refId ?? '',
      length: f.length,
      fields: f.fields.map((field) => ({
        name: field.name,
        displayName: data.getFieldDisplayName(field, f, frames),
        type: field.type,
        config: JSON.parse(JSON.stringify(field.config, (_, v) => plain(v))),
        values: Array.from(field.values, plain),
      })),
    })),
  };
}

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  for (const item of request.panels) {
    try {
      out.push(await renderPanel(item));
    } catch (err) {
      out.push({ key: item.key, errors: [`${err && err.stack ? err.stack.split('\n').slice(0, 3).join(' ') : err}`], overrides: [], frames: [] });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
