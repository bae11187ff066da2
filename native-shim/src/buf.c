// SPDX-License-Identifier: Apache-2.0
/*
 * buf.c - device-visible buffers. The device reads and writes them after
 * accel_submit returns, so they are native, page-aligned (hence 64-byte
 * aligned) and pre-faulted (MAP_POPULATE: no page fault on the device path,
 * as pinned DMA memory would be).
 *
 * ACCEL_DEV_POISON_FREED (debug): a freed buffer is filled with 0xA5 and kept
 * mapped in a bounded quarantine; a late device write changes the pattern and
 * is reported (stderr, and accel_dev_health's reason) when checked.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"

#define POISON 0xA5
#define QUARANTINE_MAX_BUF (64ull << 20)	/* larger buffers are poisoned, then unmapped */

static uint64_t map_len(uint64_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (len + page - 1) & ~(page - 1);
}

/* len: validated by accel_buf_alloc (shim.c) */
void *shim_buf_map(uint64_t len)
{
	void *p = mmap(NULL, map_len(len), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static bool poisoned(const struct shim_quarantine *e)
{
	const uint8_t *p = e->buf;

	for (uint64_t i = 0; i < e->map_len; i++)
		if (p[i] != POISON)
			return false;
	return true;
}

/* buf_lock held. */
static void release(struct accel_dev *dev, struct shim_quarantine *e)
{
	if (!e->buf)
		return;
	if (!poisoned(e)) {
		atomic_fetch_add(&dev->poison_violations, 1);
		fprintf(stderr, "accel-shim: %s: late write into freed buffer %p (%llu bytes)\n",
			dev->caps.name, e->buf, (unsigned long long)e->map_len);
	}
	munmap(e->buf, e->map_len);
	e->buf = NULL;
}

/* dev: NULL, or a valid handle (accel_buf_free checked it); buf, len: not 0. */
void shim_buf_unmap(struct accel_dev *dev, void *buf, uint64_t len)
{
	uint64_t ml = map_len(len);

	/* no locks in a forked child (see shim.c): plain unmap */
	if (!dev || !(dev->cfg.flags & ACCEL_DEV_POISON_FREED) || dev->pid != getpid()) {
		munmap(buf, ml);
		return;
	}
	memset(buf, POISON, ml);
	if (ml > QUARANTINE_MAX_BUF) {
		munmap(buf, ml);
		return;
	}
	pthread_mutex_lock(&dev->buf_lock);
	struct shim_quarantine *e = &dev->quarantine[dev->quarantine_next];

	release(dev, e);	/* oldest goes: checked, then unmapped */
	e->buf = buf;
	e->map_len = ml;
	dev->quarantine_next = (dev->quarantine_next + 1) % SHIM_QUARANTINE_SLOTS;
	pthread_mutex_unlock(&dev->buf_lock);
}

/* Checks every quarantined buffer; returns the violations seen so far. */
uint32_t shim_buf_check(struct accel_dev *dev)
{
	pthread_mutex_lock(&dev->buf_lock);
	for (uint32_t i = 0; i < SHIM_QUARANTINE_SLOTS; i++) {
		struct shim_quarantine *e = &dev->quarantine[i];

		if (e->buf && !poisoned(e)) {
			release(dev, e);	/* report once, then let it go */
		}
	}
	pthread_mutex_unlock(&dev->buf_lock);
	return atomic_load(&dev->poison_violations);
}

void shim_buf_dev_close(struct accel_dev *dev)
{
	pthread_mutex_lock(&dev->buf_lock);
	for (uint32_t i = 0; i < SHIM_QUARANTINE_SLOTS; i++)
		release(dev, &dev->quarantine[i]);
	pthread_mutex_unlock(&dev->buf_lock);
}
