package portal

import (
	"crypto/subtle"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// BenchmarkLinkCheck measures what checking a link's secret costs per
// request with the hash the links file keeps (BLAKE2b-256) and with the
// password hashes x/crypto offers, at their usual settings: bcrypt at its
// default cost (10), argon2id at RFC 9106's second recommended setting
// (t=3, 64 MiB, 4 lanes). Run: go test -run - -bench LinkCheck ./pipeline/portal/
func BenchmarkLinkCheck(b *testing.B) {
	secret, err := newSecret()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("blake2b-256", func(b *testing.B) {
		want := hashSecret(secret)
		for b.Loop() {
			if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(want)) != 1 {
				b.Fatal("mismatch")
			}
		}
	})
	b.Run("bcrypt-cost10", func(b *testing.B) {
		h, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if bcrypt.CompareHashAndPassword(h, []byte(secret)) != nil {
				b.Fatal("mismatch")
			}
		}
	})
	b.Run("argon2id-t3-64MiB", func(b *testing.B) {
		salt := []byte("0123456789abcdef")
		want := argon2.IDKey([]byte(secret), salt, 3, 64<<10, 4, 32)
		for b.Loop() {
			if subtle.ConstantTimeCompare(argon2.IDKey([]byte(secret), salt, 3, 64<<10, 4, 32), want) != 1 {
				b.Fatal("mismatch")
			}
		}
	})
}
