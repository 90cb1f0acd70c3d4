package main

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// A person's score combines the scores of their accounts, as Klout combined a
// person's networks. Each account's Clout Score is 1 + 99·C/max(C) (README,
// "Scaling"), so (clout − 1)/99 = C/max(C) is the account's composite relative to
// the best account of the run, and likewise for each sub-score. Audiences on
// different networks add up, so a person's relative composite is the sum over their
// accounts,
//
//	S(person) = Σ_accounts (clout_a − 1) / 99
//
// and the person's score is rescaled against every entity of the run — each person,
// and each account no person claims, whose S is its own (clout − 1)/99:
//
//	clout(person) = 1 + 99 · S(person) / max_entities S
//
// and the same for reach, amplification and network, over the accounts that have
// that sub-score. A person with one account keeps that account's score when no
// person outscores the best account; a person strong on two networks outscores one
// strong on either. rank orders the entities by S (persons only are listed), and
// percentile is the share of entities with a strictly lower S. The per-account rows
// of scores.parquet are left as they are.

// personRow is one row of persons.parquet.
type personRow struct {
	name       string
	accounts   []uint32
	s          float64
	sub        [rank.NumSubs]float64
	hasSub     [rank.NumSubs]bool
	best       float64 // the highest Clout Score among the accounts
	rank       int64
	percentile float64
}

// personsTable combines the accounts of each person of the identity map.
func personsTable(m *ingest.IdentityMap, res *rank.Result, ids *ingest.Interner) (*sink.Table, []ingest.Account) {
	users, missing := m.Resolve(ids)
	n := len(res.Clout)
	claimed := make(map[uint32]bool)
	var rows []personRow
	for i, p := range m.Persons {
		if len(users[i]) == 0 {
			continue
		}
		r := personRow{name: p.Name, accounts: users[i]}
		for _, u := range users[i] {
			claimed[u] = true
			r.s += (res.Clout[u] - 1) / 99
			r.best = max(r.best, res.Clout[u])
			for k := range rank.NumSubs {
				if res.Sub[k] != nil {
					r.sub[k] += (res.Sub[k][u] - 1) / 99
					r.hasSub[k] = true
				}
			}
		}
		rows = append(rows, r)
	}
	// The entities: the persons, and the accounts no person claims.
	var maxS float64
	var maxSub [rank.NumSubs]float64
	entities := make([]float64, 0, n)
	for _, r := range rows {
		maxS = max(maxS, r.s)
		for k := range rank.NumSubs {
			maxSub[k] = max(maxSub[k], r.sub[k])
		}
		entities = append(entities, r.s)
	}
	for u := range n {
		if claimed[uint32(u)] {
			continue
		}
		s := (res.Clout[u] - 1) / 99
		maxS = max(maxS, s)
		entities = append(entities, s)
		for k := range rank.NumSubs {
			if res.Sub[k] != nil {
				maxSub[k] = max(maxSub[k], (res.Sub[k][u]-1)/99)
			}
		}
	}
	slices.Sort(entities)
	for i := range rows {
		r := &rows[i]
		below, _ := slices.BinarySearch(entities, r.s) // entities strictly below
		above := len(entities) - below
		for above > 0 && entities[len(entities)-above] == r.s {
			above--
		}
		r.rank = int64(above + 1)
		r.percentile = 100 * float64(below) / float64(len(entities))
	}
	slices.SortStableFunc(rows, func(a, b personRow) int { return cmp.Compare(b.s, a.s) })

	scale := func(x, m float64) float64 {
		if m <= 0 {
			return 1
		}
		return 1 + 99*x/m
	}
	k := len(rows)
	t := &sink.Table{Meta: map[string]string{"clout.version": version(), "clout.identity_map": m.Path}}
	name, accts, plats := make([]string, k), make([]string, k), make([]string, k)
	nacc, rk := make([]int64, k), make([]int64, k)
	clout, best, pct := make([]float64, k), make([]float64, k), make([]float64, k)
	var subs [rank.NumSubs][]float64
	var valid [rank.NumSubs][]bool
	for j := range rank.NumSubs {
		subs[j], valid[j] = make([]float64, k), make([]bool, k)
	}
	for i, r := range rows {
		name[i], nacc[i], rk[i], pct[i], best[i] = r.name, int64(len(r.accounts)), r.rank, r.percentile, r.best
		clout[i] = scale(r.s, maxS)
		var a, ps []string
		for _, u := range r.accounts {
			a = append(a, ids.PlatformOf(u)+":"+ids.ID(u))
			if p := ids.PlatformOf(u); !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		slices.Sort(ps)
		accts[i], plats[i] = strings.Join(a, " "), strings.Join(ps, ",")
		for j := range rank.NumSubs {
			if r.hasSub[j] {
				subs[j][i], valid[j][i] = scale(r.sub[j], maxSub[j]), true
			}
		}
	}
	t.Columns = []sink.Column{
		{Name: "person", Type: sink.String, Plain: true, Strings: name, Doc: "the person, as the identity map names them"},
		{Name: "rank", Type: sink.Int64, Ints: rk, Doc: "rank among the persons and the accounts no person claims (1 = highest)"},
		{Name: "clout", Type: sink.Float64, Floats: clout, Doc: "combined Clout Score, 1–100: 1 + 99·Σ(clout_a − 1)/99 over the accounts, relative to the best entity"},
	}
	for j := range rank.NumSubs {
		t.Columns = append(t.Columns, sink.Column{Name: j.String(), Type: sink.Float64, Floats: subs[j], Valid: valid[j], Null: res.Sub[j] == nil,
			Doc: "combined " + j.String() + " sub-score, 1–100, as clout"})
	}
	t.Columns = append(t.Columns,
		sink.Column{Name: "percentile", Type: sink.Float64, Floats: pct, Doc: "percentage of the entities with a strictly lower combined score"},
		sink.Column{Name: "best_account_clout", Type: sink.Float64, Floats: best, Doc: "the highest Clout Score among the person's accounts (scores.parquet)"},
		sink.Column{Name: "accounts", Type: sink.Int64, Ints: nacc, Doc: "accounts of the person found in the inputs"},
		sink.Column{Name: "platforms", Type: sink.String, Strings: plats, Doc: "their platforms, comma-separated"},
		sink.Column{Name: "account_ids", Type: sink.String, Strings: accts, Doc: "their platform:id, space-separated"},
	)
	return t, missing
}

// writePersons writes persons.parquet (and persons.csv with --csv) for the identity
// map, and says on stderr which accounts the inputs do not hold.
func writePersons(c *scoreConfig, m *ingest.IdentityMap, res *rank.Result, ids *ingest.Interner) ([]outputInfo, error) {
	t, missing := personsTable(m, res, ids)
	if len(missing) > 0 {
		var names []string
		for _, a := range missing[:min(len(missing), 5)] {
			names = append(names, fmt.Sprintf("%s (line %d)", a, a.Line))
		}
		more := ""
		if len(missing) > 5 {
			more = fmt.Sprintf(" and %d more", len(missing)-5)
		}
		fmt.Fprintf(c.errw(), "clout: %s: %d accounts are in no input: %s%s\n", m.Path, len(missing), strings.Join(names, ", "), more)
	}
	var outs []outputInfo
	path := filepath.Join(c.out, "persons.parquet")
	if err := sink.WriteParquet(path, t, sink.ParquetOptions{Put: c.outs.put}); err != nil {
		return nil, outputErr(err)
	}
	outs = append(outs, c.outs.info(path, t.Rows()))
	if c.csv {
		path := filepath.Join(c.out, "persons.csv")
		if err := c.outs.put(path, 0o644, func(w io.Writer) error { return sink.WriteCSV(w, t) }); err != nil {
			return nil, outputErr(err)
		}
		outs = append(outs, c.outs.info(path, t.Rows()))
	}
	return outs, nil
}
