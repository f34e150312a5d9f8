//go:build integration

package integration

import (
	"os"
	"testing"
)

// TestMain stops the shared stack after every test of the package ran.
func TestMain(m *testing.M) {
	code := m.Run()
	StopStack()
	os.Exit(code)
}
