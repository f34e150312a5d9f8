package config

import (
	"os"
	"testing"
)

// FuzzDecode feeds arbitrary YAML to the config decoder: it never panics,
// and a file it accepts either validates or fails with a key-naming error.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("../effekt.example.yaml"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{"", "listen: ':'", "groups:\n  - id: G1\n    members: [Botkyrka]\n", "indicators: {min_n: -1}", "schedules: {ingest: '* * *'}", "paths: [1, 2]", "a: &a [*a]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Default()
		if err := decode(s, &c); err != nil {
			return
		}
		c.Pseudonym.Key = DemoKey
		c.normalizeGroups()
		if err := c.Validate(); err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("Validate returned %T %v, want a *ValidationError naming the key", err, err)
			}
		}
	})
}
