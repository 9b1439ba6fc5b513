package spec

import (
	"encoding/json"
	"errors"
	"os"

	"github.com/lsbinit/lsbinit/internal/daemon"
)

// maxEncoded bounds an encoded Spec: an environment string may hold
// 128 KiB on Linux, and a service that needs more is read again instead.
const maxEncoded = 64 << 10

// Encode renders the service's data (not its Go funcs or writers) as the
// text Decode reads. It reports false when the service is too large to
// pass on.
func (s *Spec) Encode() (string, bool) {
	b, err := json.Marshal(s)
	if err != nil || len(b) > maxEncoded {
		return "", false
	}
	return string(b), true
}

// Decode reads what Encode wrote.
func Decode(text string) (*Spec, error) {
	s := &Spec{}
	if err := json.Unmarshal([]byte(text), s); err != nil {
		return nil, errors.New("the resolved service handed on by start is not readable: " + err.Error())
	}
	return s, nil
}

// Inherited returns, in the supervisor, the service that the start which
// spawned it resolved (see daemon.SpecEnv), and removes it from the
// environment. ok is false when start handed on none.
func Inherited() (s *Spec, ok bool, err error) {
	text, set := os.LookupEnv(daemon.SpecEnv)
	if !set {
		return nil, false, nil
	}
	os.Unsetenv(daemon.SpecEnv)
	s, err = Decode(text)
	return s, true, err
}
