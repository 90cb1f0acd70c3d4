package rank

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEListsSignals keeps the README's signal table in step with the catalogue.
func TestREADMEListsSignals(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("README.md not found:", err)
	}
	for _, s := range catalogue() {
		if !strings.Contains(string(raw), "| `"+s.Name+"` |") {
			t.Errorf("README.md has no row for signal %s", s.Name)
		}
	}
}
