package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/clout-dev/clout/graph"
)

// ReadMastodonArchive reads one JSON file of a Mastodon account archive ("Request
// your archive"): outbox.json, likes.json or actor.json, told apart by content. Ids
// are ActivityPub actor URIs (https://host/users/name), on the platform "mastodon";
// handles are @name@host.
//
//   - outbox.json, an OrderedCollection of activities read one at a time: Create is
//     a post of its actor at published; its object's inReplyTo → REPLIED_TO the author
//     of that status, its Mention tags → MENTIONED (the tag's name is the handle).
//     Announce is a boost: RETWEETED the boosted status's author, and a post of the
//     booster. Other activities are counted in Report.Ignored.
//   - likes.json, an OrderedCollection of status URIs: LIKED their authors. The file
//     does not name its owner: o.Owner does, or ReadInput finds actor.json beside it.
//   - actor.json: the owner's id and handle (preferredUsername).
//
// A status's author is read from its URI when it has Mastodon's form
// https://host/users/name/statuses/id (also GoToSocial's); for a boost, from the
// activity's cc otherwise. Other software's URIs (…/notes/…, …/objects/…) do not
// name their author: such reactions are counted in Report.Unresolved.
func ReadMastodonArchive(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatMastodonArchive}
	if err := s.check(); err != nil {
		return rep, err
	}
	mr := &mastoReader{feeder: newFeeder(name, PlatformMastodon, s, &o, &rep)}
	d := newJSONDriver(name, r, &rep, &o)
	defer d.done()
	var collID, typ, id, username []byte
	err = d.members(func(key string) (bool, error) {
		switch key {
		case "id", "type", "preferredUsername":
			v, off, err := d.src.value()
			if err != nil {
				return true, d.streamErr(0, err)
			}
			p := &d.p
			p.reset(v, off, key)
			s := p.str()
			if p.err != nil {
				return true, &ParseError{Path: name, Offset: p.err.off, Err: p.err}
			}
			switch key {
			case "id":
				collID, id = s, s
			case "type":
				typ = s
			default:
				username = s
			}
			return true, nil
		case "orderedItems":
			d.src.peek() // errors point at the array
			switch {
			case bytes.HasSuffix(collID, []byte("likes.json")) || bytes.HasSuffix(collID, []byte("/liked")):
				owner, err := o.exportOwner("the Mastodon likes file " + name)
				if err != nil {
					return true, &ParseError{Path: name, Offset: d.src.pos(), Err: err}
				}
				if mr.owner, err = mr.user(canonicalActor([]byte(owner))); err != nil {
					return true, err
				}
				mr.mode = mastoLikes
			case collID == nil:
				return true, &ParseError{Path: name, Offset: d.src.pos(), Err: errors.New(`orderedItems before the collection's "id": cannot tell an outbox from a likes file`)}
			case bytes.HasSuffix(collID, []byte("outbox.json")) || bytes.HasSuffix(collID, []byte("/outbox")):
				mr.mode = mastoOutbox
				mr.declarePosts(true)
			default:
				mr.mode = mastoOther // bookmarks.json, …
			}
			return true, d.elements(mr, "orderedItems")
		}
		return false, nil
	})
	if err != nil {
		return rep, err
	}
	if err := d.end(); err != nil {
		return rep, err
	}
	if mr.mode == mastoNone && isActorType(typ) && id != nil {
		rep.Records++
		a, err := mr.user(canonicalActor(id))
		if err != nil {
			return rep, &ParseError{Path: name, Offset: 0, Err: fmt.Errorf("the actor's \"id\": %w", err)}
		}
		if username != nil {
			if h := mastoHandle(id, username); h != "" {
				mr.s.IDs.SetHandle(a, h)
			}
		}
	}
	return rep, nil
}

func isActorType(t []byte) bool {
	switch string(t) {
	case "Person", "Service", "Application", "Group", "Organization":
		return true
	}
	return false
}

const (
	mastoNone = iota
	mastoOutbox
	mastoLikes
	mastoOther
)

type mastoReader struct {
	*feeder
	mode  int
	owner uint32

	// the record parsed last
	typ, id, actor, object, objID, inReplyTo []byte
	t                                        int64
	cc                                       [][]byte
	tags                                     []mastoTag
	seenM                                    map[string]bool
}

type mastoTag struct{ href, name []byte }

func (mr *mastoReader) parse(p *jsonParser) {
	mr.typ, mr.id, mr.actor, mr.object, mr.objID, mr.inReplyTo = nil, nil, nil, nil, nil, nil
	mr.t = graph.NoTime
	mr.cc, mr.tags = mr.cc[:0], mr.tags[:0]
	switch mr.mode {
	case mastoLikes:
		p.ws()
		i := p.i
		mr.object = p.str()
		if p.err == nil && mr.object == nil {
			p.shapeAt(i, "expected the URI of a liked status, got null")
		}
		return
	case mastoOther:
		p.skip()
		return
	}
	p.ws()
	at := p.i
	if !p.obj() {
		if p.err == nil {
			p.shapeAt(at, "expected an activity, got null")
		}
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "type":
			mr.typ = p.str()
		case "id":
			mr.id = p.str()
		case "actor":
			mr.actor = mr.ref(p)
		case "published":
			mr.published(p)
		case "cc":
			mr.cc = mr.refs(p, mr.cc)
		case "object":
			if p.ws() == '"' {
				mr.object = p.str()
				continue
			}
			mr.parseObject(p)
		default:
			p.skip()
		}
	}
	if p.err != nil {
		return
	}
	switch string(mr.typ) {
	case "Create", "Announce":
		if len(mr.actor) == 0 || len(mr.object) == 0 && len(mr.objID) == 0 {
			p.shapeAt(at, "%s needs an actor and an object", mr.typ)
		}
	}
}

// ref reads a link: a URI string, or an object with an id.
func (mr *mastoReader) ref(p *jsonParser) []byte {
	if p.ws() == '"' {
		return p.str()
	}
	var id []byte
	p.only("id", func() { id = p.str() })
	return id
}

// refs reads a link or an array of links.
func (mr *mastoReader) refs(p *jsonParser, dst [][]byte) [][]byte {
	if p.ws() != '[' {
		if r := mr.ref(p); r != nil {
			dst = append(dst, r)
		}
		return dst
	}
	p.arr()
	for p.elem() {
		if r := mr.ref(p); r != nil {
			dst = append(dst, r)
		}
	}
	return dst
}

func (mr *mastoReader) published(p *jsonParser) {
	if t, ok := p.isoTime(); ok && mr.t == graph.NoTime {
		mr.t = t
	}
}

func (mr *mastoReader) parseObject(p *jsonParser) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "id":
			mr.objID = p.str()
		case "inReplyTo":
			mr.inReplyTo = mr.ref(p)
		case "published":
			mr.published(p)
		case "tag":
			if p.ws() != '[' {
				p.skip()
				continue
			}
			p.arr()
			for p.elem() {
				p.ws()
				i := p.i
				if !p.obj() {
					continue
				}
				var typ, href, name []byte
				for k, ok := p.next(); ok; k, ok = p.next() {
					switch string(k) {
					case "type":
						typ = p.str()
					case "href":
						href = p.str()
					case "name":
						name = p.str()
					default:
						p.skip()
					}
				}
				if string(typ) == "Mention" {
					if len(href) == 0 && p.err == nil {
						p.shapeAt(i, "a Mention without an href")
					}
					mr.tags = append(mr.tags, mastoTag{href, name})
				}
			}
		default:
			p.skip()
		}
	}
}

func (mr *mastoReader) apply() error {
	if mr.mode == mastoLikes {
		author := statusAuthor(mr.object)
		if author == nil {
			mr.rep.Unresolved++
			return nil
		}
		post := PostKey(mr.object)
		if mr.s.seenReaction(mr.plat, mr.owner, graph.Likes, post) {
			mr.rep.Duplicates++
			return nil
		}
		b, err := mr.user(author)
		if err != nil {
			return err
		}
		return mr.edge(graph.Likes, mr.owner, b, graph.NoTime)
	}
	if mr.mode != mastoOutbox {
		mr.rep.Ignored++
		return nil
	}
	switch string(mr.typ) {
	case "Create":
		return mr.create()
	case "Announce":
		return mr.announce()
	}
	mr.rep.Ignored++
	return nil
}

func (mr *mastoReader) create() error {
	id := mr.objID
	if id == nil {
		id = mr.object
	}
	post, ok := mr.newPost(id, mr.t)
	if !ok {
		return nil
	}
	a, err := mr.user(canonicalActor(mr.actor))
	if err != nil {
		return err
	}
	mr.authored(a, post)
	if mr.inReplyTo != nil {
		if author := statusAuthor(mr.inReplyTo); author != nil {
			b, err := mr.user(author)
			if err != nil {
				return err
			}
			if err := mr.edge(graph.Replies, a, b, mr.t); err != nil {
				return err
			}
		} else {
			mr.rep.Unresolved++
		}
	}
	if mr.seenM == nil {
		mr.seenM = make(map[string]bool)
	}
	clear(mr.seenM)
	for _, tag := range mr.tags {
		href := canonicalActor(tag.href)
		if mr.seenM[string(href)] {
			continue
		}
		mr.seenM[string(href)] = true
		b, err := mr.user(href)
		if err != nil {
			return err
		}
		if h := strings.TrimSpace(string(tag.name)); strings.Count(h, "@") == 2 && h[0] == '@' {
			mr.s.IDs.SetHandle(b, h)
		}
		if err := mr.edge(graph.Mentions, a, b, mr.t); err != nil {
			return err
		}
	}
	return nil
}

func (mr *mastoReader) announce() error {
	if !mr.o.inWindow(mr.t) {
		mr.rep.OutOfWindow++
		return nil
	}
	obj := mr.object
	if obj == nil {
		obj = mr.objID
	}
	actor := canonicalActor(mr.actor)
	author := statusAuthor(obj)
	if author == nil {
		// Mastodon addresses a boost to the boosted account: the cc entry that is
		// neither the public collection nor the booster's followers.
		for _, c := range mr.cc {
			if len(c) > 0 && !bytes.HasSuffix(c, []byte("#Public")) && !bytes.HasSuffix(c, []byte("/followers")) && !bytes.Equal(canonicalActor(c), actor) {
				author = canonicalActor(c)
				break
			}
		}
	}
	id := mr.id
	if id == nil {
		id = append(append([]byte("announce:"), actor...), obj...)
	}
	post := PostKey(id)
	if mr.s.seenPost(mr.plat, post) {
		mr.rep.Duplicates++
		return nil
	}
	a, err := mr.user(actor)
	if err != nil {
		return err
	}
	mr.authored(a, post)
	if author == nil {
		mr.rep.Unresolved++
		return nil
	}
	boosted := PostKey(obj)
	if mr.s.seenReaction(mr.plat, a, graph.Retweets, boosted) {
		mr.rep.Duplicates++
		return nil
	}
	b, err := mr.user(author)
	if err != nil {
		return err
	}
	if err := mr.edge(graph.Retweets, a, b, mr.t); err != nil {
		return err
	}
	mr.retweeted(b, boosted)
	return nil
}

// canonicalActor returns an actor URI with its scheme and host in lower case.
func canonicalActor(uri []byte) []byte {
	i := bytes.Index(uri, []byte("://"))
	if i < 0 {
		return uri
	}
	end := bytes.IndexByte(uri[i+3:], '/')
	if end < 0 {
		end = len(uri)
	} else {
		end += i + 3
	}
	if !hasUpper(uri[:end]) {
		return uri
	}
	out := append([]byte(nil), uri...)
	for j := 0; j < end; j++ {
		if c := out[j]; 'A' <= c && c <= 'Z' {
			out[j] = c + 'a' - 'A'
		}
	}
	return out
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// statusAuthor returns the actor URI of the author of a status whose URI has
// Mastodon's form https://host/users/name/statuses/id, or nil.
func statusAuthor(uri []byte) []byte {
	i := bytes.Index(uri, []byte("://"))
	if i < 0 {
		return nil
	}
	rest := uri[i+3:]
	slash := bytes.IndexByte(rest, '/')
	if slash <= 0 {
		return nil
	}
	parts := bytes.Split(rest[slash+1:], []byte("/"))
	if len(parts) < 4 || string(parts[0]) != "users" || len(parts[1]) == 0 || string(parts[2]) != "statuses" || len(parts[3]) == 0 {
		return nil
	}
	return canonicalActor(uri[:i+3+slash+1+len("users/")+len(parts[1])])
}

// mastoHandle returns @name@host for an actor URI and its preferredUsername.
func mastoHandle(actor, username []byte) string {
	u, err := url.Parse(string(actor))
	if err != nil || u.Host == "" || len(username) == 0 {
		return ""
	}
	return "@" + string(username) + "@" + strings.ToLower(u.Host)
}

// MastodonOwner returns the actor URI of the Mastodon archive whose folder is dir,
// from its actor.json.
func MastodonOwner(dir string) (string, error) {
	path := filepath.Join(dir, "actor.json")
	rc, _, err := Open(path, nil)
	if err != nil {
		return "", fmt.Errorf("cannot tell whose Mastodon export this is: no actor.json in %s (set the input's owner): %w", dir, err)
	}
	defer rc.Close()
	s := NewSink()
	if _, err := ReadMastodonArchive(path, rc, s, Options{}); err != nil {
		return "", err
	}
	if s.IDs.Len() == 0 {
		return "", fmt.Errorf("ingest: %s: no actor id", path)
	}
	return s.IDs.ID(0), nil
}
