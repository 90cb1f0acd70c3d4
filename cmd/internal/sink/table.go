package sink

import (
	"errors"
	"fmt"
	"strings"
)

// Type is the value type of a Column.
type Type uint8

// The value types. The zero Type is invalid, so that a Column whose Type was never set
// is caught by Table.Validate.
const (
	String  Type = iota + 1 // UTF-8 text, held in Column.Strings; Parquet/Arrow utf8
	Int64                   // signed 64-bit integer, held in Column.Ints; Parquet/Arrow int64
	Float64                 // IEEE 754 double, held in Column.Floats; Parquet/Arrow float64
)

// String returns the Arrow name of the type ("utf8", "int64", "float64").
func (t Type) String() string {
	switch t {
	case String:
		return "utf8"
	case Int64:
		return "int64"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Column is one named, typed column of a Table. Exactly one of Strings, Ints and
// Floats, the one that matches Type, holds the values; the other two must be nil.
// A String column may hold its values as Packed instead of Strings.
//
// Nulls come in two grains. Null marks the whole column as null: the signal it stands
// for is not carried by the inputs (a layer the data set lacks, say), which is not the
// same as a value of zero. The value slice of a Null column may be nil; if it is not,
// it must have the table's length, and its values are ignored. Valid, when not nil,
// marks row i as present (true) or null (false) and must have the table's length; a
// nil Valid means every row is present. Valid is ignored when Null is set.
type Column struct {
	Name string // unique within the table
	Type Type
	// Doc is a one-line description of the column. WriteParquet stores it as the
	// field metadata "doc" of the Arrow schema it embeds in the file, where pyarrow
	// (schema.field(name).metadata) and ReadParquet find it.
	Doc string

	Strings []string  // values of a String column
	Packed  *Packed   // values of a String column instead of Strings, packed (see Packed)
	Ints    []int64   // values of an Int64 column
	Floats  []float64 // values of a Float64 column

	Null  bool   // the whole column is null
	Valid []bool // optional per-row validity; nil means all rows are valid

	// Plain turns off the dictionary encoding of a String column, for columns of
	// mostly distinct values such as ids. Besides saving the dictionary's work, it
	// keeps the file byte-reproducible: when a dictionary outgrows its page, arrow-go
	// falls back to plain encoding and lists the chunk's two encodings in map order.
	Plain bool

	// NoStats leaves the column's statistics (min, max, null count) out of the
	// file's metadata. They cost a comparison per value, which for a string column
	// is a good part of the write; readers skip row groups by them, which only
	// pays for columns whose values are clustered, so leave them out for ids in no
	// particular order.
	NoStats bool
}

// Len returns the length of the column's value slice, the one that matches its Type.
func (c *Column) Len() int {
	switch c.Type {
	case String:
		if c.Packed != nil {
			return c.Packed.Len()
		}
		return len(c.Strings)
	case Int64:
		return len(c.Ints)
	case Float64:
		return len(c.Floats)
	}
	return 0
}

// StringAt returns value i of a String column, from Strings or Packed.
func (c *Column) StringAt(i int) string {
	if c.Packed != nil {
		return c.Packed.At(i)
	}
	return c.Strings[i]
}

// IsNull reports whether row i of the column is null.
func (c *Column) IsNull(i int) bool {
	return c.Null || (c.Valid != nil && !c.Valid[i])
}

// Number returns value i of an Int64 or Float64 column as a float64, and false when
// it is null or the column holds no numbers. A signal written as an integer by one
// version and as a float by another (engaged_audience) reads alike.
func (c *Column) Number(i int) (float64, bool) {
	if c == nil || c.IsNull(i) {
		return 0, false
	}
	switch c.Type {
	case Int64:
		return float64(c.Ints[i]), true
	case Float64:
		return c.Floats[i], true
	}
	return 0, false
}

// Table is a set of equally long columns plus file-level metadata.
type Table struct {
	Columns []Column
	// Meta is stored as the key-value metadata of the Parquet file ("clout.version",
	// "clout.dataset", …); ReadParquet returns it, less Arrow's own "ARROW:schema".
	Meta map[string]string
}

// Rows returns the number of rows: the length of the first column that holds values
// (a Null column may leave its values nil). A table with no columns, or with only
// Null columns that hold no values, has 0 rows. Rows trusts the table; call Validate
// to check that all columns agree.
func (t *Table) Rows() int {
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Null && c.Len() == 0 {
			continue
		}
		return c.Len()
	}
	return 0
}

// Col returns the column with the given name, or nil if there is none. The pointer
// points into t.Columns, so it is valid until t.Columns is reallocated.
func (t *Table) Col(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Validate checks the table's shape: every column has a non-empty, unique name, a
// valid Type, values only in the slice that matches its Type (a Packed's ends rising
// from 0 to the end of its bytes), a one-line Doc, and the
// same length as the others (Null columns may have no values); Valid, when set, has
// that length too. Meta must not use the key "ARROW:schema", which is Arrow's.
func (t *Table) Validate() error {
	if err := t.validate(); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}

// validate is Validate without the package prefix, for callers that add their own.
func (t *Table) validate() error {
	if _, ok := t.Meta[arrowSchemaKey]; ok {
		return fmt.Errorf("metadata key %q is reserved for Arrow", arrowSchemaKey)
	}
	rows := t.Rows()
	seen := make(map[string]bool, len(t.Columns))
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Name == "" {
			return fmt.Errorf("column %d has no name", i)
		}
		if seen[c.Name] {
			return fmt.Errorf("duplicate column name %q", c.Name)
		}
		seen[c.Name] = true
		if strings.ContainsAny(c.Doc, "\r\n") {
			return fmt.Errorf("column %q: doc is not one line", c.Name)
		}
		var stray bool
		switch c.Type {
		case String:
			stray = c.Ints != nil || c.Floats != nil
			if c.Packed != nil {
				if c.Strings != nil {
					return fmt.Errorf("column %q holds both Strings and Packed", c.Name)
				}
				if err := c.Packed.check(); err != nil {
					return fmt.Errorf("column %q: %w", c.Name, err)
				}
			}
		case Int64:
			stray = c.Strings != nil || c.Packed != nil || c.Floats != nil
		case Float64:
			stray = c.Strings != nil || c.Packed != nil || c.Ints != nil
		default:
			return fmt.Errorf("column %q: invalid type %v", c.Name, c.Type)
		}
		if stray {
			return fmt.Errorf("column %q: %v column holds values of another type", c.Name, c.Type)
		}
		if n := c.Len(); n != rows && !(c.Null && n == 0) {
			return fmt.Errorf("column %q has %d rows, want %d", c.Name, n, rows)
		}
		if c.Valid != nil && len(c.Valid) != rows {
			return fmt.Errorf("column %q: Valid has %d entries, want %d", c.Name, len(c.Valid), rows)
		}
	}
	return nil
}

// errNoColumns is returned when asked to write a table without columns, which
// Parquet cannot represent.
var errNoColumns = errors.New("table has no columns")
