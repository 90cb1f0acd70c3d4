package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/clout-dev/clout/graph"
)

// archivePrefix matches the JavaScript assignment an X archive file starts with:
// "window.YTD.tweets.part0 = " (data files) or "window.__THAR_CONFIG = "
// (manifest.js). It is stripped, never evaluated.
var archivePrefix = regexp.MustCompile(`^\s*window\.(?:YTD\.([A-Za-z0-9_]+)\.part([0-9]+)|(__THAR_CONFIG))\s*=\s*`)

// archivePart returns the data type an X archive file holds ("tweets", "follower",
// …, "__THAR_CONFIG" for manifest.js) from its first bytes, and the length of its
// prefix; ok is false when the bytes do not start like an archive file.
func archivePart(head []byte) (part string, n int, ok bool) {
	m := archivePrefix.FindSubmatchIndex(head)
	if m == nil {
		return "", 0, false
	}
	if m[2] >= 0 {
		return string(head[m[2]:m[3]]), m[1], true
	}
	return string(head[m[6]:m[7]]), m[1], true
}

// archiveUsed reports whether Clout reads an X archive data type.
func archiveUsed(part string) bool {
	switch part {
	case "tweets", "tweet", "follower", "following", "like", "account", "__THAR_CONFIG":
		return true
	}
	return false
}

// ReadTwitterArchive reads one file of an X/Twitter account archive ("Download
// your data"), in the 2021 layout (data/tweet.js) or the 2022 one (data/tweets.js):
// a JavaScript assignment "window.YTD.<type>.partN = [ … ]" whose prefix is
// stripped (never evaluated) and whose array is read element by element. Ids are
// Twitter's, on the platform "twitter".
//
// The archive is one account's view, and its files do not name the account (the
// owner): o.Owner does, or ReadInput finds it in manifest.js or account.js beside
// the file. The owner is one user among the ids the archive names:
//
//   - tweets.js / tweet.js: each tweet is a post of the owner at created_at; "RT
//     @handle: …" is a retweet of the user of that handle among the tweet's
//     user_mentions (the archive has no retweeted_status); otherwise a reply
//     (in_reply_to_status_id_str set) → REPLIED_TO in_reply_to_user_id_str, and
//     user_mentions → MENTIONED;
//   - follower.js: FOLLOWS from each account to the owner; following.js: from the
//     owner to each account (no times);
//   - like.js: LIKED the author of each tweet, which the archive does not name: the
//     like waits for another input that shows the tweet (Sink.Finish);
//   - account.js and manifest.js: the owner's id and handle.
//
// Other files of the archive (tweet-headers.js, ad data, …) are read for their
// structure only and counted in Report.Ignored.
func ReadTwitterArchive(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatTwitterArchive}
	if err := s.check(); err != nil {
		return rep, err
	}
	d := newJSONDriver(name, r, &rep, &o)
	defer d.done()
	part, err := d.archivePrefix()
	if err != nil {
		return rep, err
	}
	ar := &archiveReader{feeder: newFeeder(name, PlatformTwitter, s, &o, &rep), part: part}
	switch part {
	case "__THAR_CONFIG":
		b, off, err := d.src.value()
		if err != nil {
			return rep, d.streamErr(1, err)
		}
		if err := d.record(ar, b, off, 1, ""); err != nil {
			return rep, err
		}
		return rep, d.end()
	case "tweets", "tweet", "follower", "following", "like":
		owner, err := o.exportOwner("the X archive file " + name + " (" + part + ")")
		if err != nil {
			return rep, &ParseError{Path: name, Offset: 0, Err: err}
		}
		if ar.owner, err = ar.user([]byte(owner)); err != nil {
			return rep, &ParseError{Path: name, Offset: 0, Err: err}
		}
		ar.ownerNum, ar.ownerIsNum = canonicalUint(owner)
		if part == "tweets" || part == "tweet" {
			ar.declarePosts(false)
		}
	}
	if err := d.elements(ar, ""); err != nil {
		return rep, err
	}
	return rep, d.end()
}

// archivePrefix reads and checks the "window.YTD.<type>.partN = " prefix.
func (d *jsonDriver) archivePrefix() (string, error) {
	s := d.src
	for s.hi-s.lo < 512 && s.more() {
	}
	part, n, ok := archivePart(s.buf[s.lo:s.hi])
	if !ok {
		return "", &ParseError{Path: d.name, Offset: s.pos(), Err: errors.New(`expected an X archive file starting "window.YTD.<type>.part<N> = "`)}
	}
	s.take(n)
	return part, nil
}

type archiveReader struct {
	*feeder
	part       string
	owner      uint32
	ownerNum   uint64
	ownerIsNum bool

	// the record parsed last
	id, text, replyTo, replyName []byte
	replyStatus                  bool
	t                            int64
	mentions                     []v2Mention
	handle                       []byte
	seenM                        map[string]bool
}

func (ar *archiveReader) parse(p *jsonParser) {
	ar.id, ar.text, ar.replyTo, ar.replyName, ar.handle, ar.replyStatus = nil, nil, nil, nil, nil, false
	ar.t = graph.NoTime
	ar.mentions = ar.mentions[:0]
	switch ar.part {
	case "__THAR_CONFIG":
		ar.parseManifest(p)
		return
	case "tweets", "tweet", "follower", "following", "like", "account":
	default:
		p.skip()
		return
	}
	wrapper := ar.part
	if wrapper == "tweets" {
		wrapper = "tweet"
	}
	p.ws()
	at := p.i
	if !p.obj() {
		if p.err == nil {
			p.shapeAt(at, "expected an object {%q: …}, got null", wrapper)
		}
		return
	}
	found := false
	for k, ok := p.next(); ok; k, ok = p.next() {
		if string(k) != wrapper {
			p.skip()
			continue
		}
		found = true
		switch wrapper {
		case "tweet":
			ar.parseTweet(p)
		case "follower", "following":
			ar.parseFields(p, "accountId", &ar.id, "", nil)
		case "like":
			ar.parseFields(p, "tweetId", &ar.id, "", nil)
		case "account":
			ar.parseFields(p, "accountId", &ar.id, "username", &ar.handle)
		}
	}
	if p.err != nil {
		return
	}
	if !found {
		p.shapeAt(at, "expected an object {%q: …}", wrapper)
		return
	}
	if ar.id == nil {
		what := map[string]string{"tweet": "id_str", "follower": "accountId", "following": "accountId", "like": "tweetId", "account": "accountId"}[wrapper]
		p.shapeAt(at, "%s: no %s", wrapper, what)
	}
}

// parseFields reads an object for up to two id or string fields.
func (ar *archiveReader) parseFields(p *jsonParser, k1 string, v1 *[]byte, k2 string, v2 *[]byte) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch {
		case string(k) == k1:
			*v1 = p.id()
		case k2 != "" && string(k) == k2:
			*v2 = p.str()
		default:
			p.skip()
		}
	}
}

func (ar *archiveReader) parseTweet(p *jsonParser) {
	if !p.obj() {
		return
	}
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "id_str":
			ar.id = p.id()
		case "id":
			if id := p.id(); ar.id == nil {
				ar.id = id
			}
		case "created_at":
			if t, ok := p.time(parseTweetTime, `a time like "Thu Nov 03 08:50:26 +0000 2022"`); ok {
				ar.t = t
			}
		case "full_text", "text":
			if s := p.rawStr(); ar.text == nil {
				ar.text = s
			}
		case "in_reply_to_user_id_str":
			ar.replyTo = p.id()
		case "in_reply_to_user_id":
			if id := p.id(); ar.replyTo == nil {
				ar.replyTo = id
			}
		case "in_reply_to_status_id_str", "in_reply_to_status_id":
			if id := p.id(); id != nil {
				ar.replyStatus = true
			}
		case "in_reply_to_screen_name":
			ar.replyName = p.str()
		case "entities":
			p.only("user_mentions", func() {
				p.objects(func(at int) { ar.parseMention(p, at) })
			})
		default:
			p.skip()
		}
	}
}

// parseMention reads an element of entities.user_mentions, entered, at offset at.
func (ar *archiveReader) parseMention(p *jsonParser, at int) {
	var m v2Mention
	for k, ok := p.next(); ok; k, ok = p.next() {
		switch string(k) {
		case "id_str":
			m.id = p.id()
		case "id":
			if id := p.id(); m.id == nil {
				m.id = id
			}
		case "screen_name":
			m.username = p.str()
		default:
			p.skip()
		}
	}
	if p.err == nil && m.id == nil {
		p.shapeAt(at, "a user mention without an id")
		return
	}
	ar.mentions = append(ar.mentions, m)
}

func (ar *archiveReader) parseManifest(p *jsonParser) {
	p.only("userInfo", func() { ar.parseFields(p, "accountId", &ar.id, "userName", &ar.handle) })
}

func (ar *archiveReader) apply() error {
	switch ar.part {
	case "__THAR_CONFIG", "account":
		if ar.id == nil {
			ar.rep.Ignored++
			return nil
		}
		u, err := ar.user(ar.id)
		if err != nil {
			return err
		}
		if ar.handle != nil {
			setHandle(ar.s.IDs, u, ar.handle)
		}
		return nil
	case "tweets", "tweet":
		return ar.tweet()
	case "follower", "following":
		a, err := ar.user(ar.id)
		if err != nil {
			return err
		}
		b := ar.owner
		if ar.part == "following" {
			a, b = b, a
		}
		return ar.edge(graph.Follows, a, b, graph.NoTime)
	case "like":
		post := PostKey(ar.id)
		if ar.s.seenReaction(ar.plat, ar.owner, graph.Likes, post) {
			ar.rep.Duplicates++
			return nil
		}
		if _, ok := canonicalUint(ar.id); !ok {
			ar.rep.Unresolved++
			return nil
		}
		if err := ar.claimOnly(graph.Likes); err != nil {
			return err
		}
		ar.rep.Deferred++
		ar.s.deferRef(postRef{post: post, t: graph.NoTime, actor: ar.owner, plat: ar.plat, k: graph.Likes})
		return nil
	}
	ar.rep.Ignored++
	return nil
}

// parseTweetTime reads an archived tweet's created_at: an archive time, or else
// RFC 3339.
func parseTweetTime(b []byte) (int64, bool) {
	if t, ok := parseArchiveTime(b); ok {
		return t, true
	}
	return parseISOTime(b)
}

// rtHandle returns the handle of "RT @handle: …", or nil.
func rtHandle(text []byte) []byte {
	if !bytes.HasPrefix(text, []byte("RT @")) {
		return nil
	}
	h := text[4:]
	i := 0
	for i < len(h) && (h[i] == '_' || h[i] >= '0' && h[i] <= '9' || h[i] >= 'a' && h[i] <= 'z' || h[i] >= 'A' && h[i] <= 'Z') {
		i++
	}
	if i == 0 {
		return nil
	}
	return h[:i]
}

func (ar *archiveReader) tweet() error {
	post, ok := ar.newPost(ar.id, ar.t)
	if !ok {
		return nil
	}
	ar.authored(ar.owner, post)
	if ar.ownerIsNum && ar.s.later.seen.add(authorshipKey(ar.plat, post)) {
		ar.s.knowAuthor(ar.plat, post, ar.ownerNum)
	}
	if h := rtHandle(ar.text); h != nil {
		for _, m := range ar.mentions {
			if m.username != nil && equalFoldASCII(m.username, h) {
				b, err := ar.mention(m)
				if err != nil {
					return err
				}
				return ar.edge(graph.Retweets, ar.owner, b, ar.t)
			}
		}
		ar.rep.Unresolved++ // the retweeted account is not among the mentions
		return nil
	}
	if ar.replyTo != nil && ar.replyStatus {
		// A reply names the tweet replied to; a tweet that only starts with
		// @handle also has in_reply_to_user_id in old archives, and is a mention.
		b, err := ar.user(ar.replyTo)
		if err != nil {
			return err
		}
		if ar.replyName != nil {
			setHandle(ar.s.IDs, b, ar.replyName)
		}
		if err := ar.edge(graph.Replies, ar.owner, b, ar.t); err != nil {
			return err
		}
	}
	if ar.seenM == nil {
		ar.seenM = make(map[string]bool)
	}
	clear(ar.seenM)
	for _, m := range ar.mentions {
		if ar.seenM[string(m.id)] {
			continue
		}
		ar.seenM[string(m.id)] = true
		b, err := ar.mention(m)
		if err != nil {
			return err
		}
		if err := ar.edge(graph.Mentions, ar.owner, b, ar.t); err != nil {
			return err
		}
	}
	return nil
}

// mention interns a mentioned user and records its screen name.
func (ar *archiveReader) mention(m v2Mention) (uint32, error) {
	b, err := ar.user(m.id)
	if err != nil {
		return 0, err
	}
	if m.username != nil {
		setHandle(ar.s.IDs, b, m.username)
	}
	return b, nil
}

// ArchiveOwner returns the account id of the X archive whose data folder is dir,
// from its manifest.js (userInfo.accountId) or, failing that, its account.js.
func ArchiveOwner(dir string) (string, error) {
	var errs []error
	for _, f := range []string{"manifest.js", "account.js", "manifest.js.gz", "account.js.gz"} {
		path := filepath.Join(dir, f)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		s := NewSink()
		rc, _, err := Open(path, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = ReadTwitterArchive(path, rc, s, Options{})
		rc.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s.IDs.Len() > 0 {
			return s.IDs.ID(0), nil
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("cannot tell whose X archive %s is: %w", dir, errors.Join(errs...))
	}
	return "", fmt.Errorf("cannot tell whose X archive this is: no manifest.js or account.js in %s (set the input's owner)", dir)
}
