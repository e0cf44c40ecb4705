package portal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// A link is a secret: 32 bytes from the system's random source, written in
// lower-case base32 (52 letters and digits, which survive e-mail, chat and
// being read out over the phone better than base64's mixed case). Only a
// hash of it is kept, BLAKE2b-256 (golang.org/x/crypto/blake2b), so the
// links file gives nobody a way in.
//
// Why a fast hash and not bcrypt or argon2: those are for passwords, which
// people choose and an attacker can try billions of; their cost per guess
// is what protects them. A 256-bit random secret cannot be guessed (2^255
// tries on average), so a slow hash adds no protection, only cost, and
// every request of the portal checks its link. Measured with
// BenchmarkLinkCheck (go test -run - -bench LinkCheck -benchtime 20x
// ./pipeline/portal/, the shared 2-core machine at load average 14): one
// check takes 0.4 µs with BLAKE2b-256, 315 ms of CPU with bcrypt at its
// default cost 10, 750 ms and 64 MiB with argon2id at RFC 9106's setting
// (t=3, 64 MiB, 4 lanes). A link's burst of 20 uploads would cost 6 to 15
// s of CPU in hashing alone, and the per-address burst of 60 requests with
// wrong secrets up to four GiB of memory at once: a denial of service. BLAKE2b-256's
// preimage resistance is all a stolen links file must not give away.

const secretBytes = 32

var secretEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// secretLen is the length of a written secret.
var secretLen = secretEncoding.EncodedLen(secretBytes)

func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw a secret: %w", err)
	}
	return secretEncoding.EncodeToString(b), nil
}

// hashSecret is the hash a link keeps of its secret.
func hashSecret(secret string) string {
	sum := blake2b.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether s can be a secret at all, so that a request
// with a mistyped or truncated link is told so without a lookup.
func wellFormed(s string) bool {
	if len(s) != secretLen {
		return false
	}
	_, err := secretEncoding.DecodeString(s)
	return err == nil
}

// Link is one access link: bound to a unit, valid until it expires or is
// revoked. The secret is not in it.
type Link struct {
	ID       string    `json:"id"`
	Unit     string    `json:"unit"`      // code of the unit it is bound to
	UnitName string    `json:"unit_name"` // the unit's title when the link was issued, for people reading the file
	Hash     string    `json:"hash"`      // hex BLAKE2b-256 of the secret
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires,omitzero"` // the link works until this instant; zero: no expiry
	Revoked  time.Time `json:"revoked,omitzero"`
	Note     string    `json:"note,omitempty"`
}

// State is whether a link works.
type State string

const (
	Active  State = "active"
	Expired State = "expired"
	Revoked State = "revoked"
)

// State says whether the link works at now.
func (l Link) State(now time.Time) State {
	switch {
	case !l.Revoked.IsZero():
		return Revoked
	case !l.Expires.IsZero() && !now.Before(l.Expires):
		return Expired
	}
	return Active
}

// AuthError is a secret that opens nothing: unknown (401), or the secret of
// a link that expired or was revoked (403, with the link, so the page can
// say when and whom to ask).
type AuthError struct {
	State State // "" for an unknown secret
	Link  Link  // the link, when the secret is one
}

func (e *AuthError) Error() string {
	switch e.State {
	case Expired:
		return "link " + e.Link.ID + " expired"
	case Revoked:
		return "link " + e.Link.ID + " revoked"
	}
	return "unknown link"
}

// Links is the list of access links of a data directory
// (layout.Dir.PortalLinks). Issue and Revoke rewrite the file under a lock,
// so `danvan access` and a running server can both use it; Check rereads it
// when it changed, so a link revoked from the command line stops working at
// the next request.
type Links struct {
	dir layout.Dir

	mu     sync.Mutex
	stamp  fileStamp
	links  []Link
	byHash map[string]int // index into links
}

// OpenLinks returns the links of the data directory d.
func OpenLinks(d layout.Dir) *Links { return &Links{dir: d} }

// fileStamp tells one version of the links file from the next: they are
// written by rename, so each is another file (os.SameFile), and a file
// rewritten in place by hand has another size or time.
type fileStamp struct{ fi os.FileInfo }

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, fmt.Errorf("read access links: %w", err)
	}
	return fileStamp{fi}, nil
}

func (a fileStamp) same(b fileStamp) bool {
	if a.fi == nil || b.fi == nil {
		return a.fi == nil && b.fi == nil
	}
	return os.SameFile(a.fi, b.fi) && a.fi.ModTime().Equal(b.fi.ModTime()) && a.fi.Size() == b.fi.Size()
}

// List returns every link, in the order issued.
func (ls *Links) List() ([]Link, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if err := ls.reload(); err != nil {
		return nil, err
	}
	return slices.Clone(ls.links), nil
}

// Check returns the link whose secret this is, if it works at now; else an
// *AuthError saying why not.
func (ls *Links) Check(secret string, now time.Time) (Link, error) {
	if !wellFormed(secret) {
		return Link{}, &AuthError{}
	}
	h := hashSecret(secret)
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if err := ls.reload(); err != nil {
		return Link{}, err
	}
	i, ok := ls.byHash[h]
	// The map found it by hash; compare in constant time all the same.
	if !ok || subtle.ConstantTimeCompare([]byte(ls.links[i].Hash), []byte(h)) != 1 {
		return Link{}, &AuthError{}
	}
	l := ls.links[i]
	if st := l.State(now); st != Active {
		return l, &AuthError{State: st, Link: l}
	}
	return l, nil
}

// reload reads the links file if it changed since it was last read.
func (ls *Links) reload() error {
	path := ls.dir.PortalLinks()
	st, err := stampOf(path)
	if err != nil {
		return err
	}
	if st.same(ls.stamp) && ls.byHash != nil {
		return nil
	}
	links, err := readLinks(path)
	if err != nil {
		return err
	}
	by := make(map[string]int, len(links))
	for i, l := range links {
		by[l.Hash] = i
	}
	ls.links, ls.byHash, ls.stamp = links, by, st
	return nil
}

func readLinks(path string) ([]Link, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read access links: %w", err)
	}
	var links []Link
	if err := json.Unmarshal(b, &links); err != nil {
		return nil, fmt.Errorf("read access links %s: %w", path, err)
	}
	return links, nil
}

// Issued is a link just issued, with its secret: the only time the secret
// is known.
type Issued struct {
	Link
	Secret string
}

// Issue issues one link per unit, all in one rewrite of the file: bound to
// the unit, valid until expires (zero: no expiry), with note. The secrets
// come back once and are kept nowhere.
func (ls *Links) Issue(units []*pipeline.Unit, expires time.Time, note string, now time.Time) ([]Issued, error) {
	if len(units) == 0 {
		return nil, errors.New("issue access links: no unit")
	}
	var out []Issued
	err := ls.update(func(links []Link) ([]Link, error) {
		ids := map[string]bool{}
		for _, l := range links {
			ids[l.ID] = true
		}
		for _, u := range units {
			secret, err := newSecret()
			if err != nil {
				return nil, err
			}
			id, err := newID(ids)
			if err != nil {
				return nil, err
			}
			l := Link{ID: id, Unit: u.Code, UnitName: u.Title(), Hash: hashSecret(secret),
				Created: now.UTC().Truncate(time.Second), Expires: expires.UTC(), Note: note}
			links = append(links, l)
			out = append(out, Issued{Link: l, Secret: secret})
		}
		return links, nil
	})
	if err != nil {
		return nil, err
	}
	a := &audit{path: ls.dir.PortalAudit()}
	for _, is := range out {
		e := Event{Time: now.UTC(), Kind: EventIssued, Link: is.ID, Unit: is.Unit, Reason: is.Note}
		if err := a.Append(e, false); err != nil {
			return out, err
		}
	}
	return out, nil
}

// newID draws a short id no link has: six letters and digits that a person
// can type into `danvan access revoke`.
func newID(taken map[string]bool) (string, error) {
	for range 100 {
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("draw a link id: %w", err)
		}
		id := secretEncoding.EncodeToString(b)[:6]
		if !taken[id] {
			taken[id] = true
			return id, nil
		}
	}
	return "", errors.New("draw a link id: no free id after 100 tries")
}

// ErrNoLink is returned by Revoke for an id no link has.
var ErrNoLink = errors.New("no such link")

// Revoke revokes the link with this id at now; the link stops working at
// the server's next request. Revoking a revoked link changes nothing.
func (ls *Links) Revoke(id string, now time.Time) (Link, error) {
	var got Link
	err := ls.update(func(links []Link) ([]Link, error) {
		for i := range links {
			if links[i].ID == strings.TrimSpace(id) {
				if links[i].Revoked.IsZero() {
					links[i].Revoked = now.UTC().Truncate(time.Second)
				}
				got = links[i]
				return links, nil
			}
		}
		return nil, fmt.Errorf("revoke %q: %w", id, ErrNoLink)
	})
	if err != nil {
		return got, err
	}
	a := &audit{path: ls.dir.PortalAudit()}
	return got, a.Append(Event{Time: now.UTC(), Kind: EventRevoked, Link: got.ID, Unit: got.Unit}, false)
}

// update rewrites the links file with what change makes of it, under the
// links lock, atomically.
func (ls *Links) update(change func([]Link) ([]Link, error)) error {
	if err := layout.MkdirAll(ls.dir.Portal()); err != nil {
		return err
	}
	unlock, err := lockFile(ls.dir.PortalLinksLock())
	if err != nil {
		return fmt.Errorf("lock access links: %w", err)
	}
	defer unlock()
	links, err := readLinks(ls.dir.PortalLinks())
	if err != nil {
		return err
	}
	links, err = change(links)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(links, "", "  ")
	if err != nil {
		return fmt.Errorf("encode access links: %w", err)
	}
	if err := layout.WriteFile(ls.dir.PortalLinks(), append(b, '\n')); err != nil {
		return fmt.Errorf("write access links: %w", err)
	}
	ls.mu.Lock()
	ls.byHash = nil // reread at the next use
	ls.mu.Unlock()
	return nil
}
