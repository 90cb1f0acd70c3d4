package rank

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEListsSignals keeps the README's signal table in step with the catalogue:
// a row for every signal, whose "sub-scores (weight)" cell gives the signal's
// shipped weights (a fitted weight as itself, an unfitted one as hand × factor, a
// signal without weight as "shown only"), and the factors, the fitted Combine and
// the half-life the README states are those of weights.go and score.go.
func TestREADMEListsSignals(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("README.md not found:", err)
	}
	readme := string(raw)
	subNames := map[string]Sub{"reach": Reach, "amplification": Amplification, "network": Network}
	for _, s := range catalogue() {
		m := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(s.Name) + "` \\| ([^|]*) \\|").FindStringSubmatch(readme)
		if m == nil {
			t.Errorf("README.md has no row for signal %s", s.Name)
			continue
		}
		cell := strings.TrimSpace(m[1])
		var got [NumSubs]float64
		if cell != "shown only" {
			for _, part := range strings.Split(cell, ", ") {
				name, expr, ok := strings.Cut(part, " ")
				k, known := subNames[name]
				if !ok || !known {
					t.Errorf("%s: cannot read %q in %q", s.Name, part, cell)
					continue
				}
				w := 1.0
				for _, f := range strings.Split(expr, "×") {
					x, err := strconv.ParseFloat(f, 64)
					if err != nil {
						t.Errorf("%s: cannot read weight %q in %q", s.Name, expr, cell)
					}
					w *= x
				}
				got[k] = w
			}
		}
		for k := range NumSubs {
			if math.Abs(got[k]-s.Weights[k]) > 1e-9 {
				t.Errorf("README.md gives %s the weights %q; rank ships %v", s.Name, cell, s.Weights)
				break
			}
		}
	}
	f := unfittedFactors(handCatalogue())
	prose := strings.Join(strings.Fields(readme), " ") // sentences wrap
	for _, want := range []string{
		fmt.Sprintf("reach × %.2f, amplification × %.2f, network × %.2f", f[Reach], f[Amplification], f[Network]),
		fmt.Sprintf("c = reach %.2f, amplification %.2f, network %.2f (fitted)", fittedCombine[Reach], fittedCombine[Amplification], fittedCombine[Network]),
		fmt.Sprintf("`h = %g × (End − Start)`", DefaultHalfLife),
		fmt.Sprintf("`--floor %d,%d`", DefaultFloor.Accounts, DefaultFloor.PartnerAccounts),
	} {
		if !strings.Contains(prose, want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
}
