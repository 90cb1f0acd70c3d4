package ingest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// TestReadMastodonFixture reads the archive and CSV exports of testdata/mastodon,
// each through ReadInput, which finds the owner in actor.json. Counted by hand:
// outbox.json has a reply to bea mentioning bea and cyd, a boost of cyd, a boost of
// a Misskey note whose author only the cc names, a reply to a Pleroma object (author
// unknown) and a Delete; likes.json likes bea, cyd and a Calckey note;
// following_accounts.csv follows bea and cyd; lists.csv puts bea on one list, cyd on
// two.
func TestReadMastodonFixture(t *testing.T) {
	dir := filepath.Join("testdata", "mastodon")
	const ada, bea, cyd, mk = "https://example.social/users/ada", "https://other.host/users/bea", "https://third.host/users/cyd", "https://misskey.host/users/9abc"
	s := NewSink()
	actor := readFixture(t, s, filepath.Join(dir, "actor.json"), Options{})
	if actor.Format != FormatMastodonArchive || actor.Records != 1 || s.IDs.ID(0) != ada || s.IDs.Handle(0) != "@ada@example.social" {
		t.Errorf("actor.json: %s; id %q, handle %q", actor.String(), s.IDs.ID(0), s.IDs.Handle(0))
	}
	out := readFixture(t, s, filepath.Join(dir, "outbox.json"), Options{})
	want := [graph.NumKinds]int64{graph.Retweets: 2, graph.Mentions: 2, graph.Replies: 1}
	if out.Records != 5 || out.Posts != 4 || out.Unresolved != 1 || out.Ignored != 1 || out.Events != want {
		t.Errorf("outbox.json: %s", out.String())
	}
	likes := readFixture(t, s, filepath.Join(dir, "likes.json"), Options{})
	if likes.Records != 3 || likes.Events[graph.Likes] != 2 || likes.Unresolved != 1 {
		t.Errorf("likes.json: %s", likes.String())
	}
	fol := readFixture(t, s, filepath.Join(dir, "following_accounts.csv"), Options{})
	lists := readFixture(t, s, filepath.Join(dir, "lists.csv"), Options{})
	if fol.Format != FormatMastodonCSV || fol.Records != 2 || fol.Events[graph.Follows] != 2 || lists.Records != 3 {
		t.Errorf("following_accounts.csv: %s; lists.csv: %s", fol.String(), lists.String())
	}
	bm := readFixture(t, s, filepath.Join(dir, "bookmarks.json"), Options{})
	if bm.Records != 1 || bm.Ignored != 1 || bm.TotalEvents() != 0 {
		t.Errorf("bookmarks.json: %s", bm.String())
	}
	n := s.IDs.Len()
	g, err := s.Graph.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkEdges(t, g, s.IDs, map[graph.Kind][]string{
		graph.Follows:  {ada + ">" + bea, ada + ">" + cyd},
		graph.Retweets: {ada + ">" + mk, ada + ">" + cyd},
		graph.Mentions: {ada + ">" + bea, ada + ">" + cyd},
		graph.Replies:  {ada + ">" + bea},
		graph.Likes:    {ada + ">" + bea, ada + ">" + cyd},
	})
	checkMap(t, "lists", perUser(s.IDs, s.Lists.Counts(n)), map[string]uint32{bea: 1, cyd: 2})
	checkMap(t, "authored", perUser(s.IDs, s.Posts.Authored(n)), map[string]uint32{ada: 4})
	checkMap(t, "retweeted posts", perUser(s.IDs, s.Posts.Retweeted(n)), map[string]uint32{cyd: 1, mk: 1})
	for id, h := range map[string]string{bea: "@bea@other.host", cyd: "@cyd@third.host"} {
		u, _ := s.IDs.Lookup(s.IDs.Platform(PlatformMastodon), []byte(id))
		if got := s.IDs.Handle(u); got != h {
			t.Errorf("handle of %s = %q, want %q", id, got, h)
		}
	}
}

func TestReadMastodonErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"items before id", `{"orderedItems": []}`, `byte offset 17: orderedItems before the collection's "id": cannot tell an outbox from a likes file`},
		{"bad published", `{"id": "outbox.json", "orderedItems": [{"type": "Create", "actor": "a", "published": "May 1", "object": {"id": "x"}}]}`,
			`record 1 (byte offset 85): orderedItems[0].published: expected a time as RFC 3339, got "May 1"`},
		{"no object", `{"id": "outbox.json", "orderedItems": [{"type": "Announce", "actor": "a"}]}`, `record 1 (byte offset 39): orderedItems[0]: Announce needs an actor and an object`},
		{"mention without href", `{"id": "outbox.json", "orderedItems": [{"type": "Create", "actor": "a", "object": {"id": "x", "tag": [{"type": "Mention"}]}}]}`,
			`record 1 (byte offset 102): orderedItems[0].object.tag[0]: a Mention without an href`},
		{"not an object", `[1]`, `byte offset 0: expected a JSON object, got "["`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadMastodonArchive("outbox.json", strings.NewReader(c.in), NewSink(), Options{})
			if err == nil || err.Error() != "outbox.json: "+c.want {
				t.Fatalf("got  %v\nwant outbox.json: %s", err, c.want)
			}
			checkJSONErr(t, err, len(c.in))
		})
	}
	// CSV: a bad account address is a bad line, with its position.
	in := "Account address,Show boosts\nbea@other.host,true\nnot-an-address,true\n"
	_, err := ReadMastodonCSV("following_accounts.csv", strings.NewReader(in), NewSink(), Options{Owner: "https://a.b/users/c"})
	if err == nil || err.Error() != `following_accounts.csv:3:1: expected an account address name@host, got "not-an-address"` {
		t.Errorf("got %v", err)
	}
	rep, err := ReadMastodonCSV("following_accounts.csv", strings.NewReader(in), NewSink(), Options{Owner: "https://a.b/users/c", OnBadLine: Skip})
	if err != nil || rep.Skipped != 1 || rep.Records != 1 {
		t.Errorf("skip: %v %s", err, rep.String())
	}
}

func TestStatusAuthor(t *testing.T) {
	for uri, want := range map[string]string{
		"https://mastodon.social/users/Gargron/statuses/1":   "https://mastodon.social/users/Gargron",
		"https://Mastodon.Social/users/gargron/statuses/1/x": "https://mastodon.social/users/gargron",
		"https://misskey.io/notes/9f6p":                      "",
		"https://mastodon.social/@Gargron/1":                 "",
		"https://h/users//statuses/1":                        "",
		"users/a/statuses/1":                                 "",
	} {
		if got := string(statusAuthor([]byte(uri))); got != want {
			t.Errorf("%s: %q, want %q", uri, got, want)
		}
	}
}

func FuzzReadMastodonArchive(f *testing.F) {
	for _, name := range []string{"outbox.json", "likes.json", "actor.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "mastodon", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, func(r io.Reader, s *Sink, o Options) (Report, error) {
			o.Owner = "https://example.social/users/ada"
			return ReadMastodonArchive("fuzz", r, s, o)
		}, false)
	})
}

func FuzzReadMastodonCSV(f *testing.F) {
	for _, name := range []string{"following_accounts.csv", "lists.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "mastodon", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(o Options) (Report, error) {
			o.Owner = "https://example.social/users/ada"
			return ReadMastodonCSV("fuzz", bytes.NewReader(data), NewSink(), o)
		}
		_, err := read(Options{})
		checkFuzzErr(t, err)
		rep, err := read(Options{OnBadLine: Skip})
		checkFuzzErr(t, err)
		for _, e := range rep.FirstBad {
			checkFuzzErr(t, e)
		}
	})
}
