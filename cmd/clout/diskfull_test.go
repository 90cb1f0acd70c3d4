//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size bytes on a fresh folder and unmounts it at the
// end of the test. Mounting needs root (CAP_SYS_ADMIN); without it the test skips,
// saying so.
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small-disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.FormatInt(size, 10)); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot mount a tmpfs here (%v): the disk-full test needs root", err)
		}
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestDiskFull writes a run into a small file system that fills up, once during
// scores.parquet and once during edges.parquet: the run fails with exit code 4 and
// a message naming the file and ENOSPC, the previous outputs are byte-identical and
// no temporary file is left to hold the space.
func TestDiskFull(t *testing.T) {
	bin := cloutBinary(t)
	tmp := t.TempDir()
	small, big := filepath.Join(tmp, "small.tsv"), filepath.Join(tmp, "big.tsv.gz")
	// Scale 10 (16,384 edges) gives the previous outputs, a few hundred kB; scale 15
	// (524,288 edges) the new run, whose edges.parquet alone is over 1 MB (measured
	// below, on the real disk).
	runBin(t, bin, "gen", "rmat", "--scale", "10", "--seed", "3", "--out", small)
	runBin(t, bin, "gen", "rmat", "--scale", "15", "--seed", "4", "--out", big)
	ref := filepath.Join(tmp, "ref")
	runBin(t, bin, "score", "--follows", big, "--out", ref, "--top", "0")
	edgesSize := fileSize(t, filepath.Join(ref, "edges.parquet"))
	scoresSize := fileSize(t, filepath.Join(ref, "scores.parquet"))
	t.Logf("the new run's edges.parquet is %d bytes, scores.parquet %d bytes", edgesSize, scoresSize)

	for _, tc := range []struct {
		name     string
		free     int64  // bytes left free after the previous outputs and the ballast
		failsOn  string // the file whose write runs out of space
		tmpfsCap int64
	}{
		// A run writes scores.parquet first, then edges.parquet (score.go: the
		// scores are streamed and their arrays released before the edges).
		{"during scores.parquet", scoresSize / 2, "scores.parquet", 8 << 20},
		// Room for scores.parquet and half of edges.parquet.
		{"during edges.parquet", scoresSize + edgesSize/2, "edges.parquet", 8 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mnt := mountTmpfs(t, tc.tmpfsCap)
			out := filepath.Join(mnt, "out")
			runBin(t, bin, "score", "--follows", small, "--out", out, "--top", "0")
			before := snapshot(t, out)

			// Ballast leaves tc.free bytes free.
			var st syscall.Statfs_t
			if err := syscall.Statfs(mnt, &st); err != nil {
				t.Fatal(err)
			}
			avail := int64(st.Bavail) * st.Bsize
			if avail <= tc.free {
				t.Fatalf("only %d bytes free before the ballast", avail)
			}
			if err := os.WriteFile(filepath.Join(mnt, "ballast"), make([]byte, avail-tc.free), 0o644); err != nil {
				t.Fatal(err)
			}

			var stdout, stderr bytes.Buffer
			ctx := context.Background()
			code := report(ctx, run(ctx, []string{"score", "--follows", big, "--out", out, "--top", "0", "--progress", "never"}, &stdout, &stderr), &stderr)
			msg := stderr.String()
			if code != exitOutput {
				t.Fatalf("exit code %d, want %d (output)\n%s", code, exitOutput, msg)
			}
			if want := "write " + filepath.Join(out, tc.failsOn) + ": "; !strings.Contains(msg, want) ||
				!strings.HasSuffix(strings.TrimSpace(msg), ": no space left on device") || strings.Contains(msg, ".tmp-") {
				t.Errorf("the message does not name %s and ENOSPC (alone):\n%s", tc.failsOn, msg)
			}
			if got := snapshot(t, out); !equalSnapshots(before, got) {
				t.Errorf("the previous outputs changed: before %v, after %v", keys(before), keys(got))
			}
			assertClean(t, out)
			t.Logf("%s: exit %d: %s", tc.name, code, strings.TrimSpace(msg))
		})
	}
}

func runBin(t *testing.T, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clout %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// snapshot reads every file in dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k, v := range m {
		ks = append(ks, fmt.Sprintf("%s(%d)", k, len(v)))
	}
	return ks
}
