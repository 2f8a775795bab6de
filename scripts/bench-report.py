#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Collect the benchmarks' results of one boot (scripts/bench.sh).

Reads the "# bench NAME JSON" lines that scripts/guest/bench.sh wrote to
the VM's results channel and writes, into OUTDIR:

  results.json  every benchmark's JSON, with the kernel, QEMU and host
  table.md      medians and ratios, and the targets met or missed
  handoff.dat, handoff.gp   the hand-off chart's data and gnuplot script
                (scripts/bench.sh runs gnuplot: handoff.svg)

Every ratio here was computed inside one boot, by the benchmark itself,
from runs interleaved with their peer's; no absolute time is compared
across boots. Exits 1 when a benchmark is missing or malformed.
"""
import argparse
import datetime
import json
import platform
import re
import subprocess
import sys

REQUIRED = ["kernel", "cycle", "handoff", "accounting-4k", "accounting-64k", "accounting-1m",
            "stats", "stats-before-cycle", "stats-after-cycle"]
SIZE_NAMES = {4096: "4 KiB", 65536: "64 KiB", 1 << 20: "1 MiB", 16 << 20: "16 MiB"}


def size_name(n):
    return SIZE_NAMES.get(n, f"{n} B")


def load(results):
    benches = {}
    with open(results, errors="replace") as f:
        for line in f:
            m = re.match(r"^# bench (\S+) (\{.*\})\s*$", line.rstrip("\r\n"))
            if m:
                benches[m.group(1)] = json.loads(m.group(2))
    missing = [b for b in REQUIRED if b not in benches]
    if missing:
        sys.exit(f"bench-report: no result from {', '.join(missing)} in {results}")
    return benches


def environment(console):
    env = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "host_cpu": platform.processor() or platform.machine(),
           "accel": "QEMU TCG (software emulation), -smp 2, -m 2048"}
    try:
        cpu = [l for l in open("/proc/cpuinfo") if l.startswith("model name")]
        if cpu:
            env["host_cpu"] = cpu[0].split(":", 1)[1].strip()
        env["host_cpus"] = len(cpu)
    except OSError:
        pass
    try:
        env["qemu"] = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                                     text=True, check=False).stdout.splitlines()[0]
    except (OSError, IndexError):
        pass
    try:
        for line in open(console, errors="replace"):
            m = re.search(r"memopt guest: kernel (\S+)", line)
            if m:
                env["guest_kernel"] = m.group(1)
                break
    except OSError:
        pass
    return env


def fmt_ns(v):
    return "–" if v is None else f"{v:,.0f}"


def fmt_x(v):
    return "–" if v is None else f"{v:.2f}×"


class Table:
    def __init__(self):
        self.lines = []
        self.targets = []

    def add(self, *lines):
        self.lines.extend(lines)

    def rows(self, head, rows):
        self.add("| " + " | ".join(head) + " |", "|" + "---|" * len(head))
        for r in rows:
            self.add("| " + " | ".join(str(c) for c in r) + " |")
        self.add("")

    def target(self, what, value, ok, shown):
        self.targets.append((what, shown, "met" if ok else "**missed**"))
        return ok


def kernel_section(t, k):
    cases = [c for c in k["cases"] if "case" in c]
    t.add("## In-kernel alloc+free of one block (memopt_bench.ko)", "",
          "ns per alloc+free (the slower CPU's median with 2 CPUs); ratio = memopt / peer "
          "(below 1: memopt is faster).", "")
    rows = []
    for c in cases:
        rows.append([c["case"], size_name(c["size"]), c["cpus"], c["alloc"],
                     f'{c["ns_op"]:,.1f}', "–" if "ratio" not in c else f'{c["ratio"]:.3f}'])
    t.rows(["case", "size", "CPUs", "allocator", "ns/op", "memopt / peer"], rows)
    warm = [c for c in cases if c["case"] == "warm" and c["alloc"] == "kmem_cache" and "ratio" in c]
    for c in warm:
        t.target(f'warm pool alloc+free vs kmem_cache, {size_name(c["size"])}, {c["cpus"]} CPU(s)',
                 c["ratio"], c["ratio"] <= 1.0, f'{c["ratio"]:.3f} (≤ 1)')


def cycle_section(t, cy, benches):
    t.add("## User cycle: alloc, mmap, touch every page, munmap, free", "",
          "Median ns per cycle; in brackets peer / memopt of the same repetition "
          "(above 1: memopt is faster).", "")
    peers = [p for p in cy["sizes"][0]["peers"]]
    rows = []
    for s in cy["sizes"]:
        row = [size_name(s["size"])]
        for p in peers:
            v = s["peers"][p]
            if "skipped" in v:
                row.append("skipped")
            elif p == "memopt":
                row.append(fmt_ns(v["median_ns"]))
            else:
                row.append(f'{fmt_ns(v["median_ns"])} ({fmt_x(v.get("speedup"))})')
        rows.append(row)
        for p in ("memfd", "dma-heap"):
            v = s["peers"].get(p, {})
            if s["size"] in (65536, 1 << 20) and v.get("speedup") is not None:
                t.target(f'user cycle vs {p}, {size_name(s["size"])}', v["speedup"],
                         v["speedup"] >= 2.0, f'{v["speedup"]:.2f}× (≥ 2×)')
    t.rows(["size"] + peers, rows)
    breakdown(t, cy, benches)


def breakdown(t, cy, benches):
    """What of memopt's cycle is its alloc+free ioctls (the accounting loop,
    same boot, accounting on as in the cycle), and so how much faster than
    dma-heap the cycle could be if they cost nothing: the rest, mmap, touch
    and munmap, is work the two share."""
    acct = {4096: "accounting-4k", 65536: "accounting-64k", 1 << 20: "accounting-1m"}
    rows = []
    for s in cy["sizes"]:
        name = acct.get(s["size"])
        m, d = s["peers"].get("memopt", {}), s["peers"].get("dma-heap", {})
        if not name or name not in benches or "median_ns" not in m or "median_ns" not in d:
            continue
        af = benches[name]["alloc_free"]["on_ns"]
        rest = m["median_ns"] - af
        if rest <= 0:
            continue
        rows.append([size_name(s["size"]), fmt_ns(m["median_ns"]), fmt_ns(af), fmt_ns(rest),
                     fmt_ns(d["median_ns"]), fmt_x(d["median_ns"] / rest)])
    if rows:
        t.add("Where memopt's cycle goes: its alloc+free ioctls alone (the accounting loop, "
              "same boot) and the rest (mmap, touch, munmap), which dma-heap's cycle has too; "
              "the last column is dma-heap / rest, the most memopt could gain on dma-heap "
              "if its alloc and free cost nothing.", "")
        t.rows(["size", "memopt cycle ns", "alloc+free ns", "rest ns", "dma-heap ns",
                "bound"], rows)


def handoff_section(t, h, outdir):
    t.add("## Hand-off of a buffer between two processes", "",
          "Median MiB/s; in brackets memopt-ring / peer of the same repetition.", "")
    modes = list(h["sizes"][0]["peers"])
    rows = []
    dat = ["# size_bytes " + " ".join(modes)]
    for s in h["sizes"]:
        row = [size_name(s["size"])]
        drow = [str(s["size"])]
        for m in modes:
            v = s["peers"][m]
            if "skipped" in v:
                row.append("skipped")
                drow.append("NaN")
                continue
            drow.append(f'{v["mib_s"]:.1f}')
            cell = f'{v["mib_s"]:,.1f}'
            if v.get("speedup_ring") is not None:
                cell += f' ({fmt_x(v["speedup_ring"])})'
            row.append(cell)
        rows.append(row)
        dat.append(" ".join(drow))
        v = s["peers"].get("pipe", {})
        if s["size"] == 1 << 20 and v.get("speedup_ring") is not None:
            t.target("hand-off of 1 MiB vs pipe (memopt-ring)", v["speedup_ring"],
                     v["speedup_ring"] >= 10.0, f'{v["speedup_ring"]:.2f}× (≥ 10×)')
    t.rows(["size"] + modes, rows)
    with open(f"{outdir}/handoff.dat", "w") as f:
        f.write("\n".join(dat) + "\n")
    plots = ", ".join(f'"{outdir}/handoff.dat" using 1:{i + 2} with linespoints title "{m}"'
                      for i, m in enumerate(modes))
    with open(f"{outdir}/handoff.gp", "w") as f:
        f.write(f"""set terminal svg size 800,500 dynamic
set output "{outdir}/handoff.svg"
set title "Hand-off between two processes (QEMU TCG guest, one boot)"
set xlabel "buffer size (bytes)"
set ylabel "MiB/s (median)"
set logscale xy
set key left top
set grid
plot {plots}
""")


def accounting_section(t, benches):
    t.add("## Leak accounting on vs off", "",
          "Median ns per iteration; ratio = median of on/off over back-to-back pairs.", "")
    rows = []
    for name in ("accounting-4k", "accounting-64k", "accounting-1m"):
        a = benches[name]
        for case in ("alloc_free", "user_cycle"):
            c = a[case]
            rows.append([size_name(a["block_size"]), case, fmt_ns(c["on_ns"]), fmt_ns(c["off_ns"]),
                         f'{c["ratio"]:.3f}'])
            t.target(f'accounting on/off, {case}, {size_name(a["block_size"])}', c["ratio"],
                     c["ratio"] <= 1.05, f'{c["ratio"]:.3f} (≤ 1.05)')
    t.rows(["size", "loop", "on ns", "off ns", "on / off"], rows)


def mag_counts(st):
    out = {}
    for p in st.get("pools", []):
        s = p.get("stats", {})
        out[p.get("name", "?")] = (s.get("mag_hits", 0), s.get("mag_misses", 0))
    return out


def stats_section(t, benches):
    before = mag_counts(benches["stats-before-cycle"])
    after = mag_counts(benches["stats-after-cycle"])
    whole = mag_counts(benches["stats"])
    t.add("## Per-CPU magazine hit rate", "",
          "Steady state: the counters' change over the user cycle (one buffer allocated and "
          "freed at a time). Whole run: every benchmark, warm-up, rings and batches included.", "")
    rows = []
    for name, (hits, misses) in after.items():
        h0, m0 = before.get(name, (0, 0))
        dh, dm = hits - h0, misses - m0
        wh, wm = whole.get(name, (0, 0))
        steady = dh / (dh + dm) if dh + dm else None
        rows.append([name, f"{dh:,}", f"{dm:,}", "–" if steady is None else f"{steady:.2%}",
                     f"{wh / (wh + wm):.2%}" if wh + wm else "–"])
        if steady is not None:
            t.target(f"magazine hit rate in steady state, pool {name}", steady, steady >= 0.95,
                     f"{steady:.2%} (≥ 95%)")
    t.rows(["pool", "hits", "misses", "steady-state hit rate", "whole run"], rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="full")
    ap.add_argument("--console", default="")
    ap.add_argument("results")
    ap.add_argument("outdir")
    a = ap.parse_args()
    benches = load(a.results)
    env = environment(a.console)
    with open(f"{a.outdir}/results.json", "w") as f:
        json.dump({"mode": a.mode, "environment": env, "benchmarks": benches}, f, indent=1)
    t = Table()
    t.add(f"# memopt benchmarks ({a.mode} run)", "",
          f'{env.get("guest_kernel", "?")} guest, {env["accel"]}; host {env["host_cpu"]}. '
          "Ratios come from one boot; absolute times under TCG drift 30-50% between boots.", "")
    kernel_section(t, benches["kernel"])
    cycle_section(t, benches["cycle"], benches)
    handoff_section(t, benches["handoff"], a.outdir)
    accounting_section(t, benches)
    stats_section(t, benches)
    lines = t.lines
    t.lines = []
    t.rows(["target", "measured", ""], t.targets)
    t.lines = lines + ["## Targets", ""] + t.lines
    if a.mode != "full":
        t.add("(smoke run: too few iterations for the figures to mean anything)")
    with open(f"{a.outdir}/table.md", "w") as f:
        f.write("\n".join(t.lines) + "\n")


if __name__ == "__main__":
    main()
