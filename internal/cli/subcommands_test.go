package cli

import (
	"testing"

	"github.com/lsbinit/lsbinit/internal/names"
)

// Every reserved name runs a command, and every command is reserved.
func TestSubcommandsAgree(t *testing.T) {
	for _, n := range names.Subcommands {
		if subcommands[n] == nil {
			t.Errorf("%s is reserved but runs nothing", n)
		}
	}
	if len(subcommands) != len(names.Subcommands) {
		t.Errorf("%d commands, %d reserved names", len(subcommands), len(names.Subcommands))
	}
}
