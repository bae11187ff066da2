package dev.accel.ffm;

/** Shim opcodes, backends, session families and struct ids: MUST MATCH accel_shim.h. */
public final class Opcode {
  private Opcode() {}

  // enum accel_op
  public static final int GCM_SEAL = 1;
  public static final int GCM_OPEN = 2;
  public static final int SHA224 = 3;
  public static final int SHA256 = 4;
  public static final int SHA384 = 5;
  public static final int SHA512 = 6;
  public static final int RSA_PRIV_CRT = 7;
  public static final int RSA_PUB = 8;
  public static final int MAX = 8;

  // enum accel_backend
  public static final int BACKEND_EMU = 1;
  public static final int BACKEND_CPU = 2;
  public static final int BACKEND_UADK = 3;

  // enum accel_family
  public static final int FAMILY_AEAD = 1;
  public static final int FAMILY_RSA = 2;

  // enum accel_struct_id
  public static final int STRUCT_DESC = 1;
  public static final int STRUCT_CQE = 2;
  public static final int STRUCT_CAPS = 3;
  public static final int STRUCT_HEALTH = 4;
  public static final int STRUCT_DEV_CONFIG = 5;
  public static final int STRUCT_RSA_KEY = 6;
  public static final int STRUCT_BN = 7;

  /** Human name of an opcode, for reports. */
  public static String name(int op) {
    return switch (op) {
      case GCM_SEAL -> "gcm-seal";
      case GCM_OPEN -> "gcm-open";
      case SHA224 -> "sha224";
      case SHA256 -> "sha256";
      case SHA384 -> "sha384";
      case SHA512 -> "sha512";
      case RSA_PRIV_CRT -> "rsa-priv-crt";
      case RSA_PUB -> "rsa-pub";
      default -> "op" + op;
    };
  }

  /** Backend name ({@code emu}, {@code cpu}, {@code uadk}) to enum accel_backend, or -1. */
  public static int backendCode(String backend) {
    return switch (backend) {
      case "emu" -> BACKEND_EMU;
      case "cpu" -> BACKEND_CPU;
      case "uadk" -> BACKEND_UADK;
      default -> -1;
    };
  }

  public static String backendName(int code) {
    return switch (code) {
      case BACKEND_EMU -> "emu";
      case BACKEND_CPU -> "cpu";
      case BACKEND_UADK -> "uadk";
      default -> "backend" + code;
    };
  }
}
