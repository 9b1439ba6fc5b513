/* The C floor of a status check: open a pidfile, test its lock, read the
 * PID (bench/fleet.sh builds it with cc when there is one). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

int main(int argc, char **argv) {
	char buf[32];
	ssize_t n;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 3;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return 1;
	n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("running (pid %ld)\n", strtol(buf, NULL, 10));
	return 0;
}
