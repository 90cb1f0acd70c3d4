package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// IdentityMap says which accounts belong to one person, as Klout combined a person's
// networks into one score. It is read from a CSV file with the header
// person,platform,id and one row per account:
//
//	person,platform,id
//	ada,twitter,783214
//	ada,bluesky,did:plc:z72i7hdynmk6r22z27h6tvur
//	ada,mastodon,@ada@example.social
//
// The id is the platform's stable id, or "@handle" to name the account by its handle
// (as the inputs give it, compared without regard to ASCII case).
type IdentityMap struct {
	Path    string
	Persons []Person // in the order of their first row
}

// Person is one person of an IdentityMap.
type Person struct {
	Name     string
	Accounts []Account
}

// Account is one account of a person.
type Account struct {
	Platform, ID string
	Line         int // the row that names it
}

// String returns "platform:id".
func (a Account) String() string { return a.Platform + ":" + a.ID }

// LoadIdentityMap reads an identity map. It fails, naming the line and column, on a
// missing header column, an empty field, and an account named twice.
func LoadIdentityMap(path string) (*IdentityMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: identity map: %w", err)
	}
	defer f.Close()
	return ReadIdentityMap(path, f)
}

// ReadIdentityMap reads an identity map from r; name is used in errors.
func ReadIdentityMap(name string, r io.Reader) (*IdentityMap, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	bad := func(line, col int, format string, args ...any) error {
		return &ParseError{Path: name, Line: line, Column: col, Offset: -1, Err: fmt.Errorf(format, args...)}
	}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, bad(1, 0, "expected a header person,platform,id, got an empty file")
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	col := map[string]int{"person": -1, "platform": -1, "id": -1}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if c, ok := col[h]; ok && c < 0 {
			col[h] = i
		}
	}
	for _, k := range []string{"person", "platform", "id"} {
		if col[k] < 0 {
			return nil, bad(1, 0, "expected a header naming the columns person, platform and id; no %s", k)
		}
	}
	m := &IdentityMap{Path: name}
	byName := map[string]int{}
	owner := map[Account]string{} // Line zeroed
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		field := func(k string) (string, int, int, error) {
			i := col[k]
			if i >= len(rec) {
				l, _ := cr.FieldPos(0)
				return "", l, 0, bad(l, 0, "expected %d fields as in the header, got %d", len(head), len(rec))
			}
			l, c := cr.FieldPos(i)
			v := strings.TrimSpace(rec[i])
			if v == "" {
				return "", l, c, bad(l, c, "empty %s", k)
			}
			return v, l, c, nil
		}
		person, _, _, err := field("person")
		if err != nil {
			return nil, err
		}
		platform, _, _, err := field("platform")
		if err != nil {
			return nil, err
		}
		id, line, c, err := field("id")
		if err != nil {
			return nil, err
		}
		a := Account{Platform: platform, ID: id}
		if p, dup := owner[a]; dup {
			return nil, bad(line, c, "account %s is already listed for %s", a, p)
		}
		owner[a] = person
		a.Line = line
		i, ok := byName[person]
		if !ok {
			i = len(m.Persons)
			byName[person] = i
			m.Persons = append(m.Persons, Person{Name: person})
		}
		m.Persons[i].Accounts = append(m.Persons[i].Accounts, a)
	}
}

func csvErr(name string, err error) error {
	var ce *csv.ParseError
	if errors.As(err, &ce) {
		return &ParseError{Path: name, Line: ce.Line, Column: ce.Column, Offset: -1, Err: ce.Err}
	}
	return fmt.Errorf("ingest: %s: %w", name, err)
}

// Resolve finds the dense ids of each person's accounts: users[i] holds those of
// Persons[i] that the inputs hold (by id, or by handle for "@handle"), and missing
// the accounts they do not.
func (m *IdentityMap) Resolve(in *Interner) (users [][]uint32, missing []Account) {
	var byHandle map[platformID]uint32
	users = make([][]uint32, len(m.Persons))
	for i, p := range m.Persons {
		for _, a := range p.Accounts {
			plat, ok := in.byName[a.Platform]
			if !ok {
				missing = append(missing, a)
				continue
			}
			u, found := in.Lookup(plat, []byte(a.ID))
			if !found && strings.HasPrefix(a.ID, "@") {
				if byHandle == nil {
					byHandle = handleIndex(in)
				}
				u, found = byHandle[platformID{plat, foldString(a.ID)}]
			}
			if !found {
				missing = append(missing, a)
				continue
			}
			users[i] = append(users[i], u)
		}
	}
	return users, missing
}

// handleIndex maps folded "@handle" (a Mastodon handle already starts with "@") to
// dense ids.
func handleIndex(in *Interner) map[platformID]uint32 {
	idx := make(map[platformID]uint32)
	for u := range min(len(in.handles), in.Len()) {
		h := in.Handle(uint32(u))
		if h == "" {
			continue
		}
		if !strings.HasPrefix(h, "@") {
			h = "@" + h
		}
		idx[platformID{in.plat[u], foldString(h)}] = uint32(u)
	}
	return idx
}

func foldString(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
