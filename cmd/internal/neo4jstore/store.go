package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Store is an open connection pool to one database of a Neo4j server. It is safe for
// concurrent use. Load writes users with one session and relationships with one or
// two (Options.Writers, on disjoint sets of users); WriteScores runs a single writer.
type Store struct {
	drv   neo4j.DriverWithContext
	db    string
	where string
	user  string
	pw    string // only to scrub it from errors, should a server ever echo it
}

// The kinds of failure, for errors.Is. Every error of a Store wraps one of them or a
// context error.
var (
	ErrUnreachable = errors.New("neo4j: server unreachable")
	ErrAuth        = errors.New("neo4j: authentication failed")
	ErrDatabase    = errors.New("neo4j: the database refused the work")
)

// Open connects to the server and checks that the database answers. The errors say
// what to do: a refused connection names the server and `scripts/neo4j.sh start`.
func Open(ctx context.Context, c Config) (*Store, error) {
	c.fill()
	s := &Store{db: c.Database, where: c.Where(), user: c.Username, pw: c.Password}
	drv, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.Username, c.Password, ""), func(cfg *config.Config) {
		cfg.SocketConnectTimeout = 5 * time.Second
		cfg.MaxTransactionRetryTime = c.RetryFor
		cfg.ConnectionAcquisitionTimeout = time.Minute
		cfg.UserAgent = "clout"
	})
	if err != nil {
		return nil, s.fail(ErrUnreachable, fmt.Sprintf("neo4j: bad NEO4J_URI %s", s.where), err)
	}
	s.drv = drv
	if err := drv.VerifyConnectivity(ctx); err != nil {
		drv.Close(context.Background())
		return nil, s.wrap(ctx, "connect", err)
	}
	if _, err := s.query(ctx, "RETURN 1", nil); err != nil {
		drv.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// Close closes the connections.
func (s *Store) Close(ctx context.Context) error {
	if err := s.drv.Close(ctx); err != nil {
		return s.wrap(ctx, "close", err)
	}
	return nil
}

// Where returns the server's address and database, for messages ("bolt://…/neo4j").
func (s *Store) Where() string { return s.where + " database " + s.db }

// storeError is an error of the store: a message for people, the kind of failure
// and the driver's error, both for errors.Is/As.
type storeError struct {
	msg  string
	kind error
	err  error
}

func (e *storeError) Error() string   { return e.msg }
func (e *storeError) Unwrap() []error { return []error{e.kind, e.err} }

// fail makes a storeError whose message is msg and the driver's error, with the
// password scrubbed out should it appear anywhere.
func (s *Store) fail(kind error, msg string, err error) error {
	text := msg
	if err != nil {
		text += ": " + describe(err)
	}
	if s.pw != "" {
		text = strings.ReplaceAll(text, s.pw, "***")
	}
	return &storeError{msg: text, kind: kind, err: err}
}

// wrap classifies an error of the driver during op. Context errors pass through, so
// that callers can tell an interruption from a failure.
func (s *Store) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *neo4j.ConnectivityError
	var ne *neo4j.Neo4jError
	var oe *net.OpError
	var tl *neo4j.TransactionExecutionLimit
	if errors.As(err, &tl) && len(tl.Errors) > 0 {
		// The driver retried a transient failure until MaxTransactionRetryTime; the
		// last attempt's error says what was wrong. A server that went away mid-way is
		// unreachable, and the work is safe to run again.
		last := tl.Errors[len(tl.Errors)-1]
		if errors.As(last, &ce) || errors.As(last, &oe) {
			return s.fail(ErrUnreachable, fmt.Sprintf("neo4j: lost %s during %q and retried %d times (%s); once it is back, run the same command again: loads and write-backs are idempotent", s.where, op, len(tl.Errors), tl.Cause), last)
		}
	}
	switch {
	case errors.As(err, &ne) && ne.HasSecurityCode():
		return s.fail(ErrAuth, fmt.Sprintf("neo4j: %s refused user %q (check NEO4J_USERNAME and the password from NEO4J_PASSWORD, NEO4J_PASSWORD_FILE or --password-file)", s.where, s.user), err)
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Database.DatabaseNotFound":
		return s.fail(ErrDatabase, fmt.Sprintf("neo4j: %s has no database %q", s.where, s.db), err)
	case errors.As(err, &ce), errors.As(err, &oe):
		return s.fail(ErrUnreachable, fmt.Sprintf("neo4j: cannot reach %s", s.where), err) // describe adds the hint
	case errors.As(err, &ne):
		return s.fail(ErrDatabase, fmt.Sprintf("neo4j: %s", op), err)
	}
	return s.fail(ErrDatabase, fmt.Sprintf("neo4j: %s", op), err)
}

// describe is the driver's error, without the driver's type prefixes, and for a
// connection failure with the hint of how to start the local server.
func describe(err error) string {
	var ce *neo4j.ConnectivityError
	var ne *neo4j.Neo4jError
	switch {
	case errors.As(err, &ne):
		return fmt.Sprintf("%s (%s)", ne.Msg, ne.Code)
	case errors.As(err, &ce):
		inner := err.Error()
		if ce.Inner != nil {
			inner = ce.Inner.Error()
		}
		return inner + " (is the server running? scripts/neo4j.sh start)"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return err.Error() + " (is the server running? scripts/neo4j.sh start)"
	}
	return err.Error()
}

// query runs one read statement in a managed transaction and returns every record.
// Only for small answers (counts, schema, metadata).
func (s *Store) query(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := s.drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(context.Background())
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	if err != nil {
		return nil, s.wrap(ctx, "query", err)
	}
	return out.([]*neo4j.Record), nil
}

// write runs one write statement in a managed transaction (retried on transient
// errors such as deadlocks) and returns its records.
func (s *Store) write(ctx context.Context, sess neo4j.SessionWithContext, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	if err != nil {
		return nil, err
	}
	return out.([]*neo4j.Record), nil
}

// writeSession opens a session for writes to the store's database.
func (s *Store) writeSession(ctx context.Context) neo4j.SessionWithContext {
	return s.drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
}

// single returns the only value of the only record, or nil.
func single(recs []*neo4j.Record) any {
	if len(recs) != 1 || len(recs[0].Values) == 0 {
		return nil
	}
	return recs[0].Values[0]
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
