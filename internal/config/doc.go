// Package config loads the configuration of an lsbinit service: the
// /etc/default-style files of shell variable assignments, parsed and
// never executed, then checked key by key against the config keys (README, "Config reference")
// and filled with its defaults.
//
// [Load] reads, a later file overriding an earlier one:
//
//  1. Options.File, else EtcDir/lsbinit/NAME.conf;
//  2. EtcDir/default/NAME (Debian), when present;
//  3. EtcDir/sysconfig/NAME (Red Hat), when present.
//
// # Format
//
// Each file is parsed as bash with mvdan.cc/sh/v3/syntax and the syntax
// tree is walked; nothing is run. Accepted: KEY=value, KEY="double
// quoted", KEY='single quoted', KEY=$'ANSI C', backslash escapes, values
// spanning lines inside quotes or after a backslash, several assignments
// on one line or separated by ";", KEY+=more, "export KEY=value" and
// "export KEY", comments and blank lines. Values are expanded with
// mvdan.cc/sh/v3/expand: $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt},
// ${VAR:?message}, ${#VAR}, ${VAR#pattern}, ${VAR/pattern/text},
// ${VAR^^}, ${VAR@U} and the like, and ~ at the start, from the
// variables the files assigned so far, then from Options.Getenv. An
// expanded value may not exceed 128 KiB (bounded before expanding, so
// that A=$A$A$A$A repeated cannot exhaust memory). Refused, each with a message naming file, line and key:
// commands (". file", "[ -r x ] && ...", "VAR=x cmd"), pipelines,
// lists, redirections, if/for/while/case, functions, subshells, command
// substitution ($(...) and backquotes), arithmetic expansion, process
// substitution, arrays, ${VAR:=x} (it assigns), ${!VAR}, ${VAR@Q} and
// the other @ operators but @U, @u, @L and @E, and special parameters
// such as $1 and $$.
//
// # Decisions the README leaves open
//
//   - An empty value means the default (PIDFILE= is as if unset), except
//     for DAEMON, which is then not an absolute path, and for the LSB
//     dependency and runlevel lists (REQUIRED_START= declares none).
//     PROVIDES, SHORT_DESCRIPTION and DESCRIPTION fall back when empty.
//   - REQUIRED_STOP defaults to the final REQUIRED_START, itself
//     "$remote_fs $syslog" by default.
//   - An empty environment variable counts as unset (Getenv cannot tell).
//   - DAEMON_ARGS, CHECK_CMD and HEALTH_CMD are split into words like a command line
//     without any further expansion: "$X" and "~" stay as written, and an
//     unquoted "#" that would start a comment is refused.
//   - A config key that is exported (export DAEMON=...) is both a config
//     key and in Exports. "export KEY" of a key no file assigns exports
//     its value from Getenv, or warns when there is none.
//   - Unknown keys that are not exported are warnings, reported once per
//     key where its final value was assigned.
//   - A file with a syntax error contributes nothing; "DAEMON is not set"
//     is then not reported, since the assignment may be in the broken part.
//   - READY=delay:D must be shorter than START_TIMEOUT.
//   - HEALTH_INTERVAL, HEALTH_TIMEOUT and HEALTH_RETRIES without
//     HEALTH_CMD are warnings: no health check runs.
//   - Config files must be regular files of at most 1 MiB. As root, a
//     file writable by group or others, or not owned by root, is refused
//     (wrapping [ErrInsecure]); otherwise only world-writable files are.
//     The check runs on the opened file (fstat). Symbolic links to a
//     config file are followed: the file they lead to is checked.
package config
