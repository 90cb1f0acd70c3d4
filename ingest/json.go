package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonParser reads one JSON value held in memory (a record: a line of JSONL, an
// element of an array), pulling only the fields a reader asks for and skipping the
// rest, and checks the whole value against the JSON grammar (RFC 8259) as it goes.
// Errors carry the byte offset in the stream and the path of the value at fault in
// jq's notation (data[3].referenced_tweets[0].type).
//
// Why not encoding/json: its errors name a field path without array indices
// (data.referenced_tweets.type), and it is slower. On twarc2 pages, Unmarshal into
// small typed structs runs at about 105 MB/s and json.Valid alone at about 200 MB/s on
// the 2-core machine of BenchmarkReadJSON, where ReadTwitterV2, interning and graph
// building included, reads 430 MB/s: most of a record's bytes are strings of fields
// nobody reads, which this parser scans eight bytes at a time.
//
// Usage: p.obj() enters an object (false for null, or with p.err set for another
// kind of value); for key, ok := p.next(); ok; key, ok = p.next() {…} visits its
// members, each of which must be read or skipped (p.skip()) before the next call.
// Arrays likewise with p.arr() and p.elem(). After the first error every call
// returns at once: check p.err when the record is done.
type jsonParser struct {
	b    []byte
	i    int
	base int64  // stream offset of b[0]
	root string // path of the record itself ("" for a JSONL line, "[41]" for an element)
	path []pathSeg
	err  *recordError
	// depth counts the containers open, the ones skip enters included.
	depth int
}

// pathSeg is one step of the path to the current value: an object member or an
// array element.
type pathSeg struct {
	key   []byte
	n     int  // members or elements visited so far
	array bool // an array: the step is [n-1]
}

// recordError is the first error of a JSON record.
type recordError struct {
	off    int64  // stream offset of the byte or value at fault
	path   string // where, in jq notation; "" for the record itself
	msg    string
	syntax bool // the bytes are not JSON (rather than JSON of an unexpected shape)
}

func (e *recordError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// maxJSONDepth is how deeply values may nest, as in encoding/json.
const maxJSONDepth = 10000

// reset makes p read the value b, which starts at stream offset base.
func (p *jsonParser) reset(b []byte, base int64, root string) {
	p.b, p.i, p.base, p.root = b, 0, base, root
	p.path = p.path[:0]
	p.err = nil
	p.depth = 0
}

// pathString formats the current path.
func (p *jsonParser) pathString() string {
	var sb strings.Builder
	sb.WriteString(p.root)
	for _, s := range p.path {
		if s.n == 0 {
			break // the container was just entered: the path is the container's
		}
		if s.array {
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(s.n - 1))
			sb.WriteByte(']')
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		if isPlainKey(s.key) {
			sb.Write(s.key)
		} else {
			sb.WriteString(strconv.Quote(string(s.key)))
		}
	}
	return sb.String()
}

// isPlainKey reports whether a key can be written bare in a jq path.
func isPlainKey(k []byte) bool {
	if len(k) == 0 {
		return false
	}
	for i, c := range k {
		if !(c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// syntaxAt records a syntax error at byte i of the record.
func (p *jsonParser) syntaxAt(i int, format string, args ...any) {
	if p.err == nil {
		p.err = &recordError{off: p.base + int64(i), path: p.pathString(), msg: fmt.Sprintf(format, args...), syntax: true}
	}
}

// shapeAt records that the well-formed value at byte i is not what was expected.
func (p *jsonParser) shapeAt(i int, format string, args ...any) {
	if p.err == nil {
		p.err = &recordError{off: p.base + int64(i), path: p.pathString(), msg: fmt.Sprintf(format, args...)}
	}
}

// ws skips white space and returns the next byte, or 0 at the end.
func (p *jsonParser) ws() byte {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return c
		}
	}
	return 0
}

// describe names the kind of value starting at byte i, for "got …" in messages.
func (p *jsonParser) describe(i int) string {
	if i >= len(p.b) {
		return "the end of the record"
	}
	switch c := p.b[i]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		end := i + 1
		for end < len(p.b) && end-i < 42 && p.b[end] != '"' {
			end++
		}
		if end < len(p.b) && p.b[end] == '"' {
			return "the string " + quote(p.b[i+1:end])
		}
		return "a string"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	}
	return quote(p.b[i : i+1])
}

// isValueStart reports whether c can start a JSON value.
func isValueStart(c byte) bool {
	switch {
	case c == '{' || c == '[' || c == '"' || c == '-' || c == 't' || c == 'f' || c == 'n':
		return true
	}
	return c >= '0' && c <= '9'
}

// start checks that a value, described by what for messages, starts at the
// current byte c: a byte that starts no value is a syntax error.
func (p *jsonParser) start(what string, c byte) bool {
	if p.err != nil {
		return false
	}
	if !isValueStart(c) {
		if p.i >= len(p.b) {
			p.syntaxAt(p.i, "unexpected end of the record: expected %s", what)
		} else {
			p.syntaxAt(p.i, "invalid character %s: expected %s", quote(p.b[p.i:p.i+1]), what)
		}
		return false
	}
	return true
}

// null consumes a null if one is next.
func (p *jsonParser) null() bool {
	if p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// obj enters an object. It returns false for null (consumed) or for another kind of
// value (a shape error).
func (p *jsonParser) obj() bool { return p.enter('{', "an object", pathSeg{}) }

// enter enters a value that opens with open (an object or an array, what) and pushes
// seg on the path. It returns false for null (consumed) or for another kind of value
// (a shape error).
func (p *jsonParser) enter(open byte, what string, seg pathSeg) bool {
	c := p.ws()
	if !p.start(what, c) {
		return false
	}
	if c != open {
		if c == 'n' && p.null() {
			return false
		}
		p.shapeAt(p.i, "expected %s, got %s", what, p.describe(p.i))
		return false
	}
	if !p.descend() {
		return false
	}
	p.path = append(p.path, seg)
	return true
}

// descend moves past the opening bracket at the current byte, counting one more
// container open; deeper than maxJSONDepth is a syntax error.
func (p *jsonParser) descend() bool {
	if p.depth++; p.depth > maxJSONDepth {
		p.tooDeep()
		return false
	}
	p.i++
	return true
}

// tooDeep records that values nest more than maxJSONDepth deep. (Not inlined, so
// that descend is.)
//
//go:noinline
func (p *jsonParser) tooDeep() {
	p.syntaxAt(p.i, "values nested more than %d deep", maxJSONDepth)
}

// more moves to the next member or element of the container entered last, which
// the byte end closes: past the ',' after the one before, if any. At end it
// leaves the container and returns false; on an error it returns false too.
func (p *jsonParser) more(end byte) bool {
	if p.err != nil {
		return false
	}
	c := p.ws()
	if c == end {
		p.i++
		p.path = p.path[:len(p.path)-1]
		p.depth--
		return false
	}
	if p.path[len(p.path)-1].n > 0 {
		if c != ',' {
			p.sepError(end)
			return false
		}
		p.i++
	}
	return true
}

// sepError records that the byte after a member or element of the container that
// end closes is neither ',' nor end.
func (p *jsonParser) sepError(end byte) {
	if end == '}' {
		p.syntaxAt(p.i, "expected ',' or '}' after an object member, got %s", p.near())
	} else {
		p.syntaxAt(p.i, "expected ',' or ']' after an array element, got %s", p.near())
	}
}

// next moves to the next member of the object entered last and returns its key; at
// the closing brace, or on an error, it returns false.
func (p *jsonParser) next() ([]byte, bool) {
	if !p.more('}') {
		return nil, false
	}
	c := p.ws()
	if c != '"' {
		p.syntaxAt(p.i, "expected a member name in double quotes, got %s", p.near())
		return nil, false
	}
	key, esc, ok := p.scanString()
	if !ok {
		return nil, false
	}
	if esc || !utf8.Valid(key) {
		key = unescape(key)
	}
	if p.ws() != ':' {
		p.syntaxAt(p.i, "expected ':' after the member name, got %s", p.near())
		return nil, false
	}
	p.i++
	s := &p.path[len(p.path)-1]
	s.key = key
	s.n++
	return key, true
}

// object enters an object that must be there: null is a shape error too. It
// returns the object's offset in the record, for messages about the object as a
// whole.
func (p *jsonParser) object() (at int, ok bool) {
	p.ws()
	at = p.i
	if !p.obj() {
		if p.err == nil {
			p.shapeAt(at, "expected an object, got null")
		}
		return at, false
	}
	return at, true
}

// objects reads an array of objects, or null. f reads each element, entered by
// object (which see) and given its offset, by visiting its members with next.
func (p *jsonParser) objects(f func(at int)) {
	if !p.arr() {
		return
	}
	for p.elem() {
		at, ok := p.object()
		if !ok {
			return
		}
		f(at)
	}
}

// only visits the members of an object, or null, reading the member key with f
// and skipping the others.
func (p *jsonParser) only(key string, f func()) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		if string(k) == key {
			f()
		} else {
			p.skip()
		}
	}
}

// arr enters an array. It returns false for null (consumed) or for another kind of
// value (a shape error).
func (p *jsonParser) arr() bool { return p.enter('[', "an array", pathSeg{array: true}) }

// elem moves to the next element of the array entered last; at the closing
// bracket, or on an error, it returns false.
func (p *jsonParser) elem() bool {
	if !p.more(']') {
		return false
	}
	p.path[len(p.path)-1].n++
	return true
}

// index returns the 0-based index of the current element of the array entered last.
func (p *jsonParser) index() int { return p.path[len(p.path)-1].n - 1 }

// near describes the byte at the current position for a syntax error.
func (p *jsonParser) near() string {
	if p.i >= len(p.b) {
		return "the end of the record"
	}
	return quote(p.b[p.i : p.i+1])
}

// str reads a string, or null (returned as nil). Escapes are decoded.
func (p *jsonParser) str() []byte {
	c := p.ws()
	if !p.start("a string", c) {
		return nil
	}
	if c != '"' {
		if c == 'n' && p.null() {
			return nil
		}
		p.shapeAt(p.i, "expected a string, got %s", p.describe(p.i))
		return nil
	}
	s, esc, ok := p.scanString()
	if !ok {
		return nil
	}
	if esc || !utf8.Valid(s) {
		return unescape(s)
	}
	return s
}

// rawStr reads a string, or null, without decoding its escapes: for looking at a
// prefix made of characters that are never escaped.
func (p *jsonParser) rawStr() []byte {
	c := p.ws()
	if c != '"' {
		return p.str()
	}
	s, _, _ := p.scanString()
	return s
}

// id reads an id: a non-empty string, or a non-negative integer (some exports
// write ids as numbers), or null (nil).
func (p *jsonParser) id() []byte {
	c := p.ws()
	if c >= '0' && c <= '9' {
		at := p.i
		n, frac := p.scanNumber()
		if p.err == nil && frac {
			p.shapeAt(at, "expected an id (a string or an integer), got %s", quote(n))
			return nil
		}
		return n
	}
	if c == '-' {
		at := p.i
		p.skip()
		p.shapeAt(at, "expected an id (a string or an integer), got a negative number")
		return nil
	}
	if !p.start("an id", c) {
		return nil
	}
	if c != '"' && !(c == 'n' && p.null()) {
		p.shapeAt(p.i, "expected an id (a string or an integer), got %s", p.describe(p.i))
		return nil
	}
	if c == 'n' {
		return nil
	}
	at := p.i
	id := p.str()
	if p.err == nil && len(id) == 0 {
		p.shapeAt(at, "expected an id, got an empty string")
	}
	return id
}

// time reads a time: a string that parse reads, or null (ok is false). A string
// that parse rejects is a shape error, "expected want, got" the string.
func (p *jsonParser) time(parse func([]byte) (int64, bool), want string) (t int64, ok bool) {
	p.ws()
	at := p.i
	s := p.str()
	if s == nil {
		return 0, false
	}
	if t, ok = parse(s); !ok {
		p.shapeAt(at, "expected %s, got %s", want, quote(s))
	}
	return t, ok
}

// isoTime reads an RFC 3339 time, or null (ok is false).
func (p *jsonParser) isoTime() (int64, bool) { return p.time(parseISOTime, "a time as RFC 3339") }

// int reads an integer; ok is false for null. Archives write numbers as strings
// ("5"), which are read too.
func (p *jsonParser) int() (int64, bool) {
	c := p.ws()
	at := p.i
	if c == '"' {
		s := p.str()
		v, err := strconv.ParseInt(string(s), 10, 64)
		if p.err == nil && err != nil {
			p.shapeAt(at, "expected an integer, got %s", p.describe(at))
		}
		return v, p.err == nil
	}
	if !p.start("an integer", c) {
		return 0, false
	}
	if c == 'n' && p.null() {
		return 0, false
	}
	if c != '-' && (c < '0' || c > '9') {
		p.shapeAt(p.i, "expected an integer, got %s", p.describe(p.i))
		return 0, false
	}
	n, frac := p.scanNumber()
	if p.err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if frac || err != nil {
		p.shapeAt(at, "expected an integer, got %s", quote(n))
		return 0, false
	}
	return v, true
}

// skip skips one value of any kind, checking it.
func (p *jsonParser) skip() {
	c := p.ws()
	if !p.start("a value", c) {
		return
	}
	switch c {
	case '{', '[':
		if !p.descend() {
			return
		}
		obj, end := c == '{', byte(']')
		if obj {
			end = '}'
		}
		if p.ws() == end {
			p.i++
			p.depth--
			return
		}
		for {
			if obj {
				if p.ws() != '"' {
					p.syntaxAt(p.i, "expected a member name in double quotes, got %s", p.near())
					return
				}
				if _, _, ok := p.scanString(); !ok {
					return
				}
				if p.ws() != ':' {
					p.syntaxAt(p.i, "expected ':' after the member name, got %s", p.near())
					return
				}
				p.i++
			}
			p.skip()
			if p.err != nil {
				return
			}
			switch p.ws() {
			case ',':
				p.i++
			case end:
				p.i++
				p.depth--
				return
			default:
				p.sepError(end)
				return
			}
		}
	case '"':
		p.scanString()
	case 't':
		p.literal("true")
	case 'f':
		p.literal("false")
	case 'n':
		p.literal("null")
	default:
		p.scanNumber()
	}
}
