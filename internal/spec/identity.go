package spec

import (
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// Credential resolves USER and GROUP. It returns nil when the daemon runs
// as the invoking user.
func (s *Spec) Credential() (*syscall.Credential, *user.User, error) {
	if s.User == "" && s.Group == "" {
		return nil, nil, nil
	}
	var u *user.User
	var err error
	if s.User != "" {
		if u, err = lookupUser(s.User); err != nil {
			return nil, nil, exitcode.Fail(exitcode.NotConfigured, "USER %q: no such user", s.User)
		}
	} else if u, err = user.LookupId(strconv.Itoa(os.Geteuid())); err != nil {
		return nil, nil, exitcode.Fail(exitcode.NotConfigured, "looking up the current user: %v", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if s.Group != "" {
		g, err := lookupGroup(s.Group)
		if err != nil {
			return nil, nil, exitcode.Fail(exitcode.NotConfigured, "GROUP %q: no such group", s.Group)
		}
		gid, _ = strconv.ParseUint(g.Gid, 10, 32)
	}
	if os.Geteuid() != 0 {
		if int(uid) == os.Geteuid() && int(gid) == os.Getegid() {
			return nil, nil, nil
		}
		return nil, nil, exitcode.Fail(exitcode.NoPrivilege, "running as %s needs root", identity(s.User, s.Group))
	}
	// As initgroups(USER, gid) does: the group, plus the groups that list
	// the user as a member. The passwd primary group counts only when it
	// is the group (GROUP unset) or the user is listed in it.
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}
	if ids, err := u.GroupIds(); err == nil && s.User != "" {
		for _, id := range ids {
			n, err := strconv.ParseUint(id, 10, 32)
			if err != nil || n == gid || (id == u.Gid && !listsMember(id, u.Username)) {
				continue
			}
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return cred, u, nil
}

func identity(usr, group string) string {
	switch {
	case usr != "" && group != "":
		return "USER=" + usr + " GROUP=" + group
	case usr != "":
		return "USER=" + usr
	}
	return "GROUP=" + group
}

// listsMember reports whether /etc/group lists name in group gid.
func listsMember(gid, name string) bool {
	b, err := os.ReadFile("/etc/group")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 4 && f[2] == gid {
			for _, m := range strings.Split(f[3], ",") {
				if m == name {
					return true
				}
			}
		}
	}
	return false
}

func lookupUser(s string) (*user.User, error) {
	if _, err := strconv.Atoi(s); err == nil {
		return user.LookupId(s)
	}
	return user.Lookup(s)
}

func lookupGroup(s string) (*user.Group, error) {
	if _, err := strconv.Atoi(s); err == nil {
		return user.LookupGroupId(s)
	}
	return user.LookupGroup(s)
}
