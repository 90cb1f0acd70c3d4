package sink

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// scoreTable returns a table of rows rows shaped like Clout's score output, with
// every kind of value the writer must carry: all three types, per-row nulls, a Null
// column without values and one with ignored values, a column whose rows are all
// null, special floats, extreme integers, text that needs quoting or
// neutralising, and a column without statistics. It is deterministic for a given seed.
func scoreTable(rows int, seed uint64) *Table {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	ids := make([]string, rows)
	idValid := make([]bool, rows)
	handles := make([]string, rows)
	followers := make([]int64, rows)
	score := make([]float64, rows)
	special := make([]float64, rows)
	specialValid := make([]bool, rows)
	deadValid := make([]bool, rows) // all false
	dead := make([]int64, rows)
	handleSet := []string{"alice", "bob", "=cmd()", "+1", "-1", "@x", "com,ma", "quo\"te", "new\nline", "ünïcødé ✓", ""}
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64, -1.5}
	for i := range rows {
		ids[i] = fmt.Sprintf("user-%d", i)
		idValid[i] = i%97 != 3
		handles[i] = handleSet[rng.IntN(len(handleSet))]
		switch i % 1000 {
		case 1:
			followers[i] = math.MinInt64
		case 2:
			followers[i] = math.MaxInt64
		default:
			followers[i] = rng.Int64N(1e9) - 1e3
		}
		score[i] = rng.Float64() * 100
		if i%13 == 0 {
			special[i] = specials[(i/13)%len(specials)]
		} else {
			special[i] = rng.NormFloat64()
		}
		specialValid[i] = i%5 != 0
	}
	return &Table{
		Columns: []Column{
			{Name: "id", Type: String, Doc: "external user id", Strings: ids, Valid: idValid},
			{Name: "handle", Type: String, Doc: "display handle, low cardinality", Strings: handles},
			{Name: "followers", Type: Int64, Doc: "follower count", Ints: followers},
			{Name: "score", Type: Float64, Doc: "Clout score in [0, 100)", Floats: score},
			{Name: "special", Type: Float64, Floats: special, Valid: specialValid},
			{Name: "missing", Type: Float64, Doc: "signal absent from the inputs", Null: true},
			{Name: "missing_s", Type: String, Null: true, Strings: make([]string, rows)},
			{Name: "dead", Type: Int64, Ints: dead, Valid: deadValid},
			{Name: "dotted.name", Type: String, Strings: handles, NoStats: true},
		},
		Meta: map[string]string{"clout.version": "v0.0.0-test", "clout.note": "ünïcødé ✓"},
	}
}

// equalTables reports the first difference between two tables as an error, treating
// a column whose rows are all null like a Null column, and comparing floats by their
// bits (so NaN equals NaN and -0 differs from 0).
func equalTables(want, got *Table) error {
	if w, g := want.Rows(), got.Rows(); w != g {
		return fmt.Errorf("rows: got %d, want %d", g, w)
	}
	if len(want.Columns) != len(got.Columns) {
		return fmt.Errorf("columns: got %d, want %d", len(got.Columns), len(want.Columns))
	}
	if len(want.Meta) != len(got.Meta) {
		return fmt.Errorf("meta: got %v, want %v", got.Meta, want.Meta)
	}
	for k, v := range want.Meta {
		if got.Meta[k] != v {
			return fmt.Errorf("meta[%q]: got %q, want %q", k, got.Meta[k], v)
		}
	}
	rows := want.Rows()
	for i := range want.Columns {
		w, g := &want.Columns[i], &got.Columns[i]
		if w.Name != g.Name || w.Type != g.Type || w.Doc != g.Doc {
			return fmt.Errorf("column %d: got %q %v doc %q, want %q %v doc %q", i, g.Name, g.Type, g.Doc, w.Name, w.Type, w.Doc)
		}
		if allNull(w, rows) != g.Null {
			return fmt.Errorf("column %q: got Null=%v, want %v", w.Name, g.Null, !g.Null)
		}
		if g.Null {
			if g.Valid != nil || g.Len() != rows {
				return fmt.Errorf("column %q: Null column read back with Valid %v and %d values", w.Name, g.Valid != nil, g.Len())
			}
			continue
		}
		for r := range rows {
			if w.IsNull(r) != g.IsNull(r) {
				return fmt.Errorf("column %q row %d: got null=%v", w.Name, r, g.IsNull(r))
			}
			if w.IsNull(r) {
				continue
			}
			switch w.Type {
			case String:
				if w.Strings[r] != g.Strings[r] {
					return fmt.Errorf("column %q row %d: got %q, want %q", w.Name, r, g.Strings[r], w.Strings[r])
				}
			case Int64:
				if w.Ints[r] != g.Ints[r] {
					return fmt.Errorf("column %q row %d: got %d, want %d", w.Name, r, g.Ints[r], w.Ints[r])
				}
			case Float64:
				if math.Float64bits(w.Floats[r]) != math.Float64bits(g.Floats[r]) {
					return fmt.Errorf("column %q row %d: got %v, want %v", w.Name, r, g.Floats[r], w.Floats[r])
				}
			}
		}
	}
	return nil
}

// allNull reports whether every one of the rows of c is null (and there is a row).
func allNull(c *Column, rows int) bool {
	if rows == 0 {
		return false
	}
	for r := range rows {
		if !c.IsNull(r) {
			return false
		}
	}
	return true
}
