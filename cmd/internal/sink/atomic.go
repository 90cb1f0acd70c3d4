package sink

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeBufferSize is the buffer between the write function and the temporary file.
const writeBufferSize = 1 << 20

// WriteFileAtomic replaces the file at path with what write writes, so that a reader
// sees either the old file or the complete new one, never a torn one, even across a
// crash. It follows restic's recipe: write into a temporary file in the same folder
// (named "."+base+".tmp-<random>", so it is hidden and on the same file system),
// through a buffer; flush; fsync; close; rename over path; fsync the folder.
//
// The new file gets the permission bits perm, exactly (the umask is not applied). A
// symbolic link at path is replaced by the file, not followed.
//
// On any error before the rename, the temporary file is removed and the file at path,
// if there was one, is left as it was; this holds if write panics, too. An error from
// the final fsync of the folder is reported even though the new file is then already
// in place, since its durability is not guaranteed. Every error names path:
//
//	sink: write out/scores.parquet: no space left on device
//
// and wraps the underlying error, so errors.Is(err, fs.ErrNotExist) and the like work.
// write must not keep w after it returns.
func WriteFileAtomic(path string, perm os.FileMode, write func(w io.Writer) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("sink: write %s: %w", path, err)
		}
	}()
	dir, tmp, err := writeTemp(path, perm, write)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return bareErr(err)
	}
	return bareErr(syncDir(dir))
}

// writeTemp does all of WriteFileAtomic but the rename: it writes, flushes, fsyncs
// and closes the temporary file beside path and returns its folder and name. On an
// error (or a panic of write) no temporary file is left.
func writeTemp(path string, perm os.FileMode, write func(w io.Writer) error) (dir, tmp string, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return "", "", errIsFolder
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return "", "", errIsFolder // rename would say "file exists"
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", "", bareErr(err)
	}
	name := f.Name() // not tmp: a return statement clears that before the deferred call
	ok := false
	defer func() {
		if !ok {
			f.Close() // may already be closed; the error is of no use then
			os.Remove(name)
		}
	}()

	if err := f.Chmod(perm); err != nil {
		return "", "", bareErr(err)
	}
	bw := bufio.NewWriterSize(bareErrWriter{f}, writeBufferSize)
	if err := write(bw); err != nil {
		return "", "", err
	}
	if err := bw.Flush(); err != nil {
		return "", "", bareErr(err)
	}
	if err := f.Sync(); err != nil {
		return "", "", bareErr(err)
	}
	if err := f.Close(); err != nil {
		return "", "", bareErr(err)
	}
	ok = true
	return dir, name, nil
}

// bareErrWriter strips the temporary file's name from write errors (see bareErr), so
// that "no space left on device" reaches the message under the final path's name
// however deep the writer that met it wrapped it.
type bareErrWriter struct{ f *os.File }

func (w bareErrWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	return n, bareErr(err)
}

// errIsFolder is the error for a target path that names a folder.
var errIsFolder = errors.New("is a folder")

// bareErr strips an *fs.PathError or *os.LinkError whose path is the temporary file
// (or the folder), which would only repeat what WriteFileAtomic's own prefix says
// better; the wrapped error (an errno, say) is kept.
func bareErr(err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}

// WriteJSONAtomic writes v as indented JSON (two spaces, HTML characters not escaped)
// followed by a newline to path, atomically and with permissions 0644, through
// WriteFileAtomic. It is meant for small reports such as run.json. A value that cannot
// be encoded is an error and leaves any previous file untouched.
func WriteJSONAtomic(path string, v any) error {
	return WriteFileAtomic(path, 0o644, JSONTo(v))
}

// JSONTo returns a write function for WriteFileAtomic or Set.WriteFile that writes v
// as WriteJSONAtomic does.
func JSONTo(v any) func(w io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v) // Encode marshals fully before writing and adds the newline
	}
}

// RemoveStaleTemps removes the temporary files that WriteFileAtomic leaves behind when
// the process dies between creating and renaming one (".<name>.tmp-<digits>") from dir,
// if their modification time is more than age ago; age keeps it from removing the
// temporary file of a write still under way (an hour is a safe choice). Subfolders are
// not searched. It returns the paths it removed, and the first error met, after trying
// every candidate.
func RemoveStaleTemps(dir string, age time.Duration) (removed []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("sink: clean %s: %w", dir, bareErr(err))
	}
	cutoff := time.Now().Add(-age)
	var first error
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue // vanished, or too recent
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			if first == nil {
				first = fmt.Errorf("sink: clean %s: %w", dir, err)
			}
			continue
		}
		removed = append(removed, p)
	}
	return removed, first
}

// isTempName reports whether name has the form os.CreateTemp gives the pattern
// "."+base+".tmp-*": a dot, a base name, ".tmp-" and a decimal number.
func isTempName(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	i := strings.LastIndex(name, ".tmp-")
	if i < 2 { // need at least one character of base name
		return false
	}
	digits := name[i+len(".tmp-"):]
	if digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
