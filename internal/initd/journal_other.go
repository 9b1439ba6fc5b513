//go:build !linux

package initd

import "os"

// journalStream: only Linux has systemd's journal.
func journalStream() *os.File { return nil }
