package dev.accel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.accel.netty.records.Tls13KeySchedule;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 8448 section 3 (simple 1-RTT handshake): server application traffic key and IV. */
class Tls13KeyScheduleTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void serverApplicationWriteKeyAndIvMatchRfc8448() {
    Tls13KeySchedule ks = new Tls13KeySchedule("SHA-256");
    byte[] secret = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
    assertArrayEquals(hex("9f02283b6c9c07efc26bb9f2ac92e356"), ks.expandLabel(secret, "key", 16));
    assertArrayEquals(hex("cf782b88dd83549aadf1e984"), ks.expandLabel(secret, "iv", 12));
  }
}
