package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxIDs is the most ids an Interner hands out: dense ids are uint32, and the largest
// value, 2^32-1, is never used, so that it can serve as a sentinel.
const MaxIDs = 1<<32 - 1

// ErrTooManyIDs is returned by Intern when MaxIDs ids are taken.
var ErrTooManyIDs = errors.New("ingest: more than 2^32-1 distinct user ids")

// Interner maps external user ids, scoped by platform, to dense uint32 ids
// 0, 1, 2, … in order of first appearance, and back.
//
// Ids in canonical decimal form (digits only, no leading zero unless the id is "0",
// at most 2^64-1) take a fast path: they are keyed and stored as a uint64 and
// formatted again on demand. Small ones (below twice the number of ids plus 2^20, as
// in SNAP's files) are looked up in a direct table, about 8 bytes per id (up to
// 8 MiB for few ids); larger ones (Twitter's snowflakes) in a hash map. Other ids are
// kept as strings. So "007" and "7" are different ids, as they are to the platforms
// that issue them.
//
// The zero Interner is ready to use. It is not safe for concurrent use.
type Interner struct {
	platforms []string         // platform id → name
	byName    map[string]uint8 // name → platform id
	num       []numTable
	str       []map[string]uint32

	key  []uint64 // dense id → the numeric id, or an index into strs
	plat []uint8  // dense id → platform
	isS  []uint64 // bit set: dense id is a string id
	strs []string

	// handles[u] locates u's handle in hbuf: offset<<16 | length; 0 for none. It
	// reaches only as far as the largest id given a handle.
	handles []uint64
	hbuf    []byte

	max uint64 // ids allowed; 0 means MaxIDs (tests lower it)
}

// Platform returns the small id of the platform called name ("twitter", "bluesky",
// …), adding it on first use. Names are compared exactly; "" is a platform like any
// other. It panics past 256 platforms, which only a program bug reaches.
func (in *Interner) Platform(name string) uint8 {
	if p, ok := in.byName[name]; ok {
		return p
	}
	if len(in.platforms) == 256 {
		panic("ingest: more than 256 platforms")
	}
	if in.byName == nil {
		in.byName = make(map[string]uint8)
	}
	p := uint8(len(in.platforms))
	in.platforms = append(in.platforms, name)
	in.byName[name] = p
	in.num = append(in.num, numTable{})
	in.str = append(in.str, nil)
	return p
}

// Platforms returns the platform names in id order. The slice must not be modified.
func (in *Interner) Platforms() []string { return in.platforms }

// Len returns the number of ids interned so far; dense ids are [0, Len()).
func (in *Interner) Len() int { return len(in.key) }

// Intern returns the dense id of the external id on platform, adding it if new. It
// does not allocate for an id seen before. It fails for an empty id, an unknown
// platform, and with ErrTooManyIDs when the ids run out.
func (in *Interner) Intern(platform uint8, id []byte) (uint32, error) {
	return intern(in, platform, id)
}

// InternString is Intern for an id held in a string.
func (in *Interner) InternString(platform uint8, id string) (uint32, error) {
	return intern(in, platform, id)
}

// ErrEmptyID is the error for an empty user id.
var ErrEmptyID = errors.New("expected a user id, got an empty one")

// isBadID reports whether err is about the id itself (empty, or not printable UTF-8):
// a bad record, to be skipped under the Skip policy, not a failure of the reader.
func isBadID(err error) bool { return errors.Is(err, ErrBadID) || errors.Is(err, ErrEmptyID) }

// ErrBadID is the error for a user id that is not printable UTF-8.
var ErrBadID = errors.New("expected a user id of printable UTF-8 (no control characters or NUL bytes)")

// checkID rejects an id that is not valid UTF-8 or holds a control character: such
// an id cannot go into a Parquet string column, a CSV cell or a terminal unchanged.
// It runs once per distinct id, when it is first interned.
func checkID[T string | []byte](id T) error {
	for i, r := range string(id) { // ranging over a conversion does not allocate
		bad := r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
		if r == utf8.RuneError {
			_, size := utf8.DecodeRuneInString(string(id[i:]))
			bad = size == 1 // an invalid byte, not a U+FFFD written out
		}
		if bad {
			return fmt.Errorf("%w, got %q", ErrBadID, string(id))
		}
	}
	return nil
}

func intern[T string | []byte](in *Interner, platform uint8, id T) (uint32, error) {
	if int(platform) >= len(in.platforms) {
		return 0, fmt.Errorf("ingest: unknown platform id %d", platform)
	}
	if v, ok := canonicalUint(id); ok {
		return in.InternUint(platform, v)
	}
	if len(id) == 0 {
		return 0, ErrEmptyID
	}
	m := in.str[platform]
	if u, ok := m[string(id)]; ok { // no allocation: the compiler reuses id's bytes
		return u, nil
	}
	if err := checkID(id); err != nil {
		return 0, err
	}
	u, err := in.next()
	if err != nil {
		return 0, err
	}
	if m == nil {
		m = make(map[string]uint32)
		in.str[platform] = m
	}
	var s string
	switch v := any(id).(type) {
	case string:
		s = strings.Clone(v) // do not pin a larger string id is cut from
	case []byte:
		s = string(v)
	}
	m[s] = u
	in.key = append(in.key, uint64(len(in.strs)))
	in.strs = append(in.strs, s)
	in.plat = append(in.plat, platform)
	if int(u)/64 >= len(in.isS) {
		in.isS = append(in.isS, 0)
	}
	in.isS[u/64] |= 1 << (u % 64)
	return u, nil
}

// InternUint is Intern for the id whose canonical decimal form is v.
func (in *Interner) InternUint(platform uint8, v uint64) (uint32, error) {
	if int(platform) >= len(in.platforms) {
		return 0, fmt.Errorf("ingest: unknown platform id %d", platform)
	}
	t := &in.num[platform]
	if u, ok := t.get(v); ok {
		return u, nil
	}
	u, err := in.next()
	if err != nil {
		return 0, err
	}
	t.put(v, u, len(in.key))
	in.key = append(in.key, v)
	in.plat = append(in.plat, platform)
	if int(u)/64 >= len(in.isS) {
		in.isS = append(in.isS, 0)
	}
	return u, nil
}

// Lookup returns the dense id of an external id without adding it.
func (in *Interner) Lookup(platform uint8, id []byte) (uint32, bool) {
	if int(platform) >= len(in.platforms) {
		return 0, false
	}
	if v, ok := canonicalUint(id); ok {
		return in.num[platform].get(v)
	}
	u, ok := in.str[platform][string(id)]
	return u, ok
}

// next returns the next free dense id.
func (in *Interner) next() (uint32, error) {
	limit := in.max
	if limit == 0 {
		limit = MaxIDs
	}
	n := uint64(len(in.key))
	if n >= limit {
		return 0, ErrTooManyIDs
	}
	return uint32(n), nil
}

// ID returns the external id of dense id u. It panics if u is out of range.
func (in *Interner) ID(u uint32) string {
	if in.isString(u) {
		return in.strs[in.key[u]]
	}
	return strconv.FormatUint(in.key[u], 10)
}

// AppendID appends the external id of u to dst, without allocating for numeric ids.
func (in *Interner) AppendID(dst []byte, u uint32) []byte {
	if in.isString(u) {
		return append(dst, in.strs[in.key[u]]...)
	}
	return strconv.AppendUint(dst, in.key[u], 10)
}

// Numeric returns the external id of u as a number, when it is a canonical decimal.
func (in *Interner) Numeric(u uint32) (uint64, bool) {
	if in.isString(u) {
		return 0, false
	}
	return in.key[u], true
}

// maxHandle is the longest handle kept; longer ones are cut.
const maxHandle = 1<<16 - 1

// SetHandle records the handle of dense id u: the screen name, @user@host or domain
// handle the platform shows for it. A handle is a property, not a key (people rename
// themselves; ids stay): the last one set wins, and "" clears it. Handles are kept in
// one arena, 8 bytes per id up to the largest id given one, plus their bytes.
func (in *Interner) SetHandle(u uint32, handle string) { setHandle(in, u, handle) }

func setHandle[T string | []byte](in *Interner, u uint32, h T) {
	_ = in.key[u] // bounds check with a clear panic
	if len(h) > maxHandle {
		h = h[:maxHandle]
	}
	if int(u) >= len(in.handles) {
		if len(h) == 0 {
			return
		}
		in.handles = append(in.handles, make([]uint64, int(u)+1-len(in.handles))...)
	}
	if string(in.handleBytes(u)) == string(h) {
		return
	}
	if len(h) == 0 {
		in.handles[u] = 0
		return
	}
	in.handles[u] = uint64(len(in.hbuf))<<16 | uint64(len(h))
	in.hbuf = append(in.hbuf, h...)
}

// Handle returns the handle of u, or "" when no input named one.
func (in *Interner) Handle(u uint32) string { return string(in.handleBytes(u)) }

// HasHandles reports whether any id has a handle.
func (in *Interner) HasHandles() bool { return len(in.hbuf) > 0 }

func (in *Interner) handleBytes(u uint32) []byte {
	if int(u) >= len(in.handles) {
		return nil
	}
	h := in.handles[u]
	off := h >> 16
	return in.hbuf[off : off+h&0xffff]
}

// PlatformOf returns the name of the platform of dense id u.
func (in *Interner) PlatformOf(u uint32) string { return in.platforms[in.plat[u]] }

func (in *Interner) isString(u uint32) bool {
	_ = in.key[u] // bounds check with a clear panic
	return in.isS[u/64]&(1<<(u%64)) != 0
}

// canonicalUint parses b as a canonical decimal: digits only, no sign, no leading
// zero unless b is "0", at most 2^64-1.
func canonicalUint[T string | []byte](b T) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var v uint64
	if len(b) < 20 { // below 10^19 < 2^64: no overflow
		for i := 0; i < len(b); i++ {
			d := uint64(b[i] - '0')
			if d > 9 {
				return 0, false
			}
			v = v*10 + d
		}
		return v, true
	}
	for i := 0; i < len(b); i++ {
		d := uint64(b[i] - '0')
		if d > 9 || v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// numTable maps numeric ids to dense ids: small ones through a direct table, the
// others through a hash map. Keys below len(direct) are never in the map.
type numTable struct {
	direct []uint32 // direct[v] is the dense id of v plus one; 0 when v is unknown
	m      map[uint64]uint32
}

// directSlack is how far the direct table may reach beyond twice the ids held.
const directSlack = 1 << 20

func (t *numTable) get(v uint64) (uint32, bool) {
	if v < uint64(len(t.direct)) {
		e := t.direct[v]
		return e - 1, e != 0
	}
	u, ok := t.m[v]
	return u, ok
}

// put adds v as dense id u; n is the number of ids before it. The direct table grows
// to take v when v is below 2n+directSlack, so it holds about two entries (8 bytes)
// per id, or up to 2×directSlack entries while the ids are few.
func (t *numTable) put(v uint64, u uint32, n int) {
	if v >= uint64(len(t.direct)) && v < 2*uint64(n)+directSlack {
		t.grow(v)
	}
	if v < uint64(len(t.direct)) {
		t.direct[v] = u + 1
		return
	}
	if t.m == nil {
		t.m = make(map[uint64]uint32)
	}
	t.m[v] = u
}

// grow makes the direct table reach v at least, and moves the map's keys that it now
// covers into it.
func (t *numTable) grow(v uint64) {
	size := max(v+1, 2*uint64(len(t.direct)), 1024)
	d := make([]uint32, size)
	copy(d, t.direct)
	t.direct = d
	for k, u := range t.m {
		if k < size {
			d[k] = u + 1
			delete(t.m, k)
		}
	}
}
