// Package insecure holds the one error that lsbinit's packages wrap when
// they refuse a file or directory that someone else could have planted
// or changed (a symlink, a hard link, another user's file, a directory
// others can write): root must never trust such a file. Callers test for
// it with errors.Is(err, insecure.Err), or through the packages' own
// ErrInsecure, which is the same value.
package insecure

import "errors"

// Err is the refusal.
var Err = errors.New("refused as root")
