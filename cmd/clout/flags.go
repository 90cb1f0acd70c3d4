package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// newFlagSet makes a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: clout %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping -h to a nil error with done set.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return true, nil
		}
		return false, &exitError{exitUsage, err}
	}
	return false, nil
}

// pathList is a repeatable path flag.
type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, ",") }
func (p *pathList) Set(s string) error { *p = append(*p, s); return nil }

// timeFlag is a time given as RFC 3339 or Unix seconds; unset is graph.NoTime.
type timeFlag struct{ t int64 }

func (f *timeFlag) String() string {
	if f.t == graph.NoTime {
		return ""
	}
	return strconv.FormatInt(f.t, 10)
}
func (f *timeFlag) Set(s string) error {
	t, err := ingest.ParseTime(s)
	if err != nil {
		return err
	}
	f.t = t
	return nil
}

// layerWeights is --layer-weights follows=0.5,retweets=1,….
type layerWeights struct{ w *[graph.NumKinds]float64 }

func (l layerWeights) String() string {
	if l.w == nil {
		return ""
	}
	var parts []string
	for k, v := range l.w {
		parts = append(parts, fmt.Sprintf("%s=%g", graph.Kind(k), v))
	}
	return strings.Join(parts, ",")
}

func (l layerWeights) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return fmt.Errorf("want layer=weight, got %q", part)
		}
		k, err := graph.ParseKind(name)
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("weight of %s must be a number ≥ 0, got %q", k, val)
		}
		l.w[k] = v
	}
	return nil
}

// transformFlag is --count-transform log|linear|binary.
type transformFlag struct{ t *rank.CountTransform }

func (f transformFlag) String() string {
	if f.t == nil {
		return ""
	}
	return f.t.String()
}
func (f transformFlag) Set(s string) error {
	for _, t := range []rank.CountTransform{rank.Log, rank.Linear, rank.Binary} {
		if t.String() == s {
			*f.t = t
			return nil
		}
	}
	return fmt.Errorf("want log, linear or binary, got %q", s)
}

// floorFlag is --floor K,J: the rule of the floor's order (rank.FloorRule), K the
// accounts engaged and J the accounts engaged with one engaging back, 0 for a clause
// that is off; "none" is 0,0.
type floorFlag struct{ f *rank.FloorRule }

func (f floorFlag) String() string {
	if f.f == nil {
		return ""
	}
	return fmt.Sprintf("%d,%d", f.f.Accounts, f.f.PartnerAccounts)
}

func (f floorFlag) Set(s string) error {
	if s == "none" {
		*f.f = rank.FloorRule{}
		return nil
	}
	k, j, ok := strings.Cut(s, ",")
	a, err1 := strconv.ParseUint(strings.TrimSpace(k), 10, 32)
	b, err2 := strconv.ParseUint(strings.TrimSpace(j), 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("want K,J (accounts engaged, accounts engaged with one engaging back; 0 turns a clause off) or none, got %q", s)
	}
	*f.f = rank.FloorRule{Accounts: uint32(a), PartnerAccounts: uint32(b)}
	return nil
}

// budgetFlag is --engager-budget B: the most engager credit one account hands out
// (rank.Params.EngagerBudget), a number > 0, or none for no limit.
type budgetFlag struct{ b *float64 }

func (f budgetFlag) String() string {
	if f.b == nil {
		return ""
	}
	if math.IsInf(*f.b, 1) {
		return "none"
	}
	return strconv.FormatFloat(*f.b, 'g', -1, 64)
}

func (f budgetFlag) Set(s string) error {
	if s == "none" {
		*f.b = math.Inf(1)
		return nil
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) {
		return fmt.Errorf("want a number of accounts > 0 (an account that engaged more counts less for each), or none, got %q", s)
	}
	*f.b = x
	return nil
}

const budgetUsage = "the most engager credit one account hands out: an account that engaged b > `B` distinct accounts within a week counts B/b as an engager of each (none: every engager counts 1; see the README's anti-gaming section)"

// badLineFlag is --on-bad-line fail|skip.
type badLineFlag struct{ p *ingest.BadLinePolicy }

func (f badLineFlag) String() string {
	if f.p == nil || *f.p == ingest.Fail {
		return "fail"
	}
	return "skip"
}
func (f badLineFlag) Set(s string) error {
	switch s {
	case "fail":
		*f.p = ingest.Fail
	case "skip":
		*f.p = ingest.Skip
	default:
		return fmt.Errorf("want fail or skip, got %q", s)
	}
	return nil
}

// retweetMentionsFlag is --retweet-mentions keep|drop.
type retweetMentionsFlag struct{ p *ingest.RetweetMentionPolicy }

func (f retweetMentionsFlag) String() string {
	if f.p == nil {
		return ingest.KeepRetweetMentions.String()
	}
	return f.p.String()
}
func (f retweetMentionsFlag) Set(s string) error {
	p, err := ingest.ParseRetweetMentionPolicy(s)
	if err != nil {
		return fmt.Errorf("want keep or drop, got %q", s)
	}
	*f.p = p
	return nil
}

const retweetMentionsUsage = "the mentions a retweet carries in a SNAP Higgs activity log (the MT lines of a tweet that is an RT): keep them, as SNAP publishes the log, or drop them, as the Twitter API v2 and X archive readers do (keep|drop)"
