package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEEmbedsExample keeps the README's configuration section and
// effekt.example.yaml identical, so the documented defaults cannot drift.
func TestREADMEEmbedsExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../effekt.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	block := "```yaml\n" + strings.TrimRight(string(example), "\n") + "\n```"
	if !strings.Contains(string(readme), block) {
		t.Fatal("README.md does not embed effekt.example.yaml verbatim in a ```yaml block; copy the file into the Configuration section")
	}
}
