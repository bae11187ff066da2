// SPDX-License-Identifier: Apache-2.0
/*
 * Probe reasons: cpu and emu need only libcrypto; uadk needs /sys/class/uacce
 * devices; an unknown backend is refused; reasons are NUL-terminated and
 * truncated to the caller's buffer. With ACCEL_SHIM_LIBCRYPTO pointing at a
 * missing library (a machine without libssl3) probe and dev_open say ENODEV.
 */
#include "test_common.h"

#include <sys/wait.h>

static int child_without_libcrypto(void)
{
	char reason[160];
	accel_dev *dev = NULL;
	int rc;

	setenv("ACCEL_SHIM_LIBCRYPTO", "libcrypto-absent.so.99", 1);
	rc = accel_backend_probe(ACCEL_BACKEND_CPU, reason, sizeof(reason));
	CHECK(rc == ACCEL_ENODEV, "probe cpu = %d", rc);
	CHECK(!strncmp(reason, "libcrypto.so.3 not found: ", 26), "reason '%s'", reason);
	CHECK(strstr(reason, "libcrypto-absent.so.99") != NULL, "dlerror missing: '%s'", reason);
	rc = accel_backend_probe(ACCEL_BACKEND_EMU, reason, sizeof(reason));
	CHECK(rc == ACCEL_ENODEV, "probe emu = %d", rc);
	CHECK_RC(accel_dev_open(ACCEL_BACKEND_EMU, NULL, &dev), ACCEL_ENODEV);
	CHECK(dev == NULL, "dev set");
	CHECK_RC(accel_dev_open(ACCEL_BACKEND_CPU, NULL, &dev), ACCEL_ENODEV);
	return t_failures ? 1 : 0;
}

int main(void)
{
	char reason[160], small[8];
	int rc, status;
	pid_t pid;

	t_name = "probe";
	t_require_threads();	/* forks first */
	/* the no-libcrypto case runs first, in a child: libcrypto binds once per process */
	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0)
		_exit(child_without_libcrypto());
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "no-libcrypto child failed");

	t_require_backend(ACCEL_BACKEND_CPU);
	memset(reason, 'x', sizeof(reason));
	CHECK_RC(accel_backend_probe(ACCEL_BACKEND_CPU, reason, sizeof(reason)), ACCEL_OK);
	CHECK(reason[0] == 0, "reason on OK: '%s'", reason);
	CHECK_RC(accel_backend_probe(ACCEL_BACKEND_EMU, reason, sizeof(reason)), ACCEL_OK);
	CHECK_RC(accel_backend_probe(ACCEL_BACKEND_EMU, NULL, 0), ACCEL_OK);

	rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));
	CHECK(rc == ACCEL_ENODEV || rc == ACCEL_ENOTSUP, "uadk = %d", rc);
	CHECK(reason[0] != 0, "uadk reason empty");
	printf("  uadk: %d (%s)\n", rc, reason);
	rc = accel_backend_probe(ACCEL_BACKEND_UADK, small, sizeof(small));
	CHECK(strlen(small) == sizeof(small) - 1, "truncation '%s'", small);

	CHECK_RC(accel_backend_probe(0, reason, sizeof(reason)), ACCEL_ENOTSUP);
	CHECK_RC(accel_backend_probe(42, reason, sizeof(reason)), ACCEL_ENOTSUP);
	CHECK(reason[0] != 0, "unknown backend reason empty");

	/* dev_open and caps sanity */
	accel_dev *dev = NULL;
	struct accel_caps caps;
	struct accel_dev_config bad = { .profile = 7 };

	CHECK_RC(accel_dev_open(ACCEL_BACKEND_EMU, &bad, &dev), ACCEL_EINVAL);
	CHECK_RC(accel_dev_open(99, NULL, &dev), ACCEL_EINVAL);
	CHECK_RC(accel_dev_open(ACCEL_BACKEND_EMU, NULL, NULL), ACCEL_EINVAL);
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_FAST, 0);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	CHECK(caps.backend == ACCEL_BACKEND_EMU && caps.engines == 2, "emu caps");
	CHECK(caps.queue_depth_max == 1024 && caps.queues_max == 256, "emu depth/queues");
	CHECK(caps.gcm_data_max == (16u << 20) - 512, "emu data max");
	CHECK(!strncmp(caps.name, "emu", 3) && strstr(caps.driver, "libcrypto"), "%s %s",
	      caps.name, caps.driver);
	printf("  %s: %s\n", caps.name, caps.driver);
	CHECK_RC(accel_dev_caps(dev, NULL), ACCEL_EINVAL);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	dev = t_open(ACCEL_BACKEND_CPU, 0, 0);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	CHECK(caps.backend == ACCEL_BACKEND_CPU && caps.engines == 1 && caps.rsa_max_bits == 16384,
	      "cpu caps");
	CHECK_RC(accel_emu_inject(dev, ACCEL_FAULT_REMOVE, 0, 0), ACCEL_ENOTSUP);
	CHECK_RC(accel_emu_set_profile(dev, ACCEL_PROFILE_SEC_920), ACCEL_ENOTSUP);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	dev = t_open(ACCEL_BACKEND_EMU, ACCEL_PROFILE_HPRE_920, 0);
	CHECK_RC(accel_dev_caps(dev, &caps), ACCEL_OK);
	CHECK(caps.engines == 8 && caps.profile == ACCEL_PROFILE_HPRE_920, "hpre engines %u",
	      caps.engines);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	CHECK_RC(accel_dev_close(NULL), ACCEL_EINVAL);
	return t_done();
}
