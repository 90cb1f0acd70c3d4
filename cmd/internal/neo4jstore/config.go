package neo4jstore

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of a Config, matching scripts/neo4j.sh.
const (
	DefaultURI      = "bolt://127.0.0.1:7687"
	DefaultUsername = "neo4j"
	DefaultDatabase = "neo4j"
)

// Config says how to reach the server. The password is only ever sent to the server:
// no error, log line or output of this package contains it.
type Config struct {
	URI      string // bolt:// or neo4j:// (+s, +ssc); DefaultURI when empty
	Username string // DefaultUsername when empty
	Password string
	Database string // DefaultDatabase when empty
	// RetryFor is how long a transaction that failed transiently (a leader switch,
	// a deadlock, a server that went away) is retried before the error is returned;
	// DefaultRetryFor when zero.
	RetryFor time.Duration
}

// DefaultRetryFor is the default Config.RetryFor: long enough for a server restart.
const DefaultRetryFor = 2 * time.Minute

// ErrNoPassword is returned by ConfigFromEnv when no password source is set.
var ErrNoPassword = errors.New("neo4j: no password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, or pass --password-file (scripts/neo4j.sh password-file prints the file of the local server)")

// ConfigFromEnv makes a Config from the environment, as the CLI documents it:
// NEO4J_URI (default DefaultURI), NEO4J_USERNAME (default DefaultUsername), and the
// password from, in order, passwordFile (a --password-file flag; "" for none),
// NEO4J_PASSWORD, the file named by NEO4J_PASSWORD_FILE, and DefaultPasswordFile
// when it exists. A password file holds the password on its first line.
func ConfigFromEnv(passwordFile string) (Config, error) {
	c := Config{
		URI:      os.Getenv("NEO4J_URI"),
		Username: os.Getenv("NEO4J_USERNAME"),
	}
	c.fill()
	switch {
	case passwordFile != "":
		return c, c.readPassword(passwordFile)
	case os.Getenv("NEO4J_PASSWORD") != "":
		c.Password = os.Getenv("NEO4J_PASSWORD")
		return c, nil
	case os.Getenv("NEO4J_PASSWORD_FILE") != "":
		return c, c.readPassword(os.Getenv("NEO4J_PASSWORD_FILE"))
	}
	if f := DefaultPasswordFile(); f != "" {
		if _, err := os.Stat(f); err == nil {
			return c, c.readPassword(f)
		}
	}
	return c, ErrNoPassword
}

// readPassword reads the first line of path into c.Password. Errors name the file,
// never its content.
func (c *Config) readPassword(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("neo4j: password file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return fmt.Errorf("neo4j: password file %s is empty", path)
	}
	c.Password = line
	return nil
}

// fill sets the defaults of empty fields.
func (c *Config) fill() {
	if c.URI == "" {
		c.URI = DefaultURI
	}
	if c.Username == "" {
		c.Username = DefaultUsername
	}
	if c.RetryFor <= 0 {
		c.RetryFor = DefaultRetryFor
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
}

// DefaultPasswordFile returns the password file scripts/neo4j.sh generates:
// $CLOUT_CACHE/neo4j-password, where CLOUT_CACHE defaults to
// ${XDG_CACHE_HOME:-$HOME/.cache}/clout. It returns "" when no home is known.
func DefaultPasswordFile() string {
	cache := os.Getenv("CLOUT_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return ""
			}
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "clout")
	}
	return filepath.Join(cache, "neo4j-password")
}

// Where returns the server's URI without any user info, for messages.
func (c Config) Where() string {
	u, err := url.Parse(c.URI)
	if err != nil || u.Host == "" {
		// Do not echo something unparseable that may hold a secret.
		if strings.Contains(c.URI, "@") {
			return "(the NEO4J_URI given)"
		}
		return c.URI
	}
	u.User = nil
	return u.String()
}
