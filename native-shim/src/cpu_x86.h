/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpu_x86.h - one AVX-512 usability check for the kernels that choose their
 * code by CPU features at run time (rsa_ifma.c, sha_mb.c). Header-only so
 * that each kernel file still links on its own (the C tests and the UADK test
 * double compile them individually).
 */
#ifndef ACCEL_CPU_X86_H
#define ACCEL_CPU_X86_H

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdbool.h>
#include <stdint.h>

/* CPUID.(7,0):EBX bits */
#define SHIM_CPU_AVX512F (1u << 16)
#define SHIM_CPU_AVX512IFMA (1u << 21)
#define SHIM_CPU_AVX512BW (1u << 30)
#define SHIM_CPU_AVX512VL (1u << 31)

/*
 * True when the CPU has every feature in leaf7_ebx (SHIM_CPU_* bits) and the
 * OS saves the AVX-512 state: CPUID.1:ECX.OSXSAVE[27] (XGETBV available) and
 * XCR0 with SSE[1], AVX[2], opmask[5], ZMM_Hi256[6] and Hi16_ZMM[7] enabled.
 */
static inline bool shim_cpu_avx512_usable(uint32_t leaf7_ebx)
{
	unsigned a, b, c, d;
	uint32_t xcr0_lo, xcr0_hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	if ((b & leaf7_ebx) != leaf7_ebx)
		return false;
	__asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	(void)xcr0_hi;
	return (xcr0_lo & 0xE6u) == 0xE6u;
}
#endif

#endif /* ACCEL_CPU_X86_H */
