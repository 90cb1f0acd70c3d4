package ingest

import (
	"fmt"
	"strconv"

	"github.com/clout-dev/clout/graph"
)

// Options control a reader. The zero Options read everything and fail on the first
// bad line.
type Options struct {
	// OnBadLine says whether a bad line stops the reader (Fail, the default) or is
	// counted and skipped (Skip).
	OnBadLine BadLinePolicy
	// Since and Until restrict timestamped events to the window [Since, Until), in Unix
	// seconds: an event at t < Since or t ≥ Until is counted in Report.OutOfWindow and
	// otherwise ignored (its users are not interned). graph.NoTime or 0 leaves a bound
	// open. Events without a timestamp (edge lists, rows with an empty time) are
	// always read.
	Since, Until int64
	// Progress, which may be nil, is told the bytes read from a file by ReadInput and
	// the bytes of row groups read by ReadInteractionsParquet. The Read functions that
	// take an io.Reader leave it alone: wrap the reader (see Open) to follow them.
	Progress graph.Progress
	// Platform scopes the user ids ("twitter", "bluesky", …): the same id on two
	// platforms is two users. The platforms' own export formats (Twitter API v2,
	// X archives, Bluesky, Mastodon) name their platform and ignore it.
	Platform string
	// Owner is the stable id of the account an export belongs to, for the export
	// files that do not name it: an X archive's tweets.js, follower.js, following.js
	// and like.js, a Mastodon archive's likes.json and its CSV exports. ReadInput
	// finds it in the files beside the input (manifest.js or account.js; actor.json)
	// when it is empty.
	Owner string
	// RetweetMentions says what to do with the mentions a retweet carries in a SNAP
	// Higgs activity log: kept as the log has them (KeepRetweetMentions, the default)
	// or left out (DropRetweetMentions). Only ReadHiggsActivity acts on it: the other
	// readers see the retweet itself and never count its mentions.
	RetweetMentions RetweetMentionPolicy

	// owner, set by ReadInput, looks the owner up beside the input.
	owner func() (string, error)
}

// exportOwner returns the owner of an export that does not name it.
func (o *Options) exportOwner(what string) (string, error) {
	if o.Owner != "" {
		return o.Owner, nil
	}
	if o.owner != nil {
		return o.owner()
	}
	return "", fmt.Errorf("%s does not say whose account it is: set Options.Owner, or read it with ReadInput from its folder", what)
}

// RetweetMentionPolicy says what ReadHiggsActivity does with the MT lines that a
// retweet carries. The Higgs log writes one tweet as a run of adjacent lines of the
// same userA and second (ReadHiggsActivity has the exact rule); when the run holds an
// RT line, the tweet is a retweet and its MT lines are the mentions written in the
// retweeted tweet ("RT @B: … @C" gives "A B t RT" and "A C t MT"), that is the
// original author's mentions, not the retweeter's. Either way they are counted in
// Report.RetweetMentions (and in Report.Records).
type RetweetMentionPolicy uint8

const (
	// KeepRetweetMentions reads the log as SNAP publishes it: every MT line is userA
	// mentioning userB. It is the default (the shipped weights were fitted on it).
	KeepRetweetMentions RetweetMentionPolicy = iota
	// DropRetweetMentions leaves a retweet's MT lines out of the graph (no mention
	// event, no authored post), as the Twitter API v2 and X archive readers leave a
	// retweet's mentions out. Their users are still interned, in input order, so the
	// users and their dense ids are those KeepRetweetMentions gives.
	DropRetweetMentions
)

// String returns "keep" or "drop".
func (p RetweetMentionPolicy) String() string {
	switch p {
	case KeepRetweetMentions:
		return "keep"
	case DropRetweetMentions:
		return "drop"
	}
	return "RetweetMentionPolicy(" + strconv.Itoa(int(p)) + ")"
}

// ParseRetweetMentionPolicy returns the policy named s ("keep" or "drop"), for flags.
func ParseRetweetMentionPolicy(s string) (RetweetMentionPolicy, error) {
	switch s {
	case "keep":
		return KeepRetweetMentions, nil
	case "drop":
		return DropRetweetMentions, nil
	}
	return 0, fmt.Errorf("ingest: unknown retweet-mention policy %q (want keep or drop)", s)
}

// inWindow reports whether t falls in the window; NoTime always does.
func (o *Options) inWindow(t int64) bool {
	if t == graph.NoTime {
		return true
	}
	if o.Since != 0 && o.Since != graph.NoTime && t < o.Since {
		return false
	}
	if o.Until != 0 && o.Until != graph.NoTime && t >= o.Until {
		return false
	}
	return true
}

// Report says what a reader read.
type Report struct {
	Path     string // the input's name
	Format   string // FormatEdgeList, FormatHiggsActivity, …
	FileSize int64  // bytes of the file as stored (compressed), when ReadInput opened it; else 0
	Gzip     bool   // whether ReadInput found the file gzip-compressed

	Bytes   int64 // bytes of (decompressed) text read; for Parquet, the file size
	Lines   int64 // lines read, comments, blank lines and headers included; 0 for Parquet
	Records int64 // well-formed data records (lines, rows), in the window or not
	Skipped int64 // bad records skipped under the Skip policy
	// FirstBad holds the first few errors of the skipped records, each a *ParseError.
	FirstBad []error

	OutOfWindow int64 // well-formed records outside [Since, Until), not counted
	// Events counts the events fed to the graph per layer: one per event of an event
	// log, the weight of each edge of an edge list. Self-loops are included here; the
	// graph Builder drops them.
	Events [graph.NumKinds]int64
	// SelfLoops counts the events of Events whose actor is also the target.
	SelfLoops [graph.NumKinds]int64
	// RetweetMentions counts the in-window MT lines of a Higgs activity log that a
	// retweet carries (see RetweetMentionPolicy). They are in Events[graph.Mentions]
	// unless RetweetMentionsDropped, which DropRetweetMentions sets.
	RetweetMentions        int64
	RetweetMentionsDropped bool

	// The platforms' export readers also count:
	Posts      int64 // posts read (tweets, statuses, Bluesky posts), reposts included
	Duplicates int64 // posts or reactions read before (in this input or an earlier one), left out
	Deferred   int64 // reactions to posts whose author is not known yet: Sink.Finish matches them
	Unresolved int64 // reactions left out because the record does not name their target
	Ignored    int64 // well-formed records that carry nothing Clout reads (other collections, …)
	Deletes    int64 // delete operations (Bluesky), applied by Sink.Finish
}

// TotalEvents returns the sum of Events over the layers.
func (r *Report) TotalEvents() int64 {
	var n int64
	for _, e := range r.Events {
		n += e
	}
	return n
}

// String summarises the report on one line.
func (r *Report) String() string {
	s := fmt.Sprintf("%s (%s): %d records", r.Path, r.Format, r.Records)
	for k, e := range r.Events {
		if e != 0 {
			s += fmt.Sprintf(", %s %d", graph.Kind(k), e)
		}
	}
	if r.RetweetMentions != 0 {
		s += fmt.Sprintf(", %d mentions carried by retweets", r.RetweetMentions)
		if r.RetweetMentionsDropped {
			s += " (left out)"
		}
	}
	if r.OutOfWindow != 0 {
		s += fmt.Sprintf(", %d out of the time window", r.OutOfWindow)
	}
	for _, c := range []struct {
		n    int64
		what string
	}{{r.Duplicates, "read before"}, {r.Deferred, "reactions waiting for their post's author"},
		{r.Unresolved, "reactions without a known target"}, {r.Ignored, "records not used"}, {r.Deletes, "deletes"}} {
		if c.n != 0 {
			s += fmt.Sprintf(", %d %s", c.n, c.what)
		}
	}
	if r.Skipped != 0 {
		s += fmt.Sprintf(", %d bad records skipped", r.Skipped)
	}
	return s
}

// bad handles a bad record under the policy: under Fail it returns err; under Skip it
// counts it, keeps it if among the first few, and returns nil.
func (r *Report) bad(o *Options, err error) error {
	if o.OnBadLine != Skip {
		return err
	}
	r.Skipped++
	if len(r.FirstBad) < maxFirstBad {
		r.FirstBad = append(r.FirstBad, err)
	}
	return nil
}
