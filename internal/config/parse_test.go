package config

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// It is longer than a screen: a table of cases.
func TestParseAccepted(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "FROMENV": "e", "SPACED": "a  b"}
	tests := []struct {
		name    string
		src     string
		want    map[string]string
		exports []string
	}{
		{"plain", "A=value", map[string]string{"A": "value"}, nil},
		{"empty", "A=\nB=''\nC=\"\"", map[string]string{"A": "", "B": "", "C": ""}, nil},
		{"double quotes", `A="a b  c"`, map[string]string{"A": "a b  c"}, nil},
		{"single quotes", `A='a $B "c" \n'`, map[string]string{"A": `a $B "c" \n`}, nil},
		{"dq escapes", `A="q\"d\\b\$x \n"`, map[string]string{"A": `q"d\b$x \n`}, nil},
		{"unquoted escapes", `A=a\ b\$x\\y\"`, map[string]string{"A": `a b$x\y"`}, nil},
		{"trailing backslash", `A=a\`, map[string]string{"A": `a\`}, nil},
		{"ansi c", `A=$'t\tn\n\x41'`, map[string]string{"A": "t\tn\nA"}, nil},
		{"mixed quoting", `A=a'b c'"d e"f`, map[string]string{"A": "ab cd ef"}, nil},
		{"multi-line dq", "A=\"line1\nline2\n\"\nB=after", map[string]string{"A": "line1\nline2\n", "B": "after"}, nil},
		{"multi-line sq", "A='x\ny'", map[string]string{"A": "x\ny"}, nil},
		{"continuation", "A=a\\\nb", map[string]string{"A": "ab"}, nil},
		{"comments", "# c\n\n  # indented\nA=1 # trailing\nB='#not' C=x#y", map[string]string{"A": "1", "B": "#not", "C": "x#y"}, nil},
		{"several per line", "A=1 B=2 C=$A$B", map[string]string{"A": "1", "B": "2", "C": "12"}, nil},
		{"semicolons", "A=1; B=2;", map[string]string{"A": "1", "B": "2"}, nil},
		{"later wins", "A=1\nA=2", map[string]string{"A": "2"}, nil},
		{"dollar var", "A=x\nB=$A/y\nC=${A}z", map[string]string{"A": "x", "B": "x/y", "C": "xz"}, nil},
		{"var in dq", `A=x` + "\n" + `B="$A ${A}"`, map[string]string{"A": "x", "B": "x x"}, nil},
		{"var not resplit", `A=$SPACED`, map[string]string{"A": "a  b"}, nil},
		{"from env", "A=$FROMENV", map[string]string{"A": "e"}, nil},
		{"file beats env", "FROMENV=f\nA=$FROMENV", map[string]string{"FROMENV": "f", "A": "f"}, nil},
		{"unset is empty", "A=$NOPE", map[string]string{"A": ""}, nil},
		{"default", "A=${NOPE:-d} B=${FROMENV:-d} C=${NOPE-d}", map[string]string{"A": "d", "B": "e", "C": "d"}, nil},
		{"default of empty", "E=\nA=${E:-d} B=${E-d}", map[string]string{"E": "", "A": "d", "B": ""}, nil},
		{"default with escape", `A=${NOPE:-a\ b} B="${NOPE:-a\ b}"`, map[string]string{"A": "a b", "B": `a\ b`}, nil},
		{"alternate", "X=1\nA=${X:+alt} B=${NOPE:+alt}", map[string]string{"X": "1", "A": "alt", "B": ""}, nil},
		{"error op set", "X=1\nA=${X:?need X}", map[string]string{"X": "1", "A": "1"}, nil},
		{"length", "X=abc\nA=${#X}", map[string]string{"X": "abc", "A": "3"}, nil},
		{"patterns", "X=/a/b.c\nA=${X##*/} B=${X%.*} C=${X#/}", map[string]string{"X": "/a/b.c", "A": "b.c", "B": "/a/b", "C": "a/b.c"}, nil},
		{"replace", "X=a-b-c\nA=${X//-/_}", map[string]string{"X": "a-b-c", "A": "a_b_c"}, nil},
		{"tilde", "A=~/x", map[string]string{"A": "/home/u/x"}, nil},
		{"no glob", "A=* B=/etc/*", map[string]string{"A": "*", "B": "/etc/*"}, nil},
		{"no brace expansion", "A={a,b}", map[string]string{"A": "{a,b}"}, nil},
		{"append", "A=x\nA+=y\nB+=z", map[string]string{"A": "xy", "B": "z"}, nil},
		{"export assign", "export A=1", map[string]string{"A": "1"}, []string{"A"}},
		{"export several", "export A=1 B C=\"x y\"", map[string]string{"A": "1", "C": "x y"}, []string{"A", "B", "C"}},
		{"export later", "A=1\nexport A", map[string]string{"A": "1"}, []string{"A"}},
		{"export twice", "export A=1\nexport B=2\nexport A=3", map[string]string{"A": "3", "B": "2"}, []string{"A", "B"}},
		{"keyword-like values", "A=if B=[[ C=! D=fi", map[string]string{"A": "if", "B": "[[", "C": "!", "D": "fi"}, nil},
		{"case ops", "X=aBc\nA=${X^^} B=${X,,} C=${X@U} D=${X@u} E=${X@L}", map[string]string{"X": "aBc", "A": "ABC", "B": "abc", "C": "ABC", "D": "ABc", "E": "abc"}, nil},
		{"long but bounded", "A=" + strings.Repeat("x", 60000) + "\nA=$A$A", map[string]string{"A": strings.Repeat("x", 120000)}, nil},
		{"crlf-free utf8", "A='é ☃'", map[string]string{"A": "é ☃"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVars(getenv(env))
			v.parseFile("x.conf", []byte(tt.src))
			for _, err := range v.errs {
				t.Errorf("unexpected error: %v", err)
			}
			got := map[string]string{}
			for k, a := range v.set {
				got[k] = a.val
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(v.exports, tt.exports) {
				t.Errorf("exports %q, want %q", v.exports, tt.exports)
			}
		})
	}
}

// It is longer than a screen: a table of cases.
func TestParseRefused(t *testing.T) {
	const never = "(the file is parsed, never executed)"
	tests := []struct {
		src  string
		line int
		want string
	}{
		{"A=1\n\nDAEMON=$(which x)", 3, "x.conf:3: DAEMON: command substitution is not allowed " + never},
		{"DAEMON=`which x`", 1, "x.conf:1: DAEMON: command substitution is not allowed " + never},
		{`DAEMON="/bin/$(echo x)"`, 1, "DAEMON: command substitution is not allowed"},
		{"A=${B:-$(cmd)}", 1, "A: command substitution is not allowed"},
		{"A=\"x\n$(cmd)\"", 2, "x.conf:2: A: command substitution"},
		{"echo `id`", 1, `command "echo" is not allowed`},
		{"A=$((1+2))", 1, "A: arithmetic expansion is not allowed " + never},
		{"A=${B:$((1))}", 1, "A: arithmetic expansion is not allowed"},
		{"((x=1))", 1, "arithmetic commands are not allowed"},
		{"let x=1", 1, "arithmetic commands are not allowed"},
		{"A=<(cat)", 1, "A: process substitution is not allowed"},
		{". /etc/x", 1, `x.conf:1: command "." is not allowed, only KEY=value assignments ` + never},
		{"source /etc/x", 1, `command "source" is not allowed`},
		{"A=1\n[ -r /etc/x ] && . /etc/x", 2, "x.conf:2: && and || lists are not allowed"},
		{"test -f x || A=1", 1, "&& and || lists are not allowed"},
		{"A=1 | cat", 1, "pipelines are not allowed"},
		{"A=1 > /tmp/x", 1, "redirections are not allowed"},
		{"A=1 2>&1", 1, "redirections are not allowed"},
		{"cat <<EOF\nx\nEOF", 1, "redirections are not allowed"},
		{"A=1 &", 1, "background commands are not allowed"},
		{"! A=1", 1, `"!" is not allowed`},
		{"if true; then A=1; fi", 1, "if statements are not allowed"},
		{"while :; do :; done", 1, "while and until loops are not allowed"},
		{"for i in 1; do A=$i; done", 1, "for loops are not allowed"},
		{"case x in *) A=1;; esac", 1, "case statements are not allowed"},
		{"f() { A=1; }", 1, "function definitions are not allowed"},
		{"function f { A=1; }", 1, "function definitions are not allowed"},
		{"(A=1)", 1, "subshells are not allowed"},
		{"{ A=1; }", 1, "{ } blocks are not allowed"},
		{"[[ -f x ]]", 1, "[[ ]] tests are not allowed"},
		{"VAR=x cmd arg", 1, `command "cmd" (with assignments in front) is not allowed`},
		{"A=(1 2)", 1, "A: arrays are not allowed"},
		{"A[1]=x", 1, "A: arrays are not allowed"},
		{"A=${B[1]}", 1, "A: arrays are not allowed"},
		{"A=$1", 1, "A: special parameter $1 is not available"},
		{"A=$$", 1, "A: special parameter $$ is not available"},
		{"A=$@", 1, "A: special parameter $@ is not available"},
		{"A=${!B}", 1, "A: indirect expansion"},
		{"A=${B:=x}", 1, "A: ${B:=...} would assign B"},
		{"A=${NOPE:?is required}", 1, "x.conf:1: A: NOPE: is required"},
		{"A=${NOPE:?}", 1, "A: NOPE: parameter null or not set"},
		{"declare A=1", 1, `"declare" is not allowed`},
		{"local A=1", 1, `"local" is not allowed`},
		{"readonly A=1", 1, `"readonly" is not allowed`},
		{"export", 1, "export without a name"},
		{"export -n A", 1, `export "-n": only names and NAME=value may follow export`},
		{"export $X", 1, "only names and NAME=value may follow export"},
		{"A=${B@Q}", 1, "A: ${B@Q} is not supported"},
		{"A=${B@A$}", 1, "A: ${B@A$} is not supported"},
		{"A=" + strings.Repeat("x", 70000) + "\nA=$A$A", 2, "A: value would be longer than 128 KiB"},
		{"A=" + strings.Repeat("x", 500) + "\nA=${A//?/$A}", 2, "A: value would be longer than 128 KiB"},
		{"A=" + strings.Repeat("x", 70000) + "\nA+=$A", 2, "A: value would be longer than 128 KiB"},
		{"A=\"unterminated\nB=2\n", 1, "x.conf:1: syntax error: "},
		{"A=1\nB=2\nC='x\n", 3, "x.conf:3: syntax error: "},
		{"A=1\nB=2\nif then", 3, "x.conf:3: syntax error: "},
		{"A=1\n\n\nB=2;;", 4, "x.conf:4: syntax error: "},
		{"A=1\n)", 2, "x.conf:2: syntax error: "},
	}
	for _, tt := range tests {
		v := newVars(nil)
		v.parseFile("x.conf", []byte(tt.src))
		if len(v.errs) == 0 {
			t.Errorf("%q: accepted, want error %q", tt.src, tt.want)
			continue
		}
		e, ok := v.errs[0].(*Error)
		if !ok {
			t.Errorf("%q: error %T is not an *Error", tt.src, v.errs[0])
			continue
		}
		if e.Line != tt.line || e.File != "x.conf" {
			t.Errorf("%q: error at %s:%d, want x.conf:%d: %v", tt.src, e.File, e.Line, tt.line, e)
		}
		if !strings.Contains(e.Error(), tt.want) || strings.Contains(e.Error(), "\n") {
			t.Errorf("%q: error %q, want one line containing %q", tt.src, e, tt.want)
		}
	}
}

// TestRefusedKeepsGoing checks that all refused lines of a file are
// reported, not just the first.
func TestRefusedKeepsGoing(t *testing.T) {
	v := newVars(nil)
	v.parseFile("x.conf", []byte("A=$(a)\n. /x\nB=ok\nC=`c`\n"))
	if len(v.errs) != 3 {
		t.Fatalf("want 3 errors, got %v", v.errs)
	}
	for i, line := range []int{1, 2, 4} {
		if got := v.errs[i].(*Error).Line; got != line {
			t.Errorf("error %d at line %d, want %d", i, got, line)
		}
	}
	if v.set["B"].val != "ok" || !v.set["A"].failed {
		t.Errorf("B = %+v, A = %+v", v.set["B"], v.set["A"])
	}
}
