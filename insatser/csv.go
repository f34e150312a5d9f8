package insatser

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// csvHeader are the columns of /insatser.csv: the catalogue and the
// published figures (empty where suppressed; status says why).
var csvHeader = []string{"id", "namn", "anordnare", "anordnare_namn", "kategori", "malgrupp", "sprak", "oppen_for_andra_kommuner",
	"pris_per_deltagare_kr", "platser", "ort", "kontakt", "galler_fran", "galler_till", "senast_uppdaterad",
	"deltagare", "avslutade_med_utfall", "arbete_eller_studier_procent", "ki_lag", "ki_hog", "median_langd_dagar", "status"}

// serveCSV writes the list filtered as /insatser would show it.
func (p *pages) serveCSV(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := contextTimeout(r, p.opt.Timeout)
	defer cancel()
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d, err := p.src.get(ctx)
	if err != nil {
		p.opt.Logger.ErrorContext(ctx, "insatser: read data", "path", logPath(r), "err", err)
		http.Error(w, "uppgifterna kunde inte läsas just nu", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="insatser.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for i := range d.Interventions {
		in := &d.Interventions[i]
		if f.Match(in) {
			_ = cw.Write(defuse(csvRow(in)))
		}
	}
	cw.Flush()
}

func csvRow(in *Intervention) []string {
	open := ""
	if in.OpenToOthers != nil {
		open = map[bool]string{true: "ja", false: "nej"}[*in.OpenToOthers]
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	row := []string{in.ID, in.Name, in.Provider, in.ProviderName, in.Category, in.TargetGroup, strings.Join(in.Languages, " "), open,
		optFloat(in.Price, 0), optInt(in.Places), in.Location, in.Contact, day(in.ValidFrom), day(in.ValidTo), day(in.Updated)}
	fg := in.Figures
	var status []string
	part := ""
	switch {
	case fg.Participants.Suppressed:
		status = append(status, "deltagare: färre än min_n")
	default:
		part = strconv.FormatInt(fg.Participants.N, 10)
	}
	n, val, lo, hi := "", "", "", ""
	switch s := fg.Share; {
	case s.Suppressed && s.HasCohort:
		// one word for both reasons: telling them apart told a reader
		// whether the hidden count was below min_n (2026-12-02)
		status = append(status, "andel: dold")
	case !s.Suppressed:
		n, val, lo, hi = strconv.FormatInt(s.N, 10), formatFloat(s.Value, 1), formatFloat(s.Low, 1), formatFloat(s.High, 1)
	}
	med := ""
	if !fg.Median.Suppressed {
		med = formatFloat(fg.Median.Value, 1)
	}
	return append(row, part, n, val, lo, hi, med, strings.Join(status, "; "))
}

func optFloat(v *float64, prec int) string {
	if v == nil {
		return ""
	}
	return formatFloat(*v, prec)
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

// defuse makes every cell that a spreadsheet would read as a formula (it
// begins with =, +, -, @, a tab or a carriage return: OWASP's CSV
// injection; and their fullwidth forms, which some spreadsheets fold)
// plain text by a leading apostrophe, which spreadsheets show
// as nothing. The catalogue's text comes from outside (2026-12-02: a
// name =HYPERLINK(…) was served as written). A number's own minus sign
// never starts a cell here: the figures are not negative.
func defuse(row []string) []string {
	for i, c := range row {
		if r, _ := utf8.DecodeRuneInString(c); c != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", r) {
			row[i] = "'" + c
		}
	}
	return row
}
