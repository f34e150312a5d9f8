package evaluate

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

//go:embed sql/hours_per_language.sql
var hoursSQL string

// Goal statuses.
const (
	Achieved     = "uppnått"
	NotAchieved  = "ej uppnått"
	CannotAssess = "kan inte bedömas"
)

// GoalStatus is one goal assessed, with the evidence a reader can check.
type GoalStatus struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Measure  string   `json:"measure"`
	Status   string   `json:"status"`
	Value    *float64 `json:"value"` // the figure compared with the target; nil when there is none
	Target   float64  `json:"target"`
	Unit     string   `json:"unit"`
	Deadline string   `json:"deadline"`
	Evidence []string `json:"evidence"`
}

// Goals assesses every configured goal. d may be nil (no computed
// database): goals that need data then cannot be assessed. today decides
// whether a deadline has passed.
func Goals(ctx context.Context, d *Data, cfg config.Config, today time.Time) ([]GoalStatus, error) {
	out := make([]GoalStatus, 0, len(cfg.Goals))
	for _, g := range cfg.Goals {
		s := GoalStatus{ID: g.ID, Text: g.Text, Measure: g.Measure, Target: g.Target, Deadline: g.Deadline}
		co, _ := cfg.Collaboration(g.Collaboration)
		var err error
		switch g.Measure {
		case config.MeasureMembers:
			membersGoal(&s, g, co)
		case config.MeasureCountyMembers:
			countyGoal(&s, g, co)
		case config.MeasureHoursPerLanguage:
			err = hoursGoal(ctx, &s, d, g, co)
		case config.MeasureIndicator:
			err = indicatorGoal(ctx, &s, d, g, cfg)
		}
		if err != nil {
			return nil, fmt.Errorf("goal %s: %w", g.ID, err)
		}
		// not reached yet, but there is time left: nothing to judge
		if s.Status == NotAchieved && g.DeadlineDate().After(today) {
			s.Status = CannotAssess
			s.Evidence = append(s.Evidence, fmt.Sprintf("Tidsfristen %s har inte passerat.", g.Deadline))
		}
		out = append(out, s)
	}
	return out, nil
}

func judge(s *GoalStatus, v float64, atMost bool) {
	s.Value = &v
	ok := v >= s.Target
	if atMost {
		ok = v <= s.Target
	}
	s.Status = NotAchieved
	if ok {
		s.Status = Achieved
	}
}

// membersOn are the collaboration's members on day d, as "0127 Botkyrka".
func membersOn(co config.Collaboration, d time.Time) []string {
	var out []string
	for _, m := range co.Members {
		if m.MemberOn(d) {
			out = append(out, m.Municipality+" "+geo.Name(m.Municipality))
		}
	}
	sort.Strings(out)
	return out
}

func membersGoal(s *GoalStatus, g config.Goal, co config.Collaboration) {
	ms := membersOn(co, g.DeadlineDate())
	s.Unit = "kommuner"
	judge(s, float64(len(ms)), false)
	s.Evidence = []string{fmt.Sprintf("%d kommuner är medlemmar i %s den %s enligt samverkansregistret (collaborations i konfigurationen): %s.",
		len(ms), co.Title, g.Deadline, strings.Join(ms, ", "))}
}

func countyGoal(s *GoalStatus, g config.Goal, co config.Collaboration) {
	county, _ := geo.ResolveArea(g.County)
	in := map[string]bool{}
	for _, m := range co.Members {
		if m.MemberOn(g.DeadlineDate()) {
			in[m.Municipality] = true
		}
	}
	var all, missing []string
	for _, a := range geo.Municipalities() {
		if "00"+a.ID[:2] == county {
			all = append(all, a.ID)
			if !in[a.ID] {
				missing = append(missing, a.ID+" "+a.Title)
			}
		}
	}
	s.Unit = "% av länets kommuner"
	judge(s, 100*float64(len(all)-len(missing))/float64(len(all)), false)
	ev := fmt.Sprintf("%d av %d kommuner i %s är medlemmar i %s den %s", len(all)-len(missing), len(all), geo.CountyName(county), co.Title, g.Deadline)
	if len(missing) > 0 {
		ev += "; inte medlemmar: " + strings.Join(missing, ", ")
	}
	s.Evidence = []string{ev + ".", "Erbjudanden om att delta finns inte i effekts data: en kommun som tackat nej räknas som inte medlem."}
}

func hoursGoal(ctx context.Context, s *GoalStatus, d *Data, g config.Goal, co config.Collaboration) error {
	s.Unit = "timmar per språk"
	if d == nil {
		s.Status, s.Evidence = CannotAssess, []string{"Ingen beräknad databas: närvaron kan inte läsas (kör effekt compute)."}
		return nil
	}
	var from time.Time
	var codes []string
	for _, m := range co.Members {
		codes = append(codes, "'"+m.Municipality+"'") // kommunkoder, validated: four digits
		if from.IsZero() || m.Joined().Before(from) {
			from = m.Joined()
		}
	}
	q := strings.NewReplacer("{{from}}", from.Format(time.DateOnly), "{{to}}", g.Deadline, "{{members}}", strings.Join(codes, ", ")).Replace(hoursSQL)
	rows, err := d.conn.QueryContext(ctx, q)
	if err != nil {
		return notComputed(err)
	}
	defer rows.Close()
	var short, ok []string
	least := -1.0
	for rows.Next() {
		var lang string
		var hours float64
		var groups int
		if err := rows.Scan(&lang, &hours, &groups); err != nil {
			return err
		}
		line := fmt.Sprintf("%s %.1f h (%d grupper)", lang, hours, groups)
		if hours >= g.Target {
			ok = append(ok, line)
		} else {
			short = append(short, line)
		}
		if least < 0 || hours < least {
			least = hours
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	window := fmt.Sprintf("närvaro %s – %s hos deltagare från %s medlemskommuner", from.Format(time.DateOnly), g.Deadline, co.Title)
	if least < 0 {
		s.Status = CannotAssess
		s.Evidence = []string{"Ingen undervisning på annat språk än svenska i " + window + ": det finns inga data för perioden."}
		return nil
	}
	judge(s, least, false)
	s.Evidence = []string{fmt.Sprintf("Flest timmar som en grupp gav, per undervisningsspråk (%s); målet gäller varje språk, värdet är det lägsta.", window)}
	if len(short) > 0 {
		s.Evidence = append(s.Evidence, "Under målet: "+strings.Join(short, ", ")+".")
	}
	if len(ok) > 0 {
		s.Evidence = append(s.Evidence, "Når målet: "+strings.Join(ok, ", ")+".")
	}
	return nil
}

func indicatorGoal(ctx context.Context, s *GoalStatus, d *Data, g config.Goal, cfg config.Config) error {
	ind, ok := models.Lookup(g.KPI)
	if !ok {
		return fmt.Errorf("kpi %s is not in the catalogue (see effekt kpi)", g.KPI)
	}
	s.Unit = map[models.Unit]string{models.Percent: "%", models.Days: "dagar", models.Kronor: "kr"}[ind.Unit]
	area := ""
	for _, gr := range cfg.Groups {
		if strings.EqualFold(gr.ID, g.Area) || strings.EqualFold(gr.Title, g.Area) {
			area = gr.ID
		}
	}
	if area == "" {
		area, _ = geo.ResolveArea(g.Area)
	}
	if d == nil {
		s.Status, s.Evidence = CannotAssess, []string{"Ingen beräknad databas (kör effekt compute)."}
		return nil
	}
	q := `SELECT period, value, denominator FROM indicator_values WHERE kpi = ? AND municipality = ? AND gender = 'T'`
	args := []any{ind.ID, area}
	if g.Period != 0 {
		q += ` AND period = ?`
		args = append(args, g.Period)
	} else {
		q += ` AND period <= ?` // the latest year up to the deadline
		args = append(args, g.DeadlineDate().Year())
	}
	q += ` ORDER BY period DESC LIMIT 1`
	var (
		period int
		value  sql.NullFloat64
		n      int
	)
	err := d.conn.QueryRowContext(ctx, q, args...).Scan(&period, &value, &n)
	what := fmt.Sprintf("%s %s", ind.ID, area)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		s.Status, s.Evidence = CannotAssess, []string{what + ": inget värde för perioden."}
		return nil
	case err != nil:
		return err
	case n < cfg.Indicators.MinN || !value.Valid:
		s.Status, s.Evidence = CannotAssess, []string{fmt.Sprintf("%s %d: värdet visas inte (färre än %d personer, eller odefinierat).", what, period, cfg.Indicators.MinN)}
		return nil
	}
	judge(s, value.Float64, ind.Direction == models.LowerIsBetter)
	s.Evidence = []string{fmt.Sprintf("%s %d (%s): %.1f, %d i kohorten, beräknat med as_of %s.", what, period, ind.TitleSV, value.Float64, n, d.AsOf.Format(time.DateOnly))}
	return nil
}
