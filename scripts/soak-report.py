#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Sum the figures of a "make soak" (scripts/soak.sh) into results.json and
summary.md in its output directory.

Usage: soak-report.py SOAKDIR NAME...

Each NAME is one VM run: SOAKDIR/NAME.results (the guest's TAP, with the
figure lines the fuzzer, fault.sh and the stress program print),
NAME.console.log and NAME.rc (vm.sh's exit status: 125 is a kernel splat).

Figures:
  fuzz         operations, processes, kills: the "# N operations in P
               processes (K killed, ...)" lines of the fuzz/* suites
  faults       per rate: fuzz operations and faults injected (failslab,
               fail_page_alloc) from the "# fault PCT%: ..." lines; the
               selftests' cases run under injection ("# fault-selftests")
  stress       the stress program's "# summary: ..." line
  splats       runs that vm.sh failed with 125, and the splat lines the
               console shows (the same expression as vm.sh)
  leaked       bytes kmemleak reported ("unreferenced object ... (size N)")
               plus pages memopt still held at unload (its WARN); both must
               be 0, and so must the results of the checks that look
Exits 1 when a run's figures are missing (a run that printed nothing is
not a run that found nothing).
"""
import json
import os
import re
import sys

SPLAT_RE = re.compile(
    r'(^|\] )(BUG:|BUG [^ ]+ \(|WARNING:|KASAN:|UBSAN:|Oops|general protection fault|'
    r'Kernel panic|kernel BUG|refcount_t:|list_add corruption|list_del corruption|'
    r'INFO: task .* blocked for more than|INFO: possible circular locking|'
    r'INFO: possible recursive locking|INFO: inconsistent lock state|Call Trace:|'
    r'watchdog: BUG|kmemleak: [0-9]+ new suspected memory leaks|unreferenced object 0x)'
    r'|detected stall')
FUZZ_RE = re.compile(r'^# (\d+) operations in (\d+) processes \((\d+) killed')
FAULT_RE = re.compile(r'^# fault (\d+)%: seed (\d+), (\d+) operations in (\d+) processes, '
                      r'injected: failslab (\d+), fail_page_alloc (\d+), (\d+) unexpected')
FAULT_ST_RE = re.compile(r'^# fault-selftests (\d+)%: (\d+) programs, test cases (\d+) passed '
                         r'and (\d+) failed .*injected: failslab (\d+), fail_page_alloc (\d+)')
STRESS_RE = re.compile(
    r'^# summary: (?P<seconds>\d+) s, (?P<workers>\d+) workers on \d+ CPUs, seed \d+: '
    r'(?P<operations>\d+) operations \(.*\); workers spawned (?P<processes_spawned>\d+), '
    r'killed (?P<processes_killed>\d+), exited early \d+, fork shares (?P<fork_shares>\d+); '
    r'netlink resizes (?P<netlink_resizes>\d+), destroys (?P<netlink_destroys>\d+), '
    r'creates \d+; shrinker blocks (?P<shrinker_blocks>\d+) \(hog cycles (?P<hog_cycles>\d+), '
    r'(?P<hog_cycles_shrinking>\d+) with shrinking.*; unexpected (?P<unexpected>\d+)$')
KMEMLEAK_RE = re.compile(r'unreferenced object 0x[0-9a-f]+ \(size (\d+)\)')
HELD_RE = re.compile(r'(\d+) pages still held by pools at unload')
TAP_RE = re.compile(r'^(not ok|ok) ')


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read().splitlines()
    except OSError:
        return []


def rate_figures(total, pct):
    """The figures of one fault injection rate, made on first use."""
    return total['faults']['rates'].setdefault(pct + '%', {
        'passes': 0, 'fuzz_operations': 0, 'failslab': 0, 'fail_page_alloc': 0,
        'unexpected': 0, 'selftest_cases': 0, 'selftest_cases_passed': 0})


def main():
    soak, names = sys.argv[1], sys.argv[2:]
    total = {
        'fuzz': {'operations': 0, 'processes': 0, 'killed': 0},
        'faults': {'rates': {}, 'fuzz_operations': 0, 'failslab': 0, 'fail_page_alloc': 0,
                   'selftest_cases': 0},
        'stress': {},
        'splats': {'runs': 0, 'lines': 0},
        'leaked': {'kmemleak_objects': 0, 'kmemleak_bytes': 0, 'pages_held_at_unload': 0,
                   'bytes': 0},
        'checks': {'passed': 0, 'failed': 0},
        'runs': {},
    }
    missing = []
    for name in names:
        res = read(os.path.join(soak, name + '.results'))
        con = read(os.path.join(soak, name + '.console.log'))
        rc = ''.join(read(os.path.join(soak, name + '.rc'))).strip()
        run = {'rc': int(rc) if rc.isdigit() else None, 'figures': 0}
        suite = ''
        for line in res:
            if line.startswith('# suite '):
                suite = line.split()[2]
            m = FUZZ_RE.match(line)
            if m and suite.startswith('fuzz/'):
                total['fuzz']['operations'] += int(m[1])
                total['fuzz']['processes'] += int(m[2])
                total['fuzz']['killed'] += int(m[3])
                run['figures'] += 1
            m = FAULT_RE.match(line)
            if m:
                r = rate_figures(total, m[1])
                r['passes'] += 1
                r['fuzz_operations'] += int(m[3])
                r['failslab'] += int(m[5])
                r['fail_page_alloc'] += int(m[6])
                r['unexpected'] += int(m[7])
                run['figures'] += 1
            m = FAULT_ST_RE.match(line)
            if m:
                r = rate_figures(total, m[1])
                r['selftest_cases'] += int(m[3]) + int(m[4])
                r['selftest_cases_passed'] += int(m[3])
                r['failslab'] += int(m[5])
                r['fail_page_alloc'] += int(m[6])
                run['figures'] += 1
            m = STRESS_RE.match(line)
            if m:
                for k, v in m.groupdict().items():
                    total['stress'][k] = total['stress'].get(k, 0) + int(v)
                run['figures'] += 1
            m = TAP_RE.match(line)
            if m and '# SKIP' not in line:
                total['checks']['passed' if m[1] == 'ok' else 'failed'] += 1
        splat_lines = [l for l in con if SPLAT_RE.search(l)]
        total['splats']['lines'] += len(splat_lines)
        if run['rc'] == 125 or splat_lines:
            total['splats']['runs'] += 1
        for line in con:
            m = KMEMLEAK_RE.search(line)
            if m:
                total['leaked']['kmemleak_objects'] += 1
                total['leaked']['kmemleak_bytes'] += int(m[1])
            m = HELD_RE.search(line)
            if m:
                total['leaked']['pages_held_at_unload'] += int(m[1])
        if not run['figures']:
            missing.append(name)
        total['runs'][name] = run
    for r in total['faults']['rates'].values():
        total['faults']['fuzz_operations'] += r['fuzz_operations']
        total['faults']['failslab'] += r['failslab']
        total['faults']['fail_page_alloc'] += r['fail_page_alloc']
        total['faults']['selftest_cases'] += r['selftest_cases']
    lk = total['leaked']
    lk['bytes'] = lk['kmemleak_bytes'] + lk['pages_held_at_unload'] * 4096

    with open(os.path.join(soak, 'results.json'), 'w') as f:
        json.dump(total, f, indent=1, sort_keys=True)
        f.write('\n')
    fz, fa, st = total['fuzz'], total['faults'], total['stress']
    out = ['', 'make soak figures', '',
           '| figure | value |', '| --- | --- |',
           f"| operations fuzzed (no injection) | {fz['operations']:,} in {fz['processes']:,} "
           f"processes ({fz['killed']:,} killed with SIGKILL) |"]
    for rate in sorted(fa['rates'], key=lambda r: int(r[:-1])):
        r = fa['rates'][rate]
        out.append(f"| fault injection at {rate} | {r['fuzz_operations']:,} fuzz operations, "
                   f"{r['selftest_cases']:,} selftest cases; injected: failslab "
                   f"{r['failslab']:,}, fail_page_alloc {r['fail_page_alloc']:,}; "
                   f"{r['unexpected']} unexpected results |")
    out.append(f"| faults injected, all rates | {fa['failslab'] + fa['fail_page_alloc']:,} |")
    if st:
        out.append('| stress | ' + ', '.join(f"{k.replace('_', ' ')} {v:,}"
                                             for k, v in st.items()) + ' |')
    out += [f"| kernel splats | {total['splats']['lines']} lines in "
            f"{total['splats']['runs']} runs |",
            f"| bytes leaked | {lk['bytes']:,} (kmemleak {lk['kmemleak_objects']} objects, "
            f"pages held at unload {lk['pages_held_at_unload']}) |",
            f"| checks | {total['checks']['passed']:,} passed, "
            f"{total['checks']['failed']:,} failed |", '']
    with open(os.path.join(soak, 'summary.md'), 'w') as f:
        f.write('\n'.join(out))
    if missing:
        print('soak-report: no figures from ' + ', '.join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
