package ingest

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"sync"
)

// buildVersion is this binary's Go build ID, which the go command derives
// from everything the binary is built from: another build of the same code
// has the same, a build of other code another. Read once from the
// executable's ELF note; empty where it cannot be (another format), and
// then no file is read again for its version (readAgain). Not the VCS
// revision, which a build records only with -buildvcs and from a checkout.
var buildVersion = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	note, err := s.Data()
	if err != nil {
		return ""
	}
	return goBuildID(note)
})

// goBuildID is the build ID in a .note.go.buildid section: one ELF note
// named "Go" of type 4 whose description is the ID.
func goBuildID(note []byte) string {
	if len(note) < 16 {
		return ""
	}
	nameSize, descSize, typ := binary.LittleEndian.Uint32(note), binary.LittleEndian.Uint32(note[4:]), binary.LittleEndian.Uint32(note[8:])
	if nameSize != 4 || typ != 4 || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) || uint64(descSize) > uint64(len(note)-16) {
		return ""
	}
	return string(note[16 : 16+descSize])
}
