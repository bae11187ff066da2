#!/usr/bin/env python3
"""UADK's own known-answer runs against the emulated QM.

Runs `uadk_tool test --m sec` (sync; the tool prints results but does not check them) for
SHA-224/256/384/512 and AES-128/192/256-GCM encrypt and decrypt, and compares the printed
bytes with the expected values in UADK's own templates
(uadk_tool/test/sec_template_tv.h of the archive that was built). Usage:
  uadk_tool_kat.py TEMPLATE_H RUN [API...]     RUN = kunpeng-emu/run; API = hisi_qm_v2 hisi_qm_v3
"""
import os
import re
import subprocess
import sys


def c_bytes(body, field):
    m = re.search(r'\.' + field + r'\s*=\s*((?:"[^"]*"\s*)+)', body)
    if not m:
        return b''
    s = ''.join(re.findall(r'"([^"]*)"', m.group(1)))
    return bytes(int(h, 16) for h in re.findall(r'\\x([0-9a-fA-F]{2})', s))


def template(text, name):
    i = text.index('struct %s_testvec %s[] = {' % ('hash' if 'sha' in name and 'gcm' not in name else 'aead', name))
    j = text.index('};', i)
    return text[i:j]


def sections(out):
    """header line -> bytes of the \\0xNN lines that follow it"""
    res, cur = {}, None
    for line in out.splitlines():
        hexes = re.findall(r'\\0x([0-9a-fA-F]{2})', line)
        if hexes and cur is not None:
            res[cur] += bytes(int(h, 16) for h in hexes)
        elif not hexes:
            cur = line.strip() if line.strip() else None
            if cur is not None:
                res.setdefault(cur, b'')
    return res


def main():
    tmpl, run = sys.argv[1], sys.argv[2]
    apis = sys.argv[3:] or ['hisi_qm_v2', 'hisi_qm_v3']
    text = open(tmpl).read()
    digests = [('sha256', 3), ('sha224', 4), ('sha384', 5), ('sha512', 6)]
    gcms = [(16, 'aes_gcm_tv_template_128'), (24, 'aes_gcm_tv_template_192'),
            (32, 'aes_gcm_tv_template_256')]
    passed = failed = 0
    for api in apis:
        env = dict(os.environ, KUNPENG_EMU_API=api)
        env.pop('KUNPENG_EMU_ROOT', None)
        cases = []
        for name, code in digests:
            want = c_bytes(template(text, name + '_tv_template'), 'digest')
            cases.append(('%s %s' % (api, name),
                          ['--digest', str(code), '--optype', '0'], [("req's out--->", 0, want)]))
        for klen, tv in gcms:
            body = template(text, tv)
            pt, ct, alen = c_bytes(body, 'ptext'), c_bytes(body, 'ctext'), len(c_bytes(body, 'assoc'))
            cases.append(('%s aes-%d-gcm seal' % (api, klen * 8),
                          ['--aead', '1', '--optype', '0', '--keylen', str(klen)],
                          [('aead dump out addr is:', alen, ct[:len(pt)]),
                           ('aead dump mac addr is:', 0, ct[len(pt):])]))
            cases.append(('%s aes-%d-gcm open' % (api, klen * 8),
                          ['--aead', '1', '--optype', '1', '--keylen', str(klen)],
                          [('aead dump out addr is:', alen, pt)]))
        for label, args, checks in cases:
            p = subprocess.run([run, 'uadk_tool', 'test', '--m', 'sec', '--sync'] + args, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            out = p.stdout.decode(errors='replace')
            sec = sections(out)
            bad = [] if p.returncode == 0 else ['exit status %d' % p.returncode]
            if re.search(r'fail|error', out, re.I):
                bad.append('tool reported: ' + next(l for l in out.splitlines() if re.search(r'fail|error', l, re.I)))
            for header, skip, want in checks:
                got = sec.get(header, b'')[skip:skip + len(want)]
                if not want or got != want:
                    bad.append('%s got %s want %s' % (header, got.hex(), want.hex()))
            if bad:
                failed += 1
                print('FAIL %s: %s' % (label, '; '.join(bad)))
            else:
                passed += 1
                print('PASS %s' % label)
    print('uadk_tool KAT: %d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
