package boot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// unit is one service that boot runs.
type unit struct {
	name  string
	file  string     // its config file
	spec  *spec.Spec // as it was read when boot began
	after []*unit    // the units it starts after, and stops before
}

// refusal is why boot starts nothing: one line for each problem found.
type refusal struct{ lines []string }

func (r *refusal) Error() string { return strings.Join(r.lines, "\n") }

// load reads every DIR/*.conf, in name order. Any problem in any of them
// refuses them all: nothing has started yet.
func load(dir string, getenv func(string) string, warn func(string)) ([]*unit, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.conf"))
	if err != nil || len(files) == 0 {
		if _, serr := os.Stat(dir); serr != nil {
			return nil, &refusal{[]string{fmt.Sprintf("%s: %v", dir, serr)}}
		}
		return nil, &refusal{[]string{fmt.Sprintf("%s: no services (no *.conf file)", dir)}}
	}
	sort.Strings(files)
	var units []*unit
	var bad []string
	for _, f := range files {
		res, err := config.Load(config.Options{File: f, Getenv: getenv, UID: os.Geteuid()})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				bad = append(bad, fmt.Sprintf("%s: %s", strings.TrimSuffix(filepath.Base(f), ".conf"), line))
			}
			continue
		}
		for _, w := range res.Warnings {
			warn(fmt.Sprintf("%s: %s", res.Name, w))
		}
		units = append(units, &unit{name: res.Name, file: f, spec: res.Spec})
	}
	if len(bad) > 0 {
		return nil, &refusal{bad}
	}
	if err := order(units); err != nil {
		return nil, err
	}
	return units, nil
}

// order resolves each unit's Required-Start and Should-Start into the
// units it starts after. The virtual facilities ($network, $remote_fs,
// ...) are taken as satisfied, as a container has them or has no use
// for them; $all means after every unit that does not itself say $all.
// A missing required facility, one provided twice, or a cycle refuses.
func order(units []*unit) error {
	providers := map[string]*unit{}
	for _, u := range units {
		for _, f := range append(strings.Fields(u.spec.Header.Provides), u.name) {
			if p, ok := providers[f]; ok && p != u {
				return &refusal{[]string{fmt.Sprintf("%s and %s both provide %s", p.name, u.name, f)}}
			}
			providers[f] = u
		}
	}
	for _, u := range units {
		if err := u.resolve(units, providers); err != nil {
			return err
		}
	}
	return findCycle(units)
}

// resolve fills u.after from its header.
func (u *unit) resolve(units []*unit, providers map[string]*unit) error {
	add := func(p *unit) {
		if p != u && !slices.Contains(u.after, p) {
			u.after = append(u.after, p)
		}
	}
	for i, list := range []string{u.spec.Header.RequiredStart, u.spec.Header.ShouldStart} {
		for _, f := range strings.Fields(list) {
			switch {
			case f == "$all":
				for _, o := range units {
					if !o.wantsAll() {
						add(o)
					}
				}
			case strings.HasPrefix(f, "$"):
			case providers[f] != nil:
				add(providers[f])
			case i == 0:
				return &refusal{[]string{fmt.Sprintf("%s: REQUIRED_START %s: no service provides it", u.name, f)}}
			}
		}
	}
	return nil
}

func (u *unit) wantsAll() bool {
	h := u.spec.Header
	return slices.Contains(strings.Fields(h.RequiredStart+" "+h.ShouldStart), "$all")
}

// findCycle refuses a cycle in the units' order, naming it.
func findCycle(units []*unit) error {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[*unit]int{}
	var path []*unit
	var visit func(u *unit) error
	visit = func(u *unit) error {
		state[u] = onPath
		path = append(path, u)
		for _, p := range u.after {
			switch state[p] {
			case onPath:
				i := slices.Index(path, p)
				var names []string
				for _, q := range append(path[i:], p) {
					names = append(names, q.name)
				}
				return &refusal{[]string{"dependency cycle: " + strings.Join(names, " → ") + " (each starts after the next)"}}
			case unseen:
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		path = path[:len(path)-1]
		state[u] = done
		return nil
	}
	for _, u := range units {
		if state[u] == unseen {
			if err := visit(u); err != nil {
				return err
			}
		}
	}
	return nil
}

// dependants are the units that start after u.
func dependants(units []*unit, u *unit) []*unit {
	var out []*unit
	for _, o := range units {
		if slices.Contains(o.after, u) {
			out = append(out, o)
		}
	}
	return out
}
