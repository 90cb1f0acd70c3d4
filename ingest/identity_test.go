package ingest

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestIdentityMap reads testdata/identity.csv over the accounts of the fixtures: ids
// match exactly, "@handle" by handle without regard to case.
func TestIdentityMap(t *testing.T) {
	m, err := LoadIdentityMap(filepath.Join("testdata", "identity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Persons) != 3 || m.Persons[0].Name != "Ada Lovelace" || len(m.Persons[0].Accounts) != 3 || m.Persons[0].Accounts[2].Line != 4 {
		t.Fatalf("%+v", m.Persons)
	}
	s := NewSink()
	for _, f := range []string{"twitter-v2/search.jsonl", "x-archive-2022/data/manifest.js", "bluesky/jetstream.jsonl", "mastodon/actor.json"} {
		readFixture(t, s, filepath.Join("testdata", f), Options{})
	}
	if _, err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	users, missing := m.Resolve(s.IDs)
	names := func(us []uint32) []string {
		var out []string
		for _, u := range us {
			out = append(out, s.IDs.PlatformOf(u)+":"+s.IDs.ID(u))
		}
		return out
	}
	if got := names(users[0]); !slices.Equal(got, []string{"mastodon:https://example.social/users/ada", "twitter:42", "bluesky:did:plc:alice"}) {
		t.Errorf("Ada: %v", got)
	}
	if got := names(users[1]); !slices.Equal(got, []string{"bluesky:did:plc:bob", "twitter:12"}) {
		t.Errorf("Bob: %v", got)
	}
	if len(users[2]) != 0 || len(missing) != 1 || missing[0].String() != "twitter:999999" || missing[0].Line != 7 {
		t.Errorf("Nobody: %v, missing %v", users[2], missing)
	}
}

func TestIdentityMapErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "id.csv:1: expected a header person,platform,id, got an empty file"},
		{"person,id\n", "id.csv:1: expected a header naming the columns person, platform and id; no platform"},
		{"person,platform,id\nada,twitter,1\nbob,twitter,1\n", "id.csv:3:13: account twitter:1 is already listed for ada"},
		{"person,platform,id\nada,,1\n", "id.csv:2:5: empty platform"},
		{"person,platform,id\nada,twitter\n", "id.csv:2: expected 3 fields as in the header, got 2"},
		{"person,platform,id\n\"ada,twitter,1\n", "id.csv:2:16: extraneous or missing \" in quoted-field"},
	}
	for _, c := range cases {
		_, err := ReadIdentityMap("id.csv", strings.NewReader(c.in))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: got %v, want %s", c.in, err, c.want)
		}
	}
}
