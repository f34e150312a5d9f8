package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Rendered is one panel as Grafana's frontend code leaves it for the
// visualisation (integration/grafana/render.cjs): the frames after the
// Prometheus result transformer, the panel's transformations and its field
// config, and whether each override matched a field.
type Rendered struct {
	Key       string          `json:"key"`
	Errors    []string        `json:"errors"`
	Frames    []RenderedFrame `json:"frames"`
	Overrides []struct {
		Matcher string `json:"matcher"`
		Options string `json:"options"` // JSON of the matcher's options
		Matched bool   `json:"matched"`
	} `json:"overrides"`
}

// RenderedFrame is one data frame the panel draws.
type RenderedFrame struct {
	RefID  string          `json:"refId"`
	Length int             `json:"length"`
	Fields []RenderedField `json:"fields"`
}

// RenderedField is one column: its name, the name Grafana shows, its type,
// field config after defaults and overrides, and its values (NaN and
// infinities as strings).
type RenderedField struct {
	Name        string         `json:"name"`
	DisplayName string         `json:"displayName"`
	Type        string         `json:"type"`
	Config      map[string]any `json:"config"`
	Values      []any          `json:"values"`
}

// RenderRequest is one panel with the Prometheus answer ("data" object) of
// each of its targets by refId.
type RenderRequest struct {
	Key       string                     `json:"key"`
	Panel     map[string]any             `json:"panel"`
	Responses map[string]json.RawMessage `json:"responses"`
}

// grafanaNode returns .tools/grafana-node with Grafana's packages:
// $EFFEKT_GRAFANA_NODE, or what scripts/grafana-node.sh prints (it installs
// them, from the committed lockfile, when missing). Without node the second
// result says why.
func grafanaNode(ctx context.Context) (string, string) {
	if d := os.Getenv("EFFEKT_GRAFANA_NODE"); d != "" {
		return d, ""
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "", "node not found: the render test needs node >= 20 (and npm to install Grafana's packages)"
	}
	script := filepath.Join(repoRoot(), "scripts", "grafana-node.sh")
	cmd := exec.CommandContext(ctx, "sh", script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Sprintf("%s: %v\n%s", script, err, stderr.String())
	}
	return strings.TrimSpace(string(out)), ""
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..")
}

// Render runs the panels through integration/grafana/render.cjs with the
// Grafana packages under toolsDir, in one node process.
func Render(ctx context.Context, toolsDir string, reqs []RenderRequest) ([]Rendered, error) {
	in, err := json.Marshal(map[string]any{"panels": reqs})
	if err != nil {
		return nil, fmt.Errorf("render request: %w", err)
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(repoRoot(), "integration", "grafana", "render.cjs"), toolsDir)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("render.cjs: %w\n%s", err, stderr.String())
	}
	var res []Rendered
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("render.cjs answer: %w", err)
	}
	if len(res) != len(reqs) {
		return nil, fmt.Errorf("render.cjs answered %d panels, asked %d", len(res), len(reqs))
	}
	return res, nil
}

// QueryData runs a PromQL query as Grafana's data source does for a panel
// target: instant at end, or over the hour before end (step 15 s). Grafana
// gives every target of a panel the same end, so instant table queries share
// their Time column. It returns the "data" object of Prometheus's answer.
func (s *Stack) QueryData(ctx context.Context, promql string, instant bool, end time.Time) (json.RawMessage, error) {
	ts := func(t time.Time) string { return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64) }
	u := s.PromURL + "/api/v1/query?query=" + url.QueryEscape(promql) + "&time=" + ts(end)
	if !instant {
		u = s.PromURL + "/api/v1/query_range?query=" + url.QueryEscape(promql) +
			"&start=" + ts(end.Add(-time.Hour)) + "&end=" + ts(end) + "&step=15"
	}
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := s.getJSON(ctx, u, &body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", promql, body.Error)
	}
	return body.Data, nil
}
