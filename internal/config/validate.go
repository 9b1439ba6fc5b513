package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// checker fills a spec from the final values of the keys, by the key
// table.
type checker struct {
	v    *vars
	s    *spec.Spec
	res  *Result
	opts Options
	errs []error
}

// validate sets res.Spec to the service named name that v describes, its
// defaults applied, and returns the problems with the final value of each
// key, each located where it was assigned.
func validate(res *Result, name string, v *vars, opts Options) []error {
	c := &checker{v: v, s: spec.New(name), res: res, opts: opts}
	for _, k := range keys {
		c.apply(k)
	}
	c.exports()
	c.required()
	c.complete()
	c.healthAlone()
	c.unknown()
	res.Spec = c.s
	return c.errs
}

// final returns the final assignment of key; ok is false when the key is
// unset or its assignment was refused (and so already reported).
func (c *checker) final(key string) (a assigned, ok bool) {
	a, ok = c.v.set[key]
	return a, ok && !a.failed
}

// fail reports a problem with the value of key assigned at a.
func (c *checker) fail(a assigned, key string, err error) {
	c.errs = append(c.errs, &Error{File: a.file, Line: a.line, Key: key, Msg: err.Error()})
}

// apply sets k's field from its final value, when the key is set (an
// empty value counts only for the lists whose empty value says "none").
// A refused value leaves the field at its default.
func (c *checker) apply(k key) {
	a, ok := c.final(k.name)
	if !ok || (a.val == "" && !k.empty) {
		return
	}
	if err := k.set(c, c.s, a.val); err != nil {
		c.fail(a, k.name, err)
	}
}

// required reports a missing DAEMON, unless its assignment was refused
// or a file did not parse (it may be on the line that did not).
func (c *checker) required() {
	if _, set := c.v.set["DAEMON"]; set || c.v.broken {
		return
	}
	file := ""
	if len(c.res.Files) > 0 {
		file = c.res.Files[0]
	}
	c.errs = append(c.errs, &Error{File: file, Msg: "DAEMON is not set"})
}

// complete applies the spec's defaults and its checks across keys, each
// problem located at the key it names.
func (c *checker) complete() {
	err := c.s.CompleteFor(c.opts.UID, c.v.getenv)
	var ke *spec.KeyError
	switch {
	case c.s.Path == "":
		// Reported above, or refused where it was assigned.
	case errors.As(err, &ke):
		c.fail(c.v.set[ke.Key], ke.Key, ke.Err)
	case err != nil:
		c.errs = append(c.errs, &Error{Msg: err.Error()})
	}
	if r := c.s.Ready; r.Kind == ready.Delay && r.Delay >= c.s.StartTimeout {
		a, _ := c.final("READY")
		c.fail(a, "READY", fmt.Errorf("delay %v is not shorter than START_TIMEOUT (%v):"+
			" start would always time out", r.Delay, c.s.StartTimeout))
	}
}

// exports fills the daemon's environment with the exported variables, in
// order of first export, with their final values.
func (c *checker) exports() {
	for _, key := range c.v.exports {
		if a, ok := c.final(key); ok {
			c.s.Env = append(c.s.Env, key+"="+a.val)
		} else if s := c.v.getenv(key); s != "" {
			c.s.Env = append(c.s.Env, key+"="+s)
		} else if _, refused := c.v.set[key]; !refused {
			at := c.v.exported[key]
			c.res.warn(&Error{File: at.file, Line: at.line, Key: key, Msg: "exported but never assigned (ignored)"})
		}
	}
}

// unknown warns of every variable that is neither a key nor exported, in
// the order assigned.
func (c *checker) unknown() {
	var unknown []assigned
	names := map[int]string{}
	for name, a := range c.v.set {
		_, exported := c.v.exported[name]
		if _, isKey := lookupKey(name); !isKey && !exported && !a.failed {
			unknown = append(unknown, a)
			names[a.seq] = name
		}
	}
	slices.SortFunc(unknown, func(a, b assigned) int { return a.seq - b.seq })
	for _, a := range unknown {
		c.res.warn(&Error{File: a.file, Line: a.line, Key: names[a.seq], Msg: "unknown key (ignored)"})
	}
}

// healthAlone warns of the health check's timing set without HEALTH_CMD:
// no check runs, so it does nothing (README, "Health checks").
func (c *checker) healthAlone() {
	if a, set := c.v.set["HEALTH_CMD"]; set && (a.failed || strings.TrimSpace(a.val) != "") {
		return // a command, or a refused one, which is reported
	}
	for _, key := range []string{"HEALTH_INTERVAL", "HEALTH_TIMEOUT", "HEALTH_RETRIES"} {
		if a, ok := c.final(key); ok && a.val != "" && !c.refused(key) {
			c.res.warn(&Error{File: a.file, Line: a.line, Key: key, Msg: "set without HEALTH_CMD: no health check runs (ignored)"})
		}
	}
}

// refused reports whether the value of key was reported as a problem.
func (c *checker) refused(key string) bool {
	for _, err := range c.errs {
		if e, ok := err.(*Error); ok && e.Key == key {
			return true
		}
	}
	return false
}
