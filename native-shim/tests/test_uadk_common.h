/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_uadk_common.h - setup for the uadk backend's tests: a fake UACCE tree
 * (tests/uadk_double/make-fake-uacce.sh) and the UADK TEST DOUBLE
 * (tests/uadk_double/), selected through the environment before the shim's
 * first uadk call; the double's control/statistics functions are reached by
 * dlopen()ing the same library path the shim loads.
 */
#ifndef ACCEL_TEST_UADK_COMMON_H
#define ACCEL_TEST_UADK_COMMON_H

#include "test_common.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <sys/stat.h>

#ifndef T_DOUBLE_DIR
#error "T_DOUBLE_DIR (the test double's build directory) must be defined by the Makefile"
#endif

/* Must match tests/uadk_double/double.h */
enum { DBL_RESET = 0, DBL_DEPTH = 1, DBL_REORDER = 2, DBL_SEND_ERR = 3, DBL_RESULT_ERR = 4,
       DBL_POLL_ERR = 5, DBL_REMOVE = 6, DBL_CB_STYLE = 7 };
enum { DBL_STAT_TOUCH_AFTER_REMOVE = 0, DBL_STAT_TOUCH_OTHER_PID = 1, DBL_STAT_INIT_CALLS = 2,
       DBL_STAT_INIT_OK = 3, DBL_STAT_SENT = 4, DBL_STAT_COMPLETED = 5, DBL_STAT_CTX_OPEN = 6,
       DBL_STAT_EBUSY = 7 };

static int (*dbl_control)(int cmd, long a, long b);
static long (*dbl_stat)(int which);
static char t_fake_root[128];

/* Builds a fake tree ("ok": the two usable devices only; "all": every state). */
static inline void t_fake_tree(const char *mode)
{
	char cmd[512];

	snprintf(t_fake_root, sizeof(t_fake_root), "/tmp/accel-uacce-XXXXXX");
	REQUIRE(mkdtemp(t_fake_root), "mkdtemp");
	chmod(t_fake_root, 0755);
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s' %s", T_FAKE_UACCE, t_fake_root, mode);
	REQUIRE(system(cmd) == 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "%s/sys/class/uacce", t_fake_root);
	setenv("ACCEL_UACCE_SYSFS_ROOT", cmd, 1);
	snprintf(cmd, sizeof(cmd), "%s/dev", t_fake_root);
	setenv("ACCEL_UACCE_DEV_ROOT", cmd, 1);
}

static inline void t_fake_cleanup(void)
{
	char cmd[256];

	if (!t_fake_root[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_fake_root);
	(void)!system(cmd);
}

/* Writes one attribute of a fake device. */
static inline void t_fake_attr(const char *dev, const char *attr, const char *val)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/class/uacce/%s/%s", t_fake_root, dev, attr);
	f = fopen(path, "w");
	REQUIRE(f, "open %s", path);
	fprintf(f, "%s\n", val);
	fclose(f);
}

/*
 * Real-stack mode: run under kunpeng-emu/run (KUNPENG_EMU_ROOT set), the tests use the real
 * UADK and the emulated QM that run set up (ACCEL_UADK_LIBWD*, ACCEL_UACCE_*_ROOT). The
 * double's control knobs do not exist there: a test that needs one SKIPs, saying which.
 * Statistics come from the emulator where it can tell (kunpeng_emu_stat), else -1.
 */
static bool t_uadk_real;

static inline int t_real_no_control(int cmd, long a, long b)
{
	(void)a;
	(void)b;
	printf("SKIP %s: needs the UADK test double's control knob %d; not available on real "
	       "UADK + the emulated QM\n", t_name, cmd);
	exit(77);
}

static inline long t_real_stat(int which)
{
	static long (*emu_stat)(int);

	if (!emu_stat)
		*(void **)&emu_stat = dlsym(RTLD_DEFAULT, "kunpeng_emu_stat");
	if (emu_stat && which == DBL_STAT_CTX_OPEN)
		return emu_stat(0);
	if (emu_stat && which == DBL_STAT_COMPLETED)
		return emu_stat(1);
	return -1;
}

static inline bool t_uadk_setup_real(const char *mode)
{
	const char *root = getenv("KUNPENG_EMU_ROOT");

	if (!root || !*root)
		return false;
	if (strcmp(mode, "ok") != 0) {
		printf("SKIP %s: needs the fake tree '%s' of unusable devices; the emulated QM "
		       "has only usable ones\n", t_name, mode);
		exit(77);
	}
	snprintf(t_fake_root, sizeof(t_fake_root), "%s", root);	/* t_fake_attr works; never removed */
	setenv("ACCEL_UADK_CHECK_MS", "0", 1);
	dbl_control = t_real_no_control;
	dbl_stat = t_real_stat;
	t_uadk_real = true;
	printf("NOTE %s: real UADK (%s) on the emulated QM (%s)\n", t_name,
	       getenv("ACCEL_UADK_LIBWD") ? getenv("ACCEL_UADK_LIBWD") : "libwd.so.2", root);
	return true;
}

/* Fake tree + double; SKIP if the double cannot compute (no libcrypto for this arch). */
static inline void t_uadk_setup(const char *mode)
{
	char reason[200];
	void *h;
	int rc;

	if (t_uadk_setup_real(mode))
		return;

	rc = accel_backend_probe(ACCEL_BACKEND_CPU, reason, sizeof(reason));
	if (rc == ACCEL_ENODEV && strstr(reason, "libcrypto")) {
		printf("SKIP %s: the UADK test double computes with libcrypto: %s\n", t_name, reason);
		exit(77);
	}
	t_fake_tree(mode);
	atexit(t_fake_cleanup);
	setenv("ACCEL_UADK_LIBWD", T_DOUBLE_DIR "/libaccel_test_double_wd.so", 1);
	setenv("ACCEL_UADK_LIBWD_CRYPTO", T_DOUBLE_DIR "/libaccel_test_double_wd_crypto.so", 1);
	setenv("ACCEL_UADK_CHECK_MS", "0", 1);	/* removal checked on every reap */
	h = dlopen(T_DOUBLE_DIR "/libaccel_test_double_wd.so", RTLD_NOW | RTLD_LOCAL);
	REQUIRE(h, "dlopen double: %s", dlerror());
	*(void **)&dbl_control = dlsym(h, "accel_test_double_control");
	*(void **)&dbl_stat = dlsym(h, "accel_test_double_stat");
	REQUIRE(dbl_control && dbl_stat, "double control symbols");
}

static inline accel_dev *t_uadk_open(uint32_t max_queues)
{
	struct accel_dev_config cfg = { .numa_node = -1, .max_queues = max_queues };
	accel_dev *dev = NULL;
	char reason[200];
	int rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));

	REQUIRE(rc == ACCEL_OK, "probe uadk = %d: %s", rc, reason);
	rc = accel_dev_open(ACCEL_BACKEND_UADK, &cfg, &dev);
	REQUIRE(rc == ACCEL_OK && dev, "dev_open(uadk) = %d", rc);
	return dev;
}

#endif /* ACCEL_TEST_UADK_COMMON_H */
