package dashboards

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// grafanaTransformations are the ids of @grafana/data 12.4.0's standard
// transformers (standardTransformers), the ones the render test can run.
// Grafana registers a few more from app code (configFromData, joinByLabels,
// …); effekt uses none of them, and an id outside Grafana's registry makes
// it throw (configFromQuery did).
var grafanaTransformations = []string{"noop", "filterFields", "filterFieldsByName", "filterFrames", "filterByRefId", "filterByValue",
	"formatString", "formatTime", "order", "organize", "reduce", "concatenate", "calculateField", "joinByField", "seriesToRows",
	"rename", "labelsToFields", "ensureColumns", "groupBy", "sortBy", "merge", "renameByRegex", "histogram", "convertFieldType",
	"convertFrameType", "groupingToMatrix", "limit", "groupToNestedTable", "transpose"}

// TestTransformationsAndOverrides: every transformation id is one of
// @grafana/data's, and every override that names a query (byFrameRefID, or
// byName "Value #<refId>" of a table query) names one the panel has. The
// render test (integration, TestDashboardRender) checks what they do.
func TestTransformationsAndOverrides(t *testing.T) {
	for _, b := range boards(t) {
		for _, p := range allPanels(decode(t, b)) {
			name := fmt.Sprintf("%s panel %q", b.UID, p["title"])
			trs, _ := p["transformations"].([]any)
			for _, tr := range trs {
				id, _ := tr.(map[string]any)["id"].(string)
				if !slices.Contains(grafanaTransformations, id) {
					t.Errorf("%s: transformation %q is not in @grafana/data's registry", name, id)
				}
			}
			refs := map[string]bool{}
			targets, _ := p["targets"].([]any)
			for _, tg := range targets {
				refs[tg.(map[string]any)["refId"].(string)] = true
			}
			fc, _ := p["fieldConfig"].(map[string]any)
			ovs, _ := fc["overrides"].([]any)
			for _, o := range ovs {
				m := o.(map[string]any)["matcher"].(map[string]any)
				opt, _ := m["options"].(string)
				switch {
				case m["id"] == "byFrameRefID" && !refs[opt]:
					t.Errorf("%s: override for refId %q, which no query has", name, opt)
				case m["id"] == "byName" && strings.HasPrefix(opt, "Value #") && !refs[strings.TrimPrefix(opt, "Value #")]:
					t.Errorf("%s: override for %q, which no query makes", name, opt)
				}
			}
		}
	}
}
