#!/usr/bin/env python3
"""Adds lockfile entries for optional platform packages the package registry here does not serve.

npm records the optional per-platform binaries of some dependencies (msgpackr-extract, the
unrs-resolver bindings of the lint toolchain) only when it can fetch their metadata; this
machine's registry serves just the linux-x64 ones, and `npm ci` then refuses a lockfile that
lacks the others. An entry with `optional`, `os` and `cpu` satisfies `npm ci`, which skips it on
this platform without fetching anything.

Usage, after `npm install` changed package-lock.json:
    npm ci 2>&1 | grep 'Missing:' | sed 's/.*Missing: //; s/@ from lock file//' > /tmp/missing.txt
    python3 .ci/complete-lockfile.py package-lock.json /tmp/missing.txt
"""
import json
import re
import sys

CPUS = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x']
OSES = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony']


def main(lock_path: str, missing_path: str) -> None:
    lock = json.load(open(lock_path))
    packages = lock['packages']
    missing = [line.strip() for line in open(missing_path) if line.strip()]
    versions = {}
    for meta in packages.values():
        for name, version in (meta.get('optionalDependencies') or {}).items():
            versions[name] = version
    for name in missing:
        base = name.split('/')[-1]
        os_name = next((o for o in OSES if f'-{o}-' in base or base.endswith(f'-{o}')), None)
        cpu = next((c for c in CPUS if re.search(rf'-{c}(-|$)', base)), None)
        entry = {'version': versions.get(name, '0.0.0'), 'cpu': [cpu] if cpu else [], 'optional': True,
                 'os': [os_name] if os_name else []}
        if base.startswith('resolver-binding'):
            entry['dev'] = True
        if 'musl' in base:
            entry['libc'] = ['musl']
        elif 'gnu' in base:
            entry['libc'] = ['glibc']
        packages[f'node_modules/{name}'] = entry
    lock['packages'] = dict(sorted(packages.items(), key=lambda kv: kv[0]))
    with open(lock_path, 'w') as out:
        json.dump(lock, out, indent=2)
        out.write('\n')
    print(f'added {len(missing)} entries')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
