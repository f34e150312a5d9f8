package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/models"
)

func fixture() Input {
	ef401, _ := models.Lookup("EF401")
	ef303, _ := models.Lookup("EF303")
	pre := 0.41
	eff := evaluate.Result{KPI: "EF401", Unit: "procentenheter", Caveats: []string{"Parallella trender antas."},
		DiD: evaluate.DiD{ATT: 7.9, CILow: 1.2, CIHigh: 14.6, PValue: 0.02, Clusters: 26, TreatedClusters: 9, ControlClusters: 17,
			PretrendP: &pre, Events: []evaluate.EventCoef{{E: -2, Coef: 1, CILow: -5, CIHigh: 7}, {E: -1}, {E: 0, Coef: 8, CILow: 2, CIHigh: 14}}}}
	trend := []evaluate.TrendPoint{{Year: 2022, Members: 50, NMembers: 40, Others: 52, NOthers: 90}, {Year: 2023, Members: 60, NMembers: 41, Others: 53, NOthers: 95}}
	exp := []evaluate.Expected{
		{Area: "0127", Period: 2023, N: 40, O: 24, E: 20, Ratio: 1.2, RatioLow: 0.9, RatioHigh: 1.5, Observed: 60, Expected: 50},
		{Area: "0180", Period: 2023, N: 90, O: 40, E: 45, Ratio: 0.89, RatioLow: 0.7, RatioHigh: 1.08, Observed: 44.4, Expected: 50},
		{Area: "0192", Period: 2023, Suppressed: true},
	}
	v := 25.0
	return Input{
		Collaboration: config.Collaboration{ID: "X", Title: `Test <script>alert("x")</script>`, Members: []config.Member{{Municipality: "0127", JoinedOn: "2023-01-01"}}},
		AsOf:          "2025-06-30", Generated: "2025-07-01", MinN: 5,
		Goals: []evaluate.GoalStatus{{ID: "G", Text: "Minst 10 kommuner", Status: evaluate.Achieved, Value: &v, Target: 10, Unit: "kommuner", Deadline: "2010-12-31", Evidence: []string{"25 medlemmar."}}},
		Indicators: []Indicator{
			{Def: ef401, Effect: eff, Trend: trend, Expected: exp},
			{Def: ef303, Effect: evaluate.Result{KPI: "EF303", Unit: "dagar (medelvärde)", Error: "inga medlemskommuner har kohorter"}, Trend: trend},
		},
	}
}

// TestWriteSelfContained: one HTML file in Swedish with every chart inline,
// no script, nothing fetched, the user's text escaped.
func TestWriteSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	// the map; EF401: trend, event study, funnel; EF303 (no estimate, no expected values): trend
	if n := strings.Count(html, "<svg "); n != 5 {
		t.Errorf("%d inline SVG charts, want 5", n)
	}
	for _, want := range []string{`<html lang="sv">`, "Content-Security-Policy", "Test &lt;script&gt;", "7,9 procentenheter",
		"uppnått", "Ingen skattning: inga medlemskommuner har kohorter", "0127 Botkyrka", "färre än 5 personer", "@media print"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("report holds a script element")
	}
	// every URL in the file is an XML namespace, none is fetched
	for _, u := range regexp.MustCompile(`(?:src|href)\s*=\s*"([^"]*)"|url\(([^)]*)\)|https?://[^"'\s<>]+`).FindAllString(html, -1) {
		if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xlink" {
			t.Errorf("external reference %q", u)
		}
	}
}

// TestChromium renders the report in headless Chromium (when installed):
// no console messages (a request the CSP blocks is one), every chart in the
// DOM, a screenshot kept in the test's artifact folder (go test -artifacts).
func TestChromium(t *testing.T) {
	bin := os.Getenv("EFFEKT_CHROMIUM")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("chromium"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("chromium not installed: in CI the browser test must run (make check installs it with scripts/chromium.sh)")
			}
			t.Skip("chromium not installed")
		}
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.ArtifactDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := Write(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--enable-logging=stderr",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile"), "--window-size=1000,2400"}
	shot := exec.Command(bin, append(args, "--screenshot="+filepath.Join(dir, "report.png"), "file://"+page)...)
	out, err := shot.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium screenshot: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "report.png")); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot missing or tiny: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Refused to") {
			t.Errorf("console: %s", line)
		}
	}
	var dom, logs bytes.Buffer
	dump := exec.Command(bin, append(args, "--dump-dom", "file://"+page)...)
	dump.Stdout, dump.Stderr = &dom, &logs
	if err := dump.Run(); err != nil {
		t.Fatalf("chromium dump-dom: %v\n%s", err, logs.String())
	}
	// a blocked request (the page's CSP allows nothing outside it) or a
	// script error is logged as a CONSOLE line
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "CONSOLE") {
			t.Errorf("console: %s", line)
		}
	}
	if n := strings.Count(dom.String(), "<svg "); n != 5 {
		t.Errorf("rendered DOM has %d charts, want 5", n)
	}
	t.Logf("screenshot: %s", filepath.Join(dir, "report.png"))
}

// TestTexts: the member count in Swedish singular and plural (those who
// left said), a sentence instead of "0 kohortrader … –" for an indicator
// never estimated, one summary sentence when no indicator has an estimate
// for the same reason, Swedish numbers (comma, minus sign) and chart
// legends outside the plot area.
func TestTexts(t *testing.T) {
	render := func(in Input) string {
		t.Helper()
		var b bytes.Buffer
		if err := Write(&b, in); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	in := fixture()
	ef102, _ := models.Lookup("EF102")
	in.Indicators = append(in.Indicators, Indicator{Def: ef102}) // no Effect at all
	in.Indicators[0].Effect.CILow = -1.2
	in.Indicators[0].Trend = []evaluate.TrendPoint{{Year: 2022, Members: 50, NMembers: 40, HiddenMembers: 1, Others: 52, NOthers: 90, HiddenOthers: 3},
		{Year: 2023, Members: 60, NMembers: 41, Others: 53, NOthers: 95, HiddenOthers: 1}}
	html := render(in)
	for _, want := range []string{"Samverkan har 1 medlemskommun.", "Ingen effekt kunde skattas: effekten har inte skattats för den här indikatorn",
		"−1,2 till", "Kommuner vars värde är dolt ingår inte: 2022: 1 medlem och 3 övriga kommuner; 2023: 1 övrig kommun.",
		"är också dolda"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"1 medlemskommuner", "0 kohortrader", "kohorter  –", "kohorter daterade  –", "-1,2"} {
		if strings.Contains(html, bad) {
			t.Errorf("report holds %q", bad)
		}
	}

	in = fixture()
	for _, m := range []string{"0180", "0181", "0182", "0183", "0184", "0186", "0187"} {
		in.Collaboration.Members = append(in.Collaboration.Members, config.Member{Municipality: m, JoinedOn: "2023-01-01"})
	}
	in.Collaboration.Members = append(in.Collaboration.Members, config.Member{Municipality: "0188", JoinedOn: "2023-01-01", LeftOn: "2024-06-30"})
	for i := range in.Indicators {
		in.Indicators[i].Effect = evaluate.Result{Unit: "procentenheter", Error: "inga medlemskommuner har kohorter året före och efter anslutningen: kohorterna i data är daterade 2021-11-29 – 2025-11-30, anslutningen 2010-12-01"}
	}
	html = render(in)
	for _, want := range []string{"Samverkan har 9 medlemskommuner, varav 1 har lämnat.",
		"Effekten av att gå med kan inte skattas för någon av indikatorerna:\ninga medlemskommuner har kohorter året före och efter anslutningen."} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "<th class=\"num\">Effekt</th>") {
		t.Error("the summary table of effects is shown although no indicator has one")
	}

	// the funnel's legend lies right of its plot area: no legend text
	// inside the area of the points (x beyond the plot's right edge)
	var b bytes.Buffer
	if err := Write(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	svg, err := funnelChart("EF401", fixture().Indicators[0].Expected, func(a string) bool { return a == "0127" })
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<text[^>]*x="([0-9.]+)"[^>]*>medlemmar</text>`).FindStringSubmatch(string(svg))
	if m == nil {
		t.Fatalf("funnel legend not found in %.300s", svg)
	}
	if x, _ := strconv.ParseFloat(m[1], 64); x < float64((16*vg.Centimeter-legendWidth).Points())-1 {
		t.Errorf("funnel legend text at x = %s, inside the plot area (which ends at %.0f)", m[1], (16*vg.Centimeter - legendWidth).Points())
	}
}
