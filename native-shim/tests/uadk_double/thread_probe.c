// SPDX-License-Identifier: Apache-2.0
/* Can this (emulated) machine run a second thread and a child process? (`make check-aarch64`) */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *run(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	void *r = NULL;

	pid_t pid;
	int st;

	if (pthread_create(&t, NULL, run, &t) || pthread_join(t, &r) || r != &t)
		return 1;
	pid = fork();
	if (pid == 0)
		_exit(3);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return 1;
	puts("threads and fork ok");
	return 0;
}
