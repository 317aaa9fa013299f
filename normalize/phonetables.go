package normalize

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"io"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The number automata of every metadata entry are compiled at build time
// (about 80 ms of work) and kept in phonetables.bin, so that a process
// that reads a few numbers does not pay for compiling them. go generate
// rewrites the file from phonenumbers' metadata; TestPhoneTablesFile
// checks that it matches. Each entry carries a fingerprint of the
// metadata it was compiled from: an entry whose metadata changed (a newer
// phonenumbers without go generate) is compiled at run time instead.

//go:generate go test -run ^TestPhoneTablesFile$ -update

//go:embed phonetables.bin
var phoneTablesBin []byte

const phoneTablesMagic = "CPPT1"

// tableKey names a metadata entry in the file: its region code, or 001+cc
// for a non-geographic calling code.
func tableKey(m *phonenumbers.PhoneMetadata) string {
	if m.GetId() == "001" {
		return "001+" + strconv.Itoa(int(m.GetCountryCode()))
	}
	return m.GetId()
}

// tableFingerprint hashes what compileNumberDFA reads from m.
func tableFingerprint(m *phonenumbers.PhoneMetadata) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, d := range numberDescs(m) {
		if d == nil {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		h.Write([]byte(d.GetNationalNumberPattern()))
		h.Write([]byte{0})
		for _, l := range d.GetPossibleLength() {
			binary.LittleEndian.PutUint32(b[:], uint32(l))
			h.Write(b[:])
		}
		h.Write([]byte{0xff})
	}
	return h.Sum64()
}

// generatedDFA is one entry of the file: its automaton, compressed on its
// own so that only the entries a process uses are decoded.
type generatedDFA struct {
	fingerprint uint64
	states      int    // 0: the entry does not compile
	data        []byte // flate-compressed next, accept, acceptMid, validLens, commonLens
}

// encodePhoneTables writes the number automata of the entries of coll.
func encodePhoneTables(coll *phonenumbers.PhoneMetadataCollection) ([]byte, error) {
	var out bytes.Buffer
	w := func(v any) { _ = binary.Write(&out, binary.LittleEndian, v) }
	out.WriteString(phoneTablesMagic)
	w(uint32(len(coll.GetMetadata())))
	for _, m := range coll.GetMetadata() {
		key := tableKey(m)
		w(uint8(len(key)))
		out.WriteString(key)
		w(tableFingerprint(m))
		var nd *numberDFA
		if g := m.GetGeneralDesc(); g != nil && len(g.PossibleLength) > 0 {
			nd, _ = compileNumberDFA(m)
		}
		if nd == nil {
			w(uint32(0))
			w(uint32(0))
			continue
		}
		var raw, comp bytes.Buffer
		for _, v := range []any{nd.valid.next, nd.valid.accept, nd.valid.acceptMid, nd.validLens, nd.commonLens} {
			_ = binary.Write(&raw, binary.LittleEndian, v)
		}
		fw, err := flate.NewWriter(&comp, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(raw.Bytes()); err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
		w(uint32(len(nd.valid.accept)))
		w(uint32(comp.Len()))
		out.Write(comp.Bytes())
	}
	return out.Bytes(), nil
}

var errPhoneTables = errors.New("normalize: phonetables.bin is damaged")

// decodePhoneTables reads the index of the file written by
// encodePhoneTables; the automata stay compressed until decoded.
func decodePhoneTables(data []byte) (map[string]*generatedDFA, error) {
	if !bytes.HasPrefix(data, []byte(phoneTablesMagic)) || len(data) < len(phoneTablesMagic)+4 {
		return nil, errPhoneTables
	}
	p := data[len(phoneTablesMagic):]
	le := binary.LittleEndian
	count := int(le.Uint32(p))
	p = p[4:]
	out := make(map[string]*generatedDFA, count)
	for range count {
		if len(p) < 1 || len(p) < 1+int(p[0])+16 {
			return nil, errPhoneTables
		}
		kl := int(p[0])
		key := string(p[1 : 1+kl])
		p = p[1+kl:]
		g := &generatedDFA{fingerprint: le.Uint64(p), states: int(le.Uint32(p[8:]))}
		n := int(le.Uint32(p[12:]))
		p = p[16:]
		if n > len(p) || g.states > maxDFAStates {
			return nil, errPhoneTables
		}
		g.data = p[:n]
		p = p[n:]
		out[key] = g
	}
	if len(p) != 0 {
		return nil, errPhoneTables
	}
	return out, nil
}

// inflaters reuses flate readers: a new one allocates its whole window.
var inflaters = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// decode decompresses the entry's automaton.
func (g *generatedDFA) decode() (*numberDFA, error) {
	n := g.states
	if n == 0 {
		return nil, errPhoneTables
	}
	size := n * (10*2 + 2 + 2 + 4 + 4)
	raw := make([]byte, size)
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(g.data), nil); err != nil {
		return nil, errPhoneTables
	}
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, errPhoneTables
	}
	if k, _ := r.Read(make([]byte, 1)); k != 0 {
		return nil, errPhoneTables
	}
	le := binary.LittleEndian
	u16s := func(k int) []uint16 {
		out := make([]uint16, k)
		for i := range out {
			out[i] = le.Uint16(raw[2*i:])
		}
		raw = raw[2*k:]
		return out
	}
	u32s := func(k int) []uint32 {
		out := make([]uint32, k)
		for i := range out {
			out[i] = le.Uint32(raw[4*i:])
		}
		raw = raw[4*k:]
		return out
	}
	a := &digitDFA{next: u16s(10 * n), accept: u16s(n), acceptMid: u16s(n)}
	for _, s := range a.next {
		if int(s) >= n {
			return nil, errPhoneTables
		}
	}
	return &numberDFA{valid: a, validLens: u32s(n), commonLens: u32s(n)}, nil
}

// generatedNumberDFA returns the automaton of m from the file, or nil when
// the file has none for m's metadata as it is now.
func generatedNumberDFA(g *generatedDFA, m *phonenumbers.PhoneMetadata) *numberDFA {
	if g == nil || g.fingerprint != tableFingerprint(m) {
		return nil
	}
	nd, err := g.decode()
	if err != nil {
		return nil
	}
	return nd
}
