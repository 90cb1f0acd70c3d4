package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clout-dev/clout/graph"
)

// acctActor returns the actor URI and handle of a Mastodon account address
// ("name@host" or "@name@host"): https://host/users/name, Mastodon's form.
func acctActor(addr string) (actor, handle string, ok bool) {
	addr = strings.TrimPrefix(strings.TrimSpace(addr), "@")
	name, host, found := strings.Cut(addr, "@")
	if !found || name == "" || host == "" || strings.ContainsAny(name, "@/ \t") || strings.ContainsAny(host, "@/ \t") {
		return "", "", false
	}
	host = strings.ToLower(host)
	return "https://" + host + "/users/" + name, "@" + name + "@" + host, true
}

// Mastodon CSV exports (Preferences > Import and export > Data export).
const mastoFollowsHeader = "Account address"

// ReadMastodonCSV reads a Mastodon CSV export: the follows (following_accounts.csv,
// with the header "Account address,Show boosts,…": FOLLOWS from the owner to each
// account) or the lists (lists.csv, rows "list name,account address" without a
// header: each account is a member of the owner's list). The owner is o.Owner or, by
// ReadInput, the actor.json beside the file. Account addresses (name@host) become
// actor URIs of Mastodon's form, https://host/users/name; their handle is
// @name@host.
func ReadMastodonCSV(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatMastodonCSV}
	if err := s.check(); err != nil {
		return rep, err
	}
	owner, err := o.exportOwner("the Mastodon export " + name)
	if err != nil {
		return rep, &ParseError{Path: name, Line: 1, Err: err}
	}
	f := newFeeder(name, PlatformMastodon, s, &o, &rep)
	me, err := f.user(canonicalActor([]byte(owner)))
	if err != nil {
		return rep, &ParseError{Path: name, Line: 1, Err: err}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := peekLine(br)
	if err != nil {
		return rep, &ParseError{Path: name, Line: 1, Err: err}
	}
	follows := bytes.HasPrefix(bytes.TrimPrefix(head, []byte("\ufeff")), []byte(mastoFollowsHeader))
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	defer func() { rep.Bytes = cr.InputOffset() }()
	if follows {
		if _, err := cr.Read(); err != nil {
			return rep, &ParseError{Path: name, Line: 1, Err: err}
		}
		rep.Lines = 1
	} else if s.Lists != nil {
		s.Lists.Declare()
	}
	for {
		start := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			var ce *csv.ParseError
			if !errors.As(err, &ce) {
				return rep, &ParseError{Path: name, Line: int(rep.Lines) + 1, Offset: start, Err: err}
			}
			pe := &ParseError{Path: name, Line: ce.Line, Column: ce.Column, Offset: start, Err: ce.Err}
			rep.Lines = int64(ce.Line)
			if err := rep.bad(&o, pe); err != nil {
				return rep, err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		rep.Lines = int64(line)
		col := 0
		if !follows {
			col = 1
		}
		bad := func(msg string) error {
			l, c := cr.FieldPos(min(col, len(rec)-1))
			return rep.bad(&o, &ParseError{Path: name, Line: l, Column: c, Offset: start, Err: errors.New(msg)})
		}
		if len(rec) <= col {
			if err := bad(fmt.Sprintf("expected %d fields, got %d", col+1, len(rec))); err != nil {
				return rep, err
			}
			continue
		}
		actor, handle, ok := acctActor(rec[col])
		if !ok {
			if err := bad(fmt.Sprintf("expected an account address name@host, got %s", quote([]byte(rec[col])))); err != nil {
				return rep, err
			}
			continue
		}
		rep.Records++
		b, err := f.user([]byte(actor))
		if err != nil {
			return rep, &ParseError{Path: name, Line: line, Offset: start, Err: err}
		}
		s.IDs.SetHandle(b, handle)
		if follows {
			if err := f.edge(graph.Follows, me, b, graph.NoTime); err != nil {
				return rep, err
			}
			continue
		}
		if s.Lists != nil {
			s.Lists.Add(b, PostKey([]byte(owner+"\x00"+rec[0])))
		}
	}
}

// isMastodonCSV reports whether the first lines of a file look like a Mastodon CSV
// export: the follows header, or rows "list name,name@host".
func isMastodonCSV(lines [][]byte) bool {
	if len(lines) == 0 {
		return false
	}
	first := bytes.TrimPrefix(lines[0], []byte("\ufeff"))
	if bytes.HasPrefix(first, []byte(mastoFollowsHeader+",Show boosts")) {
		return true
	}
	n := 0
	for _, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		rec, err := csv.NewReader(bytes.NewReader(l)).Read()
		if err != nil || len(rec) != 2 {
			return false
		}
		if _, _, ok := acctActor(rec[1]); !ok || !strings.Contains(rec[1], ".") {
			return false
		}
		n++
	}
	return n > 0
}
