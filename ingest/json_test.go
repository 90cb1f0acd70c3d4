package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// skipAll checks a whole value with the parser, as a reader skipping every field does.
func skipAll(b []byte) *recordError {
	var p jsonParser
	p.reset(b, 0, "")
	p.skip()
	if p.err == nil {
		if c := p.ws(); p.i < len(p.b) {
			p.syntaxAt(p.i, "unexpected %q after the record", c)
		}
	}
	return p.err
}

// FuzzJSONParser holds the parser to encoding/json: it accepts exactly what json.Valid
// accepts, every error it reports is a syntax error inside the input, and the strings
// it decodes are the ones encoding/json decodes.
func FuzzJSONParser(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -0.5e+3, true, false, null, "x\"y\\u00e9\ud83d\ude00"]}`, `[]`, `{}`, `"\ud800"`, `01`, `1.`, `-`,
		`{"a" 1}`, `[1,]`, `{"a":1,}`, "\"\x01\"", `"\x"`, `[[[[`, `]`, `nul`, ` 1 `, `1 2`, `"\uD83D\uDE00\uD83D"`,
		`{"data":[{"id":"1","text":"RT @x: hi","referenced_tweets":[{"type":"retweeted","id":"2"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := skipAll(b)
		if valid := json.Valid(b); valid != (err == nil) {
			t.Fatalf("json.Valid = %v, parser error %v", valid, err)
		}
		if err != nil && (!err.syntax || err.off < 0 || err.off > int64(len(b))) {
			t.Fatalf("error %v: syntax %v, offset %d of %d", err, err.syntax, err.off, len(b))
		}
		if err == nil && len(b) > 0 && bytes.TrimSpace(b)[0] == '"' {
			var want string
			if json.Unmarshal(b, &want) != nil {
				t.Fatal("json.Unmarshal fails on a valid string")
			}
			var p jsonParser
			p.reset(b, 0, "")
			if got := p.str(); string(got) != want {
				t.Fatalf("decoded %q, encoding/json %q", got, want)
			}
		}
	})
}

// FuzzJSONSource checks the value splitter: the values it finds in a stream of
// concatenated values, read a few bytes at a time, are the ones json.Decoder finds,
// up to the first that is not valid JSON (which the parser then rejects).
func FuzzJSONSource(f *testing.F) {
	for _, s := range []string{`{"a":1} [2, "]"] "x\"" 3`, `[{"a":"\\"}]`, `{]`, `"abc`, `1 2 3`, `[[]]{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := json.NewDecoder(bytes.NewReader(b))
		var want []string
		for {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				break
			}
			want = append(want, string(v))
		}
		src := newJSONSource(iotest.HalfReader(bytes.NewReader(b)))
		src.buf = make([]byte, 4)
		for i, w := range want {
			v, off, err := src.value()
			if err != nil {
				t.Fatalf("value %d: %v; want %q", i, err, w)
			}
			if skipAll(v) != nil {
				return // not a value: the parser reports it (json.Decoder splits "00" as 0 0)
			}
			if string(v) != w {
				t.Fatalf("value %d = %q, want %q", i, v, w)
			}
			if string(b[off:off+int64(len(v))]) != string(v) {
				t.Fatalf("value %d at offset %d: %q is not there", i, off, v)
			}
		}
	})
}

// TestJSONErrors checks messages and positions of the parser's errors: the path in
// jq notation, the byte offset of the value at fault.
func TestJSONErrors(t *testing.T) {
	cases := []struct {
		in, root string
		read     func(p *jsonParser)
		off      int64
		msg      string
		syntax   bool
	}{
		{in: `{"a": [1, 2, {"b": x}]}`, read: func(p *jsonParser) { p.skip() }, off: 19, msg: `invalid character "x": expected a value`, syntax: true},
		{in: `{"data": [{"t": 1}, {"t": "x"}]}`, read: readT, off: 26, msg: `data[1].t: expected an integer, got the string "x"`},
		{in: `{"data": [{"t": 1}, {"t": 2.5}]}`, root: "[7]", read: readT, off: 26, msg: `[7].data[1].t: expected an integer, got "2.5"`},
		{in: `{"data": {"t": 1}}`, read: readT, off: 9, msg: `data: expected an array, got an object`},
		{in: `{"data": [{"t": 1} {"t": 2}]}`, read: readT, off: 19, msg: `data[0]: expected ',' or ']' after an array element, got "{"`, syntax: true},
		{in: `{"data": [{"t": "\q"}]}`, read: readT, off: 17, msg: `data[0].t: invalid escape "\\q" in a string`, syntax: true},
		{in: `{"data": [{"t": 1, "a b": 2 }]}`, read: func(p *jsonParser) {
			for k, ok := readObj(p); ok; k, ok = p.next() {
				if string(k) == "data" && p.arr() {
					for p.elem() {
						for k, ok := readObj(p); ok; k, ok = p.next() {
							if string(k) == "a b" {
								p.ws()
								p.shapeAt(p.i, "here")
							}
							p.skip()
						}
					}
				} else {
					p.skip()
				}
			}
		}, off: 26, msg: `data[0]."a b": here`},
	}
	for _, c := range cases {
		var p jsonParser
		p.reset([]byte(c.in), 0, c.root)
		c.read(&p)
		if p.err == nil {
			t.Errorf("%s: no error", c.in)
			continue
		}
		if p.err.Error() != c.msg || p.err.off != c.off || p.err.syntax != c.syntax {
			t.Errorf("%s:\n got %q at %d (syntax %v)\nwant %q at %d (syntax %v)", c.in, p.err.Error(), p.err.off, p.err.syntax, c.msg, c.off, c.syntax)
		}
	}
}

func readObj(p *jsonParser) ([]byte, bool) {
	if !p.obj() {
		return nil, false
	}
	return p.next()
}

// readT reads {"data": [{"t": integer}, …]}.
func readT(p *jsonParser) {
	for k, ok := readObj(p); ok; k, ok = p.next() {
		if string(k) != "data" {
			p.skip()
			continue
		}
		if !p.arr() {
			return
		}
		for p.elem() {
			for k, ok := readObj(p); ok; k, ok = p.next() {
				if string(k) == "t" {
					p.int()
				} else {
					p.skip()
				}
			}
		}
	}
}

// TestJSONSourceLines checks line splitting: offsets, "\r\n", a last line without
// "\n", and a line over the limit, consumed whole.
func TestJSONSourceLines(t *testing.T) {
	in := "{\"a\":1}\r\n\n" + strings.Repeat("x", 40) + "\n{}"
	s := newJSONSource(iotest.OneByteReader(strings.NewReader(in)))
	s.buf, s.max = make([]byte, 2), 16
	type line struct {
		text string
		off  int64
		err  error
	}
	want := []line{{`{"a":1}`, 0, nil}, {"", 9, nil}, {"", 10, errLineTooLong}, {"{}", 51, nil}, {"", 53, io.EOF}}
	for i, w := range want {
		b, off, err := s.nextLine()
		if string(b) != w.text || off != w.off || !errors.Is(err, w.err) {
			t.Errorf("line %d: %q at %d, %v; want %q at %d, %v", i+1, b, off, err, w.text, w.off, w.err)
		}
	}
}
