package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// wordError is a refused or failed expansion, with the line it is on.
type wordError struct {
	line uint
	msg  string
}

func (e *wordError) Error() string { return e.msg }

// expand expands the value of an assignment like a shell would, without
// running anything: parameters come from the files read so far, then
// from the environment; command substitution and the like are refused.
func (v *vars) expand(w *syntax.Word) (string, error) {
	if w == nil {
		return "", nil
	}
	if err := checkWord(w); err != nil {
		return "", err
	}
	if v.bound(w.Parts) > maxValueLen {
		return "", &wordError{line: w.Pos().Line(), msg: "value would be longer than 128 KiB"}
	}
	w.Parts = unescape(w.Parts)
	s, err := literal(&expand.Config{Env: env{v}}, w)
	if err == nil {
		return s, nil
	}
	var uerr expand.UnsetParameterError
	if errors.As(err, &uerr) {
		msg := uerr.Message
		if msg == "" {
			msg = "parameter null or not set"
		}
		return "", &wordError{line: uerr.Node.Pos().Line(),
			msg: uerr.Node.Param.Value + ": " + msg}
	}
	return "", &wordError{line: w.Pos().Line(), msg: "cannot expand: " + err.Error()}
}

// env is the expand.Environ of a config: the variables assigned so far,
// then the injected environment (where "" means unset).
type env struct{ v *vars }

// Get returns the variable name as a string, or an unset variable.
func (e env) Get(name string) expand.Variable {
	if s := e.v.lookup(name); s != "" || e.isAssigned(name) {
		return expand.Variable{Set: true, Kind: expand.String, Str: s}
	}
	return expand.Variable{}
}

func (e env) isAssigned(name string) bool {
	a, ok := e.v.set[name]
	return ok && !a.failed
}

// Each calls fn for each variable assigned in the files.
func (e env) Each(fn func(name string, vr expand.Variable) bool) {
	for name := range e.v.set {
		if e.isAssigned(name) && !fn(name, e.Get(name)) {
			return
		}
	}
}

// checkWord refuses the parts of w that a shell would have to run
// something for, or that have no meaning outside a running shell.
func checkWord(w *syntax.Word) error {
	var err error
	syntax.Walk(w, func(n syntax.Node) bool {
		if err != nil || n == nil {
			return false
		}
		if msg := refusal(n); msg != "" {
			err = &wordError{line: n.Pos().Line(), msg: msg}
			return false
		}
		return true
	})
	return err
}

// refusal returns why node n is refused, or "".
func refusal(n syntax.Node) string {
	switch n := n.(type) {
	case *syntax.CmdSubst:
		return "command substitution is not allowed " + notExecuted
	case *syntax.ArithmExp:
		return "arithmetic expansion is not allowed " + notExecuted
	case *syntax.ProcSubst:
		return "process substitution is not allowed " + notExecuted
	case *syntax.ParamExp:
		return paramRefusal(n)
	}
	return ""
}

// paramRefusal returns why a parameter expansion is refused, or "".
func paramRefusal(pe *syntax.ParamExp) string {
	switch {
	case pe.Param == nil || pe.Flags != nil || pe.NestedParam != nil ||
		pe.Width || pe.IsSet || len(pe.Modifiers) > 0:
		return "this parameter expansion is not supported"
	case !syntax.ValidName(pe.Param.Value):
		return fmt.Sprintf("special parameter $%s is not available %s", pe.Param.Value, notExecuted)
	case pe.Excl || pe.Names != 0:
		return "indirect expansion ${!...} is not allowed"
	case pe.Index != nil:
		return "arrays are not allowed"
	case pe.Exp != nil && pe.Exp.Op == syntax.OtherParamOps && !isCaseOp(pe.Exp.Word.Lit()):
		return fmt.Sprintf("${%s@%s} is not supported (only @U, @u, @L and @E are)",
			pe.Param.Value, pe.Exp.Word.Lit())
	case pe.Exp != nil && (pe.Exp.Op == syntax.AssignUnset || pe.Exp.Op == syntax.AssignUnsetOrNull):
		name := pe.Param.Value
		return fmt.Sprintf("${%s:=...} would assign %s: write %s=${%s:-...} on a line of its own",
			name, name, name, name)
	}
	return ""
}

// unescape rewrites the backslash escapes in the unquoted literal parts
// of a word as single-quoted characters. expand.Literal (mvdan.cc/sh
// v3.14.1) keeps the backslashes of unquoted words, where a shell removes
// them (A=a\ b is "a b"). The words of ${X:-word}, ${X:+word} and
// ${X:?word} get the same treatment; pattern words are left alone, as
// expand relies on their backslashes.
func unescape(parts []syntax.WordPart) []syntax.WordPart {
	out := make([]syntax.WordPart, 0, len(parts))
	for _, part := range parts {
		switch part := part.(type) {
		case *syntax.Lit:
			out = append(out, splitEscapes(part)...)
		case *syntax.ParamExp:
			if pe := part.Exp; pe != nil && pe.Word != nil && isValueOp(pe.Op) {
				pe.Word.Parts = unescape(pe.Word.Parts)
			}
			out = append(out, part)
		default:
			out = append(out, part)
		}
	}
	return out
}

// isCaseOp reports whether ${VAR@op} is one of the transformations that
// mean something in a config: case changes and escape processing. The
// others describe shell variables (@a, @A), need a prompt (@P) or can
// make expand panic (@Q on some strings; unknown letters).
func isCaseOp(op string) bool {
	return op == "U" || op == "u" || op == "L" || op == "E"
}

// literal is expand.Literal turned safe for untrusted input: a panic
// inside expand (v3.14.1 panics on some rare forms) becomes an error
// instead of crashing the init script.
func literal(cfg *expand.Config, w *syntax.Word) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unsupported expansion: %v", r)
		}
	}()
	return expand.Literal(cfg, w)
}

// isValueOp reports whether op takes a word used as a value, not a pattern.
func isValueOp(op syntax.ParExpOperator) bool {
	switch op {
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull,
		syntax.DefaultUnset, syntax.DefaultUnsetOrNull,
		syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
		return true
	}
	return false
}

// splitEscapes splits an unquoted literal at its escapes: a\ b becomes
// the literal a, the quoted " " and the literal b. A trailing backslash
// is kept, as in a shell.
func splitEscapes(lit *syntax.Lit) []syntax.WordPart {
	s := lit.Value
	if !strings.Contains(s, `\`) {
		return []syntax.WordPart{lit}
	}
	var parts []syntax.WordPart
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 || i == len(s)-1 {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i+1:])
		if i > 0 {
			parts = append(parts, &syntax.Lit{ValuePos: lit.ValuePos, Value: s[:i]})
		}
		parts = append(parts, &syntax.SglQuoted{Left: lit.ValuePos, Value: s[i+1 : i+1+size]})
		s = s[i+1+size:]
	}
	if s != "" {
		parts = append(parts, &syntax.Lit{ValuePos: lit.ValuePos, Value: s})
	}
	return parts
}
