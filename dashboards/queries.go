package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Query is one PromQL query of a panel, as the dashboard JSON holds it.
type Query struct {
	Board   string // dashboard uid
	PanelID int
	Panel   string // panel title (may hold $variables)
	RefID   string
	Expr    string
	Instant bool // instant query; false: range query
	// NoValue is the text the panel shows when its queries return nothing
	// ("Inget mål"): set when no data is an expected state of the panel.
	NoValue string
}

// Variable is one template variable of a dashboard.
type Variable struct {
	Board      string
	Name       string
	Type       string // query, or custom (a fixed list)
	Query      string // label_values(...) or query_result(...); for custom "text : value,…" (commas in a text as \,)
	Regex      string // Grafana regex applied to the results, may name text/value groups
	Multi      bool
	IncludeAll bool
	AllValue   string
	Sort       int // Grafana's order of the values: 1/2 alphabetical asc/desc, 3/4 numerical, 5/6 case-insensitive
}

type jsonPanel struct {
	ID          int         `json:"id"`
	Title       string      `json:"title"`
	Type        string      `json:"type"`
	Panels      []jsonPanel `json:"panels"`
	FieldConfig struct {
		Defaults struct {
			NoValue string `json:"noValue"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		RefID   string `json:"refId"`
		Expr    string `json:"expr"`
		Instant bool   `json:"instant"`
	} `json:"targets"`
}

type jsonBoard struct {
	Panels     []jsonPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Query      string `json:"query"`
			Regex      string `json:"regex"`
			Multi      bool   `json:"multi"`
			IncludeAll bool   `json:"includeAll"`
			AllValue   string `json:"allValue"`
			Sort       int    `json:"sort"`
		} `json:"list"`
	} `json:"templating"`
}

// Queries lists every panel's every query, in panel order (rows' nested
// panels included).
func (b Board) Queries() ([]Query, error) {
	var jb jsonBoard
	if err := json.Unmarshal(b.JSON, &jb); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", b.UID, err)
	}
	var out []Query
	var walk func([]jsonPanel)
	walk = func(ps []jsonPanel) {
		for _, p := range ps {
			for _, t := range p.Targets {
				out = append(out, Query{Board: b.UID, PanelID: p.ID, Panel: p.Title, RefID: t.RefID, Expr: t.Expr, Instant: t.Instant, NoValue: p.FieldConfig.Defaults.NoValue})
			}
			walk(p.Panels)
		}
	}
	walk(jb.Panels)
	return out, nil
}

// Variables lists the dashboard's template variables in order.
func (b Board) Variables() ([]Variable, error) {
	var jb jsonBoard
	if err := json.Unmarshal(b.JSON, &jb); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", b.UID, err)
	}
	out := make([]Variable, 0, len(jb.Templating.List))
	for _, v := range jb.Templating.List {
		out = append(out, Variable{Board: b.UID, Name: v.Name, Type: v.Type, Query: v.Query, Regex: v.Regex,
			Multi: v.Multi, IncludeAll: v.IncludeAll, AllValue: v.AllValue, Sort: v.Sort})
	}
	return out, nil
}

// CustomOptions are a custom variable's options as Grafana reads its query:
// values split at commas not escaped as \,, each "text : value" or a value
// that is its own text.
func (v Variable) CustomOptions() (texts, values []string) {
	for _, part := range customPart.FindAllString(v.Query, -1) {
		part = strings.ReplaceAll(part, `\,`, ",")
		if m := customPair.FindStringSubmatch(part); m != nil {
			texts, values = append(texts, strings.TrimSpace(m[1])), append(values, strings.TrimSpace(m[2]))
			continue
		}
		texts, values = append(texts, strings.TrimSpace(part)), append(values, strings.TrimSpace(part))
	}
	return texts, values
}

var (
	customPart = regexp.MustCompile(`(?:\\,|[^,])+`)
	customPair = regexp.MustCompile(`^\s*(.+)\s:\s(.+)$`)
)
