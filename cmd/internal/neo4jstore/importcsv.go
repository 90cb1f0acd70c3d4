package neo4jstore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
)

// ImportStats says what WriteImport wrote.
type ImportStats struct {
	Users         int64
	Relationships int64
	Files         []string
	// Multiline is set when a value holds a line break: neo4j-admin then needs
	// --multiline-fields=true.
	Multiline bool
	// Args are the options neo4j-admin needs to read the files (--id-type=actual,
	// and --multiline-fields=true when Multiline is set), as written to
	// dir/neo4j-admin.args.
	Args []string
}

// ArgsFile is the file, in the folder WriteImport writes, that lists the options
// neo4j-admin needs to read the files, one a line; scripts/neo4j.sh import passes
// them on.
const ArgsFile = "neo4j-admin.args"

// WriteImport writes the CSV files of an offline bulk import
// (`neo4j-admin database import full`, which scripts/neo4j.sh import runs) of d into
// dir:
//
//	dir/nodes/users.csv                 :ID(User),platform,id,rank:long,clout:double,…,:LABEL
//	dir/nodes/datasets.csv              the CloutDataset nodes
//	dir/relationships/<layer>.csv       :START_ID(User),:END_ID(User),:TYPE,count:long[,first:datetime,last:datetime]
//	dir/neo4j-admin.args                the options of the import (ArgsFile)
//
// each with its header line, and each written atomically. The import id of a user is
// its row number in users.csv (0, 1, …), that of a CloutDataset node follows the
// users' (n, n+1, …): neo4j-admin reads them with --id-type=actual as the node ids of
// the new store, which spares it mapping import ids to node ids (the largest part of
// the relationship stage with string ids; docs/neo4j.md, "Performance"). The import id
// is not stored (the :ID column has no name), while platform and id are stored as the
// plain string properties that Load writes. A layer none of whose edges has a time
// has no first and last columns (they would be empty, which is unset, on every line). A user that appears twice in Scores, or an
// edge whose actor or target Scores lacks, is a DataError. Strings are always quoted
// (a doubled quote inside), so an empty string stays one; a null is an empty field,
// which neo4j-admin leaves unset. Relationship files of layers that d lacks are
// removed, so that an older export in dir does not leak into the import.
//
// The import creates no constraint or index: run EnsureSchema (`clout load neo4j
// --schema-only`) after starting the server.
func WriteImport(dir string, d Dataset) (*ImportStats, error) {
	p, err := prepare(d)
	if err != nil {
		return nil, err
	}
	for _, pl := range p.platforms {
		if strings.Contains(pl, ";") {
			return nil, &DataError{fmt.Errorf("neo4j: platform %q holds a ';', the array delimiter of neo4j-admin", pl)}
		}
	}
	index, err := p.userIndex()
	if err != nil {
		return nil, err
	}
	st := &ImportStats{}
	for _, sub := range []string{"nodes", "relationships"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("neo4j: export: %w", err)
		}
	}
	write := func(name string, f func(w *csvWriter) error) error {
		path := filepath.Join(dir, name)
		err := sink.WriteFileAtomic(path, 0o644, func(w io.Writer) error {
			cw := &csvWriter{w: bufio.NewWriterSize(w, 1<<20)}
			if err := f(cw); err != nil {
				return err
			}
			st.Multiline = st.Multiline || cw.multiline
			return cw.w.Flush()
		})
		if err != nil {
			return fmt.Errorf("neo4j: export: %w", err)
		}
		st.Files = append(st.Files, path)
		return nil
	}

	// Users.
	err = write(filepath.Join("nodes", "users.csv"), func(w *csvWriter) error {
		w.field(":ID(User)")
		w.field("platform")
		w.field("id")
		for j, c := range p.props {
			w.field(p.names[j] + importType(c.Type))
		}
		w.field(":LABEL")
		w.end()
		pc := p.percentile()
		for i := range p.platform.Len() {
			w.int(int64(i))
			w.quoted(p.platform.Strings[i])
			w.quoted(p.id.Strings[i])
			for _, c := range p.props {
				w.value(c, i)
			}
			pct := math.NaN()
			if pc != nil && !pc.IsNull(i) {
				pct = pc.Floats[i]
			}
			w.field(strings.Join(tierLabels(pct), ";"))
			if err := w.end(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.Users = int64(p.platform.Len())

	// Datasets.
	err = write(filepath.Join("nodes", "datasets.csv"), func(w *csvWriter) error {
		for _, h := range []string{":ID(CloutDataset)", "platform", "platforms:string[]", "layers:string[]",
			"carried:string[]", "missing:string[]", "users:long", "relationships:long", "clout_version",
			"mode", "loaded_at:datetime", ":LABEL"} {
			w.field(h)
		}
		w.end()
		now := time.Now().UTC().Format(time.RFC3339)
		for j, pl := range p.platforms {
			w.int(int64(p.platform.Len() + j))
			w.quoted(pl)
			w.quoted(strings.Join(p.platforms, ";"))
			w.quoted(strings.Join(layerNames(p.layers), ";"))
			w.quoted(strings.Join(p.carried, ";"))
			w.quoted(strings.Join(p.missing, ";"))
			w.field(strconv.FormatInt(p.users[pl], 10))
			w.field(strconv.FormatInt(p.rels[pl], 10))
			w.quoted(d.Version)
			w.quoted("import")
			w.field(now)
			w.field("CloutDataset")
			if err := w.end(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Relationships, one file per layer.
	for k := range graph.NumKinds {
		name := filepath.Join("relationships", k.String()+".csv")
		var rows int
		for _, g := range p.groups {
			if g.kind == k {
				rows += len(g.rows)
			}
		}
		if rows == 0 {
			// An empty file would import fine, but a stale one from an older export
			// must not stay behind.
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("neo4j: export: %w", err)
			}
			continue
		}
		timed := p.timed(k)
		err := write(name, func(w *csvWriter) error {
			header := []string{":START_ID(User)", ":END_ID(User)", ":TYPE", "count:long"}
			if timed {
				header = append(header, "first:datetime", "last:datetime")
			}
			for _, h := range header {
				w.field(h)
			}
			w.end()
			for _, g := range p.groups {
				if g.kind != k {
					continue
				}
				ids := index[g.platform]
				for _, i := range g.rows {
					a, ok1 := ids[p.actor.Strings[i]]
					b, ok2 := ids[p.target.Strings[i]]
					if !ok1 || !ok2 {
						id := p.actor.Strings[i]
						if ok1 {
							id = p.target.Strings[i]
						}
						return &DataError{fmt.Errorf("neo4j: edges.parquet row %d names user %q of platform %q, whom scores.parquet lacks (are both from the same run?)", i, id, g.platform)}
					}
					w.int(int64(a))
					w.int(int64(b))
					w.field(relTypes[k])
					w.int(p.count.Ints[i])
					if timed {
						w.time(p.first, i)
						w.time(p.last, i)
					}
					if err := w.end(); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		st.Relationships += int64(rows)
	}

	st.Args = []string{"--id-type=actual"}
	if st.Multiline {
		st.Args = append(st.Args, "--multiline-fields=true")
	}
	err = write(ArgsFile, func(w *csvWriter) error {
		for _, a := range st.Args {
			w.field(a)
			if err := w.end(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// timed reports whether an edge of layer k has a first or last time.
func (p *prepared) timed(k graph.Kind) bool {
	for _, g := range p.groups {
		if g.kind != k {
			continue
		}
		for _, i := range g.rows {
			if (p.first != nil && !p.first.IsNull(i)) || (p.last != nil && !p.last.IsNull(i)) {
				return true
			}
		}
	}
	return false
}

// userIndex maps each platform's user ids to their rows of Scores, the import ids. A
// user listed twice is a DataError.
func (p *prepared) userIndex() (map[string]map[string]int32, error) {
	n := p.platform.Len()
	if n > math.MaxInt32 {
		return nil, &DataError{fmt.Errorf("neo4j: %d users are more than an export holds (%d)", n, math.MaxInt32)}
	}
	index := make(map[string]map[string]int32, len(p.platforms))
	for i := range n {
		pl, id := p.platform.Strings[i], p.id.Strings[i]
		m := index[pl]
		if m == nil {
			m = make(map[string]int32, p.users[pl])
			index[pl] = m
		}
		if j, ok := m[id]; ok {
			return nil, &DataError{fmt.Errorf("neo4j: scores.parquet rows %d and %d are both user %q of platform %q", j, i, id, pl)}
		}
		m[id] = int32(i)
	}
	return index, nil
}

// importType is the neo4j-admin header type of a column type.
func importType(t sink.Type) string {
	switch t {
	case sink.Int64:
		return ":long"
	case sink.Float64:
		return ":double"
	}
	return ""
}

// csvWriter writes the CSV dialect neo4j-admin reads by default: ',' between fields,
// '"' around strings with '""' for a quote inside, '\n' after each line.
type csvWriter struct {
	w         *bufio.Writer
	n         int // fields on the current line
	multiline bool
}

func (c *csvWriter) sep() {
	if c.n > 0 {
		c.w.WriteByte(',')
	}
	c.n++
}

// field writes s as it is: for headers, numbers and names without special characters.
func (c *csvWriter) field(s string) {
	c.sep()
	c.w.WriteString(s)
}

// int writes an integer.
func (c *csvWriter) int(v int64) {
	c.sep()
	var b [20]byte
	c.w.Write(strconv.AppendInt(b[:0], v, 10))
}

// quoted writes s as a quoted string.
func (c *csvWriter) quoted(s string) {
	c.sep()
	c.w.WriteByte('"')
	for {
		i := strings.IndexAny(s, "\"\n\r")
		if i < 0 {
			break
		}
		if s[i] == '"' {
			c.w.WriteString(s[:i+1])
			c.w.WriteByte('"')
		} else {
			c.multiline = true
			c.w.WriteString(s[:i+1])
		}
		s = s[i+1:]
	}
	c.w.WriteString(s)
	c.w.WriteByte('"')
}

// value writes row i of col, or an empty field for a null.
func (c *csvWriter) value(col *sink.Column, i int) {
	if col.IsNull(i) {
		c.sep()
		return
	}
	switch col.Type {
	case sink.String:
		c.quoted(col.Strings[i])
	case sink.Int64:
		c.field(strconv.FormatInt(col.Ints[i], 10))
	default:
		c.field(formatFloat(col.Floats[i]))
	}
}

// time writes row i of a Unix-seconds column as an ISO 8601 date-time in UTC.
func (c *csvWriter) time(col *sink.Column, i int) {
	if col == nil || col.IsNull(i) {
		c.sep()
		return
	}
	c.field(time.Unix(col.Ints[i], 0).UTC().Format(time.RFC3339))
}

// end ends the line and returns the writer's error, if any.
func (c *csvWriter) end() error {
	c.n = 0
	return c.w.WriteByte('\n')
}

// formatFloat formats x the way Java's Double.parseDouble reads it back exactly.
func formatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
