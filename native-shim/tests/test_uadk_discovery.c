// SPDX-License-Identifier: Apache-2.0
/*
 * UACCE discovery over fake sysfs trees: accel_uacce_list's line format and
 * one reason per unusable state (no SVA, isolated, no free queues, no device
 * node, no permission - checked as an unprivileged user -, foreign driver);
 * the uadk probe's summary for an empty root, a tree of unusable devices,
 * missing UADK libraries, and a usable tree (with the test double).
 */
#include "test_uadk_common.h"

#include <pwd.h>
#include <sys/wait.h>

struct line {
	char f[10][256];
};

static int parse(char *buf, struct line *out, int max)
{
	int n = 0;

	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save), n++) {
		int i = 0;
		char *p = l;

		memset(&out[n], 0, sizeof(out[n]));
		for (; i < 10; i++) {
			char *tab = strchr(p, '\t');

			if (tab)
				*tab = 0;
			snprintf(out[n].f[i], sizeof(out[n].f[i]), "%s", p);
			if (!tab)
				break;
			p = tab + 1;
		}
		CHECK(i == 9, "line %d has %d fields", n, i + 1);
	}
	return n;
}

static const struct line *find(const struct line *l, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(l[i].f[0], name))
			return &l[i];
	return NULL;
}

static void expect(const struct line *l, int n, const char *name, int usable, const char *why)
{
	const struct line *x = find(l, n, name);

	CHECK(x != NULL, "%s not listed", name);
	if (!x)
		return;
	CHECK(atoi(x->f[8]) == usable, "%s usable=%s (reason '%s')", name, x->f[8], x->f[9]);
	if (why)
		CHECK(strstr(x->f[9], why) != NULL, "%s reason '%s', want '%s'", name, x->f[9], why);
	else
		CHECK(x->f[9][0] == 0, "%s reason '%s'", name, x->f[9]);
}

/* The permission case needs an unprivileged process: root bypasses file modes. */
static int unprivileged_child(void)
{
	static char buf[16384];
	struct line l[16];
	int n;

	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");

		if (!pw || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
			printf("  (cannot drop to nobody: permission case not checked)\n");
			return 0;
		}
	}
	n = accel_uacce_list(buf, sizeof(buf));
	CHECK(n == 9, "unprivileged list = %d", n);
	n = parse(buf, l, 16);
	expect(l, n, "hisi_hpre-6", 0, "no permission on ");
	expect(l, n, "hisi_sec2-0", 1, NULL);
	return t_failures ? 1 : 0;
}

static int child_without_uadk(void)
{
	char reason[200];
	int rc;

	setenv("ACCEL_UADK_LIBWD", "libwd-absent.so.99", 1);
	rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));
	CHECK(rc == ACCEL_ENODEV, "probe = %d", rc);
	CHECK(strstr(reason, "libwd.so.2 not found") && strstr(reason, "libwd-absent.so.99"),
	      "reason '%s'", reason);
	return t_failures ? 1 : 0;
}

static int run_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0)
		_exit(fn());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

int main(void)
{
	static char buf[16384];
	char reason[400], small[64];
	struct line l[16];
	int n, rc;

	t_name = "uadk_discovery";

	/* empty root: the device tier is simply absent */
	setenv("ACCEL_UACCE_SYSFS_ROOT", "/nonexistent/uacce", 1);
	CHECK_RC(accel_uacce_list(buf, sizeof(buf)), 0);
	CHECK(buf[0] == 0, "empty list '%s'", buf);
	rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));
	CHECK(rc == ACCEL_ENODEV && strstr(reason, "no SEC2/HPRE devices under /nonexistent/uacce"),
	      "empty: %d '%s'", rc, reason);

	/* every state */
	t_uadk_setup("all");
	n = accel_uacce_list(buf, sizeof(buf));
	CHECK(n == 9, "list = %d", n);
	printf("%s", buf);
	n = parse(buf, l, 16);
	expect(l, n, "hisi_sec2-0", 1, NULL);
	expect(l, n, "hisi_hpre-1", 1, NULL);
	expect(l, n, "hisi_sec2-2", 0, "no SVA");
	expect(l, n, "hisi_sec2-3", 0, "isolated");
	expect(l, n, "hisi_hpre-4", 0, "no free queues (available_instances=0)");
	expect(l, n, "hisi_sec2-5", 0, "no device node ");
	expect(l, n, "hisi_zip-7", 0, "not used by Accel");
	expect(l, n, "hisi_sec-8", 1, NULL);
	{
		const struct line *x = find(l, n, "hisi_sec2-0");

		CHECK(x && !strcmp(x->f[1], "hisi_sec2") && !strcmp(x->f[2], "hisi_qm_v2") &&
			      !strcmp(x->f[3], "1") && !strcmp(x->f[4], "cipher,digest,aead") &&
			      !strcmp(x->f[5], "256") && !strcmp(x->f[6], "0") && !strcmp(x->f[7], "0"),
		      "fields of hisi_sec2-0");
		x = find(l, n, "hisi_hpre-4");
		CHECK(x && !strcmp(x->f[7], "1") && strstr(x->f[4], "rsa"), "fields of hisi_hpre-4");
	}
	/* truncation at a line boundary; counting */
	rc = accel_uacce_list(small, sizeof(small));
	CHECK(rc == ACCEL_ENOMEM && strchr(small, '\n') == NULL && small[0] == 0,
	      "small buffer: %d '%s'", rc, small);
	CHECK_RC(accel_uacce_list(NULL, 0), 9);
	CHECK_RC(accel_uacce_list(NULL, 5), ACCEL_EINVAL);

	if (getenv("ACCEL_TEST_NO_THREADS") && *getenv("ACCEL_TEST_NO_THREADS")) {
		printf("  (no child processes here: permission and no-UADK cases not run: %s)\n",
		       getenv("ACCEL_TEST_NO_THREADS"));
	} else {
		CHECK(run_child(unprivileged_child) == 0, "unprivileged child failed");
		CHECK(run_child(child_without_uadk) == 0, "no-UADK child failed");
	}

	/* nothing usable: the probe lists every reason */
	t_fake_attr("hisi_sec2-0", "flags", "0");
	t_fake_attr("hisi_hpre-1", "isolate", "1");
	t_fake_attr("hisi_sec-8", "available_instances", "0");
	t_fake_attr("hisi_hpre-6", "available_instances", "0");	/* usable to root */
	rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));
	printf("  unusable tree: %d (%s)\n", rc, reason);
	CHECK(rc == ACCEL_ENODEV, "unusable tree probe = %d", rc);
	CHECK(strstr(reason, "hisi_sec2-0: no SVA") && strstr(reason, "hisi_hpre-1: isolated"),
	      "reason '%s'", reason);
	t_fake_attr("hisi_sec2-0", "flags", "1");
	t_fake_attr("hisi_hpre-1", "isolate", "0");

	/* usable tree: OK with the double */
	rc = accel_backend_probe(ACCEL_BACKEND_UADK, reason, sizeof(reason));
	CHECK(rc == ACCEL_OK && reason[0] == 0, "usable tree probe = %d '%s'", rc, reason);
	return t_done();
}
