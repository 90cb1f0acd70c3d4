package sink

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// seedOld writes an "old run" of two files into dir.
func seedOld(t *testing.T, dir string) {
	t.Helper()
	for _, n := range []string{"scores.parquet", "run.json"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("old "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// stageNew opens a set on dir and stages a "new run" of three files.
func stageNew(t *testing.T, dir string) *Set {
	t.Helper()
	s, _, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"scores.parquet", "edges.parquet", "run.json"} {
		if err := s.WriteFile(filepath.Join(dir, n), 0o644, writeString("new "+n)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSetCommit(t *testing.T) {
	dir := t.TempDir()
	seedOld(t, dir)
	s := stageNew(t, dir)
	// Nothing under a final name changes before the commit.
	checkFile(t, filepath.Join(dir, "scores.parquet"), "old scores.parquet", 0o644)
	if _, err := os.Stat(filepath.Join(dir, "edges.parquet")); err == nil {
		t.Error("edges.parquet is visible before the commit")
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"scores.parquet", "edges.parquet", "run.json"} {
		checkFile(t, filepath.Join(dir, n), "new "+n, 0o644)
	}
	assertNoTemps(t, dir)
	if _, err := os.Stat(filepath.Join(dir, CommitJournal)); err == nil {
		t.Error("the journal is left after a commit")
	}
}

func TestSetCloseWithoutCommitKeepsOld(t *testing.T) {
	dir := t.TempDir()
	seedOld(t, dir)
	s := stageNew(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, filepath.Join(dir, "scores.parquet"), "old scores.parquet", 0o644)
	checkFile(t, filepath.Join(dir, "run.json"), "old run.json", 0o644)
	if _, err := os.Stat(filepath.Join(dir, "edges.parquet")); err == nil {
		t.Error("an uncommitted file appeared under its final name")
	}
	assertNoTemps(t, dir)
	if err := s.WriteFile(filepath.Join(dir, "x"), 0o644, writeString("x")); err == nil {
		t.Error("WriteFile after Close succeeded")
	}
}

// crash abandons s as a killed process would: its lock is released (the kernel does
// that), nothing else is cleaned.
func crash(s *Set) { s.lock.Close() }

func TestSetCrashBeforeJournal(t *testing.T) {
	dir := t.TempDir()
	seedOld(t, dir)
	s := stageNew(t, dir)
	crash(s)
	checkFile(t, filepath.Join(dir, "scores.parquet"), "old scores.parquet", 0o644)

	s2, rec, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if len(rec.Replayed) != 0 {
		t.Errorf("replayed %v without a journal", rec.Replayed)
	}
	if len(rec.Removed) != 3 { // the three staged files of stageNew
		t.Errorf("removed %v, want the 3 temporary files", rec.Removed)
	}
	assertNoTemps(t, dir)
	checkFile(t, filepath.Join(dir, "scores.parquet"), "old scores.parquet", 0o644)
	checkFile(t, filepath.Join(dir, "run.json"), "old run.json", 0o644)
}

func TestSetCrashDuringCommitIsReplayed(t *testing.T) {
	dir := t.TempDir()
	seedOld(t, dir)
	s := stageNew(t, dir)
	// Do what Commit does up to the first rename, then die.
	if err := WriteFileAtomic(filepath.Join(dir, CommitJournal), 0o644, JSONTo(s.staged)); err != nil {
		t.Fatal(err)
	}
	first := s.staged[0]
	if err := os.Rename(filepath.Join(dir, first.Temp), filepath.Join(dir, first.Name)); err != nil {
		t.Fatal(err)
	}
	crash(s)
	// A stray temporary file of another write, killed before its rename, too.
	if err := os.WriteFile(filepath.Join(dir, ".persons.parquet.tmp-123"), []byte("torn"), 0o644); err != nil {
		t.Fatal(err)
	}

	s2, rec, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	slices.Sort(rec.Replayed)
	if want := []string{"edges.parquet", "run.json"}; !slices.Equal(rec.Replayed, want) {
		t.Errorf("replayed %v, want %v (scores.parquet was renamed before the crash)", rec.Replayed, want)
	}
	if !slices.Contains(rec.Removed, ".persons.parquet.tmp-123") {
		t.Errorf("removed %v, want the stray temporary file among them", rec.Removed)
	}
	for _, n := range []string{"scores.parquet", "edges.parquet", "run.json"} {
		checkFile(t, filepath.Join(dir, n), "new "+n, 0o644)
	}
	assertNoTemps(t, dir)
	if _, err := os.Stat(filepath.Join(dir, CommitJournal)); err == nil {
		t.Error("the journal is left after the replay")
	}
}

func TestSetLock(t *testing.T) {
	dir := t.TempDir()
	s, _, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenSet(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("a second OpenSet on a locked folder: got %v, want ErrLocked", err)
	}
	s.Close()
	s2, _, err := OpenSet(dir)
	if err != nil {
		t.Fatalf("after Close the folder is still locked: %v", err)
	}
	s2.Close()
}

func TestSetRefusesForeignJournal(t *testing.T) {
	for name, journal := range map[string]string{
		"not json":      "hello",
		"escapes":       `[{"temp":"../../etc/.passwd.tmp-1","name":"x"}]`,
		"not temp":      `[{"temp":"scores.parquet","name":"run.json"}]`,
		"absolute name": `[{"temp":".a.tmp-1","name":"/etc/passwd"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, CommitJournal), []byte(journal), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, _, err := OpenSet(dir); err == nil {
				t.Fatal("OpenSet accepted a journal it did not write")
			}
		})
	}
}

func TestSetWriteFileOutsideFolder(t *testing.T) {
	dir := t.TempDir()
	s, _, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.WriteFile(filepath.Join(t.TempDir(), "x"), 0o644, writeString("x")); err == nil {
		t.Error("WriteFile outside the folder succeeded")
	}
}
