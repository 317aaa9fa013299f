package normalize

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
)

// digitDFA is a deterministic automaton over the ASCII digits that runs
// several regular expressions at once. State 0 is the dead state; state 1
// is the start state. accept[s] has bit i set when pattern i matches the
// digits read so far: as a whole (full mode, like phonenumbers'
// "^(?:P)$") or as a prefix of the text (prefix mode, "^(?:P)" with
// MatchString). A walk is a table lookup per digit, with no allocation.
type digitDFA struct {
	next      []uint16 // next[s*10+d]
	accept    []uint16 // patterns that match when the text ends here
	acceptMid []uint16 // patterns that match here without the end-of-text assertion
}

// errUnsupported reports a pattern the compiler does not handle; the caller
// leaves that data to phonenumbers.
var errUnsupported = errors.New("normalize: pattern not supported by the digit automaton")

// Limits that keep a region's tables small. Beyond them the region is left
// to phonenumbers.
const (
	maxDFAStates   = 1 << 14
	maxDFAPatterns = 16
)

// walk runs the automaton over digits and returns the final state (0 when
// it died).
func (a *digitDFA) walk(digits []byte) int {
	s := 1
	for _, c := range digits {
		s = int(a.next[s*10+int(c-'0')])
		if s == 0 {
			return 0
		}
	}
	return s
}

// matchesPrefix reports whether some prefix of digits (the empty one
// included) is accepted by pattern 0 of a prefix-mode automaton.
func (a *digitDFA) matchesPrefix(digits []byte) bool {
	s := 1
	for _, c := range digits {
		if a.acceptMid[s]&1 != 0 {
			return true
		}
		s = int(a.next[s*10+int(c-'0')])
		if s == 0 {
			return false
		}
	}
	return a.accept[s]&1 != 0
}

// thread is one NFA position: pattern index << 24 | program counter.
type thread uint32

func mkThread(p, pc int) thread { return thread(p<<24 | pc) }
func (t thread) pattern() int   { return int(t >> 24) }
func (t thread) pc() int        { return int(t & (1<<24 - 1)) }

// compileProg compiles expr exactly as regexp.Compile does (Perl syntax,
// simplified) into an NFA program.
func compileProg(expr string) (*syntax.Prog, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return syntax.Compile(re.Simplify())
}

// compileDFA builds the automaton of patterns by subset construction over
// their programs. In full mode each pattern is wrapped as "^(?:P)$", in
// prefix mode as "^(?:P)", the forms phonenumbers matches them in.
func compileDFA(patterns []string, prefix bool) (*digitDFA, error) {
	if len(patterns) > maxDFAPatterns {
		return nil, errUnsupported
	}
	progs := make([]*syntax.Prog, len(patterns))
	for i, p := range patterns {
		expr := "^(?:" + p + ")"
		if !prefix {
			expr += "$"
		}
		prog, err := compileProg(expr)
		if err != nil {
			return nil, fmt.Errorf("normalize: pattern %q: %w", p, err)
		}
		if len(prog.Inst) >= 1<<24 {
			return nil, errUnsupported
		}
		progs[i] = prog
	}
	b := &dfaBuilder{progs: progs, index: map[string]int{}}

	// State 0: dead. State 1: start (at the beginning of the text).
	b.add(nil, false)
	var seeds []thread
	for i, p := range progs {
		seeds = append(seeds, mkThread(i, p.Start))
	}
	start, err := b.closure(seeds, true)
	if err != nil {
		return nil, err
	}
	b.add(start, true)

	for s := 1; s < len(b.sets); s++ {
		for d := 0; d < 10; d++ {
			var seeds []thread
			for _, t := range b.sets[s] {
				in := &progs[t.pattern()].Inst[t.pc()]
				switch in.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if in.MatchRune(rune('0' + d)) {
						seeds = append(seeds, mkThread(t.pattern(), int(in.Out)))
					}
				}
			}
			set, err := b.closure(seeds, false)
			if err != nil {
				return nil, err
			}
			ns := b.add(set, false)
			if ns >= maxDFAStates {
				return nil, errUnsupported
			}
			b.next = append(b.next, uint16(ns))
		}
	}
	a := &digitDFA{
		// The dead state's row was never generated (the loop starts at
		// 1): prepend it.
		next:      append(make([]uint16, 10), b.next...),
		accept:    make([]uint16, len(b.sets)),
		acceptMid: make([]uint16, len(b.sets)),
	}
	for s, set := range b.sets {
		acc, err := b.accepts(set, s == 1)
		if err != nil {
			return nil, err
		}
		a.accept[s] = acc
		for _, t := range set {
			if progs[t.pattern()].Inst[t.pc()].Op == syntax.InstMatch {
				a.acceptMid[s] |= 1 << t.pattern()
			}
		}
	}
	return a, nil
}

type dfaBuilder struct {
	progs  []*syntax.Prog
	sets   [][]thread // state → sorted thread set
	starts []bool
	index  map[string]int // key(set, start) → state
	next   []uint16       // transitions of states 1…, 10 per state
}

func setKey(set []thread, start bool) string {
	k := make([]byte, 0, 1+4*len(set))
	if start {
		k = append(k, 1)
	} else {
		k = append(k, 0)
	}
	for _, t := range set {
		k = append(k, byte(t>>24), byte(t>>16), byte(t>>8), byte(t))
	}
	return string(k)
}

// add returns the state of set, creating it if new.
func (b *dfaBuilder) add(set []thread, start bool) int {
	k := setKey(set, start)
	if s, ok := b.index[k]; ok {
		return s
	}
	s := len(b.sets)
	b.index[k] = s
	b.sets = append(b.sets, set)
	b.starts = append(b.starts, start)
	return s
}

const (
	emptyBegin = syntax.EmptyBeginLine | syntax.EmptyBeginText
	emptyEnd   = syntax.EmptyEndLine | syntax.EmptyEndText
)

// closure follows the non-consuming instructions from seeds. It keeps the
// threads that consume a digit, reach Match, or wait on an end-of-text
// assertion. begin tells whether the position is the start of the text.
func (b *dfaBuilder) closure(seeds []thread, begin bool) ([]thread, error) {
	seen := map[thread]bool{}
	var out []thread
	stack := slices.Clone(seeds)
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[t] {
			continue
		}
		seen[t] = true
		p, pc := t.pattern(), t.pc()
		in := &b.progs[p].Inst[pc]
		switch in.Op {
		case syntax.InstAlt:
			stack = append(stack, mkThread(p, int(in.Arg)), mkThread(p, int(in.Out)))
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, mkThread(p, int(in.Out)))
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&^(emptyBegin|emptyEnd) != 0 {
				return nil, errUnsupported // word boundaries
			}
			if op&emptyBegin != 0 && !begin {
				continue
			}
			if op&emptyEnd != 0 {
				out = append(out, t) // decided at the end of the text
				continue
			}
			stack = append(stack, mkThread(p, int(in.Out)))
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL, syntax.InstMatch:
			out = append(out, t)
		case syntax.InstFail:
		default:
			return nil, errUnsupported // InstAltMatch and anything new
		}
	}
	slices.Sort(out)
	return out, nil
}

// accepts returns the patterns that match when the text ends in a state
// with thread set set (full mode) or that have matched a prefix (prefix
// mode).
func (b *dfaBuilder) accepts(set []thread, begin bool) (uint16, error) {
	var acc uint16
	for _, t := range set {
		in := &b.progs[t.pattern()].Inst[t.pc()]
		switch in.Op {
		case syntax.InstMatch:
			acc |= 1 << t.pattern()
		case syntax.InstEmptyWidth:
			// An end-of-text assertion holds here (full mode): follow it.
			ok, err := b.reachesMatch(t, begin)
			if err != nil {
				return 0, err
			}
			if ok {
				acc |= 1 << t.pattern()
			}
		}
	}
	return acc, nil
}

// reachesMatch reports whether Match is reachable from t at the end of the
// text without consuming input.
func (b *dfaBuilder) reachesMatch(t thread, begin bool) (bool, error) {
	seen := map[thread]bool{}
	stack := []thread{t}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[t] {
			continue
		}
		seen[t] = true
		p := t.pattern()
		in := &b.progs[p].Inst[t.pc()]
		switch in.Op {
		case syntax.InstMatch:
			return true, nil
		case syntax.InstAlt:
			stack = append(stack, mkThread(p, int(in.Arg)), mkThread(p, int(in.Out)))
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, mkThread(p, int(in.Out)))
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&^(emptyBegin|emptyEnd) != 0 {
				return false, errUnsupported
			}
			if op&emptyBegin != 0 && !begin {
				continue
			}
			stack = append(stack, mkThread(p, int(in.Out)))
		}
	}
	return false, nil
}
