package normalize

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// prefixProg is a regular expression matched at the start of a digit
// string with leftmost-first (Perl) semantics and submatches: the match
// regexp's FindStringSubmatchIndex reports when it starts at 0. It
// answers phonenumbers' national-prefix ("^(?:P)") and international-prefix
// (P, match required at 0) questions without allocating.
type prefixProg struct {
	prog    *syntax.Prog
	ncap    int            // capture slots: 2 × (number of groups + 1)
	literal string         // non-empty when the pattern is a plain string
	any     *digitDFA      // prefix-mode automaton: does any match exist?
	re      *regexp.Regexp // the same expression, for ExpandString
}

// Backtracker limits; beyond them the caller leaves the number to
// phonenumbers.
const (
	btMaxJobs   = 256
	btMaxVisit  = 128 * 64 // bits: program length × (input length + 1)
	btMaxCap    = 8
	btMaxDigits = 48
)

type btJob struct {
	pc  uint32
	pos int16
	arg bool
}

// btState is the backtracker's scratch space, reused through btPool so
// that a match neither allocates nor clears more than it uses.
type btState struct {
	jobs     [btMaxJobs]btJob
	njobs    int
	overflow bool
	visited  [btMaxVisit / 64]uint64
	width    int // input length + 1
	cap      [btMaxCap]int
	matchcap [btMaxCap]int
}

var btPool = sync.Pool{New: func() any { return new(btState) }}

// newPrefixProg compiles expr as regexp.Compile does.
func newPrefixProg(expr string) (*prefixProg, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	ncap := 2 * (re.MaxCap() + 1)
	simple := re.Simplify()
	prog, err := syntax.Compile(simple)
	if err != nil {
		return nil, err
	}
	if ncap > btMaxCap {
		return nil, errUnsupported
	}
	p := &prefixProg{prog: prog, ncap: ncap, re: regexp.MustCompile(expr)}
	// "^(?:0)" and "00" parse to a literal (after the begin-text anchor).
	lit := simple
	if lit.Op == syntax.OpConcat && len(lit.Sub) == 2 && lit.Sub[0].Op == syntax.OpBeginText {
		lit = lit.Sub[1]
	}
	if lit.Op == syntax.OpLiteral && lit.Flags&syntax.FoldCase == 0 && ncap == 2 {
		p.literal = string(lit.Rune)
	}
	if p.any, err = compileDFA([]string{strings.TrimPrefix(expr, "^")}, true); err != nil {
		p.any = nil // the backtracker alone answers
	}
	return p, nil
}

// match finds the leftmost-first match of p starting at 0 in digits. It
// returns whether there is one and where it ends; ok is false when the
// input exceeds the backtracker's limits. When the pattern has groups and
// matched, their positions are in (*st).matchcap. *st is taken from btPool
// when the backtracker runs; the caller puts it back.
func (p *prefixProg) match(digits []byte, st **btState) (end int, matched, ok bool) {
	if p.literal != "" {
		if len(digits) >= len(p.literal) && string(digits[:len(p.literal)]) == p.literal {
			return len(p.literal), true, true
		}
		return 0, false, true
	}
	if p.any != nil && !p.any.matchesPrefix(digits) {
		return 0, false, true
	}
	if len(digits) > btMaxDigits || len(p.prog.Inst)*(len(digits)+1) > btMaxVisit {
		return 0, false, false
	}
	if *st == nil {
		*st = btPool.Get().(*btState)
	}
	matched, ok = (*st).run(p, digits)
	return (*st).matchcap[1], matched, ok
}

func (b *btState) shouldVisit(pc uint32, pos int) bool {
	n := int(pc)*b.width + pos
	if b.visited[n/64]&(1<<(n&63)) != 0 {
		return false
	}
	b.visited[n/64] |= 1 << (n & 63)
	return true
}

func (b *btState) push(p *prefixProg, pc uint32, pos int, arg bool) {
	if p.prog.Inst[pc].Op != syntax.InstFail && (arg || b.shouldVisit(pc, pos)) {
		if b.njobs == btMaxJobs {
			b.overflow = true
			return
		}
		b.jobs[b.njobs] = btJob{pc: pc, pos: int16(pos), arg: arg}
		b.njobs++
	}
}

// run is regexp's backtracker (leftmost-first, first match wins) over a
// digit string, anchored at position 0.
func (b *btState) run(p *prefixProg, text []byte) (matched, ok bool) {
	end := len(text)
	b.width = end + 1
	clear(b.visited[:(len(p.prog.Inst)*b.width+63)/64])
	b.njobs, b.overflow = 0, false
	for i := 0; i < p.ncap; i++ {
		b.cap[i], b.matchcap[i] = -1, -1
	}
	b.cap[0] = 0
	b.push(p, uint32(p.prog.Start), 0, false)
	for b.njobs > 0 {
		if b.overflow {
			return false, false
		}
		b.njobs--
		j := b.jobs[b.njobs]
		pc, pos, arg := j.pc, int(j.pos), j.arg
		goto skip
	checkAndLoop:
		if !b.shouldVisit(pc, pos) {
			continue
		}
	skip:
		switch inst := &p.prog.Inst[pc]; inst.Op {
		case syntax.InstAlt:
			if arg {
				arg = false
				pc = inst.Arg
				goto checkAndLoop
			}
			b.push(p, pc, pos, true)
			pc = inst.Out
			goto checkAndLoop
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if pos == end || !inst.MatchRune(rune(text[pos])) {
				continue
			}
			pos++
			pc = inst.Out
			goto checkAndLoop
		case syntax.InstCapture:
			if arg {
				b.cap[inst.Arg] = pos
				continue
			}
			if int(inst.Arg) < p.ncap {
				b.push(p, pc, b.cap[inst.Arg], true)
				b.cap[inst.Arg] = pos
			}
			pc = inst.Out
			goto checkAndLoop
		case syntax.InstEmptyWidth:
			before, after := rune(-1), rune(-1)
			if pos > 0 {
				before = rune(text[pos-1])
			}
			if pos < end {
				after = rune(text[pos])
			}
			if syntax.EmptyOp(inst.Arg)&^syntax.EmptyOpContext(before, after) != 0 {
				continue
			}
			pc = inst.Out
			goto checkAndLoop
		case syntax.InstNop:
			pc = inst.Out
			goto checkAndLoop
		case syntax.InstMatch:
			b.cap[1] = pos
			copy(b.matchcap[:p.ncap], b.cap[:p.ncap])
			return true, true
		default: // InstFail, InstAltMatch
			return false, false
		}
	}
	return false, !b.overflow
}
