package neo4jstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteImport(t *testing.T) {
	dir := t.TempDir()
	// A stale file of a layer the dataset lacks must go.
	stale := filepath.Join(dir, "relationships", "likes.csv")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := smallDataset("p:1")
	st, err := WriteImport(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	if st.Users != 9 || st.Relationships != 6 || !st.Multiline {
		t.Errorf("stats %+v", st)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale likes.csv is still there: %v", err)
	}
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	// Expected lines written by hand from smallDataset and neo4j-admin's CSV rules:
	// strings quoted with "" inside, nulls empty, times in UTC, ids the rows of
	// users.csv, then 9 for the CloutDataset node.
	users := read("nodes/users.csv")
	for i, want := range []string{
		`:ID(User),platform,id,handle,rank:long,clout:double,followers:long,unique_likers:long,percentile:double,:LABEL`,
		`0,"p:1","1","@日本語 🎉",1,100,0,,99.5,User;Top1Percent`,
		`1,"p:1","2","",2,90.5,,,95,User;Top10Percent`,
		`2,"p:1","007","@line`,
	} {
		if users[i] != want {
			t.Errorf("users.csv line %d:\n%s\nwant\n%s", i+1, users[i], want)
		}
	}
	if got, want := users[4], `break, ""quoted"", back\slash; semi",3,81,20,,10,User`; got != want {
		t.Errorf("users.csv line 5 (the end of a value with a line break):\n%s\nwant\n%s", got, want)
	}
	rt := read("relationships/retweets.csv")
	want := []string{
		`:START_ID(User),:END_ID(User),:TYPE,count:long,first:datetime,last:datetime`,
		`0,3,RETWEETED,3,2012-07-01T00:02:52Z,2012-07-04T11:06:40Z`,
		`4,3,RETWEETED,1,2012-07-02T03:33:20Z,2012-07-02T03:33:20Z`,
	}
	if strings.Join(rt, "\n") != strings.Join(want, "\n") {
		t.Errorf("retweets.csv:\n%s\nwant\n%s", strings.Join(rt, "\n"), strings.Join(want, "\n"))
	}
	if f := read("relationships/follows.csv"); f[0]+"\n"+f[1] != ":START_ID(User),:END_ID(User),:TYPE,count:long\n0,1,FOLLOWS,1" {
		t.Errorf("follows.csv, whose edges have no times:\n%s\n%s", f[0], f[1])
	}
	ds := read("nodes/datasets.csv")
	if !strings.HasPrefix(ds[1], `9,"p:1","p:1","follows;retweets;mentions;replies;likes","handle;rank;clout;followers;percentile","unique_likers",9,6,"test","import",`) {
		t.Errorf("datasets.csv line 2: %s", ds[1])
	}
	if got, want := strings.Join(read(ArgsFile), " "), "--id-type=actual --multiline-fields=true"; got != want || strings.Join(st.Args, " ") != want {
		t.Errorf("%s: %q, Args %q, want %q", ArgsFile, got, st.Args, want)
	}
}

// TestWriteImportBadUsers checks that a user listed twice, or an edge to a user
// scores.parquet lacks, is a DataError: integer import ids would not catch either.
func TestWriteImportBadUsers(t *testing.T) {
	d := smallDataset("p")
	d.Scores.Columns[1].Strings[2] = "1" // "007" becomes a second "1"
	if _, err := WriteImport(t.TempDir(), d); !isDataError(err) || !strings.Contains(err.Error(), `rows 0 and 2 are both user "1"`) {
		t.Errorf("a user listed twice: %v", err)
	}
	d = smallDataset("p")
	d.Edges.Columns[2].Strings[0] = "nobody"
	if _, err := WriteImport(t.TempDir(), d); !isDataError(err) || !strings.Contains(err.Error(), `user "nobody"`) {
		t.Errorf("an edge to a missing user: %v", err)
	}
}

func isDataError(err error) bool {
	var de *DataError
	return errors.As(err, &de)
}
