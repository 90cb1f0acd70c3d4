package ingest

import "math"

// PublicMetrics are the counts a platform publishes on a user's profile, such as
// Twitter API v2's public_metrics: followers, accounts followed, lists the user is on,
// posts. They describe the whole account, not the slice of it the inputs show.
type PublicMetrics struct {
	Followers, Following, Listed, Posts int64
}

// Profiles keeps, per user, the latest PublicMetrics an input published. A user
// appears in many responses, each a snapshot: the one retrieved last wins (ties go
// to the one read last), and snapshots are never added up.
//
// A user no input published metrics for has zeros. Profiles costs 24 bytes per
// id up to the largest id with metrics. The zero Profiles is ready to use; it is not
// safe for concurrent use.
type Profiles struct {
	p []profile
}

type profile struct {
	asOf int64 // Unix seconds of the snapshot; math.MinInt64 for none
	v    [4]uint32
}

const noProfile = math.MinInt64

// Set records u's metrics as of Unix time asOf (0 when unknown), unless a later
// snapshot is already known.
func (ps *Profiles) Set(u uint32, m PublicMetrics, asOf int64) {
	if asOf == noProfile {
		asOf++
	}
	for int(u) >= len(ps.p) {
		ps.p = append(ps.p, profile{asOf: noProfile})
	}
	p := &ps.p[u]
	if p.asOf > asOf {
		return
	}
	p.asOf = asOf
	for i, v := range [4]int64{m.Followers, m.Following, m.Listed, m.Posts} {
		p.v[i] = uint32(min(max(v, 0), math.MaxUint32))
	}
}

// Known reports whether any input published metrics.
func (ps *Profiles) Known() bool { return ps != nil && len(ps.p) > 0 }

// Followers returns the published follower count of each dense id in [0, n), or nil
// when no input published metrics. Following, Listed and Posts are alike.
func (ps *Profiles) Followers(n int) []uint32 { return ps.column(n, 0) }

// Following returns the published counts of accounts followed; see Followers.
func (ps *Profiles) Following(n int) []uint32 { return ps.column(n, 1) }

// Listed returns the published counts of lists the users are on; see Followers.
func (ps *Profiles) Listed(n int) []uint32 { return ps.column(n, 2) }

// Posts returns the published counts of posts; see Followers.
func (ps *Profiles) Posts(n int) []uint32 { return ps.column(n, 3) }

func (ps *Profiles) column(n, i int) []uint32 {
	if !ps.Known() {
		return nil
	}
	c := make([]uint32, n)
	for u := range min(n, len(ps.p)) {
		c[u] = ps.p[u].v[i]
	}
	return c
}

// Metrics returns u's metrics and whether any input published them.
func (ps *Profiles) Metrics(u uint32) (PublicMetrics, bool) {
	if ps == nil || int(u) >= len(ps.p) || ps.p[u].asOf == noProfile {
		return PublicMetrics{}, false
	}
	v := ps.p[u].v
	return PublicMetrics{int64(v[0]), int64(v[1]), int64(v[2]), int64(v[3])}, true
}

// ListTally counts, per user, the distinct lists the user is a member of (the
// list_count signal): Bluesky list items, Mastodon lists, Twitter list members.
// Lists are named by a uint64 key, PostKey of the list's id. Like PostTally it holds
// 16 bytes per (user, list) pair, deduplicated as it grows. The zero ListTally is
// ready to use.
type ListTally struct {
	set postSet
}

// Declare marks list memberships as known even if none is added.
func (t *ListTally) Declare() { t.set.known = true }

// Add records that user is a member of the list with key.
func (t *ListTally) Add(user uint32, list uint64) { t.set.add(user, list) }

// Counts returns, for each dense id in [0, n), the number of distinct lists the user
// is on, or nil when no input carried list memberships.
func (t *ListTally) Counts(n int) []uint32 {
	if t == nil {
		return nil
	}
	return t.set.counts(n)
}
