package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The input formats, as named in manifests and flags.
const (
	FormatEdgeList            = "edgelist"             // SNAP edge list: actor target [weight]
	FormatHiggsActivity       = "higgs-activity"       // SNAP Higgs: userA userB time RT|MT|RE
	FormatInteractions        = "interactions"         // CSV or TSV table with a header
	FormatInteractionsParquet = "interactions-parquet" // the same table as Parquet
	FormatTwitterV2           = "twitter-api-v2"       // Twitter API v2 responses, twarc2 JSONL
	FormatTwitterArchive      = "twitter-archive"      // a file of an X account archive (tweets.js, …)
	FormatBluesky             = "bluesky-jetstream"    // Bluesky Jetstream events or repo records, JSONL
	FormatMastodonArchive     = "mastodon-archive"     // outbox.json, likes.json or actor.json of a Mastodon archive
	FormatMastodonCSV         = "mastodon-csv"         // a Mastodon CSV export: follows or lists
)

// Formats lists the formats ReadInput knows.
var Formats = []string{FormatEdgeList, FormatHiggsActivity, FormatInteractions, FormatInteractionsParquet,
	FormatTwitterV2, FormatTwitterArchive, FormatBluesky, FormatMastodonArchive, FormatMastodonCSV}

// FormatPlatform returns the platform whose ids a format carries ("twitter",
// "bluesky", "mastodon"), or "" for the generic formats, whose platform the caller
// names (Options.Platform).
func FormatPlatform(format string) string {
	switch format {
	case FormatTwitterV2, FormatTwitterArchive:
		return PlatformTwitter
	case FormatBluesky:
		return PlatformBluesky
	case FormatMastodonArchive, FormatMastodonCSV:
		return PlatformMastodon
	}
	return ""
}

// knownFormat reports whether f is one of Formats.
func knownFormat(f string) bool {
	for _, g := range Formats {
		if f == g {
			return true
		}
	}
	return false
}

// errUnknownFormat is what DetectFormat returns when no format fits.
var errUnknownFormat = fmt.Errorf("ingest: %w", ErrUnknownFormat)

// detectLines is how many data lines DetectFormat looks at.
const detectLines = 16

// ErrUnknownFormat is wrapped by the errors of DetectFormat when no format fits.
var ErrUnknownFormat = errors.New("cannot tell the input format from its first lines (want an interactions header naming actor and target, a Higgs activity log \"userA userB time RT|MT|RE\", a numeric edge list \"actor target [weight]\", Parquet, Twitter API v2 JSONL, an X archive file, Bluesky Jetstream JSONL, a Mastodon archive or CSV export)")

// DetectFormat guesses the format of an input from its first bytes, decompressed (see
// NewReader): the Parquet magic "PAR1" → FormatInteractionsParquet; "window.YTD.…
// = " or "window.__THAR_CONFIG = " → FormatTwitterArchive; a JSON object, by the
// members of the first one (see detectJSON) → FormatTwitterV2, FormatBluesky or
// FormatMastodonArchive; Mastodon's follows header or rows "list,name@host" →
// FormatMastodonCSV; a first line naming the columns actor and target →
// FormatInteractions; lines of four fields "integer integer integer RT|MT|RE" →
// FormatHiggsActivity; lines of two or three numeric fields → FormatEdgeList.
// Comments and blank lines are passed over, and a last line cut by the end of head is
// ignored unless it is the only one.
func DetectFormat(head []byte) (string, error) {
	if bytes.HasPrefix(head, []byte("PAR1")) {
		return FormatInteractionsParquet, nil
	}
	if len(head) >= 2 && head[0] == gzipMagic[0] && head[1] == gzipMagic[1] {
		return "", errors.New("ingest: cannot tell the format of gzip-compressed bytes: decompress them first (NewReader)")
	}
	if _, _, ok := archivePart(head); ok {
		return FormatTwitterArchive, nil
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		if f := detectJSON(t); f != "" {
			return f, nil
		}
		return "", errUnknownFormat
	}
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // cut, or empty after the last "\n"
	}
	if isMastodonCSV(lines[:min(len(lines), detectLines)]) {
		return FormatMastodonCSV, nil
	}
	var f [5]span
	format, seen := "", 0
	for _, line := range lines {
		line = bytes.TrimSuffix(line, []byte("\r"))
		n := split(line, f[:])
		if n == 0 || isComment(line, f[0].lo) {
			continue
		}
		if seen == 0 && isInteractionsHeader(line) {
			return FormatInteractions, nil
		}
		var this string
		switch {
		case n == 4 && allDigits(field(line, f[0])) && allDigits(field(line, f[1])) && isInt(field(line, f[2])):
			if _, ok := higgsKind(field(line, f[3])); ok {
				this = FormatHiggsActivity
			}
		case (n == 2 || n == 3) && allDigits(field(line, f[0])) && allDigits(field(line, f[1])):
			if n == 2 {
				this = FormatEdgeList
			} else if _, msg := parseWeight(field(line, f[2])); msg == "" {
				this = FormatEdgeList
			}
		}
		if this == "" || (format != "" && this != format) {
			return "", errUnknownFormat
		}
		format = this
		if seen++; seen == detectLines {
			break
		}
	}
	if format == "" {
		return "", errUnknownFormat
	}
	return format, nil
}

func field(line []byte, s span) []byte { return line[s.lo:s.hi] }

func isInt(b []byte) bool {
	_, ok := parseInt(b)
	return ok
}

// isInteractionsHeader reports whether line is a CSV or TSV header naming the actor
// and target columns.
func isInteractionsHeader(line []byte) bool {
	sep := ","
	if bytes.IndexByte(line, '\t') >= 0 {
		sep = "\t"
	}
	var actor, target bool
	for _, h := range strings.Split(string(line), sep) {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), `"`))
		actor = actor || h == ColActor
		target = target || h == ColTarget
	}
	return actor && target
}

// detectJSON tells the JSON formats apart by the members of the first object of
// head, which may be cut short: Bluesky's Jetstream events have "did" and "kind" or
// "time_us", its repository records an at:// "uri" and a "value"; ActivityStreams
// documents have "@context" or "orderedItems"; Twitter API v2 pages have "data",
// "includes" or "__twarc", and tweets and users flattened by twarc2 have
// distinctive members (author_id, referenced_tweets, …). It returns "" when none
// fits.
func detectJSON(head []byte) string {
	keys, vals := topMembers(head)
	str := func(k string) []byte {
		for i, x := range keys {
			if string(x) == k {
				return vals[i]
			}
		}
		return nil
	}
	switch {
	case hasKey(keys, "did") && (hasKey(keys, "kind") || hasKey(keys, "time_us")):
		return FormatBluesky
	case bytes.HasPrefix(str("uri"), []byte("at://")) && hasKey(keys, "value"):
		return FormatBluesky
	case hasKey(keys, "@context") || hasKey(keys, "orderedItems"):
		return FormatMastodonArchive
	case isTwitterV2(keys):
		return FormatTwitterV2
	}
	return ""
}

// topMembers returns the keys of the first JSON object of head, as far as head
// holds them, with the values of those that are strings (nil for others).
func topMembers(head []byte) (keys, vals [][]byte) {
	var p jsonParser
	p.reset(head, 0, "")
	if !p.obj() {
		return nil, nil
	}
	for k, ok := p.next(); ok && len(keys) < 64; k, ok = p.next() {
		keys = append(keys, k)
		vals = append(vals, nil)
		if p.ws() == '"' {
			vals[len(vals)-1] = p.str()
		} else {
			p.skip() // head may cut the value: its key still counts
		}
	}
	return keys, vals
}

// Detection is what DetectFile tells of a file.
type Detection struct {
	Format string // one of Formats
	// Part names the file's role in an export made of several files: the X archive
	// data type ("tweets", "follower", "ad_engagements", …; "manifest" for
	// manifest.js), or the Mastodon file ("outbox", "likes", "actor", "follows",
	// "lists"); "" for other formats.
	Part string
	// Unused is set for a file of an export that holds nothing Clout reads (an X
	// archive's ad-engagements.js, a Mastodon bookmarks.json): folders skip it.
	Unused bool
}

// DetectFile detects the format of the file at path (gzip or not) from its first
// 64 KiB, and which part of an export it is.
func DetectFile(path string) (Detection, error) {
	rc, _, err := Open(path, nil)
	if err != nil {
		return Detection{}, err
	}
	defer rc.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Detection{}, err
	}
	head = head[:n]
	f, err := DetectFormat(head)
	if err != nil {
		return Detection{}, detectError(path, err)
	}
	d := Detection{Format: f}
	switch f {
	case FormatTwitterArchive:
		d.Part, _, _ = archivePart(head)
		d.Unused = !archiveUsed(d.Part)
		if d.Part == "__THAR_CONFIG" {
			d.Part = "manifest"
		}
	case FormatMastodonArchive:
		keys, vals := topMembers(bytes.TrimLeft(head, " \t\r\n\ufeff"))
		var id, typ []byte
		for i, k := range keys {
			switch string(k) {
			case "id":
				id = vals[i]
			case "type":
				typ = vals[i]
			}
		}
		switch {
		case bytes.HasSuffix(id, []byte("outbox.json")) || bytes.HasSuffix(id, []byte("/outbox")):
			d.Part = "outbox"
		case bytes.HasSuffix(id, []byte("likes.json")) || bytes.HasSuffix(id, []byte("/liked")):
			d.Part = "likes"
		case isActorType(typ):
			d.Part = "actor"
		default:
			d.Part, d.Unused = "other", true
		}
	case FormatMastodonCSV:
		d.Part = "lists"
		if bytes.HasPrefix(bytes.TrimPrefix(head, []byte("\ufeff")), []byte(mastoFollowsHeader)) {
			d.Part = "follows"
		}
	}
	return d, nil
}
