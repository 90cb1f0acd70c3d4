package sink

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// A Set writes several files into one folder so that they replace the previous ones
// together: a reader, or a run after a crash, finds the folder with all the old files
// or all the new ones, never scores from one run beside a run.json from another.
//
// The protocol is a small redo journal. WriteFile writes each file completely into a
// hidden temporary file beside its final name (as WriteFileAtomic does, fsynced), and
// nothing under a final name changes. Commit then writes the journal, CommitJournal,
// atomically: from that instant the new set is decided. It renames each temporary file
// over its final name, fsyncs the folder and removes the journal. A crash before the
// journal leaves the old files as they were and the temporary files as litter; a crash
// after it leaves a journal that the next OpenSet on the folder replays (the renames
// still to do), so the new set is completed, never half-applied.
//
// OpenSet takes an exclusive lock on the folder (a flock on the folder itself, held
// until Close), so two runs never write into one folder at once, and under that lock
// it replays a journal and removes temporary files left by a crash. Close without Commit removes the set's
// temporary files and leaves the old ones untouched.
type Set struct {
	dir    string
	lock   *os.File
	staged []journalEntry
	done   bool
}

// CommitJournal is the name of the journal a Set's commit writes into its folder.
const CommitJournal = ".clout-commit.json"

// journalEntry is one rename of a commit: the temporary file's name and the final one,
// both relative to the folder.
type journalEntry struct {
	Temp string `json:"temp"`
	Name string `json:"name"`
}

// Recovery is what OpenSet found in the folder and cleaned up.
type Recovery struct {
	Replayed []string // final names that a crashed commit's journal put in place
	Removed  []string // temporary files of a crashed run, removed
}

// ErrLocked is returned by OpenSet when another process holds the folder's lock.
var ErrLocked = errors.New("another clout run is writing into this folder")

// OpenSet creates dir if needed (0755), locks it, recovers what a crashed run left in it
// (see Set) and returns the set with what the recovery did.
func OpenSet(dir string) (*Set, Recovery, error) {
	fail := func(err error) (*Set, Recovery, error) {
		return nil, Recovery{}, fmt.Errorf("sink: output folder %s: %w", dir, bareErr(err))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	lock, err := lockFolder(dir)
	if err != nil {
		return fail(err)
	}
	rec, err := recoverFolder(dir)
	if err != nil {
		lock.Close()
		return fail(err)
	}
	return &Set{dir: dir, lock: lock}, rec, nil
}

// Dir returns the set's folder.
func (s *Set) Dir() string { return s.dir }

// WriteFile writes the file path (which must be in the set's folder) as
// WriteFileAtomic does, but leaves it under a temporary name until Commit. Writing
// the same path twice keeps the second. Errors name path, as WriteFileAtomic's do.
// Its signature is WriteFileAtomic's, so writers that take one take the other.
func (s *Set) WriteFile(path string, perm os.FileMode, write func(w io.Writer) error) error {
	if s.done {
		return fmt.Errorf("sink: write %s: the set is already committed or closed", path)
	}
	name := filepath.Base(path)
	if filepath.Clean(filepath.Dir(path)) != filepath.Clean(s.dir) {
		return fmt.Errorf("sink: write %s: not in the output folder %s", path, s.dir)
	}
	_, tmp, err := writeTemp(path, perm, write)
	if err != nil {
		return fmt.Errorf("sink: write %s: %w", path, err)
	}
	for i, e := range s.staged {
		if e.Name == name {
			os.Remove(filepath.Join(s.dir, e.Temp))
			s.staged = append(s.staged[:i], s.staged[i+1:]...)
			break
		}
	}
	s.staged = append(s.staged, journalEntry{Temp: filepath.Base(tmp), Name: name})
	return nil
}

// Commit puts every file written into place together (see Set). An error before the
// journal is written leaves the old files; an error after it (a failed rename) is
// finished by the next OpenSet. Commit ends the set; Close must still be called.
func (s *Set) Commit() error {
	if s.done {
		return errors.New("sink: commit: the set is already committed or closed")
	}
	s.done = true
	if len(s.staged) == 0 {
		return nil
	}
	journal := filepath.Join(s.dir, CommitJournal)
	if err := WriteFileAtomic(journal, 0o644, JSONTo(s.staged)); err != nil {
		s.removeTemps()
		return err
	}
	if err := replay(s.dir, s.staged); err != nil {
		return err
	}
	if err := os.Remove(journal); err != nil {
		return fmt.Errorf("sink: commit %s: %w", s.dir, err)
	}
	return bareErr(syncDir(s.dir))
}

// Close releases the folder's lock; without a Commit it removes the set's temporary
// files first, leaving the previous outputs as they were.
func (s *Set) Close() error {
	if !s.done {
		s.done = true
		s.removeTemps()
	}
	s.staged = nil
	return s.lock.Close() // closing the descriptor releases the lock
}

func (s *Set) removeTemps() {
	for _, e := range s.staged {
		os.Remove(filepath.Join(s.dir, e.Temp))
	}
}

// replay renames each entry's temporary file over its final name, skipping those
// already renamed (a replay after a crash in the middle of a commit), and fsyncs the
// folder.
func replay(dir string, entries []journalEntry) error {
	for _, e := range entries {
		from, to := filepath.Join(dir, e.Temp), filepath.Join(dir, e.Name)
		if err := os.Rename(from, to); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // renamed before the crash
			}
			return fmt.Errorf("sink: commit %s: %w", to, bareErr(err))
		}
	}
	return bareErr(syncDir(dir))
}

// recoverFolder replays a journal left in dir and removes temporary files; the caller
// holds the folder's lock, so no write of another run is under way.
func recoverFolder(dir string) (Recovery, error) {
	var rec Recovery
	journal := filepath.Join(dir, CommitJournal)
	data, err := os.ReadFile(journal)
	switch {
	case err == nil:
		var entries []journalEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			// The journal is written atomically, so this is not a torn write: someone
			// else's file. Refuse rather than guess.
			return rec, fmt.Errorf("%s is not a commit journal: %v", CommitJournal, err)
		}
		for _, e := range entries {
			if e.Temp != filepath.Base(e.Temp) || e.Name != filepath.Base(e.Name) || !isTempName(e.Temp) {
				return rec, fmt.Errorf("%s names a file outside the folder: %q -> %q", CommitJournal, e.Temp, e.Name)
			}
			if _, err := os.Lstat(filepath.Join(dir, e.Temp)); err == nil {
				rec.Replayed = append(rec.Replayed, e.Name)
			}
		}
		if err := replay(dir, entries); err != nil {
			return rec, err
		}
		if err := os.Remove(journal); err != nil {
			return rec, err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return rec, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return rec, err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rec, err
		}
		rec.Removed = append(rec.Removed, e.Name())
	}
	return rec, bareErr(syncDir(dir))
}
