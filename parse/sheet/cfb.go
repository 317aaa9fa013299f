package sheet

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// This file is a small, bounded reader of the OLE2 compound file binary
// format ([MS-CFB]) that holds legacy .xls workbooks and encrypted OOXML
// packages. It reads only what is needed to find and read a root-level
// stream: every sector id, chain and size is checked against the file size,
// every loop is bounded by the number of sectors, and memory is proportional
// to the file's sector count (the FAT) and to the directory.

// cfbMagic starts every compound file.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

const (
	cfbEndOfChain = 0xFFFFFFFE
	cfbMaxRegSect = 0xFFFFFFFA
	cfbNoStream   = 0xFFFFFFFF
	cfbMaxEntries = 1 << 16 // directory entries read at most
)

type cfbEntry struct {
	name               string
	typ                byte // 1 storage, 2 stream, 5 root
	left, right, child uint32
	start              uint32
	size               int64
}

// cfbFile is an opened compound file.
type cfbFile struct {
	r          io.ReaderAt
	size       int64
	secSize    int64
	nSec       uint32 // sectors that fit in the file
	miniCutoff int64
	fat        []uint32
	miniFAT    []uint32
	dir        []cfbEntry
	mini       *chainStream // the root's mini stream, loaded lazily
}

func cfbErr(format string, a ...any) error {
	return fmt.Errorf("%w: ole2 container: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// openCFB reads the header, the FAT, the mini FAT and the directory.
func openCFB(r io.ReaderAt, size int64) (*cfbFile, error) {
	var h [512]byte
	if size < int64(len(h)) {
		return nil, cfbErr("file too short")
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, cfbErr("reading header: %v", err)
	}
	if !bytes.Equal(h[:8], cfbMagic) {
		return nil, cfbErr("bad signature")
	}
	le := binary.LittleEndian
	shift := le.Uint16(h[30:])
	if shift != 9 && shift != 12 {
		return nil, cfbErr("bad sector size")
	}
	if le.Uint16(h[32:]) != 6 {
		return nil, cfbErr("bad mini sector size")
	}
	f := &cfbFile{r: r, size: size, secSize: 1 << shift, miniCutoff: int64(le.Uint32(h[56:]))}
	if f.miniCutoff != 4096 {
		return nil, cfbErr("bad mini stream cutoff")
	}
	// Sector n lives at (n+1)*secSize; a partial last sector is allowed.
	nSec := (size + f.secSize - 1) / f.secSize
	if nSec > 1<<31 {
		return nil, cfbErr("file too large")
	}
	if nSec > 0 {
		nSec--
	}
	f.nSec = uint32(nSec)
	if err := f.loadFAT(h[:]); err != nil {
		return nil, err
	}
	dirSecs, err := f.chain(le.Uint32(h[48:]), cfbMaxEntries*128/f.secSize, false)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	if err := f.loadDir(dirSecs); err != nil {
		return nil, err
	}
	nMini := le.Uint32(h[64:])
	if first := le.Uint32(h[60:]); first < cfbMaxRegSect && nMini > 0 {
		// The mini FAT has one entry per 64-byte mini sector of the mini
		// stream, which is at most the file's size.
		maxSecs := (size/64*4)/f.secSize + 1
		secs, err := f.chain(first, maxSecs, false)
		if err != nil {
			return nil, fmt.Errorf("mini fat: %w", err)
		}
		f.miniFAT = make([]uint32, 0, int64(len(secs))*f.secSize/4)
		buf := make([]byte, f.secSize)
		for _, s := range secs {
			if err := f.readSector(s, buf); err != nil {
				return nil, err
			}
			for i := 0; i < len(buf); i += 4 {
				f.miniFAT = append(f.miniFAT, le.Uint32(buf[i:]))
			}
		}
	}
	return f, nil
}

// loadFAT reads the FAT sectors listed by the header's DIFAT and the DIFAT
// chain. Only the FAT entries that can address a sector of the file are kept.
func (f *cfbFile) loadFAT(h []byte) error {
	le := binary.LittleEndian
	perSec := f.secSize / 4
	// FAT sectors needed to cover every sector of the file.
	need := (int64(f.nSec) + perSec - 1) / perSec
	nFAT := int64(le.Uint32(h[44:]))
	if nFAT < need {
		need = nFAT
	}
	ids := make([]uint32, 0, need)
	for i := 0; i < 109 && int64(len(ids)) < need; i++ {
		ids = append(ids, le.Uint32(h[76+4*i:]))
	}
	next := le.Uint32(h[68:])
	buf := make([]byte, f.secSize)
	for hops := uint32(0); int64(len(ids)) < need; hops++ {
		if next >= f.nSec || hops > f.nSec {
			return cfbErr("bad difat chain")
		}
		if err := f.readSector(next, buf); err != nil {
			return err
		}
		for i := int64(0); i < perSec-1 && int64(len(ids)) < need; i++ {
			ids = append(ids, le.Uint32(buf[4*i:]))
		}
		next = le.Uint32(buf[f.secSize-4:])
	}
	f.fat = make([]uint32, 0, need*perSec)
	for _, id := range ids {
		if id >= f.nSec {
			return cfbErr("bad fat sector %d", id)
		}
		if err := f.readSector(id, buf); err != nil {
			return err
		}
		for i := int64(0); i < perSec; i++ {
			f.fat = append(f.fat, le.Uint32(buf[4*i:]))
		}
	}
	if int64(len(f.fat)) > int64(f.nSec) {
		f.fat = f.fat[:f.nSec]
	}
	return nil
}

// readSector reads regular sector id into buf (len secSize). A last sector
// cut short by the end of the file reads as zeros past the end.
func (f *cfbFile) readSector(id uint32, buf []byte) error {
	if id >= f.nSec {
		return cfbErr("sector %d out of range", id)
	}
	off := (int64(id) + 1) * f.secSize
	n, err := f.r.ReadAt(buf, off)
	if n < len(buf) {
		if err != nil && err != io.EOF {
			return cfbErr("reading sector %d: %v", id, err)
		}
		clear(buf[n:])
	}
	return nil
}

// chain follows a FAT (or, with mini, a mini FAT) chain from start and
// returns at most max sector ids. Cycles and out-of-range ids are errors.
func (f *cfbFile) chain(start uint32, max int64, mini bool) ([]uint32, error) {
	table := f.fat
	if mini {
		table = f.miniFAT
	}
	var secs []uint32
	for s := start; s != cfbEndOfChain; s = table[s] {
		if int64(len(secs)) >= max {
			break
		}
		if s >= uint32(len(table)) {
			return nil, cfbErr("bad sector chain")
		}
		if len(secs) > len(table) {
			return nil, cfbErr("sector chain loops")
		}
		secs = append(secs, s)
	}
	return secs, nil
}

// loadDir decodes the directory entries held in secs.
func (f *cfbFile) loadDir(secs []uint32) error {
	le := binary.LittleEndian
	buf := make([]byte, f.secSize)
	for _, s := range secs {
		if err := f.readSector(s, buf); err != nil {
			return err
		}
		for i := 0; i+128 <= len(buf) && len(f.dir) < cfbMaxEntries; i += 128 {
			e := buf[i : i+128]
			n := int(le.Uint16(e[64:]))
			if n > 64 {
				n = 64
			}
			u := make([]uint16, 0, 32)
			for j := 0; j+1 < n; j += 2 {
				c := le.Uint16(e[j:])
				if c == 0 {
					break
				}
				u = append(u, c)
			}
			size := int64(le.Uint64(e[120:]))
			if f.secSize == 512 {
				size &= 0xFFFFFFFF // version 3: the high half is undefined
			}
			f.dir = append(f.dir, cfbEntry{
				name:  string(utf16.Decode(u)),
				typ:   e[66],
				left:  le.Uint32(e[68:]),
				right: le.Uint32(e[72:]),
				child: le.Uint32(e[76:]),
				start: le.Uint32(e[116:]),
				size:  size,
			})
		}
	}
	if len(f.dir) == 0 || f.dir[0].typ != 5 {
		return cfbErr("no root entry")
	}
	return nil
}

// rootStreams returns the streams that are direct children of the root
// storage, by upper-cased name. The red-black tree is walked with a visited
// set, so a malformed tree cannot loop.
func (f *cfbFile) rootStreams() map[string]*cfbEntry {
	out := make(map[string]*cfbEntry)
	seen := make([]bool, len(f.dir))
	stack := []uint32{f.dir[0].child}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id >= uint32(len(f.dir)) || seen[id] {
			continue
		}
		seen[id] = true
		e := &f.dir[id]
		if e.typ == 2 || e.typ == 1 {
			key := strings.ToUpper(e.name)
			if _, dup := out[key]; !dup {
				out[key] = e
			}
		}
		stack = append(stack, e.left, e.right)
	}
	return out
}

// open returns a reader of stream e's bytes, at most max bytes long (larger
// streams are an ErrTooLarge error).
func (f *cfbFile) open(e *cfbEntry, max int64) (*chainStream, error) {
	if e.size < 0 || e.size > max {
		return nil, fmt.Errorf("%w: stream %q is %d bytes (limit %d)", ErrTooLarge, e.name, e.size, max)
	}
	if e.size < f.miniCutoff {
		if f.mini == nil {
			root := &f.dir[0]
			if root.size < 0 || root.size > f.size {
				return nil, cfbErr("bad mini stream size")
			}
			secs, err := f.chain(root.start, (root.size+f.secSize-1)/f.secSize, false)
			if err != nil {
				return nil, fmt.Errorf("mini stream: %w", err)
			}
			if int64(len(secs))*f.secSize < root.size {
				return nil, cfbErr("mini stream truncated")
			}
			f.mini = &chainStream{src: f.r, secs: secs, secSize: f.secSize, first: 1, size: root.size}
		}
		secs, err := f.chain(e.start, (e.size+63)/64, true)
		if err != nil {
			return nil, fmt.Errorf("stream %q: %w", e.name, err)
		}
		if int64(len(secs))*64 < e.size {
			return nil, cfbErr("stream %q truncated", e.name)
		}
		return &chainStream{src: f.mini, secs: secs, secSize: 64, size: e.size}, nil
	}
	secs, err := f.chain(e.start, (e.size+f.secSize-1)/f.secSize, false)
	if err != nil {
		return nil, fmt.Errorf("stream %q: %w", e.name, err)
	}
	if int64(len(secs))*f.secSize < e.size {
		return nil, cfbErr("stream %q truncated", e.name)
	}
	return &chainStream{src: f.r, secs: secs, secSize: f.secSize, first: 1, size: e.size}, nil
}

// chainStream reads a stream stored in a chain of sectors of src. Sector s
// starts at (s+first)*secSize in src.
type chainStream struct {
	src     io.ReaderAt
	secs    []uint32
	secSize int64
	first   int64
	size    int64
}

// ReadAt implements io.ReaderAt. Bytes past the end of src read as zeros (a
// last sector cut short by the end of the file).
func (c *chainStream) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, cfbErr("negative offset")
	}
	n := 0
	for len(p) > 0 {
		if off >= c.size {
			return n, io.EOF
		}
		idx, in := off/c.secSize, off%c.secSize
		chunk := min(int64(len(p)), c.secSize-in, c.size-off)
		got, err := c.src.ReadAt(p[:chunk], (int64(c.secs[idx])+c.first)*c.secSize+in)
		if int64(got) < chunk {
			if err != nil && err != io.EOF {
				return n + got, err
			}
			clear(p[got:chunk])
		}
		n += int(chunk)
		p = p[chunk:]
		off += chunk
	}
	return n, nil
}

// cfbEncrypted reports whether a compound file holds an encrypted OOXML
// package ([MS-OFFCRYPTO]: streams EncryptionInfo and EncryptedPackage).
func cfbEncrypted(streams map[string]*cfbEntry) bool {
	_, info := streams["ENCRYPTIONINFO"]
	_, pkg := streams["ENCRYPTEDPACKAGE"]
	return info || pkg
}
