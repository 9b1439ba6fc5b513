package initd

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

func TestJournalStream(t *testing.T) {
	var st unix.Stat_t
	if err := unix.Fstat(int(os.Stderr.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JOURNAL_STREAM", fmt.Sprintf("%d:%d", st.Dev, st.Ino))
	if f := journalStream(); f != os.Stdout && f != os.Stderr {
		t.Errorf("JOURNAL_STREAM naming stderr's file: got %v", f)
	}
	for _, v := range []string{"", "garbage", "1:", ":2", fmt.Sprintf("%d:%d", st.Dev, st.Ino+1000003)} {
		t.Setenv("JOURNAL_STREAM", v)
		if f := journalStream(); f != nil {
			var got unix.Stat_t
			unix.Fstat(int(f.Fd()), &got)
			if fmt.Sprintf("%d:%d", got.Dev, got.Ino) != v {
				t.Errorf("JOURNAL_STREAM=%q: got %s", v, f.Name())
			}
		}
	}
}
