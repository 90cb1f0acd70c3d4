package sink

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scores.parquet")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteFileAtomic(path, 0o640, write("first")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "first", 0o640)
	if err := WriteFileAtomic(path, 0o644, write("second")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "second", 0o644)
	assertNoTemps(t, dir)

	// A relative path with no folder writes in the working directory.
	t.Chdir(dir)
	if err := WriteFileAtomic("rel.txt", 0o644, write("rel")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, filepath.Join(dir, "rel.txt"), "rel", 0o644)
}

func TestWriteFileAtomicFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scores.parquet")
	old := bytes.Repeat([]byte("old scores\n"), 1000)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	errDiskFull := errors.New("disk full (simulated)")

	// The write function fails half-way, after more than the buffer size, so that
	// some bytes really reached the temporary file.
	err := WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		if _, err := w.Write(make([]byte, 3*writeBufferSize)); err != nil {
			return err
		}
		return errDiskFull
	})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("got %v, want the write function's error", err)
	}
	if want := "sink: write " + path + ": disk full (simulated)"; err.Error() != want {
		t.Errorf("got error %q, want %q", err, want)
	}
	checkFile(t, path, string(old), 0o644)
	assertNoTemps(t, dir)

	// A panicking write function leaves no temporary file either.
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("the panic did not propagate")
			}
		}()
		WriteFileAtomic(path, 0o644, func(w io.Writer) error {
			w.Write([]byte("partial"))
			panic("boom")
		})
	}()
	checkFile(t, path, string(old), 0o644)
	assertNoTemps(t, dir)
}

func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	aDir := filepath.Join(dir, "a-dir")
	if err := os.Mkdir(aDir, 0o755); err != nil {
		t.Fatal(err)
	}
	nop := func(io.Writer) error { return nil }
	for _, tc := range []struct {
		name, path string
		is         error  // errors.Is target, if any
		want       string // the whole message after "sink: write PATH: "
	}{
		{"missing folder", filepath.Join(dir, "missing", "scores.parquet"), fs.ErrNotExist, "no such file or directory"},
		// Tests run as root, for whom chmod does not forbid writing; a parent that is
		// a file fails for everyone.
		{"parent is a file", filepath.Join(aFile, "scores.parquet"), syscall.ENOTDIR, "not a directory"},
		{"path is a folder", aDir, nil, "is a folder"},
		{"trailing slash", dir + "/", nil, "is a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteFileAtomic(tc.path, 0o644, nop)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got %v, want errors.Is %v", err, tc.is)
			}
			if want := "sink: write " + tc.path + ": " + tc.want; err.Error() != want {
				t.Errorf("got error %q, want %q", err, want)
			}
		})
	}
	assertNoTemps(t, dir)
	if fi, err := os.Stat(aDir); err != nil || !fi.IsDir() {
		t.Errorf("the folder at the target path was harmed: %v", err)
	}
}

func TestWriteJSONAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	type run struct {
		Version string            `json:"version"`
		Rows    int               `json:"rows"`
		Source  string            `json:"source"`
		Timings map[string]string `json:"timings"`
	}
	v := run{Version: "v1", Rows: 3, Source: "a&b<c>", Timings: map[string]string{"rank": "1s", "load": "2s"}}
	if err := WriteJSONAtomic(path, v); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": "v1",
  "rows": 3,
  "source": "a&b<c>",
  "timings": {
    "load": "2s",
    "rank": "1s"
  }
}
`
	checkFile(t, path, want, 0o644)

	// A value that cannot be encoded leaves the old file alone.
	err := WriteJSONAtomic(path, map[string]float64{"x": math.NaN()})
	if err == nil || !strings.HasPrefix(err.Error(), "sink: write "+path+": json: unsupported value: NaN") {
		t.Errorf("got %v", err)
	}
	checkFile(t, path, want, 0o644)
	assertNoTemps(t, dir)
}

func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := []struct {
		name        string
		old, remove bool
	}{
		{".scores.parquet.tmp-123456", true, true},
		{".run.json.tmp-1", true, true},
		{".scores.parquet.tmp-999", false, false}, // a write may be under way
		{"scores.parquet", true, false},
		{".scores.parquet.tmp-abc", true, false}, // not CreateTemp's pattern
		{".tmp-123", true, false},
		{"x.tmp-123", true, false},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	removed, err := RemoveStaleTemps(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	gone := make(map[string]bool)
	for _, p := range removed {
		gone[filepath.Base(p)] = true
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if exists := err == nil; exists == f.remove || gone[f.name] != f.remove {
			t.Errorf("%s: exists=%v, reported removed=%v, want removed=%v", f.name, exists, gone[f.name], f.remove)
		}
	}
	if _, err := RemoveStaleTemps(filepath.Join(dir, "missing"), time.Hour); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: got %v", err)
	}
}

// checkFile fails unless the file at path holds want and has permissions perm.
func checkFile(t *testing.T, path, want string, perm fs.FileMode) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %d bytes %.40q…, want %d bytes %.40q…", path, len(got), got, len(want), want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != perm {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), perm)
	}
}
