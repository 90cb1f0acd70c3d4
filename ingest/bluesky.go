package ingest

import (
	"bytes"
	"io"

	"github.com/clout-dev/clout/graph"
)

// The Bluesky collections Clout reads.
const (
	bskyFollow   = "app.bsky.graph.follow"
	bskyRepost   = "app.bsky.feed.repost"
	bskyLike     = "app.bsky.feed.like"
	bskyPost     = "app.bsky.feed.post"
	bskyListItem = "app.bsky.graph.listitem"
)

// ReadBluesky reads Bluesky records, one JSON value per line: Jetstream events
// ({"did", "time_us", "kind", "commit": {"operation", "collection", "rkey",
// "record"}}, and "identity" events, which carry handles), or repository records
// in the shape of com.atproto.repo.listRecords ({"uri": "at://did/collection/rkey",
// "value": {…}}), whose time is the record's createdAt. Ids are DIDs, on the
// platform "bluesky"; handles come from identity events.
//
//   - app.bsky.graph.follow: FOLLOWS the subject;
//   - app.bsky.feed.repost, app.bsky.feed.like: RETWEETED / LIKED the author of the
//     subject post (the DID of its at:// URI); a repost also tells the
//     retweeted-posts signal which post;
//   - app.bsky.feed.post: a post of the repository's DID; reply.parent → REPLIED_TO
//     the parent's author (the root's author is not the one replied to); mention
//     facets → MENTIONED; a quote (embed app.bsky.embed.record or recordWithMedia of a
//     post) → RETWEETED the quoted post's author, as for Twitter;
//   - app.bsky.graph.listitem: the subject is a member of the list (list_count).
//
// Other collections (profiles, blocks, …) and account events are counted in
// Report.Ignored. A record is named by its DID, collection and record key: a delete
// removes what the create of that key added, an update replaces it, and a create
// read twice counts once. As a delete can come in a later file, the records are
// kept in the Sink's record log and fed to the graph by Sink.Finish; Report.Events
// counts the events of the creates read. A delete outside the time window is not
// applied (the record existed in the window).
func ReadBluesky(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatBluesky}
	if err := s.check(); err != nil {
		return rep, err
	}
	br := &bskyReader{feeder: newFeeder(name, PlatformBluesky, s, &o, &rep)}
	br.declarePosts(true)
	d := newJSONDriver(name, r, &rep, &o)
	err = d.lines(br)
	return rep, err
}

// bskyRecord is the part of a record Clout reads, for any collection.
type bskyRecord struct {
	typ         []byte
	subject     []byte // a DID (follow, listitem)
	subjectURI  []byte // an at:// URI (like, repost)
	parentURI   []byte
	embedURI    []byte
	list        []byte
	mentions    [][]byte
	createdAt   int64
	badTime     *recordError
	createdSeen bool
}

type bskyReader struct {
	*feeder
	// the record parsed last
	did, collection, rkey, op, handle []byte
	kind                              []byte // Jetstream kind; nil for a listRecords line
	t                                 int64
	rec                               bskyRecord
	hasRecord                         bool
	key                               []byte // scratch
	seenM                             map[string]bool
}

func (br *bskyReader) parse(p *jsonParser) {
	br.did, br.collection, br.rkey, br.op, br.handle, br.kind = nil, nil, nil, nil, nil, nil
	br.t = graph.NoTime
	br.rec = bskyRecord{mentions: br.rec.mentions[:0], createdAt: graph.NoTime}
	br.hasRecord = false
	p.ws()
	if !p.obj() {
		if p.err == nil {
			p.shapeAt(p.i-4, "expected an object, got null")
		}
		return
	}
	var uri []byte
	uriAt := 0
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "did":
			br.did = p.str()
		case "time_us":
			p.ws()
			i := p.i
			if v, ok := p.int(); ok {
				if v < 0 {
					p.shapeAt(i, "expected microseconds since 1970, got %d", v)
				}
				br.t = floorDiv(v, 1e6)
			}
		case "kind":
			br.kind = p.str()
		case "commit":
			br.parseCommit(p)
		case "identity":
			p.only("handle", func() { br.handle = p.str() })
		case "uri": // a listRecords record
			p.ws()
			uriAt = p.i
			uri = p.str()
		case "value":
			br.hasRecord = true
			br.parseRecord(p)
		default:
			p.skip()
		}
	}
	if p.err != nil {
		return
	}
	if br.kind == nil { // a listRecords line
		if uri == nil {
			p.shapeAt(0, "expected a Jetstream event (with kind) or a repository record (with uri and value)")
			return
		}
		did, coll, rkey, ok := splitATURI(uri)
		if !ok || rkey == nil {
			p.path = append(p.path[:0], pathSeg{key: []byte("uri"), n: 1})
			p.shapeAt(uriAt, "expected at://<did>/<collection>/<rkey>, got %s", quote(uri))
			return
		}
		br.did, br.collection, br.rkey, br.op = did, coll, rkey, []byte("create")
		if br.rec.badTime != nil && readsCollection(string(coll)) {
			p.err = br.rec.badTime
			return
		}
		br.t = br.rec.createdAt
	}
	if br.did == nil && string(br.kind) != "account" {
		p.shapeAt(0, "an event without a did")
		return
	}
	if br.did != nil && !isDID(br.did) {
		p.shapeAt(0, "did: expected a DID (did:method:…), got %s", quote(br.did))
	}
}

func (br *bskyReader) parseCommit(p *jsonParser) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "operation":
			p.ws()
			i := p.i
			br.op = p.str()
			switch string(br.op) {
			case "create", "update", "delete":
			default:
				if p.err == nil {
					p.shapeAt(i, "expected create, update or delete, got %s", p.describe(i))
				}
			}
		case "collection":
			br.collection = p.str()
		case "rkey":
			br.rkey = p.str()
		case "record":
			br.hasRecord = true
			br.parseRecord(p)
		default:
			p.skip()
		}
	}
}

// parseRecord reads the fields of a record that any collection Clout reads uses.
func (br *bskyReader) parseRecord(p *jsonParser) {
	r := &br.rec
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "$type":
			r.typ = p.str()
		case "subject":
			switch p.ws() {
			case '"':
				r.subject = p.str()
			default:
				r.subjectURI = br.strongRef(p)
			}
		case "createdAt":
			p.ws()
			i := p.i
			s := p.str()
			if t, ok := parseISOTime(s); ok {
				r.createdAt = t
			} else if s != nil && r.badTime == nil {
				p.shapeAt(i, "expected a time as RFC 3339, got %s", quote(s))
				r.badTime, p.err = p.err, nil // an error only where the time is used
			}
		case "reply":
			p.only("parent", func() { r.parentURI = br.strongRef(p) })
		case "facets":
			if !p.arr() {
				continue
			}
			for p.elem() {
				if !p.obj() {
					continue
				}
				for k, ok := p.next(); ok; k, ok = p.next() {
					if string(k) != "features" {
						p.skip()
						continue
					}
					if !p.arr() {
						continue
					}
					for p.elem() {
						if !p.obj() {
							continue
						}
						var typ, did []byte
						for k, ok := p.next(); ok; k, ok = p.next() {
							switch string(k) {
							case "$type":
								typ = p.str()
							case "did":
								did = p.str()
							default:
								p.skip()
							}
						}
						if string(typ) == "app.bsky.richtext.facet#mention" && did != nil {
							r.mentions = append(r.mentions, did)
						}
					}
				}
			}
		case "embed":
			r.embedURI = br.embed(p)
		case "list":
			r.list = p.str()
		default:
			p.skip()
		}
	}
}

// strongRef reads {"uri", "cid"} and returns the uri.
func (br *bskyReader) strongRef(p *jsonParser) []byte {
	var uri []byte
	p.only("uri", func() { uri = p.str() })
	return uri
}

// embed reads an embed and returns the URI of the record it quotes, if any:
// app.bsky.embed.record {record: {uri}}, app.bsky.embed.recordWithMedia
// {record: {record: {uri}}}.
func (br *bskyReader) embed(p *jsonParser) []byte {
	var uri []byte
	if !p.obj() {
		return nil
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		if string(k) != "record" {
			p.skip()
			continue
		}
		if !p.obj() {
			continue
		}
		for k, ok := p.next(); ok; k, ok = p.next() {
			switch string(k) {
			case "uri":
				uri = p.str()
			case "record":
				uri = br.strongRef(p)
			default:
				p.skip()
			}
		}
	}
	return uri
}

// readsCollection reports whether Clout reads the records of a collection.
func readsCollection(c string) bool {
	switch c {
	case bskyFollow, bskyRepost, bskyLike, bskyPost, bskyListItem:
		return true
	}
	return false
}

// isDID reports whether b looks like a DID: "did:" method ":" identifier.
func isDID(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("did:")) {
		return false
	}
	i := bytes.IndexByte(b[4:], ':')
	return i > 0 && 4+i+1 < len(b)
}

// splitATURI splits at://authority/collection/rkey; collection and rkey may be
// absent (nil).
func splitATURI(uri []byte) (authority, collection, rkey []byte, ok bool) {
	rest, found := bytes.CutPrefix(uri, []byte("at://"))
	if !found {
		return nil, nil, nil, false
	}
	parts := bytes.SplitN(rest, []byte("/"), 4)
	if len(parts[0]) == 0 || len(parts) == 4 {
		return nil, nil, nil, false
	}
	authority = parts[0]
	if len(parts) > 1 {
		collection = parts[1]
	}
	if len(parts) > 2 {
		rkey = parts[2]
	}
	return authority, collection, rkey, true
}

// postAuthorDID returns the DID of the author of the post an at:// URI names, or
// nil when the URI does not name a post by a DID.
func postAuthorDID(uri []byte) []byte {
	a, coll, rkey, ok := splitATURI(uri)
	if !ok || string(coll) != bskyPost || rkey == nil || !isDID(a) {
		return nil
	}
	return a
}

func (br *bskyReader) apply() error {
	switch string(br.kind) {
	case "commit", "":
	case "identity":
		if br.handle != nil {
			if u, ok := br.s.IDs.Lookup(br.plat, br.did); ok {
				setHandle(br.s.IDs, u, br.handle)
			} else {
				br.s.handleLater(br.plat, string(br.did), string(br.handle))
			}
		} else {
			br.rep.Ignored++
		}
		return nil
	default:
		br.rep.Ignored++
		return nil
	}
	coll := string(br.collection)
	if coll == "" && br.rec.typ != nil {
		coll = string(br.rec.typ)
	}
	if !readsCollection(coll) {
		br.rep.Ignored++
		return nil
	}
	if !br.o.inWindow(br.t) {
		br.rep.OutOfWindow++
		return nil
	}
	br.key = append(append(append(append(append(br.key[:0], br.did...), '/'), coll...), '/'), br.rkey...)
	key := PostKey(br.key)
	br.s.nextRecord()
	if string(br.op) == "delete" {
		br.rep.Deletes++
		br.s.logOp(recOp{key: key, op: opDelete})
		return nil
	}
	upd := string(br.op) == "update"
	a, err := br.user(br.did)
	if err != nil {
		return err
	}
	r := &br.rec
	n := 0
	edge := func(k graph.Kind, target []byte) error {
		b, err := br.user(target)
		if err != nil {
			return err
		}
		if err := br.claim(k); err != nil {
			return err
		}
		br.rep.Events[k]++
		if a == b {
			br.rep.SelfLoops[k]++
		}
		br.s.logOp(recOp{key: key, op: opEdge, k: k, a: a, b: b, t: br.t, upd: upd && n == 0})
		n++
		return nil
	}
	switch coll {
	case bskyFollow:
		if !isDID(r.subject) {
			br.rep.Unresolved++
			return nil
		}
		return edge(graph.Follows, r.subject)
	case bskyRepost, bskyLike:
		author := postAuthorDID(r.subjectURI)
		if author == nil {
			br.rep.Unresolved++ // a like of a feed or a list, or no subject
			return nil
		}
		k := graph.Likes
		if coll == bskyRepost {
			k = graph.Retweets
			br.rep.Posts++
			br.s.logOp(recOp{key: key, op: opAuthored, a: a, x: PostKey(br.key), upd: upd})
			n++
		}
		if err := edge(k, author); err != nil {
			return err
		}
		if k == graph.Retweets {
			b, _ := br.s.IDs.Lookup(br.plat, author)
			br.s.logOp(recOp{key: key, op: opRetweeted, a: b, x: PostKey(r.subjectURI)})
		}
		return nil
	case bskyPost:
		br.rep.Posts++
		uri := append([]byte("at://"), br.key...)
		br.s.logOp(recOp{key: key, op: opAuthored, a: a, x: PostKey(uri), upd: upd})
		n++
		if r.parentURI != nil {
			if author := postAuthorDID(r.parentURI); author != nil {
				if err := edge(graph.Replies, author); err != nil {
					return err
				}
			} else {
				br.rep.Unresolved++
			}
		}
		if author := postAuthorDID(r.embedURI); author != nil {
			if err := edge(graph.Retweets, author); err != nil {
				return err
			}
			b, _ := br.s.IDs.Lookup(br.plat, author)
			br.s.logOp(recOp{key: key, op: opRetweeted, a: b, x: PostKey(r.embedURI)})
		}
		if br.seenM == nil {
			br.seenM = make(map[string]bool)
		}
		clear(br.seenM)
		for _, m := range r.mentions {
			if !isDID(m) {
				br.rep.Unresolved++
				continue
			}
			if br.seenM[string(m)] {
				continue
			}
			br.seenM[string(m)] = true
			if err := edge(graph.Mentions, m); err != nil {
				return err
			}
		}
		return nil
	case bskyListItem:
		if !isDID(r.subject) || r.list == nil {
			br.rep.Unresolved++
			return nil
		}
		b, err := br.user(r.subject)
		if err != nil {
			return err
		}
		if br.s.Lists != nil {
			br.s.Lists.Declare()
		}
		br.s.logOp(recOp{key: key, op: opList, a: b, x: PostKey(r.list), upd: upd})
	}
	return nil
}
