package ingest

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// TestDetectExports checks that each fixture's format, and its part of an export, is
// told from its content alone.
func TestDetectExports(t *testing.T) {
	cases := []struct {
		file, format, part string
		unused             bool
	}{
		{"twitter-v2/search.jsonl", FormatTwitterV2, "", false},
		{"x-archive-2022/data/tweets.js", FormatTwitterArchive, "tweets", false},
		{"x-archive-2022/data/manifest.js", FormatTwitterArchive, "manifest", false},
		{"x-archive-2022/data/tweet-headers.js", FormatTwitterArchive, "tweet_headers", true},
		{"x-archive-2022/data/ad-engagements.js", FormatTwitterArchive, "ad_engagements", true},
		{"x-archive-2021/tweet.js", FormatTwitterArchive, "tweet", false},
		{"bluesky/jetstream.jsonl", FormatBluesky, "", false},
		{"bluesky/records.jsonl", FormatBluesky, "", false},
		{"mastodon/outbox.json", FormatMastodonArchive, "outbox", false},
		{"mastodon/likes.json", FormatMastodonArchive, "likes", false},
		{"mastodon/actor.json", FormatMastodonArchive, "actor", false},
		{"mastodon/bookmarks.json", FormatMastodonArchive, "other", true},
		{"mastodon/following_accounts.csv", FormatMastodonCSV, "follows", false},
		{"mastodon/lists.csv", FormatMastodonCSV, "lists", false},
	}
	for _, c := range cases {
		d, err := DetectFile(filepath.Join("testdata", c.file))
		if err != nil || d.Format != c.format || d.Part != c.part || d.Unused != c.unused {
			t.Errorf("%s: %+v %v; want %s %q unused=%v", c.file, d, err, c.format, c.part, c.unused)
		}
	}
	for _, head := range []string{`{"hello": 1}`, `{"id": "1", "name": "x"}`, `{"did": "did:plc:x"}`, "window.YTD = [", `{"uri": "https://x", "value": {}}`} {
		if f, err := DetectFormat([]byte(head)); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s: detected %q, %v", head, f, err)
		}
	}
}

// FuzzDetectFormat checks that detection never panics and that what it detects is
// a known format.
func FuzzDetectFormat(f *testing.F) {
	for _, s := range []string{`{"data": [`, `{"did": "did:plc:a", "kind": "commit"`, "window.YTD.like.part0 = [", "Account address,Show boosts\n", "a,b@c.d\n", "1 2\n", "actor,target,type\n", `{"@context": 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		format, err := DetectFormat(head)
		if err == nil && !knownFormat(format) {
			t.Fatalf("detected %q", format)
		}
	})
}

// TestManifestExports checks that a manifest may list export files, their formats
// detected, and name the owner of an archive file that has no manifest.js beside it.
func TestManifestExports(t *testing.T) {
	dir := t.TempDir()
	like := writeFile(t, dir, "like.js", []byte(`window.YTD.like.part0 = [ { "like" : { "tweetId" : "1002" } } ]`))
	search, _ := filepath.Abs(filepath.Join("testdata", "twitter-v2", "search.jsonl"))
	m := writeFile(t, dir, "dataset.json", []byte(`{"name": "mixed", "inputs": [
		{"path": "like.js", "owner": "42"},
		{"path": "`+filepath.ToSlash(search)+`"}]}`))
	man, err := LoadManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	if man.Inputs[0].Format != FormatTwitterArchive || man.Inputs[1].Format != FormatTwitterV2 || man.Inputs[0].Path != like {
		t.Errorf("%+v", man.Inputs)
	}
	s := NewSink()
	if _, err := man.Read(s, Options{}); err != nil {
		t.Fatal(err)
	}
	fr, err := s.Finish()
	if err != nil || fr.Resolved[graph.Likes] != 1+2 {
		t.Errorf("%v %s", err, fr)
	}
	u, ok := s.IDs.Lookup(s.IDs.Platform(PlatformTwitter), []byte("42"))
	if !ok || s.IDs.PlatformOf(u) != PlatformTwitter {
		t.Error("the owner 42 is not a twitter user")
	}
}
