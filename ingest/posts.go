package ingest

import (
	"fmt"
	"slices"
)

// PostTally counts, per user, the distinct posts they authored (the update_count
// signal) and the distinct posts of theirs that were retweeted (the
// unique_messages_retweeted signal). Posts are named by a uint64 key that needs to be
// unique per user only: PostKey of a post id, or TimeKey of the time of a post where
// the input has no post ids (SNAP Higgs).
//
// A signal no input carried is unknown, not zero: Authored and Retweeted then return
// nil. Readers that carry a signal declare it even when they add nothing.
//
// Pairs are kept in a slice, 16 bytes each; past a few million they are deduplicated
// whenever the slice doubles, so memory stays within about twice 16 bytes per distinct
// (user, post) pair. The zero PostTally is ready to
// use; it is not safe for concurrent use.
type PostTally struct {
	authored, retweeted postSet
}

// DeclareAuthored marks the authored-posts signal as known.
func (t *PostTally) DeclareAuthored() { t.authored.known = true }

// DeclareRetweeted marks the retweeted-posts signal as known.
func (t *PostTally) DeclareRetweeted() { t.retweeted.known = true }

// AddAuthored records that user authored the post with key.
func (t *PostTally) AddAuthored(user uint32, key uint64) { t.authored.add(user, key) }

// AddRetweeted records that target's post with key was retweeted (by anyone).
func (t *PostTally) AddRetweeted(target uint32, key uint64) { t.retweeted.add(target, key) }

// Authored returns, for each dense id in [0, n), the number of distinct posts the user
// authored, or nil when no input carried authored posts. n is normally
// Sink.IDs.Len(); it panics if a user ≥ n was recorded.
func (t *PostTally) Authored(n int) []uint32 { return t.authored.counts(n) }

// Retweeted returns, for each dense id in [0, n), the number of distinct posts of the
// user that were retweeted, or nil when no input carried the retweeted post.
func (t *PostTally) Retweeted(n int) []uint32 { return t.retweeted.counts(n) }

type userKey struct {
	key  uint64
	user uint32
}

// compactMin is the fewest pairs a postSet holds before it deduplicates them while
// reading: below it, 16 bytes per event is no more than the graph Builder itself
// spends on the same events.
const compactMin = 1 << 22

type postSet struct {
	known bool
	pairs []userKey
	clean int    // pairs[:clean] is grouped by user and free of duplicates
	users uint32 // one more than the largest user seen
}

func (s *postSet) add(user uint32, key uint64) {
	s.known = true
	if len(s.pairs) == cap(s.pairs) {
		if len(s.pairs) >= compactMin && len(s.pairs) >= 2*s.clean {
			s.compact()
		}
		if len(s.pairs) == cap(s.pairs) { // double, rather than append's 1.25 for large slices
			s.pairs = slices.Grow(s.pairs, max(len(s.pairs), 1024))
		}
	}
	s.pairs = append(s.pairs, userKey{key, user})
	if user >= s.users {
		s.users = user + 1
	}
}

// compact groups the pairs by user with a counting sort, sorts each user's keys and
// drops duplicates: linear in the pairs, plus a sort of each user's own keys.
func (s *postSet) compact() {
	if s.clean == len(s.pairs) {
		return
	}
	n := int(s.users)
	off := make([]int, n+1)
	for _, p := range s.pairs {
		off[p.user+1]++
	}
	for u := 1; u <= n; u++ {
		off[u] += off[u-1]
	}
	keys := make([]uint64, len(s.pairs))
	next := slices.Clone(off[:n])
	for _, p := range s.pairs {
		keys[next[p.user]] = p.key
		next[p.user]++
	}
	next = nil
	w := 0
	for u := 0; u < n; u++ {
		seg := keys[off[u]:off[u+1]]
		slices.Sort(seg)
		for i, k := range seg {
			if i == 0 || k != seg[i-1] {
				s.pairs[w] = userKey{k, uint32(u)}
				w++
			}
		}
	}
	s.pairs = s.pairs[:w]
	s.clean = w
}

func (s *postSet) counts(n int) []uint32 {
	if !s.known {
		return nil
	}
	if int64(s.users) > int64(n) {
		panic(fmt.Sprintf("ingest: PostTally holds user %d, beyond the %d asked for", s.users-1, n))
	}
	s.compact()
	c := make([]uint32, n)
	for _, p := range s.pairs {
		c[p.user]++
	}
	return c
}

// PostKey returns the key of a post id: its 64-bit FNV-1a hash, finished with a
// mixer so that similar ids spread. Two distinct post ids of one user collide with
// probability about 2^-64.
func PostKey(id []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range id {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return mix64(h)
}

// TimeKey returns the key of the post a user made at Unix time t, for inputs without
// post ids where a user posts at most once a second (SNAP Higgs).
func TimeKey(t int64) uint64 { return mix64(uint64(t) ^ 0x9e3779b97f4a7c15) }

// mix64 is the finaliser of SplitMix64 (Steele, Lea, Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014).
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
