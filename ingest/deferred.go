package ingest

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/clout-dev/clout/graph"
)

// What the platform exports leave to the end of the reading, Sink.Finish settles:
//
//   - Reactions to a post whose author the record does not name (an archive's like
//     names the tweet, not its author; a liking_users response names the likers of a
//     tweet id). They wait for any input to name the post's author.
//   - Records that a later record may delete (Bluesky): an edge is only final once
//     every input has been read.
//   - Handles of accounts not yet seen (a Bluesky identity event before the
//     account's first record).
//
// A reaction or a post read twice (overlapping searches, a stream that reconnects,
// an archive and an API dump of the same account) counts once: the readers keep the
// keys of what they fed in a set.

// keySet is a set of 64-bit keys that are already hashes, by open addressing with
// linear probing: 8 bytes a slot, at most 3/4 full.
type keySet struct {
	slots []uint64
	n     int
	zero  bool // whether the key 0 (which marks an empty slot) is in
}

// add adds k and reports whether it was new.
func (s *keySet) add(k uint64) bool {
	if k == 0 {
		added := !s.zero
		s.zero = true
		return added
	}
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return false
		case 0:
			s.slots[i] = k
			s.n++
			return true
		}
	}
}

func (s *keySet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	s.n = 0
	for _, k := range old {
		if k != 0 {
			s.add(k)
		}
	}
}

// reactionKey names a reaction of kind k by actor to a post, for deduplication:
// an account retweets or likes a post at most once.
func reactionKey(plat uint8, actor uint32, k graph.Kind, post uint64) uint64 {
	return mix64(post ^ mix64(uint64(actor)<<16|uint64(k)<<8|uint64(plat)))
}

// authorshipKey names the fact "the author of post is known", so that knowAuthor
// records each post once however often it is seen.
func authorshipKey(plat uint8, post uint64) uint64 { return ^postSeenKey(plat, post) }

// postSeenKey names a post for deduplication.
func postSeenKey(plat uint8, post uint64) uint64 {
	return mix64(post ^ uint64(plat+1)*0x9e3779b97f4a7c15)
}

// postAuthor says who wrote a post, for resolving deferred reactions: authors are
// kept as numeric external ids (Twitter's), so that knowing a post does not intern
// its author.
type postAuthor struct {
	post   uint64
	author uint64
	plat   uint8
}

// postRef is a reaction whose target is a post whose author was not known when it
// was read.
type postRef struct {
	post    uint64
	t       int64
	actor   uint32
	plat    uint8
	k       graph.Kind
	retweet bool // also a retweet of the post (Posts.AddRetweeted)
}

// Record operations of the record log.
const (
	opEdge      = iota // an edge of layer k: a → b
	opAuthored         // a wrote post x
	opRetweeted        // post x of a was retweeted
	opList             // a is on list x
	opDelete           // the record is deleted
)

// recOp is one effect of a record that a later record may delete or replace. The
// ops of one create share a seq.
type recOp struct {
	key  uint64 // the record: a hash of its repository, collection and key
	seq  uint64 // the record instance, in reading order
	x    uint64 // post or list key
	t    int64
	a, b uint32
	op   uint8
	k    graph.Kind
	upd  bool // the instance is an update: it replaces the live one
}

// deferred is what Sink.Finish settles.
type deferred struct {
	seen    keySet
	authors []postAuthor
	refs    []postRef
	log     []recOp
	seq     uint64
	handles map[platformID]string
	// refKinds and logKinds are the layers that deferred edges may feed: Finish
	// declares them when one does.
	refKinds [graph.NumKinds]bool
}

type platformID struct {
	plat uint8
	id   string
}

// seenPost reports whether the post was read before, and marks it read.
func (s *Sink) seenPost(plat uint8, post uint64) bool {
	return !s.later.seen.add(postSeenKey(plat, post))
}

// seenReaction reports whether the reaction was read before, and marks it read.
func (s *Sink) seenReaction(plat uint8, actor uint32, k graph.Kind, post uint64) bool {
	return !s.later.seen.add(reactionKey(plat, actor, k, post))
}

// knowAuthor records that the post with key was written by the account whose
// numeric id is author.
func (s *Sink) knowAuthor(plat uint8, post, author uint64) {
	s.later.authors = append(s.later.authors, postAuthor{post: post, author: author, plat: plat})
}

// deferRef queues a reaction to a post whose author is not known yet.
func (s *Sink) deferRef(r postRef) {
	s.later.refs = append(s.later.refs, r)
	s.later.refKinds[r.k] = true
}

// handleLater sets the handle of an id when Finish finds it interned.
func (s *Sink) handleLater(plat uint8, id, handle string) {
	if s.later.handles == nil {
		s.later.handles = make(map[platformID]string)
	}
	s.later.handles[platformID{plat, id}] = handle
}

// FinishReport says what Sink.Finish settled.
type FinishReport struct {
	// Resolved counts, per layer, the deferred reactions whose target an input named;
	// Unresolved those left out because none did (the likes of an archive whose
	// tweets no input shows).
	Resolved, Unresolved [graph.NumKinds]int64
	// Records counts the records of the record log (Bluesky) that were kept;
	// Deleted those a later delete removed, Replaced those a later update replaced,
	// Duplicates those read twice.
	Records, Deleted, Replaced, Duplicates int64
}

// String summarises the report for a person.
func (r FinishReport) String() string {
	s := ""
	add := func(format string, args ...any) {
		if s != "" {
			s += "; "
		}
		s += fmt.Sprintf(format, args...)
	}
	for k, n := range r.Unresolved {
		if n > 0 {
			add("%d %s of posts whose author no input names were left out", n, graph.Kind(k))
		}
	}
	for k, n := range r.Resolved {
		if n > 0 {
			add("%d %s matched to their post's author", n, graph.Kind(k))
		}
	}
	if r.Deleted > 0 {
		add("%d records deleted by a later event", r.Deleted)
	}
	if r.Duplicates > 0 {
		add("%d records read twice counted once", r.Duplicates)
	}
	return s
}

// Finish settles what the readers left to the end: it matches deferred reactions
// to their post's author, applies the record log (creates, updates and deletes, in
// reading order), and sets the handles of ids interned since they were read. Call it
// once every input is read and before s.Graph.Build; inputs read after it wait for
// the next call. Its only error is running out of ids.
func (s *Sink) Finish() (FinishReport, error) {
	var r FinishReport
	if err := s.check(); err != nil {
		return r, err
	}
	l := &s.later
	if err := s.resolveRefs(&r); err != nil {
		return r, err
	}
	s.applyLog(&r)
	for pid, h := range l.handles {
		if u, ok := s.IDs.Lookup(pid.plat, []byte(pid.id)); ok {
			s.IDs.SetHandle(u, h)
		}
	}
	l.handles = nil
	return r, nil
}

// resolveRefs matches the deferred reactions to the authors of their posts.
func (s *Sink) resolveRefs(r *FinishReport) error {
	l := &s.later
	if len(l.refs) == 0 {
		return nil
	}
	a := l.authors
	slices.SortFunc(a, func(x, y postAuthor) int {
		if c := cmp.Compare(x.plat, y.plat); c != 0 {
			return c
		}
		return cmp.Compare(x.post, y.post)
	})
	for _, ref := range l.refs {
		i, ok := slices.BinarySearchFunc(a, postAuthor{post: ref.post, plat: ref.plat}, func(x, y postAuthor) int {
			if c := cmp.Compare(x.plat, y.plat); c != 0 {
				return c
			}
			return cmp.Compare(x.post, y.post)
		})
		if !ok {
			r.Unresolved[ref.k]++
			continue
		}
		b, err := s.IDs.InternUint(ref.plat, a[i].author)
		if err != nil {
			return err
		}
		r.Resolved[ref.k]++
		s.Graph.AddAt(ref.k, ref.actor, b, 1, ref.t)
		if ref.retweet && s.Posts != nil {
			s.Posts.AddRetweeted(b, ref.post)
		}
	}
	for k, n := range r.Resolved {
		if n > 0 {
			s.Graph.Declare(graph.Kind(k))
		}
	}
	l.refs = nil
	return nil
}

// logOp appends an op of the record instance being read.
func (s *Sink) logOp(o recOp) {
	o.seq = s.later.seq
	s.later.log = append(s.later.log, o)
}

// nextRecord starts a new record instance in the log.
func (s *Sink) nextRecord() { s.later.seq++ }

// applyLog replays the record log: for each record, in reading order, a create
// makes it live unless it already is (a duplicate), an update replaces the live
// one, a delete removes it; the ops of the record live at the end are fed.
func (s *Sink) applyLog(r *FinishReport) {
	log := s.later.log
	if len(log) == 0 {
		return
	}
	slices.SortStableFunc(log, func(x, y recOp) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	for i := 0; i < len(log); {
		j := i
		for j < len(log) && log[j].key == log[i].key {
			j++
		}
		// Find the live instance: [lo, hi) of its ops.
		lo, hi := -1, -1
		for a := i; a < j; {
			b := a
			for b < j && log[b].seq == log[a].seq {
				b++
			}
			switch {
			case log[a].op == opDelete:
				if lo >= 0 {
					r.Deleted++
				}
				lo, hi = -1, -1
			case lo < 0:
				lo, hi = a, b
			case log[a].upd:
				r.Replaced++
				lo, hi = a, b
			default:
				r.Duplicates++
			}
			a = b
		}
		if lo >= 0 {
			r.Records++
			for _, o := range log[lo:hi] {
				s.applyOp(o)
			}
		}
		i = j
	}
	s.later.log = nil
}

func (s *Sink) applyOp(o recOp) {
	switch o.op {
	case opEdge:
		s.Graph.AddAt(o.k, o.a, o.b, 1, o.t)
	case opAuthored:
		if s.Posts != nil {
			s.Posts.AddAuthored(o.a, o.x)
		}
	case opRetweeted:
		if s.Posts != nil {
			s.Posts.AddRetweeted(o.a, o.x)
		}
	case opList:
		if s.Lists != nil {
			s.Lists.Add(o.a, o.x)
		}
	}
}
