package exitcode

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestForSMF(t *testing.T) {
	for lsb, smf := range map[Code]Code{0: 0, 1: 1, 4: 100, 5: 95, 6: 96, 7: 7} {
		if got := ForSMF(lsb); got != smf {
			t.Errorf("ForSMF(%d) = %d, want %d", lsb, got, smf)
		}
	}
}

func TestOf(t *testing.T) {
	wrapped := fmt.Errorf("start: %w", Fail(NotInstalled, "no program"))
	cases := map[error]Code{nil: OK, errors.New("x"): Failed, wrapped: NotInstalled, Reported(NoPrivilege): NoPrivilege}
	for err, want := range cases {
		if got := Of(err); got != want {
			t.Errorf("Of(%v) = %d, want %d", err, got, want)
		}
	}
	if got := Of(With(Failed, wrapped)); got != NotInstalled {
		t.Errorf("With kept %d, want the code already there (%d)", got, NotInstalled)
	}
	if got := Privilege(&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, Failed); got != NoPrivilege {
		t.Errorf("Privilege(EACCES) = %d, want %d", got, NoPrivilege)
	}
}
