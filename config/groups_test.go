package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestGroupMembersByName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "effekt.yaml")
	yml := "groups:\n  - id: G0100\n    title: Norr\n    members: [\"Botkyrka\", \"NACKA KOMMUN\", \"127\", \"Stockholms stad\", \"0120\"]\n"
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0127", "0182", "0127", "0180", "0120"}
	if len(c.Groups) != 1 || !reflect.DeepEqual(c.Groups[0].Members, want) {
		t.Fatalf("groups = %+v, want one group with members %v", c.Groups, want)
	}
}
