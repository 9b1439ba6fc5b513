package schedule

import (
	"slices"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"TERM/30/KILL/5", "30", "0", "2.5", "500ms", "1m30s", "-TERM/30/-KILL/5",
		"-15/30/-9/5", "SIGTERM/10/sigkill", "TERM/KILL", "QUIT/5/TERM/5/KILL/5",
		"TERM/10/forever/KILL/5", "forever/TERM/5", "TERM/5/forever",
		"TERM/forever/5/forever/5", "TERM//KILL", "", "/", "TERM/x/KILL",
		"TERM/-2.5", "-0/5", "TERM/25h", "TERM/99999999999999999999", "-64/1",
		"TERM/.5", "TERM/5.", "TERM/1e3", "HUP/0/USR1/1ns", " TERM / 3 ",
		"-RTMIN/5", "TERM/5/forever/KILL", "-9999999999999999999999/1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			if s != nil {
				t.Errorf("Parse(%q) returned %v with error %v", in, s, err)
			}
			return
		}
		if len(s) == 0 {
			t.Fatalf("Parse(%q) accepted an empty schedule", in)
		}
		canon := s.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", in, canon, err)
		}
		if !slices.Equal(s, again) {
			t.Fatalf("Parse(%q) = %#v, but Parse(%q) = %#v", in, s, canon, again)
		}
		s.Total()
	})
}
