package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// notExecuted ends the messages that refuse shell constructs, so that the
// user learns why a line that works in a shell script is refused here.
const notExecuted = "(the file is parsed, never executed)"

// assigned is the value a key was last given and where.
type assigned struct {
	val    string
	file   string
	line   int
	seq    int  // order of the assignment over all files
	failed bool // the assignment was refused; the error is already reported
}

// vars is what the files assign, across all files, in the order they are
// read. It is the whole state of parsing; nothing is shared between Loads.
type vars struct {
	set      map[string]assigned
	exported map[string]assigned // where each key was first exported
	exports  []string            // exported keys in order of first export
	getenv   func(string) string
	errs     []error
	broken   bool // a file had a syntax error, so some keys may be missing
	seq      int
}

// newVars returns empty parse state that looks up unassigned variables
// with getenv.
func newVars(getenv func(string) string) *vars {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &vars{
		set:      map[string]assigned{},
		exported: map[string]assigned{},
		getenv:   getenv,
	}
}

// fileParser parses one file into a vars.
type fileParser struct {
	v    *vars
	file string
}

// parseFile parses src, the contents of the config file named file, as
// shell assignments, adding its assignments and problems to v.
//
// The dialect is bash rather than POSIX sh: Red Hat sources
// /etc/sysconfig files with bash, and with bash parsing "export" is a
// declaration whose arguments are real assignments (in POSIX mode it is
// an ordinary command whose arguments would need parsing again), while
// bash-only constructs (arrays, process substitution, [[ ]]) parse and
// are refused by name instead of as a vague syntax error.
func (v *vars) parseFile(file string, src []byte) {
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	f, err := parser.Parse(bytes.NewReader(src), file)
	if err != nil {
		v.broken = true
		v.errs = append(v.errs, syntaxError(file, err))
		return
	}
	p := &fileParser{v: v, file: file}
	for _, stmt := range f.Stmts {
		p.stmt(stmt)
	}
}

// syntaxError converts an error of the shell parser to an *Error.
func syntaxError(file string, err error) *Error {
	e := &Error{File: file, Msg: "syntax error: " + err.Error(), Err: err}
	var perr syntax.ParseError
	var lerr syntax.LangError
	switch {
	case errors.As(err, &perr):
		e.Line = int(perr.Pos.Line())
		e.Msg = "syntax error: " + perr.Text
	case errors.As(err, &lerr):
		e.Line = int(lerr.Pos.Line())
		_, text, _ := strings.Cut(err.Error(), lerr.Pos.String()+": ")
		e.Msg = "syntax error: " + text
	}
	return e
}

// fail records a problem at line of the file being parsed.
func (p *fileParser) fail(line uint, key, format string, args ...any) {
	p.v.errs = append(p.v.errs, &Error{
		File: p.file, Line: int(line), Key: key,
		Msg: fmt.Sprintf(format, args...),
	})
}

// stmt accepts one statement: assignments, or export.
func (p *fileParser) stmt(s *syntax.Stmt) {
	line := s.Pos().Line()
	switch {
	case s.Negated:
		p.fail(line, "", "\"!\" is not allowed, only KEY=value assignments %s", notExecuted)
		return
	case s.Background || s.Coprocess:
		p.fail(line, "", "background commands are not allowed, only KEY=value assignments %s", notExecuted)
		return
	case len(s.Redirs) > 0:
		p.fail(line, "", "redirections are not allowed, only KEY=value assignments %s", notExecuted)
		return
	}
	switch cmd := s.Cmd.(type) {
	case *syntax.CallExpr:
		p.call(cmd)
	case *syntax.DeclClause:
		p.decl(cmd)
	default:
		p.fail(line, "", "%s not allowed, only KEY=value assignments %s", describe(cmd), notExecuted)
	}
}

// call accepts a statement of plain assignments and refuses a command.
func (p *fileParser) call(cmd *syntax.CallExpr) {
	if len(cmd.Args) > 0 {
		what := "command " + quoteWord(cmd.Args[0])
		if len(cmd.Assigns) > 0 {
			what += " (with assignments in front)"
		}
		p.fail(cmd.Pos().Line(), "", "%s is not allowed, only KEY=value assignments %s", what, notExecuted)
		return
	}
	for _, a := range cmd.Assigns {
		p.assign(a, false)
	}
}

// decl accepts "export KEY=value" and "export KEY" and refuses the other
// declarations (declare, local, readonly, typeset, nameref).
func (p *fileParser) decl(d *syntax.DeclClause) {
	line := d.Pos().Line()
	if d.Variant.Value != "export" {
		p.fail(line, "", "%q is not allowed, only KEY=value and export %s", d.Variant.Value, notExecuted)
		return
	}
	if len(d.Args) == 0 {
		p.fail(line, "", "export without a name is not allowed")
		return
	}
	for _, a := range d.Args {
		switch {
		case a.Name == nil:
			p.fail(a.Pos().Line(), "", "export %s: only names and NAME=value may follow export",
				quoteWord(a.Value))
		case a.Naked && a.Index == nil:
			p.v.export(a.Name.Value, p.file, int(a.Pos().Line()))
		default:
			p.assign(a, true)
		}
	}
}

// assign expands and records one assignment.
func (p *fileParser) assign(a *syntax.Assign, export bool) {
	name, line := a.Name.Value, a.Pos().Line()
	if a.Index != nil || a.Array != nil {
		p.fail(line, name, "arrays are not allowed")
		p.v.assign(name, assigned{file: p.file, line: int(line), failed: true})
		return
	}
	val, err := p.v.expand(a.Value)
	if err != nil {
		var werr *wordError
		if errors.As(err, &werr) {
			line = werr.line
		}
		p.fail(line, name, "%v", err)
		p.v.assign(name, assigned{file: p.file, line: int(line), failed: true})
		return
	}
	if a.Append {
		old := p.v.lookup(name)
		if len(old)+len(val) > maxValueLen {
			p.fail(line, name, "value would be longer than 128 KiB")
			p.v.assign(name, assigned{file: p.file, line: int(line), failed: true})
			return
		}
		val = old + val
	}
	p.v.assign(name, assigned{val: val, file: p.file, line: int(line)})
	if export {
		p.v.export(name, p.file, int(line))
	}
}

// assign records the final value of name so far.
func (v *vars) assign(name string, a assigned) {
	v.seq++
	a.seq = v.seq
	v.set[name] = a
}

// export marks name as exported (once; the first export is kept).
func (v *vars) export(name, file string, line int) {
	if _, ok := v.exported[name]; ok {
		return
	}
	v.exported[name] = assigned{file: file, line: line}
	v.exports = append(v.exports, name)
}

// lookup returns the value of name: assigned in the files so far, else
// from the environment.
func (v *vars) lookup(name string) string {
	if a, ok := v.set[name]; ok && !a.failed {
		return a.val
	}
	return v.getenv(name)
}

// describe names a kind of shell command for an error message.
func describe(cmd syntax.Command) string {
	switch cmd := cmd.(type) {
	case *syntax.BinaryCmd:
		if cmd.Op == syntax.Pipe || cmd.Op == syntax.PipeAll {
			return "pipelines are"
		}
		return "&& and || lists are"
	case *syntax.IfClause:
		return "if statements are"
	case *syntax.WhileClause:
		return "while and until loops are"
	case *syntax.ForClause:
		return "for loops are"
	case *syntax.CaseClause:
		return "case statements are"
	case *syntax.Block:
		return "{ } blocks are"
	case *syntax.Subshell:
		return "subshells are"
	case *syntax.FuncDecl:
		return "function definitions are"
	case *syntax.ArithmCmd, *syntax.LetClause:
		return "arithmetic commands are"
	case *syntax.TestClause, *syntax.TestDecl:
		return "[[ ]] tests are"
	case nil:
		return "empty commands are"
	}
	return "such commands are"
}

// quoteWord returns w as written, quoted for a message and cut short.
func quoteWord(w *syntax.Word) string {
	if w == nil {
		return `""`
	}
	var b strings.Builder
	if err := syntax.NewPrinter().Print(&b, w); err != nil {
		return "a command"
	}
	s := b.String()
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Sprintf("%q", s)
}
