//go:build linux

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/neo4jstore"
)

// TestNeo4jExposure checks what the running server and its password expose: no
// process's command line holds the password; the server's Bolt and HTTP ports listen
// on 127.0.0.1 only; the password file of scripts/neo4j.sh is 0600; and the files a
// run writes are 0644 in a 0755 folder (ordinary, not world-writable).
func TestNeo4jExposure(t *testing.T) {
	_, cfg := neo4jServer(t)
	if cfg.Password == "" {
		t.Fatal("no password in the configuration")
	}

	// 1. argv of every process.
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	java := 0
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the process ended
		}
		if strings.Contains(string(b), "org.neo4j.server.startup.Neo4jCommand") || strings.Contains(string(b), "org.neo4j.server.CommunityEntryPoint") {
			java++
		}
		if strings.Contains(string(b), cfg.Password) {
			t.Errorf("%s holds the password", p)
		}
	}
	if java == 0 {
		t.Error("no Neo4j process found in /proc: the argv check looked at nothing")
	}
	t.Logf("%d command lines checked, %d of them Neo4j's", len(procs), java)

	// 2. Listening sockets on the Bolt and HTTP ports: 127.0.0.1 only.
	ports := map[int]string{envPort(t, "NEO4J_BOLT_PORT", 7687): "bolt", envPort(t, "NEO4J_HTTP_PORT", 7474): "http"}
	found := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, l := range listening(t, table) {
			name, ok := ports[l.port]
			if !ok {
				continue
			}
			found[name] = true
			switch l.addr {
			case "0100007F", // 127.0.0.1
				"00000000000000000000000001000000", // ::1
				"0000000000000000FFFF00000100007F": // ::ffff:127.0.0.1
			default:
				t.Errorf("%s port %d listens on %s (%s), not loopback", name, l.port, l.addr, table)
			}
			t.Logf("%s port %d listens on %s (%s)", name, l.port, l.addr, table)
		}
	}
	if !found["bolt"] || !found["http"] {
		t.Errorf("found listeners %v, want bolt and http", found)
	}

	// 3. The generated password file.
	if f := neo4jstore.DefaultPasswordFile(); f != "" {
		if fi, err := os.Stat(f); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}

	// 4. Files of a run.
	out := filepath.Join(t.TempDir(), "out")
	var log strings.Builder
	mustRun(t, &log, "score", "--follows", writeFile(t, t.TempDir(), "f.txt", "1 2\n2 3\n"), "--csv", "--out", out, "--top", "0", "--progress", "never")
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the output folder: %v, mode %v, want 0755", err, fi.Mode().Perm())
	}
	for _, n := range []string{"scores.parquet", "edges.parquet", "scores.csv", "run.json"} {
		if fi, err := os.Stat(filepath.Join(out, n)); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, want mode 0644", n, err)
		}
	}
}

func envPort(t *testing.T, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s=%q", name, v)
		}
		return p
	}
	return def
}

type listener struct {
	addr string // hex, as /proc/net/tcp writes it
	port int
}

// listening parses the sockets in state LISTEN (0A) from a /proc/net/tcp table.
func listening(t *testing.T, table string) []listener {
	f, err := os.Open(table)
	if err != nil {
		return nil // no IPv6, say
	}
	defer f.Close()
	var ls []listener
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[3] != "0A" {
			continue
		}
		addr, port, ok := strings.Cut(fields[1], ":")
		if !ok {
			t.Fatalf("%s: %q", table, sc.Text())
		}
		p, err := strconv.ParseInt(port, 16, 32)
		if err != nil {
			t.Fatalf("%s: %q", table, sc.Text())
		}
		ls = append(ls, listener{addr, int(p)})
	}
	return ls
}
