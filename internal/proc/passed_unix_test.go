//go:build unix

package proc

import (
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

// PassedFDs reads the descriptor numbers of every SCM_RIGHTS message, in
// order, and nothing from unreadable control data.
func TestPassedFDs(t *testing.T) {
	for _, tc := range []struct {
		name string
		oob  []byte
		want []int
	}{
		{"none", nil, nil},
		{"empty", []byte{}, nil},
		{"one", unix.UnixRights(7), []int{7}},
		{"several", unix.UnixRights(3, 9, 4), []int{3, 9, 4}},
		{"two messages", append(unix.UnixRights(5), unix.UnixRights(6, 8)...), []int{5, 6, 8}},
		{"cut short", unix.UnixRights(5, 6)[:unix.CmsgLen(8)-1], nil},
		{"too short for a header", []byte{1, 2, 3}, nil},
	} {
		if got := PassedFDs(tc.oob); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: PassedFDs = %v, want %v", tc.name, got, tc.want)
		}
	}
}
