package spec

import "fmt"

// Respawn says when the supervisor restarts a daemon that ended on its own.
type Respawn int

const (
	RespawnNo        Respawn = iota // never (the default)
	RespawnOnFailure                // after a non-zero exit or a signal
	RespawnAlways                   // after any end
)

var respawnWords = [...]string{"no", "on-failure", "always"}

// ParseRespawn reads RESPAWN's words: "no" (or ""), "on-failure", "always".
func ParseRespawn(s string) (Respawn, error) {
	if s == "" {
		return RespawnNo, nil
	}
	for i, w := range respawnWords {
		if s == w {
			return Respawn(i), nil
		}
	}
	return RespawnNo, fmt.Errorf("%q is not one of no, on-failure, always", s)
}

// String is the word ParseRespawn reads.
func (r Respawn) String() string {
	if r < 0 || int(r) >= len(respawnWords) {
		return fmt.Sprintf("Respawn(%d)", int(r))
	}
	return respawnWords[r]
}

// After reports whether a daemon that ended with shell status code is to
// be restarted.
func (r Respawn) After(code int) bool {
	return r == RespawnAlways || (r == RespawnOnFailure && code != 0)
}
