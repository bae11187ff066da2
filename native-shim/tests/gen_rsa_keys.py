#!/usr/bin/env python3
# Prints tests/rsa_keys.h from k<bits>.pem files in the current directory
# (for b in 1024 2048 2056 3072 4096; do openssl genrsa -out k$b.pem $b; done).
import subprocess, re, sys
def parse(path):
    t = subprocess.run(["openssl","rsa","-in",path,"-noout","-text"],capture_output=True,text=True).stdout
    names = {"modulus":"n","privateExponent":"d","prime1":"p","prime2":"q","exponent1":"dp","exponent2":"dq","coefficient":"qinv"}
    out = {}
    cur = None; buf = ""
    for line in t.splitlines():
        m = re.match(r"^(\w+):\s*(.*)$", line)
        if m:
            if cur: out[names[cur]] = int(buf.replace(":",""),16)
            key, rest = m.group(1), m.group(2)
            if key == "publicExponent":
                out["e"] = int(rest.split()[0]); cur=None; continue
            cur = key if key in names else None; buf = ""
        elif cur:
            buf += line.strip()
    if cur: out[names[cur]] = int(buf.replace(":",""),16)
    return out
def arr(name, v, ln=None):
    b = v.to_bytes(ln or (v.bit_length()+7)//8, "big")
    s = ", ".join("0x%02x" % x for x in b)
    lines = []
    parts = s.split(", ")
    for i in range(0, len(parts), 12):
        lines.append("\t" + ", ".join(parts[i:i+12]) + ",")
    return "static const uint8_t %s[%d] = {\n%s\n};\n" % (name, len(b), "\n".join(lines))
print("/* SPDX-License-Identifier: Apache-2.0 */")
print("/* Fixed RSA test keys (e = 65537) of 1024, 2048, 2056, 3072 and 4096 bits, made with")
print(" * `openssl genrsa <bits>` and printed by tests/gen_rsa_keys.py; d is here for the")
print(" * non-CRT reference m = c^d mod n the tests compare the shim's CRT result with. */")
print("#ifndef ACCEL_TEST_RSA_KEYS_H\n#define ACCEL_TEST_RSA_KEYS_H\n\n#include <stdint.h>\n")
tab = []
for b in [1024, 2048, 2056, 3072, 4096]:
    k = parse("k%d.pem" % b)
    assert k["n"] == k["p"]*k["q"] and k["n"].bit_length() == b
    assert k["dp"] == k["d"] % (k["p"]-1) and k["qinv"]*k["q"] % k["p"] == 1
    for f in ["n","e","d","p","q","dp","dq","qinv"]:
        print(arr("rsa%d_%s" % (b, f), k[f]))
    tab.append(b)
print("struct t_rsa_key_bytes {\n\tuint32_t bits;\n\tconst uint8_t *n, *e, *d, *p, *q, *dp, *dq, *qinv;\n\tuint32_t n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qinv_len;\n};\n")
print("#define T_RSA_KEY(b) { b, rsa##b##_n, rsa##b##_e, rsa##b##_d, rsa##b##_p, rsa##b##_q, rsa##b##_dp, \\\n\trsa##b##_dq, rsa##b##_qinv, sizeof(rsa##b##_n), sizeof(rsa##b##_e), sizeof(rsa##b##_d), \\\n\tsizeof(rsa##b##_p), sizeof(rsa##b##_q), sizeof(rsa##b##_dp), sizeof(rsa##b##_dq), \\\n\tsizeof(rsa##b##_qinv) }\n")
print("static const struct t_rsa_key_bytes t_rsa_keys[] = {\n\t" + ",\n\t".join("T_RSA_KEY(%d)" % b for b in tab) + ",\n};\n")
print("#endif")
