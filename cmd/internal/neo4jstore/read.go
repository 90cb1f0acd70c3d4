package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Counts are the users of a platform and their relationships per layer.
type Counts struct {
	Users         int64
	Relationships [graph.NumKinds]int64
}

// Total returns the number of relationships.
func (c Counts) Total() int64 {
	var n int64
	for _, m := range c.Relationships {
		n += m
	}
	return n
}

// countStatement counts users and, from their degrees, their outgoing relationships
// of each type.
var countStatement = func() string {
	var b strings.Builder
	b.WriteString("MATCH (u:User {platform: $platform})\nRETURN count(u)")
	for _, t := range relTypes {
		fmt.Fprintf(&b, ", sum(COUNT { (u)-[:%s]->() })", t)
	}
	return b.String()
}()

// Count returns the number of users of platform and of their outgoing relationships.
func (s *Store) Count(ctx context.Context, platform string) (Counts, error) {
	recs, err := s.query(ctx, countStatement, map[string]any{"platform": platform})
	if err != nil {
		return Counts{}, err
	}
	var c Counts
	if len(recs) == 1 {
		v := recs[0].Values
		c.Users = asInt(v[0])
		for k := range graph.NumKinds {
			c.Relationships[k] = asInt(v[1+int(k)])
		}
	}
	return c, nil
}

// DatasetInfo is a CloutDataset node: the record of a complete load of one platform.
type DatasetInfo struct {
	Platform      string
	Platforms     []string     // the platforms loaded (and scored) together with it
	Layers        []graph.Kind // the layers the run carried
	Carried       []string     // user properties with values
	Missing       []string     // user properties the run's inputs do not carry (null)
	Users         int64
	Relationships int64
	Version       string
	LoadedAt      time.Time
}

// Datasets returns the CloutDataset nodes, by platform.
func (s *Store) Datasets(ctx context.Context) ([]DatasetInfo, error) {
	recs, err := s.query(ctx, `MATCH (d:CloutDataset) RETURN properties(d) AS d ORDER BY d.platform`, nil)
	if err != nil {
		return nil, err
	}
	var out []DatasetInfo
	for _, r := range recs {
		m, _ := r.Values[0].(map[string]any)
		d := DatasetInfo{
			Platform:      str(m["platform"]),
			Platforms:     strs(m["platforms"]),
			Carried:       strs(m["carried"]),
			Missing:       strs(m["missing"]),
			Users:         asInt(m["users"]),
			Relationships: asInt(m["relationships"]),
			Version:       str(m["clout_version"]),
		}
		for _, l := range strs(m["layers"]) {
			if k, err := graph.ParseKind(l); err == nil {
				d.Layers = append(d.Layers, k)
			}
		}
		if t, ok := m["loaded_at"].(time.Time); ok {
			d.LoadedAt = t
		}
		out = append(out, d)
	}
	return out, nil
}

// Platforms returns the distinct platforms of the users, sorted; it scans every user.
func (s *Store) Platforms(ctx context.Context) ([]string, error) {
	recs, err := s.query(ctx, `MATCH (u:User) WHERE u.platform IS :: STRING
RETURN DISTINCT u.platform ORDER BY u.platform`, nil)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, str(r.Values[0]))
	}
	return out, nil
}

// Layers returns the layers that have at least one relationship from a user of
// platform: what a dataset without a CloutDataset node is taken to carry.
func (s *Store) Layers(ctx context.Context, platform string) ([]graph.Kind, error) {
	c, err := s.Count(ctx, platform)
	if err != nil {
		return nil, err
	}
	var out []graph.Kind
	for k, n := range c.Relationships {
		if n > 0 {
			out = append(out, graph.Kind(k))
		}
	}
	return out, nil
}

// User is a user read back: its id and the values of the properties asked for (nil
// where the node lacks one).
type User struct {
	ID    string
	Props []any
}

// Edge is a relationship read back. First and Last are Unix seconds, or graph.NoTime.
type Edge struct {
	Actor, Target string
	Kind          graph.Kind
	Count         int64
	First, Last   int64
}

// ReadOptions tune Read.
type ReadOptions struct {
	PageSize int      // users per page; ≤ 0 means DefaultBatchSize
	Props    []string // user properties to return with each user
	Progress Steps
}

// readUsersStatement reads one page of users in id order, after the id $after; the
// uniqueness constraint's index serves both the seek and the order.
const readUsersStatement = `MATCH (u:User)
WHERE u.platform = $platform AND u.id > $after
WITH u ORDER BY u.platform, u.id LIMIT $page
RETURN u.id, [k IN $props | u[k]]`

// readEdgesStatement reads the relationships of the users with ids in ($after, $last].
var readEdgesStatement = `MATCH (a:User)
WHERE a.platform = $platform AND a.id > $after AND a.id <= $last
MATCH (a)-[r:` + strings.Join(relTypes[:], "|") + `]->(b:User)
WHERE b.platform = $platform
RETURN a.id, type(r), b.id, r.count, r.first.epochSeconds, r.last.epochSeconds`

// Read streams the users of platform and their relationships, a page of users at a
// time in id order: users is called with a page of users, then edges with the
// relationships whose actors are in that page. Pages are read by id range on the
// uniqueness constraint's index (WHERE id > $after ORDER BY id LIMIT $page), never
// by SKIP, and each page's relationships are handed over only once their transaction
// has succeeded, so that a retried transaction never delivers a row twice.
//
// Relationships without a count count once; ids that are not strings are skipped.
func (s *Store) Read(ctx context.Context, platform string, o ReadOptions, users func([]User) error, edges func([]Edge) error) error {
	page := o.PageSize
	if page <= 0 {
		page = DefaultBatchSize
	}
	props := o.Props
	if props == nil {
		props = []string{}
	}
	c, err := s.Count(ctx, platform)
	if err != nil {
		return err
	}
	ub, udone := o.Progress.step("read users")
	defer udone()
	ub.SetTotal(c.Users)
	eb, edone := o.Progress.step("read edges")
	defer edone()
	eb.SetTotal(c.Total())

	sess := s.drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead, FetchSize: 5000})
	defer sess.Close(context.Background())
	after := ""
	for {
		out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, readUsersStatement, map[string]any{
				"platform": platform, "after": after, "page": page, "props": props})
			if err != nil {
				return nil, err
			}
			var us []User
			for res.Next(ctx) {
				v := res.Record().Values
				id, ok := v[0].(string)
				if !ok {
					continue
				}
				vals, _ := v[1].([]any)
				us = append(us, User{ID: id, Props: vals})
			}
			return us, res.Err()
		})
		if err != nil {
			return s.wrap(ctx, "read users", err)
		}
		us := out.([]User)
		if len(us) == 0 {
			return nil
		}
		last := us[len(us)-1].ID
		if err := users(us); err != nil {
			return err
		}
		ub.Add(int64(len(us)))

		out, err = sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, readEdgesStatement, map[string]any{
				"platform": platform, "after": after, "last": last})
			if err != nil {
				return nil, err
			}
			var es []Edge
			for res.Next(ctx) {
				v := res.Record().Values
				a, ok1 := v[0].(string)
				b, ok2 := v[2].(string)
				k, ok3 := kindOf(str(v[1]))
				if !ok1 || !ok2 || !ok3 {
					continue
				}
				e := Edge{Actor: a, Target: b, Kind: k, Count: 1, First: graph.NoTime, Last: graph.NoTime}
				if n, ok := v[3].(int64); ok {
					e.Count = n
				}
				if t, ok := v[4].(int64); ok {
					e.First = t
				}
				if t, ok := v[5].(int64); ok {
					e.Last = t
				}
				es = append(es, e)
			}
			return es, res.Err()
		})
		if err != nil {
			return s.wrap(ctx, "read relationships", err)
		}
		es := out.([]Edge)
		if err := edges(es); err != nil {
			return err
		}
		eb.Add(int64(len(es)))
		if len(us) < page {
			return nil
		}
		after = last
	}
}

// WriteScores sets the columns of scores (as Load names them) on the users that
// already exist, matched on (platform, user_id); a null removes the property. It
// fails if a user is missing. It is how a recomputation writes its scores back.
func (s *Store) WriteScores(ctx context.Context, scores *sink.Table, o Options) error {
	p, err := prepare(Dataset{Scores: scores})
	if err != nil {
		return err
	}
	sess := s.writeSession(ctx)
	defer sess.Close(context.Background())
	_, err = s.writeUsers(ctx, sess, p, o, "write back", false)
	return err
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// UserProperties returns the properties of the users of platform with the given ids,
// in order (nil for a missing user).
func (s *Store) UserProperties(ctx context.Context, platform string, ids []string) ([]map[string]any, error) {
	recs, err := s.query(ctx, `UNWIND range(0, size($ids) - 1) AS i
OPTIONAL MATCH (u:User {platform: $platform, id: $ids[i]})
RETURN i, properties(u)`, map[string]any{"platform": platform, "ids": ids})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(ids))
	for _, r := range recs {
		m, _ := r.Values[1].(map[string]any)
		out[asInt(r.Values[0])] = m
	}
	return out, nil
}
