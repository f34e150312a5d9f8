package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
)

// TestDemoReport: the demo writes the evaluation report of every default
// collaboration beside its other outputs and prints the paths; each is one
// self-contained HTML file (nothing fetched) with the report's sections.
func TestDemoReport(t *testing.T) {
	d := demoFixture(t)
	stdout := string(d.demo.stdout)
	if !strings.Contains(stdout, "Evaluation reports") {
		t.Errorf("demo summary does not list the reports:\n%s", stdout)
	}
	for _, co := range config.Default().Collaborations {
		path := filepath.Join(d.dir, "report-"+co.ID+".html")
		if !strings.Contains(stdout, path) {
			t.Errorf("demo summary does not print %s", path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("report of %s: %v", co.ID, err)
			continue
		}
		html := string(b)
		for _, want := range []string{`<html lang="sv">`, "<title>Utvärdering: " + co.Title, `id="sammanfattning"`, `id="mal"`,
			`id="indikatorer"`, `id="definitioner"`, `id="metod"`, "<svg ", "Samverkan har " + municipalitiesText(len(co.Members))} {
			if !strings.Contains(html, want) {
				t.Errorf("report of %s lacks %q", co.ID, want)
			}
		}
		if strings.Contains(strings.ToLower(html), "<script") {
			t.Errorf("report of %s holds a script", co.ID)
		}
		for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*`).FindAllString(html, -1) {
			t.Errorf("report of %s requests %s", co.ID, m)
		}
		for _, u := range regexp.MustCompile(`https?://[^"'\s<>]+`).FindAllString(html, -1) {
			if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xlink" {
				t.Errorf("report of %s names %s", co.ID, u)
			}
		}
	}
}

func municipalitiesText(n int) string {
	if n == 1 {
		return "1 medlemskommun"
	}
	return strconv.Itoa(n) + " medlemskommuner"
}
