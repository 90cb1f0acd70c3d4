package ingest

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanners of jsonParser: literals, numbers and strings, checked against the
// JSON grammar byte by byte (strings eight bytes at a time).

// literal consumes the literal lit (true, false or null) at the current byte.
func (p *jsonParser) literal(lit string) {
	if p.i+len(lit) <= len(p.b) && string(p.b[p.i:p.i+len(lit)]) == lit {
		p.i += len(lit)
		return
	}
	p.syntaxAt(p.i, "invalid literal: expected %s", lit)
}

// scanNumber checks the number at the current byte against the JSON grammar and
// returns its bytes and whether it has a fraction or an exponent.
func (p *jsonParser) scanNumber() (num []byte, frac bool) {
	b, start := p.b, p.i
	i := start
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	default:
		p.syntaxAt(i, "invalid number: expected a digit")
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		frac = true
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.syntaxAt(i, "invalid number: expected a digit after the decimal point")
			return nil, false
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		frac = true
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.syntaxAt(i, "invalid number: expected a digit in the exponent")
			return nil, false
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	p.i = i
	return b[start:i], frac
}

// The SWAR constants for scanString: a byte broadcast to the eight bytes of a word.
const (
	lsb     = 0x0101010101010101
	msb     = 0x8080808080808080
	bQuote  = '"' * lsb
	bSlash  = '\\' * lsb
	bSpace  = ' ' * lsb
	wordLen = 8
)

// special returns a word whose high bit is set in each byte of w that is a double
// quote, a backslash or a control character (below 0x20), and possibly in bytes after
// the first such byte; it is zero when w has none. (The "has zero byte" and "has
// less than" tricks of Anderson's Bit Twiddling Hacks.)
func special(w uint64) uint64 {
	q := w ^ bQuote
	s := w ^ bSlash
	return ((q-lsb)&^q | (s-lsb)&^s | (w-bSpace)&^w) & msb
}

// scanString checks the string at the current byte (a double quote) and moves past
// it. It returns its contents, undecoded, and whether they hold an escape.
func (p *jsonParser) scanString() (s []byte, esc bool, ok bool) {
	b := p.b
	start := p.i + 1
	i := start
	for {
		for i+wordLen <= len(b) {
			m := special(binary.LittleEndian.Uint64(b[i:]))
			if m == 0 {
				i += wordLen
				continue
			}
			i += bits.TrailingZeros64(m) / 8
			break
		}
		for i < len(b) && b[i] >= ' ' && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i >= len(b) {
			p.syntaxAt(len(b), "unexpected end of the record in a string")
			return nil, false, false
		}
		switch c := b[i]; {
		case c == '"':
			p.i = i + 1
			return b[start:i], esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				p.syntaxAt(len(b), "unexpected end of the record in a string")
				return nil, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					p.syntaxAt(i, "invalid escape in a string: \\u must be followed by four hex digits")
					return nil, false, false
				}
				i += 6
			default:
				p.syntaxAt(i, "invalid escape %s in a string", quote(b[i:i+2]))
				return nil, false, false
			}
		default:
			p.syntaxAt(i, "control character %#02x in a string (it must be escaped)", c)
			return nil, false, false
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// unescape decodes the escapes of a string checked by scanString, as encoding/json
// does: a lone surrogate, like a byte that is not UTF-8, becomes U+FFFD.
func unescape(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(s[i:])
			out = utf8.AppendRune(out, r) // RuneError for a bad byte
			i += n
			continue
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			break
		}
		switch s[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(s[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if d := utf16.DecodeRune(r, hex4(s[i+2:])); d != utf8.RuneError {
						i += 6
						out = utf8.AppendRune(out, d)
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, s[i+1])
		}
		i += 2
	}
	return out
}

// hex4 decodes four hex digits checked by isHex4.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
