package config

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"DAEMON=/usr/bin/app\n",
		"DAEMON=/x\nDAEMON_ARGS=\"--port $PORT --name 'my app'\"\nexport NODE_ENV=production\n",
		"A=1 B=$A C=${A:-x} D=${#A} E=${A%%1} F=${A/1/2} G=${A:0:1}\n",
		"export A B=2\nA+=x\n# comment\n\nC='single $A'\n",
		"A=\"multi\nline\"\nB=a\\\nb\n",
		"A=$'\\x41\\t'\nB=~/x C=~root/y\n",
		"DAEMON=$(which x)\nB=`id`\nC=$((1+2))\nD=<(x)\n",
		". /etc/x\n[ -r x ] && . x\nif true; then A=1; fi\nf() { :; }\nA=1 | b\nA=x cmd\n",
		"A=(1 2)\nA[1]=x\nB=${A[1]}\nC=${!A}\nD=${A:=x}\nE=$1\nF=$$\n",
		"A='unterminated\n", "A=${B:?need B}\n", "A=${B:1/0}\n", "A=${B:x=1}\n",
		"UMASK=999\nNICE=99\nSTOP_SCHEDULE=TERM/x\nRELOAD_SIGNAL=TERM\nREADY=tcp:x\n",
		"READY=delay:1m\nSTART_TIMEOUT=0\nRESPAWN=x\nPIDFILE_BY_DAEMON=x\nDEFAULT_START=9\n",
		"DAEMON=/x\nDAEMON_ARGS='a #b'\nCHECK_CMD='x; y'\n",
		"DAEMON=/x\nDAEMON_ARGS='\"${X:-$(y)}\" \\~ a\\'\n",
		"export -n A\nexport\ndeclare A=1\nreadonly B\n",
		"A=\x00B\n", "A=\"\\\n\"", "A=${B@Q}\n", "A=${B^^}\n", "A=@(x|y)\n", "A=${LINENO}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o := Options{Name: "svc", UID: 1000, Getenv: func(k string) string {
			if k == "HOME" {
				return "/home/u"
			}
			return ""
		}}
		cfg, err := build(o, "svc", []source{{path: "fuzz.conf", data: data}})
		// A Config may come with validation errors (for actions that
		// need only some keys), but never be missing without an error.
		if cfg == nil && err == nil {
			t.Fatal("build returned neither a Config nor an error")
		}
		if err == nil {
			return
		}
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			var ce *Error
			if !errors.As(e, &ce) {
				t.Fatalf("error %q (%T) is not an *Error", e, e)
			}
			if ce.File != "fuzz.conf" {
				t.Fatalf("error %q does not name the file", e)
			}
			if strings.ContainsAny(ce.Key, " \n") {
				t.Fatalf("error %q has a strange key", e)
			}
		}
	})
}
