// Package insatser serves the Insatskarta (issue 12): the map and list of
// every labour-market intervention in the catalogue, a page per
// intervention with what it achieved, the filtered list as CSV, and the
// interventions as Kolada's organisational units (/v3/ou, /v3/oudata).
//
// Guarantees:
//   - only aggregates leave: per intervention the participants, the share
//     in work or studies after ending (EF401's rule per intervention, 95 %
//     Wilson interval), the median length and the category's pooled
//     figures; a figure whose count is below indicators.min_n is
//     suppressed, and when a category's pooled figure is shown, no single
//     suppressed intervention of it can be recovered by subtraction
//     (complementary suppression, smallest first); no person, pseudonym or
//     personnummer is ever rendered;
//   - the data is read through the database and cached per published
//     snapshot: a compute (which follows every ingest that loaded rows)
//     publishes a new snapshot, and the next request reads afresh — no
//     restart, no hook in the compute job;
//   - the pages are server-rendered with html/template from embedded
//     templates, usable without JavaScript (filters are a GET form), with
//     one embedded script and stylesheet under a Content-Security-Policy
//     that allows nothing but this origin; nothing is fetched from elsewhere;
//   - the map is SVG drawn from an embedded, simplified copy of the
//     municipalities' borders (municipalities.json, derived and checked by
//     TestGeometryFile).
package insatser
