// SPDX-License-Identifier: Apache-2.0
/*
 * emu engine threads carry names ("accel-emu0.3"), so that benchmarks and
 * operators can tell the modelled device's CPU from the host's in
 * /proc/<pid>/task/<tid>/comm; one named thread per engine.
 */
#define _DEFAULT_SOURCE /* usleep under -std=c11 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "test_common.h"

static int count_named(const char *prefix)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[64], comm[32] = { 0 };
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix)))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

int main(void)
{
	struct accel_dev_config cfg = { .profile = ACCEL_PROFILE_FAST, .engines = 3 };
	struct accel_caps caps;
	accel_dev *dev = NULL;
	char prefix[32];

	t_name = "emu_names";
	REQUIRE(accel_dev_open(ACCEL_BACKEND_EMU, &cfg, &dev) == ACCEL_OK, "open emu");
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	snprintf(prefix, sizeof(prefix), "accel-%.6s.", caps.name);
	CHECK(count_named(prefix) == 3, "3 engine threads named %s*, found %d", prefix, count_named(prefix));
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	/*
	 * close joined every engine; under qemu-user a joined thread's host task can
	 * stay in /proc/self/task for a moment after (qemu wakes the joiner before
	 * its host thread has exited), so allow it up to a second to go.
	 */
	for (int i = 0; i < 100 && count_named(prefix); i++)
		usleep(10000);
	CHECK(count_named(prefix) == 0, "engine threads gone after close, found %d", count_named(prefix));
	return t_done();
}
