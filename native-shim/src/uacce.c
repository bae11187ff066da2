// SPDX-License-Identifier: Apache-2.0
/*
 * uacce.c - UACCE device discovery from sysfs (DEVICE-MODEL.md, "The
 * user-space access path"): /sys/class/uacce/<driver>-<id>/{api, flags,
 * algorithms, available_instances, isolate, device/numa_node} and the
 * character device /dev/<driver>-<id>. Both roots are overridable
 * (ACCEL_UACCE_SYSFS_ROOT, ACCEL_UACCE_DEV_ROOT) so tests can point
 * discovery at a fake tree; read with secure_getenv, so a setuid or setcap
 * process always uses the real ones.
 *
 * Attribute names and meanings: Linux Documentation/ABI/testing/
 * sysfs-driver-uacce. Ids are global across drivers, so devices are matched
 * by name prefix, never by id.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

static const struct {
	const char *prefix;
	int kind;
} known_drivers[] = {
	{ "hisi_sec2-", SHIM_UACCE_SEC },	/* mainline */
	{ "hisi_sec-", SHIM_UACCE_SEC },	/* out-of-tree (Kunpeng 916/920 BSP) kernels */
	{ "hisi_hpre-", SHIM_UACCE_HPRE },
};

const char *shim_uacce_sysfs_root(void)
{
	const char *r = secure_getenv("ACCEL_UACCE_SYSFS_ROOT");

	return r && *r ? r : "/sys/class/uacce";
}

const char *shim_uacce_dev_root(void)
{
	const char *r = secure_getenv("ACCEL_UACCE_DEV_ROOT");

	return r && *r ? r : "/dev";
}

/* Reads a small sysfs attribute; trailing whitespace stripped. false if absent. */
static bool read_attr(const char *dir, const char *attr, char *out, size_t len)
{
	char path[600];
	size_t n;
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(out, 1, len - 1, f);
	fclose(f);
	out[n] = 0;
	while (n && isspace((unsigned char)out[n - 1]))
		out[--n] = 0;
	return true;
}

static int read_int_attr(const char *dir, const char *attr, int missing)
{
	char v[32];
	char *end;
	long x;

	if (!read_attr(dir, attr, v, sizeof(v)) || !v[0])
		return missing;
	errno = 0;
	x = strtol(v, &end, 0);	/* flags may be written in hex */
	if (errno || end == v)
		return missing;
	return (int)x;
}

bool shim_uacce_has_alg(const struct shim_uacce_dev *d, const char *alg)
{
	size_t n = strlen(alg);

	for (const char *p = d->algorithms; (p = strstr(p, alg)); p += n) {
		bool start = p == d->algorithms || p[-1] == ',';
		bool end = p[n] == 0 || p[n] == ',';

		if (start && end)
			return true;
	}
	return false;
}

static void classify(struct shim_uacce_dev *d)
{
	const char *need = d->kind == SHIM_UACCE_SEC ? "aead" : "rsa";

	d->usable = false;
	if (d->kind == SHIM_UACCE_OTHER) {
		snprintf(d->reason, sizeof(d->reason),
			 "driver %s is not used by Accel (hisi_sec2, hisi_sec, hisi_hpre)", d->driver);
	} else if (d->flags < 0) {
		snprintf(d->reason, sizeof(d->reason), "unreadable sysfs attribute 'flags'");
	} else if (!(d->flags & 1)) {
		snprintf(d->reason, sizeof(d->reason),
			 "no SVA (flags=%d, bit 0 clear): enable the IOMMU with SVA for this device",
			 d->flags);
	} else if (d->isolate > 0) {
		snprintf(d->reason, sizeof(d->reason),
			 "isolated after hardware errors (isolate=%d)", d->isolate);
	} else if (d->avail == 0) {
		snprintf(d->reason, sizeof(d->reason),
			 "no free queues (available_instances=0)");
	} else if (!shim_uacce_has_alg(d, need)) {
		snprintf(d->reason, sizeof(d->reason), "algorithms lack '%s'", need);
	} else if (access(d->dev_path, F_OK)) {
		snprintf(d->reason, sizeof(d->reason), "no device node %.200s", d->dev_path);
	} else if (access(d->dev_path, R_OK | W_OK)) {
		snprintf(d->reason, sizeof(d->reason),
			 "no permission on %.200s (needs read+write)", d->dev_path);
	} else {
		d->usable = true;
		d->reason[0] = 0;
	}
}

/* Fills one entry from its sysfs directory; false if `name` is not a device directory. */
static bool read_dev(const char *root, const char *name, struct shim_uacce_dev *d)
{
	char algs[sizeof(d->algorithms)];
	const char *dash;
	struct stat st;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->sysfs_path, sizeof(d->sysfs_path), "%s/%s", root, name);
	if (stat(d->sysfs_path, &st) || !S_ISDIR(st.st_mode))
		return false;
	snprintf(d->dev_path, sizeof(d->dev_path), "%s/%s", shim_uacce_dev_root(), name);
	dash = strrchr(name, '-');
	snprintf(d->driver, sizeof(d->driver), "%.*s",
		 (int)(dash ? (size_t)(dash - name) : strlen(name)), name);
	d->kind = SHIM_UACCE_OTHER;
	for (size_t i = 0; i < sizeof(known_drivers) / sizeof(known_drivers[0]); i++)
		if (!strncmp(name, known_drivers[i].prefix, strlen(known_drivers[i].prefix)))
			d->kind = known_drivers[i].kind;
	if (!read_attr(d->sysfs_path, "api", d->api, sizeof(d->api)) || !d->api[0])
		snprintf(d->api, sizeof(d->api), "-");
	read_attr(d->sysfs_path, "algorithms", algs, sizeof(algs));
	/* newline (or space) separated list -> comma separated */
	{
		size_t o = 0;
		bool sep = false;

		for (const char *p = algs; *p && o + 2 < sizeof(d->algorithms); p++) {
			if (isspace((unsigned char)*p)) {
				sep = o > 0;
				continue;
			}
			if (sep)
				d->algorithms[o++] = ',';
			sep = false;
			d->algorithms[o++] = *p;
		}
		d->algorithms[o] = 0;
	}
	d->flags = read_int_attr(d->sysfs_path, "flags", -1);
	d->avail = read_int_attr(d->sysfs_path, "available_instances", -1);
	d->isolate = read_int_attr(d->sysfs_path, "isolate", 0);
	d->numa = read_int_attr(d->sysfs_path, "device/numa_node", -1);
	classify(d);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct shim_uacce_dev *)a)->name,
		      ((const struct shim_uacce_dev *)b)->name);
}

int shim_uacce_scan(struct shim_uacce_dev *out, int max)
{
	const char *root = shim_uacce_sysfs_root();
	DIR *dir = opendir(root);
	struct dirent *de;
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		if (read_dev(root, de->d_name, &out[n]))
			n++;
	}
	closedir(dir);
	qsort(out, (size_t)n, sizeof(*out), by_name);
	return n;
}

/*
 * Removal / isolation check for an opened device, without touching its
 * queues: the sysfs node disappears when the driver unbinds (uacce_remove),
 * and `isolate` turns 1 when the driver isolates it. Returns true while the
 * device is still there and not isolated; else *why says which.
 */
bool shim_uacce_alive(const char *name, char *why, size_t why_len)
{
	char dir[600];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/%s", shim_uacce_sysfs_root(), name);
	if (stat(dir, &st)) {
		snprintf(why, why_len, "device %s removed", name);
		return false;
	}
	if (read_int_attr(dir, "isolate", 0) > 0) {
		snprintf(why, why_len, "device %s isolated after hardware errors", name);
		return false;
	}
	return true;
}
