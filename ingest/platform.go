package ingest

import (
	"time"

	"github.com/clout-dev/clout/graph"
)

// The platforms of the export formats. Their ids are the platform's stable ids:
// Twitter's numeric user ids, Bluesky DIDs, ActivityPub actor URIs. Handles are
// properties (Interner.SetHandle).
const (
	PlatformTwitter  = "twitter"
	PlatformBluesky  = "bluesky"
	PlatformMastodon = "mastodon"
)

// feeder is what the export readers share: the Sink, the Report, and which layers
// they have claimed.
type feeder struct {
	name    string
	s       *Sink
	o       *Options
	rep     *Report
	plat    uint8
	claimed [graph.NumKinds]bool
}

func newFeeder(name, platform string, s *Sink, o *Options, rep *Report) *feeder {
	return &feeder{name: name, s: s, o: o, rep: rep, plat: s.IDs.Platform(platform)}
}

// claim claims layer k as fed by this input's events and declares it.
func (f *feeder) claim(k graph.Kind) error {
	if f.claimed[k] {
		return nil
	}
	if err := f.s.claim(f.name, true, k); err != nil {
		return err
	}
	f.claimed[k] = true
	f.s.Graph.Declare(k)
	return nil
}

// claimOnly claims layer k without declaring it: for deferred edges, which declare
// their layer when they are resolved.
func (f *feeder) claimOnly(k graph.Kind) error {
	if f.claimed[k] {
		return nil
	}
	return f.s.claim(f.name, true, k)
}

// user interns an id of the input's platform.
func (f *feeder) user(id []byte) (uint32, error) { return f.s.IDs.Intern(f.plat, id) }

// edge feeds one event a → b of layer k at time t (graph.NoTime for none).
func (f *feeder) edge(k graph.Kind, a, b uint32, t int64) error {
	if err := f.claim(k); err != nil {
		return err
	}
	f.rep.Events[k]++
	if a == b {
		f.rep.SelfLoops[k]++
	}
	f.s.Graph.AddAt(k, a, b, 1, t)
	return nil
}

// newPost returns the key of the post id at time t; false, counted, when the post
// is outside the window or was read before.
func (f *feeder) newPost(id []byte, t int64) (uint64, bool) {
	if !f.o.inWindow(t) {
		f.rep.OutOfWindow++
		return 0, false
	}
	post := PostKey(id)
	if f.s.seenPost(f.plat, post) {
		f.rep.Duplicates++
		return 0, false
	}
	return post, true
}

// authored records that u wrote the post with key.
func (f *feeder) authored(u uint32, post uint64) {
	f.rep.Posts++
	if f.s.Posts != nil {
		f.s.Posts.AddAuthored(u, post)
	}
}

// retweeted records that u's post with key was retweeted.
func (f *feeder) retweeted(u uint32, post uint64) {
	if f.s.Posts != nil {
		f.s.Posts.AddRetweeted(u, post)
	}
}

// declarePosts declares the post signals the format carries.
func (f *feeder) declarePosts(retweeted bool) {
	if f.s.Posts != nil {
		f.s.Posts.DeclareAuthored()
		if retweeted {
			f.s.Posts.DeclareRetweeted()
		}
	}
}

// parseISOTime reads an RFC 3339 time ("2021-05-18T19:24:56.000Z",
// "2021-04-08T19:34:32+00:00") into Unix seconds, rounded down. The common forms
// are read without time.Parse; others fall back to it.
func parseISOTime(b []byte) (int64, bool) {
	// YYYY-MM-DDTHH:MM:SS
	if len(b) >= 20 && b[4] == '-' && b[7] == '-' && (b[10] == 'T' || b[10] == 't') && b[13] == ':' && b[16] == ':' {
		y, ok1 := digits(b[0:4])
		mo, ok2 := digits(b[5:7])
		d, ok3 := digits(b[8:10])
		h, ok4 := digits(b[11:13])
		mi, ok5 := digits(b[14:16])
		s, ok6 := digits(b[17:19])
		rest := b[19:]
		if len(rest) > 1 && rest[0] == '.' {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			if i == 1 {
				return 0, false
			}
			rest = rest[i:]
		}
		var zone int64
		zok := false
		switch {
		case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
			zok = true
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			zh, ok7 := digits(rest[1:3])
			zm, ok8 := digits(rest[4:6])
			zone = zh*3600 + zm*60
			if rest[0] == '-' {
				zone = -zone
			}
			zok = ok7 && ok8 && zh < 24 && zm < 60
		}
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && zok && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && s < 60 {
			return daysFromCivil(y, mo, d)*86400 + h*3600 + mi*60 + s - zone, true
		}
	}
	tm, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return 0, false
	}
	return tm.Unix(), true
}

// digits parses a short run of ASCII digits.
func digits(b []byte) (int64, bool) {
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days from 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// archiveTimeLayout is the time format of X archives and API v1.1:
// "Thu Nov 03 08:50:26 +0000 2022".
const archiveTimeLayout = "Mon Jan 02 15:04:05 -0700 2006"

// parseArchiveTime reads an X archive time into Unix seconds.
func parseArchiveTime(b []byte) (int64, bool) {
	tm, err := time.Parse(archiveTimeLayout, string(b))
	if err != nil {
		return 0, false
	}
	return tm.Unix(), true
}

// equalFoldASCII reports whether a and b are equal under ASCII case folding, as
// Twitter compares screen names.
func equalFoldASCII(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// foldKey hashes a name under ASCII case folding.
func foldKey(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return mix64(h)
}
