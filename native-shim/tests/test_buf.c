// SPDX-License-Identifier: Apache-2.0
/* accel_buf_alloc: 64-byte aligned, zeroed, usable; poison + quarantine detects late writes. */
#include "test_common.h"

int main(void)
{
	static const uint64_t sizes[] = { 1, 63, 64, 4095, 4096, 4097, 1 << 20, 16 << 20 };
	struct accel_dev_config cfg = { .flags = ACCEL_DEV_POISON_FREED };
	struct accel_health h;
	accel_dev *dev, *pdev = NULL;

	t_name = "buf";
	dev = t_open(ACCEL_BACKEND_EMU, 0, 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *b = accel_buf_alloc(dev, sizes[i]);

		REQUIRE(b, "alloc %" PRIu64, sizes[i]);
		CHECK(((uintptr_t)b & 63) == 0, "alignment %p", (void *)b);
		CHECK(b[0] == 0 && b[sizes[i] - 1] == 0, "not zeroed");
		memset(b, 0x5a, sizes[i]);
		accel_buf_free(dev, b, sizes[i]);
	}
	CHECK(accel_buf_alloc(dev, 0) == NULL, "zero-length alloc");
	CHECK(accel_buf_alloc(NULL, 100) != NULL, "alloc without device");
	accel_buf_free(dev, NULL, 10);	/* no-op */

	/* debug poisoning: a freed buffer reads 0xA5 and a late write is reported */
	REQUIRE(accel_dev_open(ACCEL_BACKEND_EMU, &cfg, &pdev) == ACCEL_OK, "poison dev");
	uint8_t *b = accel_buf_alloc(pdev, 256);

	REQUIRE(b, "alloc");
	accel_buf_free(pdev, b, 256);
	CHECK(b[0] == 0xA5 && b[255] == 0xA5, "not poisoned: %02x", b[0]);
	CHECK_RC(accel_dev_health(pdev, &h), ACCEL_OK);
	CHECK(h.reason[0] == 0, "reason before late write: %s", h.reason);
	b[17] = 1;	/* what a device writing after the free would do */
	printf("  (a 'late write' message on stderr below is expected)\n");
	fflush(stdout);
	CHECK_RC(accel_dev_health(pdev, &h), ACCEL_OK);
	CHECK(strstr(h.reason, "late write") != NULL, "late write not detected: '%s'", h.reason);
	/* the quarantine is bounded: many frees keep working */
	for (int i = 0; i < 200; i++) {
		uint8_t *x = accel_buf_alloc(pdev, 4096);

		REQUIRE(x, "alloc %d", i);
		accel_buf_free(pdev, x, 4096);
	}
	CHECK_RC(accel_dev_close(pdev), ACCEL_OK);
	CHECK_RC(accel_dev_close(dev), ACCEL_OK);
	return t_done();
}
