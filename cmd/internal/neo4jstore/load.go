package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Mode is how Load treats what the database holds already.
type Mode uint8

const (
	// Replace first deletes the users of the dataset's platforms, with their
	// relationships and CloutDataset nodes, then creates everything: the fast path,
	// and the one that leaves nothing stale behind.
	Replace Mode = iota
	// Merge MERGEs users on (platform, id) and relationships on (actor, type, target)
	// and sets their properties, so loading twice leaves the same graph. Users and
	// relationships that are no longer in the dataset are kept.
	Merge
)

func (m Mode) String() string {
	if m == Merge {
		return "merge"
	}
	return "replace"
}

// ParseMode parses "replace" or "merge".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "replace":
		return Replace, nil
	case "merge":
		return Merge, nil
	}
	return 0, fmt.Errorf("want replace or merge, got %q", s)
}

// DefaultBatchSize is the number of relationships per transaction, measured on the
// SNAP Higgs graph (docs/neo4j.md, "Batch size"). A user carries some 30 properties
// and costs the server several times what a relationship costs, so user batches are
// a fifth of it (UserBatch).
const DefaultBatchSize = 10000

// Steps makes a progress report for one step of a long operation ("users",
// "retweets", …); done is called when the step ends. Nil Steps report nothing.
type Steps func(name string) (p graph.Progress, done func())

func (s Steps) step(name string) (graph.Progress, func()) {
	if s == nil {
		return graph.NoProgress, func() {}
	}
	p, done := s(name)
	if p == nil {
		p = graph.NoProgress
	}
	if done == nil {
		done = func() {}
	}
	return p, done
}

// Options tune Load and WriteScores.
type Options struct {
	Mode      Mode
	BatchSize int // rows per transaction; ≤ 0 means DefaultBatchSize
	// Writers is the number of concurrent writers of relationships: 1, or 2 on
	// disjoint sets of users (writers.go); ≤ 0 means DefaultWriters.
	Writers  int
	Progress Steps
}

// DefaultWriters is the default number of concurrent writers of relationships
// (docs/neo4j.md, "Performance").
const DefaultWriters = 2

func (o Options) writers() int {
	switch {
	case o.Writers <= 0:
		return DefaultWriters
	case o.Writers >= 2:
		return 2
	}
	return 1
}

func (o Options) batch() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

// UserBatch returns the number of users per transaction for a batch size of n
// relationships (≤ 0: DefaultBatchSize).
func UserBatch(n int) int {
	if n <= 0 {
		n = DefaultBatchSize
	}
	return max(1, n/5)
}

// LoadStats says what a Load wrote.
type LoadStats struct {
	Users         int64
	Relationships [graph.NumKinds]int64
	Cleared       int64 // users deleted first (Replace)
	Steps         []StepTime
}

// StepTime is the duration of one step of a Load.
type StepTime struct {
	Name string
	Rows int64
	Time time.Duration
}

// Total returns the number of relationships written.
func (s *LoadStats) Total() int64 {
	var n int64
	for _, m := range s.Relationships {
		n += m
	}
	return n
}

// Load writes d into the database: the schema (EnsureSchema), then, under Replace,
// the deletion of the users of d's platforms; then the users in batches, then the
// relationships layer by layer in batches, each batch one managed transaction (retried
// on transient errors); last, one CloutDataset node per platform, which records the
// run's layers and marks the load as complete. Users are written by one session;
// relationships by o.Writers sessions, two of them on disjoint sets of users
// (writers.go), so that no two of our transactions ever wait on each other's locks.
//
// A load that stops half-way (an error, a cancelled ctx) leaves the CloutDataset
// node absent; running it again ends with exactly the dataset's users and
// relationships under either mode.
func (s *Store) Load(ctx context.Context, d Dataset, o Options) (*LoadStats, error) {
	p, err := prepare(d)
	if err != nil {
		return nil, err
	}
	if err := s.EnsureSchema(ctx); err != nil {
		return nil, err
	}
	st := &LoadStats{}
	sess := s.writeSession(ctx)
	defer sess.Close(context.Background())

	// Forget the completion marks first, so that a load that stops half-way shows.
	if _, err := s.write(ctx, sess, `UNWIND $platforms AS p MATCH (d:CloutDataset {platform: p}) DELETE d`,
		map[string]any{"platforms": p.platforms}); err != nil {
		return nil, s.wrap(ctx, "delete the CloutDataset nodes", err)
	}
	if o.Mode == Replace {
		t := time.Now()
		bar, done := o.Progress.step("clear")
		for _, pl := range p.platforms {
			n, err := s.clear(ctx, sess, pl, bar)
			if err != nil {
				done()
				return nil, err
			}
			st.Cleared += n
		}
		done()
		st.Steps = append(st.Steps, StepTime{"clear", st.Cleared, time.Since(t)})
	}

	t := time.Now()
	ids, err := s.writeUsers(ctx, sess, p, o, "users", true)
	if err != nil {
		return nil, err
	}
	st.Users = int64(p.platform.Len())
	st.Steps = append(st.Steps, StepTime{"users", st.Users, time.Since(t)})

	paired := [2]neo4j.SessionWithContext{sess}
	if o.writers() == 2 {
		paired[1] = s.writeSession(ctx)
		defer paired[1].Close(context.Background())
	}
	for _, k := range p.layers {
		t := time.Now()
		var total int64
		for _, g := range p.groups {
			if g.kind == k {
				total += int64(len(g.rows))
			}
		}
		bar, done := o.Progress.step(k.String())
		bar.SetTotal(total)
		for _, g := range p.groups {
			if g.kind != k {
				continue
			}
			var err error
			if paired[1] != nil && len(g.rows) >= pairedMin*o.batch() {
				err = s.writeRelsPaired(ctx, paired, p, ids, g, o, bar)
			} else {
				err = s.writeRels(ctx, sess, p, ids, g, o, bar)
			}
			if err != nil {
				done()
				return nil, err
			}
		}
		done()
		st.Relationships[k] = total
		st.Steps = append(st.Steps, StepTime{k.String(), total, time.Since(t)})
	}

	var sets []map[string]any
	for _, pl := range p.platforms {
		sets = append(sets, map[string]any{
			"platform":      pl,
			"platforms":     p.platforms,
			"layers":        layerNames(p.layers),
			"carried":       nonEmpty(p.carried),
			"missing":       nonEmpty(p.missing),
			"users":         p.users[pl],
			"relationships": p.rels[pl],
			"clout_version": d.Version,
			"mode":          o.Mode.String(),
		})
	}
	if _, err := s.write(ctx, sess, `UNWIND $sets AS r
MERGE (d:CloutDataset {platform: r.platform})
SET d = r, d.loaded_at = datetime()`, map[string]any{"sets": sets}); err != nil {
		return nil, s.wrap(ctx, "write the CloutDataset nodes", err)
	}
	return st, nil
}

// nonEmpty returns a, or an empty non-nil slice (a Cypher list, not null).
func nonEmpty(a []string) []string {
	if a == nil {
		return []string{}
	}
	return a
}

// clear deletes the users of platform and their relationships, in transactions of a
// few thousand users each (CALL … IN TRANSACTIONS, in an auto-commit transaction as
// it requires). It returns the number of users deleted.
func (s *Store) clear(ctx context.Context, sess neo4j.SessionWithContext, platform string, bar graph.Progress) (int64, error) {
	recs, err := s.write(ctx, sess, `MATCH (u:User {platform: $platform}) RETURN count(u)`, map[string]any{"platform": platform})
	if err != nil {
		return 0, s.wrap(ctx, "count the users to delete", err)
	}
	n := asInt(single(recs))
	if n == 0 {
		return 0, nil
	}
	bar.SetTotal(n)
	const stmt = `MATCH (u:User {platform: $platform})
CALL (u) { DETACH DELETE u } IN TRANSACTIONS OF $batch ROWS`
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		res, err := sess.Run(ctx, stmt, map[string]any{"platform": platform, "batch": 2000})
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err == nil {
			bar.Add(n)
			return n, nil
		}
		last = err
		if !neo4j.IsRetryable(err) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * time.Second)
	}
	return 0, s.wrap(ctx, "delete the users of platform "+platform, last)
}

// Tier labels: Neo4j Browser styles nodes by label only (docs/neo4j/style.grass), so
// users in the top 1% and the next 9% by Clout Score (their percentile property) carry
// a second label that the style draws larger. A load and a write-back keep them in
// step with the percentile.
const (
	LabelTop1  = "Top1Percent"  // percentile ≥ 99
	LabelTop10 = "Top10Percent" // 90 ≤ percentile < 99
)

// tierLabels returns the labels of a user whose percentile is p (NaN: none known).
func tierLabels(p float64) []string {
	switch {
	case p >= 99:
		return []string{"User", LabelTop1}
	case p >= 90:
		return []string{"User", LabelTop10}
	}
	return []string{"User"}
}

// setTiers sets the tier labels of u from its percentile property.
const setTiers = `WITH i, u, coalesce(u.percentile, -1.0) AS p
FOREACH (_ IN CASE WHEN p >= 99 THEN [1] ELSE [] END | SET u:` + LabelTop1 + ` REMOVE u:` + LabelTop10 + `)
FOREACH (_ IN CASE WHEN 90 <= p < 99 THEN [1] ELSE [] END | SET u:` + LabelTop10 + ` REMOVE u:` + LabelTop1 + `)
FOREACH (_ IN CASE WHEN p < 90 THEN [1] ELSE [] END | REMOVE u:` + LabelTop1 + `:` + LabelTop10 + `)
`

// userStatement is the statement that writes a batch of users and returns their
// element ids. Under Replace the users are new (the platform was cleared); under
// Merge they are matched on the uniqueness constraint, and a null in the row removes
// the property. The write-back of a recomputation only matches, and returns a count.
func userStatement(mode Mode, create bool) string {
	head := `UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS r
`
	switch {
	case !create:
		return head + `MATCH (u:User {platform: r.platform, id: r.id})
SET u += r
` + setTiers + `RETURN count(u)`
	case mode == Merge:
		return head + `MERGE (u:User {platform: r.platform, id: r.id})
SET u += r
` + setTiers + `RETURN i, elementId(u)`
	}
	return head + `CREATE (u:User)
SET u = r
` + setTiers + `RETURN i, elementId(u)`
}

// nodeIDs maps (platform, id) to the element id of the user node, as the user batches
// return them, for the relationship batches: finding a node by element id costs the
// server about half of what a seek on the (platform, id) index costs (docs/neo4j.md).
type nodeIDs map[string]map[string]string

func (n nodeIDs) get(platform, id string) (string, bool) {
	e, ok := n[platform][id]
	return e, ok
}

// writeUsers writes the Scores rows as users, in batches. With create it creates or
// merges them (Load) and returns their element ids; without it only sets the
// properties of existing users (WriteScores).
func (s *Store) writeUsers(ctx context.Context, sess neo4j.SessionWithContext, p *prepared, o Options, step string, create bool) (nodeIDs, error) {
	n := p.platform.Len()
	bar, done := o.Progress.step(step)
	defer done()
	bar.SetTotal(int64(n))
	stmt := userStatement(o.Mode, create)
	withNulls := o.Mode == Merge || !create
	ids := nodeIDs{}
	size := UserBatch(o.BatchSize)
	rows := make([]map[string]any, 0, min(size, n))
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		rows = rows[:0]
		for i := lo; i < hi; i++ {
			r := make(map[string]any, len(p.props)+2)
			r["platform"] = p.platform.Strings[i]
			r["id"] = p.id.Strings[i]
			for j, c := range p.props {
				if v := value(c, i); v != nil || withNulls {
					r[p.names[j]] = v
				}
			}
			rows = append(rows, r)
		}
		recs, err := s.write(ctx, sess, stmt, map[string]any{"rows": rows})
		if err != nil {
			return nil, s.wrap(ctx, "write users", err)
		}
		if !create {
			if got := asInt(single(recs)); got != int64(hi-lo) {
				return nil, s.fail(ErrDatabase, fmt.Sprintf("neo4j: %d of %d users of a batch are not in the database (were they deleted during the run?)", int64(hi-lo)-got, hi-lo), nil)
			}
		} else {
			if len(recs) != hi-lo {
				return nil, s.fail(ErrDatabase, fmt.Sprintf("neo4j: a batch of %d users returned %d element ids", hi-lo, len(recs)), nil)
			}
			for _, r := range recs {
				i, eid := lo+int(asInt(r.Values[0])), str(r.Values[1])
				pl := p.platform.Strings[i]
				m := ids[pl]
				if m == nil {
					m = make(map[string]string, p.users[pl])
					ids[pl] = m
				}
				m[p.id.Strings[i]] = eid
			}
		}
		bar.Add(int64(hi - lo))
	}
	return ids, nil
}

// relStatement is the statement that writes a batch of relationships of layer k. Each
// row is [actor element id, target element id, count, first, last], times as
// DateTime or null (a null is not stored).
func relStatement(k graph.Kind, mode Mode) string {
	head := `UNWIND $rows AS r
MATCH (a) WHERE elementId(a) = r[0]
MATCH (b) WHERE elementId(b) = r[1]
`
	if mode == Merge {
		return head + `MERGE (a)-[x:` + relTypes[k] + `]->(b)
SET x.count = r[2], x.first = r[3], x.last = r[4]
RETURN count(x)`
	}
	return head + `CREATE (a)-[x:` + relTypes[k] + ` {count: r[2], first: r[3], last: r[4]}]->(b)
RETURN count(x)`
}

// utc is the zone of the DateTimes written: a fixed offset of zero, which the driver
// sends as an offset (stored as "…Z") rather than as a zone name.
var utc = time.FixedZone("Offset", 0)

// dateTime returns row i of a Unix-seconds column as a DateTime, or nil.
func dateTime(c *sink.Column, i int) any {
	if c == nil || c.IsNull(i) {
		return nil
	}
	return time.Unix(c.Ints[i], 0).In(utc)
}

// writeRels writes one group of relationships in batches.
func (s *Store) writeRels(ctx context.Context, sess neo4j.SessionWithContext, p *prepared, ids nodeIDs, g edgeGroup, o Options, bar graph.Progress) error {
	stmt := relStatement(g.kind, o.Mode)
	size := o.batch()
	rows := make([]any, 0, min(size, len(g.rows)))
	for lo := 0; lo < len(g.rows); lo += size {
		hi := min(lo+size, len(g.rows))
		rows = rows[:0]
		for _, i := range g.rows[lo:hi] {
			a, ok1 := ids.get(g.platform, p.actor.Strings[i])
			b, ok2 := ids.get(g.platform, p.target.Strings[i])
			if !ok1 || !ok2 {
				id := p.actor.Strings[i]
				if ok1 {
					id = p.target.Strings[i]
				}
				return &DataError{fmt.Errorf("neo4j: edges.parquet row %d names user %q of platform %q, whom scores.parquet lacks (are both from the same run?)", i, id, g.platform)}
			}
			rows = append(rows, []any{a, b, p.count.Ints[i], dateTime(p.first, i), dateTime(p.last, i)})
		}
		recs, err := s.write(ctx, sess, stmt, map[string]any{"rows": rows})
		if err != nil {
			return s.wrap(ctx, "write "+relTypes[g.kind]+" relationships", err)
		}
		if got := asInt(single(recs)); got != int64(hi-lo) {
			return s.fail(ErrDatabase, fmt.Sprintf("neo4j: %d of %d %s relationships of a batch lost an end node (were users deleted during the load?)",
				int64(hi-lo)-got, hi-lo, relTypes[g.kind]), nil)
		}
		bar.Add(int64(hi - lo))
	}
	return nil
}

// DeletePlatform deletes the users of platform, their relationships and the
// platform's CloutDataset node, in batches. It returns the number of users deleted.
func (s *Store) DeletePlatform(ctx context.Context, platform string) (int64, error) {
	sess := s.writeSession(ctx)
	defer sess.Close(context.Background())
	if _, err := s.write(ctx, sess, `MATCH (d:CloutDataset {platform: $platform}) DELETE d`, map[string]any{"platform": platform}); err != nil {
		return 0, s.wrap(ctx, "delete the CloutDataset node", err)
	}
	return s.clear(ctx, sess, platform, graph.NoProgress)
}
