package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestInterner(t *testing.T) {
	var in Interner
	tw, bs := in.Platform("twitter"), in.Platform("bluesky")
	if in.Platform("twitter") != tw || tw == bs {
		t.Fatal("platform ids")
	}
	ids := []struct {
		plat uint8
		id   string
		want uint32
		num  bool
	}{
		{tw, "7", 0, true},
		{tw, "007", 1, false}, // not canonical: a different id from "7"
		{tw, "7", 0, true},
		{tw, "0", 2, true},
		{tw, "00", 3, false},
		{tw, "alice", 4, false},
		{tw, "18446744073709551615", 5, true},  // 2^64-1
		{tw, "18446744073709551616", 6, false}, // 2^64: too big for the fast path
		{tw, "+7", 7, false},
		{bs, "7", 8, true}, // the same id on another platform
		{bs, "alice", 9, false},
		{tw, "alice", 4, false},
	}
	for _, c := range ids {
		u, err := in.Intern(c.plat, []byte(c.id))
		if err != nil || u != c.want {
			t.Errorf("Intern(%d, %q) = %d, %v; want %d", c.plat, c.id, u, err, c.want)
			continue
		}
		if got := in.ID(u); got != c.id {
			t.Errorf("ID(%d) = %q, want %q", u, got, c.id)
		}
		if got := string(in.AppendID([]byte("x"), u)); got != "x"+c.id {
			t.Errorf("AppendID(%d) = %q", u, got)
		}
		if _, num := in.Numeric(u); num != c.num {
			t.Errorf("Numeric(%q) = %v, want %v", c.id, num, c.num)
		}
	}
	if in.Len() != 10 || in.PlatformOf(8) != "bluesky" || in.PlatformOf(0) != "twitter" {
		t.Errorf("Len %d, platforms %q %q", in.Len(), in.PlatformOf(8), in.PlatformOf(0))
	}
	if u, err := in.InternString(tw, "alice"); err != nil || u != 4 {
		t.Errorf("InternString = %d, %v", u, err)
	}
	if u, err := in.InternUint(tw, 7); err != nil || u != 0 {
		t.Errorf("InternUint = %d, %v", u, err)
	}
	if _, ok := in.Lookup(tw, []byte("bob")); ok {
		t.Error("Lookup found bob")
	}
	if _, err := in.Intern(tw, nil); err == nil {
		t.Error("empty id accepted")
	}
	if _, err := in.Intern(42, []byte("1")); err == nil {
		t.Error("unknown platform accepted")
	}
}

func TestInternerNoAllocs(t *testing.T) {
	var in Interner
	p := in.Platform("")
	num, str := []byte("1234567890"), []byte("someone.bsky.social")
	in.Intern(p, num)
	in.Intern(p, str)
	if n := testing.AllocsPerRun(100, func() { in.Intern(p, num) }); n != 0 {
		t.Errorf("numeric id seen before: %v allocs", n)
	}
	if n := testing.AllocsPerRun(100, func() { in.Intern(p, str) }); n != 0 {
		t.Errorf("string id seen before: %v allocs", n)
	}
}

func TestInternerFull(t *testing.T) {
	in := Interner{max: 3}
	p := in.Platform("")
	for _, id := range []string{"1", "x", "2"} {
		if _, err := in.Intern(p, []byte(id)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := in.Intern(p, []byte("3")); !errors.Is(err, ErrTooManyIDs) {
		t.Errorf("numeric: %v", err)
	}
	if _, err := in.Intern(p, []byte("y")); !errors.Is(err, ErrTooManyIDs) {
		t.Errorf("string: %v", err)
	}
	if u, err := in.Intern(p, []byte("x")); err != nil || u != 1 {
		t.Errorf("a known id must still resolve: %d, %v", u, err)
	}
	if in.Len() != 3 {
		t.Errorf("Len %d", in.Len())
	}
}

func TestPostTally(t *testing.T) {
	var pt PostTally
	if pt.Authored(3) != nil || pt.Retweeted(3) != nil {
		t.Fatal("unknown signals must be nil")
	}
	pt.DeclareRetweeted()
	if r := pt.Retweeted(3); len(r) != 3 || r[0]+r[1]+r[2] != 0 {
		t.Errorf("declared but empty: %v", r)
	}
	// Enough pairs to compact several times: user u authors keys 0..u%50, each 3 times.
	var want [200]uint32
	for rep := 0; rep < 3; rep++ {
		for u := uint32(0); u < 200; u++ {
			for k := uint64(0); k <= uint64(u%50); k++ {
				for i := 0; i < 1000; i++ { // and 1000 copies, to pass the compaction size
					pt.AddAuthored(u, k)
				}
			}
		}
	}
	for u := range want {
		want[u] = uint32(u%50) + 1
	}
	got := pt.Authored(200)
	for u := range want {
		if got[u] != want[u] {
			t.Fatalf("authored[%d] = %d, want %d", u, got[u], want[u])
		}
	}
	// 200 users × 25.5 keys on average = 5,100 distinct pairs, of 15.3 million added.
	if len(pt.authored.pairs) != 5100 {
		t.Errorf("%d pairs kept after compaction, want 5100", len(pt.authored.pairs))
	}
	if PostKey([]byte("p1")) == PostKey([]byte("p2")) || TimeKey(1) == TimeKey(2) {
		t.Error("keys collide")
	}
}

func TestCheckID(t *testing.T) {
	for id, ok := range map[string]bool{
		"alice": true, "zoë": true, "did:plc:abc": true, "🙂": true, "\uFFFD": true, "a b": true,
		"\xff": false, "a\x00b": false, "\x1b[2J": false, "tab\t": false, "del\x7f": false, "\u0085": false,
	} {
		err := checkID([]byte(id))
		if (err == nil) != ok {
			t.Errorf("checkID(%q) = %v, want ok=%v", id, err, ok)
		}
		if err != nil && !errors.Is(err, ErrBadID) {
			t.Errorf("checkID(%q): %v is not ErrBadID", id, err)
		}
	}
}

// TestJSONBadIDIsABadRecord: an id that is not printable UTF-8 in a JSON export is a
// bad record, positioned, and skipped under the Skip policy like any other.
func TestJSONBadIDIsABadRecord(t *testing.T) {
	in := `{"data": [{"id": "1", "author_id": "a\u001bb", "text": "hi"}]}` + "\n" +
		`{"data": [{"id": "3", "author_id": "4", "text": "hi"}]}` + "\n"
	_, err := ReadTwitterV2("in.jsonl", strings.NewReader(in), NewSink(), Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Record != 1 || !errors.Is(err, ErrBadID) {
		t.Fatalf("fail policy: %v, want a ParseError of record 1 wrapping ErrBadID", err)
	}
	rep, err := ReadTwitterV2("in.jsonl", strings.NewReader(in), NewSink(), Options{OnBadLine: Skip})
	if err != nil || rep.Skipped != 1 || rep.Records != 1 {
		t.Fatalf("skip policy: %v, skipped %d, records %d; want 1 and 1", err, rep.Skipped, rep.Records)
	}
}
