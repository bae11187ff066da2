package dev.accel.ffm;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The C type layouts and struct layouts of {@code native-shim/include/accel_shim.h}: the one class
 * that knows how the shim's structs look in memory.
 *
 * <p>Every struct below MUST MATCH accel_shim.h field for field. {@link NativeLibrary} compares
 * each layout's {@code byteSize()} with {@code accel_abi_sizeof()} before it declares the library
 * usable, so a mismatch shows up as "unavailable" with a precise cause rather than as memory
 * corruption. Offsets are {@code long} constants resolved once from the layouts (never
 * hand-written), for use with {@code MemorySegment.get/set(layout, offset)} on the hot path.
 */
public final class Layouts {
  private Layouts() {}

  private static final Linker LINKER = Linker.nativeLinker();

  /** C {@code int} / {@code uint32_t} / {@code int32_t}. */
  public static final ValueLayout.OfInt C_INT =
      (ValueLayout.OfInt) LINKER.canonicalLayouts().get("int");
  /** C {@code long long} / {@code uint64_t}. */
  public static final ValueLayout.OfLong C_LONG_LONG =
      (ValueLayout.OfLong) LINKER.canonicalLayouts().get("long long");
  /** C {@code char}. */
  public static final ValueLayout.OfByte C_CHAR =
      (ValueLayout.OfByte) LINKER.canonicalLayouts().get("char");
  /** C {@code void *} (any data pointer). */
  public static final AddressLayout C_POINTER =
      (AddressLayout) LINKER.canonicalLayouts().get("void*");

  /** struct accel_bn: MUST MATCH accel_shim.h (16 bytes). */
  public static final GroupLayout BN =
      MemoryLayout.structLayout(
              C_POINTER.withName("data"),
              C_INT.withName("len"),
              C_INT.withName("reserved"))
          .withName("accel_bn");

  /** struct accel_rsa_key: MUST MATCH accel_shim.h (120 bytes). */
  public static final GroupLayout RSA_KEY =
      MemoryLayout.structLayout(
              C_INT.withName("n_bits"),
              C_INT.withName("flags"),
              BN.withName("n"),
              BN.withName("e"),
              BN.withName("p"),
              BN.withName("q"),
              BN.withName("dp"),
              BN.withName("dq"),
              BN.withName("qinv"))
          .withName("accel_rsa_key");

  /** struct accel_dev_config: MUST MATCH accel_shim.h (24 bytes). */
  public static final GroupLayout DEV_CONFIG =
      MemoryLayout.structLayout(
              C_INT.withName("profile"),
              C_INT.withName("engines"),
              C_INT.withName("numa_node"),
              C_INT.withName("max_queues"),
              C_INT.withName("flags"),
              C_INT.withName("reserved"))
          .withName("accel_dev_config");

  /** struct accel_caps: MUST MATCH accel_shim.h (192 bytes). */
  public static final GroupLayout CAPS =
      MemoryLayout.structLayout(
              C_INT.withName("backend"),
              C_INT.withName("ops_mask"),
              C_INT.withName("aes_key_mask"),
              C_INT.withName("gcm_iv_min"),
              C_INT.withName("gcm_iv_max"),
              C_INT.withName("gcm_tag_min"),
              C_INT.withName("gcm_tag_max"),
              C_INT.withName("gcm_open_tag_min"),
              C_LONG_LONG.withName("gcm_aad_max"),
              C_LONG_LONG.withName("gcm_data_max"),
              C_INT.withName("gcm_flags"),
              C_INT.withName("rsa_bits_mask"),
              C_INT.withName("rsa_min_bits"),
              C_INT.withName("rsa_max_bits"),
              C_INT.withName("rsa_flags"),
              C_INT.withName("queue_depth_max"),
              C_INT.withName("queues_max"),
              C_INT.withName("engines"),
              C_LONG_LONG.withName("digest_data_max"),
              C_INT.withName("profile"),
              C_INT.withName("reserved"),
              MemoryLayout.sequenceLayout(32, C_CHAR).withName("name"),
              MemoryLayout.sequenceLayout(64, C_CHAR).withName("driver"))
          .withName("accel_caps");

  /** struct accel_health: MUST MATCH accel_shim.h (136 bytes). */
  public static final GroupLayout HEALTH =
      MemoryLayout.structLayout(
              C_INT.withName("state"),
              C_INT.withName("queues_open"),
              C_LONG_LONG.withName("submitted"),
              C_LONG_LONG.withName("completed"),
              C_LONG_LONG.withName("errors"),
              C_LONG_LONG.withName("faults_injected"),
              MemoryLayout.sequenceLayout(96, C_CHAR).withName("reason"))
          .withName("accel_health");

  /** struct accel_desc: MUST MATCH accel_shim.h (96 bytes). */
  public static final GroupLayout DESC =
      MemoryLayout.structLayout(
              C_LONG_LONG.withName("user_tag"),
              C_LONG_LONG.withName("session"),
              C_INT.withName("op"),
              C_INT.withName("flags"),
              C_POINTER.withName("src"),
              C_LONG_LONG.withName("src_len"),
              C_POINTER.withName("dst"),
              C_LONG_LONG.withName("dst_len"),
              C_POINTER.withName("aad"),
              C_LONG_LONG.withName("aad_len"),
              C_POINTER.withName("iv"),
              C_INT.withName("iv_len"),
              C_INT.withName("tag_len"),
              C_POINTER.withName("tag"))
          .withName("accel_desc");

  /** struct accel_cqe: MUST MATCH accel_shim.h (24 bytes). */
  public static final GroupLayout CQE =
      MemoryLayout.structLayout(
              C_LONG_LONG.withName("user_tag"),
              C_INT.withName("status"),
              C_INT.withName("out_len"),
              C_INT.withName("detail"),
              C_INT.withName("reserved"))
          .withName("accel_cqe");

  private static long off(GroupLayout g, String... path) {
    PathElement[] p = new PathElement[path.length];
    for (int i = 0; i < path.length; i++) {
      p[i] = PathElement.groupElement(path[i]);
    }
    return g.byteOffset(p);
  }

  // accel_bn
  public static final long BN_DATA = off(BN, "data");
  public static final long BN_LEN = off(BN, "len");

  // accel_rsa_key
  public static final long RSA_N_BITS = off(RSA_KEY, "n_bits");
  public static final long RSA_FLAGS = off(RSA_KEY, "flags");
  public static final long RSA_N = off(RSA_KEY, "n");
  public static final long RSA_E = off(RSA_KEY, "e");
  public static final long RSA_P = off(RSA_KEY, "p");
  public static final long RSA_Q = off(RSA_KEY, "q");
  public static final long RSA_DP = off(RSA_KEY, "dp");
  public static final long RSA_DQ = off(RSA_KEY, "dq");
  public static final long RSA_QINV = off(RSA_KEY, "qinv");
  /** ACCEL_RSA_KEY_HAS_CRT: MUST MATCH accel_shim.h. */
  public static final int RSA_KEY_HAS_CRT = 1;

  // accel_dev_config
  public static final long CFG_PROFILE = off(DEV_CONFIG, "profile");
  public static final long CFG_ENGINES = off(DEV_CONFIG, "engines");
  public static final long CFG_NUMA_NODE = off(DEV_CONFIG, "numa_node");
  public static final long CFG_MAX_QUEUES = off(DEV_CONFIG, "max_queues");
  public static final long CFG_FLAGS = off(DEV_CONFIG, "flags");

  // accel_caps
  public static final long CAPS_BACKEND = off(CAPS, "backend");
  public static final long CAPS_OPS_MASK = off(CAPS, "ops_mask");
  public static final long CAPS_AES_KEY_MASK = off(CAPS, "aes_key_mask");
  public static final long CAPS_GCM_IV_MIN = off(CAPS, "gcm_iv_min");
  public static final long CAPS_GCM_IV_MAX = off(CAPS, "gcm_iv_max");
  public static final long CAPS_GCM_TAG_MIN = off(CAPS, "gcm_tag_min");
  public static final long CAPS_GCM_TAG_MAX = off(CAPS, "gcm_tag_max");
  public static final long CAPS_GCM_OPEN_TAG_MIN = off(CAPS, "gcm_open_tag_min");
  public static final long CAPS_GCM_AAD_MAX = off(CAPS, "gcm_aad_max");
  public static final long CAPS_GCM_DATA_MAX = off(CAPS, "gcm_data_max");
  public static final long CAPS_GCM_FLAGS = off(CAPS, "gcm_flags");
  public static final long CAPS_RSA_BITS_MASK = off(CAPS, "rsa_bits_mask");
  public static final long CAPS_RSA_MIN_BITS = off(CAPS, "rsa_min_bits");
  public static final long CAPS_RSA_MAX_BITS = off(CAPS, "rsa_max_bits");
  public static final long CAPS_RSA_FLAGS = off(CAPS, "rsa_flags");
  public static final long CAPS_QUEUE_DEPTH_MAX = off(CAPS, "queue_depth_max");
  public static final long CAPS_QUEUES_MAX = off(CAPS, "queues_max");
  public static final long CAPS_ENGINES = off(CAPS, "engines");
  public static final long CAPS_DIGEST_DATA_MAX = off(CAPS, "digest_data_max");
  public static final long CAPS_PROFILE = off(CAPS, "profile");
  public static final long CAPS_NAME = off(CAPS, "name");
  public static final long CAPS_NAME_LEN = 32;
  public static final long CAPS_DRIVER = off(CAPS, "driver");
  public static final long CAPS_DRIVER_LEN = 64;
  /** ACCEL_GCM_EMPTY_OK: MUST MATCH accel_shim.h. */
  public static final int GCM_EMPTY_OK = 1;

  /** accel_dev_config.flags: poison and quarantine freed buffers (debug). MUST MATCH ACCEL_DEV_POISON_FREED. */
  public static final int DEV_POISON_FREED = 1;
  /** ACCEL_RSA_ANY_SIZE: MUST MATCH accel_shim.h. */
  public static final int RSA_ANY_SIZE = 1;

  // accel_health
  public static final long HEALTH_STATE = off(HEALTH, "state");
  public static final long HEALTH_QUEUES_OPEN = off(HEALTH, "queues_open");
  public static final long HEALTH_SUBMITTED = off(HEALTH, "submitted");
  public static final long HEALTH_COMPLETED = off(HEALTH, "completed");
  public static final long HEALTH_ERRORS = off(HEALTH, "errors");
  public static final long HEALTH_FAULTS = off(HEALTH, "faults_injected");
  public static final long HEALTH_REASON = off(HEALTH, "reason");
  public static final long HEALTH_REASON_LEN = 96;

  // accel_desc
  public static final long DESC_USER_TAG = off(DESC, "user_tag");
  public static final long DESC_SESSION = off(DESC, "session");
  public static final long DESC_OP = off(DESC, "op");
  public static final long DESC_FLAGS = off(DESC, "flags");
  public static final long DESC_SRC = off(DESC, "src");
  public static final long DESC_SRC_LEN = off(DESC, "src_len");
  public static final long DESC_DST = off(DESC, "dst");
  public static final long DESC_DST_LEN = off(DESC, "dst_len");
  public static final long DESC_AAD = off(DESC, "aad");
  public static final long DESC_AAD_LEN = off(DESC, "aad_len");
  public static final long DESC_IV = off(DESC, "iv");
  public static final long DESC_IV_LEN = off(DESC, "iv_len");
  public static final long DESC_TAG_LEN = off(DESC, "tag_len");
  public static final long DESC_TAG = off(DESC, "tag");

  // accel_cqe
  public static final long CQE_USER_TAG = off(CQE, "user_tag");
  public static final long CQE_STATUS = off(CQE, "status");
  public static final long CQE_OUT_LEN = off(CQE, "out_len");
  public static final long CQE_DETAIL = off(CQE, "detail");

  /**
   * Reads a NUL-terminated C string from a fixed-size {@code char[maxLen]} field, never past the
   * field even when the shim filled it without a terminator.
   */
  public static String fixedString(MemorySegment seg, long offset, long maxLen) {
    int n = 0;
    while (n < maxLen && seg.get(C_CHAR, offset + n) != 0) {
      n++;
    }
    byte[] b = new byte[n];
    MemorySegment.copy(seg, C_CHAR, offset, b, 0, n);
    return new String(b, StandardCharsets.UTF_8);
  }
}
