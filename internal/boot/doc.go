// Package boot is `lsbinit boot`, the entrypoint of a container that runs
// a set of services, and `lsbinit health`, the container's health verb
// (README, "Containers"). Boot reads every config in a directory, starts
// the services in the order their LSB headers give, each waited on by its
// READY, keeps their supervisors as its children, puts their output on its
// stdout, reaps every orphan, carries out the actions run inside the
// container (through package bootctl), and on SIGTERM stops them in
// reverse order within a budget.
package boot
