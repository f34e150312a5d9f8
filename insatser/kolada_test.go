package insatser

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestOU: /v3/ou and /v3/ou/{ids} in Kolada's shape (id, municipality,
// title), filters municipality= and title=, Kolada's envelope and paging.
func TestOU(t *testing.T) {
	srv, _, _ := newServer(t)
	type env struct {
		Values  []OU    `json:"values"`
		Count   int     `json:"count"`
		NextURL *string `json:"next_url"`
		PrevURL *string `json:"previous_url"`
	}
	cases := []struct {
		path  string
		ids   string
		count int
		next  bool
	}{
		{"/v3/ou", "AF-1 K-1 K-2 K-3 K-4", 5, false},
		{"/v3/ou/K-1,K-3", "K-1 K-3", 2, false},
		{"/v3/ou?municipality=0127", "K-1 K-2", 2, false},
		{"/v3/ou?title=praktik", "K-3", 1, false},
		{"/v3/ou?per_page=2", "AF-1 K-1", 2, true},
		{"/v3/ou/NOPE", "", 0, false},
	}
	for _, c := range cases {
		status, _, body := get(t, srv.URL+c.path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d %s", c.path, status, body)
		}
		var e env
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		var ids []string
		for _, v := range e.Values {
			ids = append(ids, v.ID)
		}
		if strings.Join(ids, " ") != c.ids || e.Count != c.count || (e.NextURL != nil) != c.next || !strings.Contains(body, `"values":[`) {
			t.Errorf("%s: ids %v count %d next %v; want %q %d %v", c.path, ids, e.Count, e.NextURL, c.ids, c.count, c.next)
		}
	}
	_, _, body := get(t, srv.URL+"/v3/ou/K-1")
	if want := `{"values":[{"id":"K-1","municipality":"0127","title":"Jobbspår vård"}],"count":1,"next_url":null,"previous_url":null}`; strings.TrimSpace(body) != want {
		t.Errorf("got %s\nwant %s", body, want)
	}
	if _, _, body := get(t, srv.URL+"/v3/ou/AF-1"); !strings.Contains(body, `"municipality":""`) {
		t.Errorf("AF's unit: %s", body)
	}
}

// TestOUData: EF401 per unit in Kolada's data-row shape with "ou", the
// path forms and the query form, suppression as null value with a status.
func TestOUData(t *testing.T) {
	srv, _, snaps := newServer(t)
	want := `{"values":[{"kpi":"EF401","ou":"K-1","period":2024,"values":[` +
		`{"gender":"T","count":1,"status":"","value":62.5,"isdeleted":false},` +
		`{"gender":"K","count":1,"status":"suppressed","value":null,"isdeleted":false},` +
		`{"gender":"M","count":1,"status":"suppressed","value":null,"isdeleted":false}]}],"count":1,"next_url":null,"previous_url":null}`
	for _, p := range []string{"/v3/oudata/kpi/EF401/ou/K-1/year/2024", "/v3/oudata/kpi/EF401/ou/K-1", "/v3/oudata/ou/K-1/year/2024",
		"/v3/oudata?kpi_id=EF401&ou_id=K-1", "/v3/oudata/?ou_id=K-1&year=2024"} {
		status, _, body := get(t, srv.URL+p)
		if status != http.StatusOK || strings.TrimSpace(body) != want {
			t.Errorf("%s: status %d\n got %s\nwant %s", p, status, body, want)
		}
	}
	for p, want := range map[string]string{
		"/v3/oudata/municipality/0136/year/2024":              `"ou":"K-3"`,
		"/v3/oudata/kpi/EF401/year/2024?municipality_id=0136": `"ou":"K-3"`,
		"/v3/oudata/kpi/EF401/year/2024?municipality_id=1480": `"values":[]`,
	} {
		if status, _, body := get(t, srv.URL+p); status != http.StatusOK || !strings.Contains(body, want) || strings.Contains(body, `"ou":"K-1"`) {
			t.Errorf("%s: status %d %s, want %s only", p, status, body, want)
		}
	}
	_, _, body := get(t, srv.URL+"/v3/oudata/kpi/EF401/year/2024")
	var e struct {
		Values []OUDataRow `json:"values"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	// K-1, K-2, K-3 and AF-1 ended participations in 2024 (X-9 is not a unit)
	if len(e.Values) != 4 {
		t.Errorf("%d rows for 2024, want 4: %s", len(e.Values), body)
	}
	for _, r := range e.Values {
		if r.OU != "K-1" && r.Values[0].Value != nil {
			t.Errorf("%s 2024 T = %v: below min_n or complementary, must be suppressed", r.OU, *r.Values[0].Value)
		}
	}
	// from_date: every value of a compute on or after that day, none of an
	// earlier one
	computed := snaps.Load().ComputedAt.UTC()
	if computed.IsZero() {
		t.Fatal("the fixture's snapshot has no compute time")
	}
	for from, want := range map[string]string{
		computed.Format(time.DateOnly):                  body,
		computed.AddDate(0, 0, 1).Format(time.DateOnly): `{"values":[],"count":0,"next_url":null,"previous_url":null}`,
	} {
		if status, _, got := get(t, srv.URL+"/v3/oudata/kpi/EF401/year/2024?from_date="+from); status != http.StatusOK || strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("from_date=%s (computed %s): status %d\n got %s\nwant %s", from, computed, status, got, want)
		}
	}
	for _, p := range []string{"/v3/oudata?kpi_id=EF401", "/v3/oudata/kpi/EF401/year/20x4", "/v3/ou?per_page=0", "/v3/oudata/kpi/EF401/year/2024?from_date=2024-13-01"} {
		if status, _, body := get(t, srv.URL+p); status != http.StatusBadRequest || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: status %d %s, want 400 JSON", p, status, body)
		}
	}
	if _, _, body := get(t, srv.URL+"/v3/oudata/kpi/EF101/year/2024"); !strings.Contains(body, `"values":[]`) {
		t.Errorf("unknown kpi: %s, want an empty list", body)
	}
}
