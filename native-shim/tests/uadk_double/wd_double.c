// SPDX-License-Identifier: Apache-2.0
/*
 * wd_double.c - TEST DOUBLE of libwd.so.2 (see double.h): device lookup from
 * the (fake) sysfs tree the shim's discovery reads, contexts that open the
 * (fake) /dev node, and the test control / statistics of the double.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "double.h"

static struct dbl_state st = { .lock = PTHREAD_MUTEX_INITIALIZER, .depth = DBL_MAX_PENDING };

__attribute__((constructor)) static void dbl_init(void)
{
	st.pid = getpid();
}

DBL_API struct dbl_state *accel_test_double_state(void)
{
	return &st;
}

DBL_API int accel_test_double_control(int cmd, long a, long b)
{
	pthread_mutex_lock(&st.lock);
	switch (cmd) {
	case DBL_RESET:
		st.depth = DBL_MAX_PENDING;
		st.reorder = st.cb_style = 0;
		st.send_err = st.send_err_count = 0;
		st.result_err = st.result_err_count = 0;
		st.poll_err = st.poll_err_count = 0;
		st.removed = 0;
		break;
	case DBL_DEPTH:
		st.depth = a < 1 ? 1 : a > DBL_MAX_PENDING ? DBL_MAX_PENDING : a;
		break;
	case DBL_REORDER:
		st.reorder = a;
		break;
	case DBL_SEND_ERR:
		st.send_err = a;
		st.send_err_count = b;
		break;
	case DBL_RESULT_ERR:
		st.result_err = a;
		st.result_err_count = b;
		break;
	case DBL_POLL_ERR:
		st.poll_err = a;
		st.poll_err_count = b;
		break;
	case DBL_REMOVE:
		__atomic_store_n(&st.removed, a, __ATOMIC_RELAXED);
		break;
	case DBL_CB_STYLE:
		st.cb_style = a;
		break;
	default:
		pthread_mutex_unlock(&st.lock);
		return -EINVAL;
	}
	pthread_mutex_unlock(&st.lock);
	return 0;
}

DBL_API long accel_test_double_stat(int which)
{
	if (which < 0 || which >= DBL_STAT_MAX)
		return -1;
	return __atomic_load_n(&st.stat[which], __ATOMIC_RELAXED);
}

/* ---- wd.h subset ---- */

static const char *sysfs_root(void)
{
	const char *r = getenv("ACCEL_UACCE_SYSFS_ROOT");

	return r && *r ? r : "/sys/class/uacce";
}

static const char *dev_root(void)
{
	const char *r = getenv("ACCEL_UACCE_DEV_ROOT");

	return r && *r ? r : "/dev";
}

static int read_str(const char *dir, const char *attr, char *out, size_t len)
{
	char path[700];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(out, 1, len - 1, f);
	fclose(f);
	out[n] = 0;
	return 0;
}

static int read_num(const char *dir, const char *attr, int dflt)
{
	char v[32];

	return read_str(dir, attr, v, sizeof(v)) ? dflt : (int)strtol(v, NULL, 0);
}

/* Like UADK: a device whose algorithms list names alg, with SVA, not isolated, with free queues. */
DBL_API struct uacce_dev *wd_get_accel_dev(const char *alg_name)
{
	DIR *d = opendir(sysfs_root());
	struct dirent *de;
	struct uacce_dev *best = NULL;

	if (!d)
		return NULL;
	while ((de = readdir(d)) && !best) {
		char dir[600], algs[UADK_MAX_ATTR_STR_SIZE] = "";
		char *tok, *save;
		int has = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", sysfs_root(), de->d_name);
		if (read_str(dir, "algorithms", algs, sizeof(algs)))
			continue;
		for (tok = strtok_r(algs, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			has |= !strcmp(tok, alg_name);
		if (!has || !(read_num(dir, "flags", 0) & 1) || read_num(dir, "isolate", 0) ||
		    read_num(dir, "available_instances", 0) <= 0)
			continue;
		best = calloc(1, sizeof(*best));
		if (!best)
			break;
		best->flags = read_num(dir, "flags", 0);
		best->numa_id = read_num(dir, "device/numa_node", -1);
		read_str(dir, "api", best->api, sizeof(best->api));
		read_str(dir, "algorithms", best->algs, sizeof(best->algs));
		snprintf(best->dev_root, sizeof(best->dev_root), "%.255s", dir);
		snprintf(best->char_dev_path, sizeof(best->char_dev_path), "%.180s/%.60s", dev_root(),
			 de->d_name);
	}
	closedir(d);
	return best;
}

/* opened contexts per device name (few: linear list); the kernel's budget is available_instances */
static struct { char dev[64]; int n; } opened[32];

static int reserve(const char *dev, int avail, int delta)
{
	int i, ret = -1;

	pthread_mutex_lock(&st.lock);
	for (i = 0; i < 32 && opened[i].dev[0] && strcmp(opened[i].dev, dev); i++)
		;
	if (i < 32) {
		if (!opened[i].dev[0])
			snprintf(opened[i].dev, sizeof(opened[i].dev), "%s", dev);
		if (delta < 0 && opened[i].n > 0) {
			opened[i].n--;
			ret = 0;
		} else if (delta > 0 && opened[i].n < avail) {
			opened[i].n++;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&st.lock);
	return ret;
}

DBL_API wd_handle_t wd_request_ctx(struct uacce_dev *dev)
{
	struct dbl_ctx *c;
	const char *name;
	int fd;

	if (!dev)
		return 0;
	name = strrchr(dev->char_dev_path, '/');
	name = name ? name + 1 : dev->char_dev_path;
	if (reserve(name, read_num(dev->dev_root, "available_instances", 0), 1))
		return 0;	/* all queues taken (the kernel answers EBUSY) */
	fd = open(dev->char_dev_path, O_RDWR | O_CLOEXEC);
	c = fd >= 0 ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		if (fd >= 0)
			close(fd);
		reserve(name, 0, -1);
		return 0;
	}
	c->magic = DBL_CTX_MAGIC;
	c->fd = fd;
	snprintf(c->dev, sizeof(c->dev), "%.63s", name);
	pthread_mutex_init(&c->lock, NULL);
	__atomic_fetch_add(&st.stat[DBL_STAT_CTX_OPEN], 1, __ATOMIC_RELAXED);
	return (wd_handle_t)c;
}

DBL_API void wd_release_ctx(wd_handle_t h)
{
	struct dbl_ctx *c = (struct dbl_ctx *)h;

	if (!c || c->magic != DBL_CTX_MAGIC)
		return;
	reserve(c->dev, 0, -1);
	for (uint32_t i = 0; i < c->npending; i++)
		free(c->pending[i]);
	close(c->fd);
	c->magic = 0;
	pthread_mutex_destroy(&c->lock);
	free(c);
	__atomic_fetch_sub(&st.stat[DBL_STAT_CTX_OPEN], 1, __ATOMIC_RELAXED);
}
