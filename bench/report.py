#!/usr/bin/python3
"""Turn the guest's "BENCH ..." lines (stdin) into the results table
(stdout), the data files and the gnuplot script of bench/run.sh.

usage: report.py OUTDIR < raw.txt > OUTDIR/results.txt
"""
import os
import re
import statistics
import sys

out = sys.argv[1]
pps = {}        # (cfg, class) -> [pps]
commit = {}     # (who, level) -> ms
mem = {}        # (who, level) -> dict
rss = {}        # level|"default" -> kB
kbench = []     # (load, family, n, commit_ms, bytes, rand_ns, hit, inside_ns)
kload = 0       # loads of the debug module so far (kbench_load_ms lines)
memfam = {}     # (level, "4"|"6"|"empty") -> own bytes
misc = {}
levels = []
tcp = {}        # base|mem0|mem1 -> [segments/s], in repetition order
memudp = {}     # base|mem0|mem1 -> [datagrams/s], the same namespaces
quic = {}       # (class, base|cw) -> [datagrams/s], in repetition order
idents = {}     # (class, base|denied|allowed) -> [bytes/s or packets/s]
hookins = {}    # denied|allowed -> the hook's instructions for a tcp16 segment
memhook = {}    # mem0|mem1 -> the hook's instructions for a section 7 segment

for line in sys.stdin:
    w = line.split()
    if len(w) < 2 or w[0] != 'BENCH':
        continue
    k = w[1]
    if k == 'pps':
        cfg, cls, val = w[2], w[3], float(w[5])
        pps.setdefault((cfg, cls), []).append(val)
        if ':' in cfg:
            lv = cfg.split(':')[1]
            if lv not in levels:
                levels.append(lv)
    elif k == 'commit':
        commit[(w[2], w[3])] = float(w[4])
    elif k == 'mem':
        d = dict(x.split('=', 1) for x in w[4:])
        mem[(w[2], w[3])] = {a: float(b) if b else 0.0 for a, b in d.items()}
    elif k == 'memfam':
        memfam[(w[3], w[4])] = float(w[-1].split('=', 1)[1] or 0)
    elif k == 'rss':
        rss[w[2]] = int(w[3])
    elif k == 'kbench_load_ms':
        kload += 1
        misc.setdefault('kbench_load_ms', []).append(w[2])
    elif k == 'kbench':
        m = re.search(r'IPv(\d)\s+(\d+) prefixes: commit (\d+) ms, (\d+) bytes/prefix, '
                      r'random (\d+) ns/lookup \((\d+)% hit\), inside (\d+) ns', line)
        if m:
            kbench.append((kload,) + tuple(int(x) for x in m.groups()))
        else:
            misc.setdefault('kbench_other', []).append(' '.join(w[2:]))
    elif k == 'tcp':
        # BENCH tcp base|mem0|mem1 NS REP PPS segs=N
        tcp.setdefault(w[2], []).append(float(w[5]))
    elif k == 'tcpmem' and len(w) > 3 and w[2] == 'hookins':
        # BENCH tcpmem hookins mem0|mem1 n=N median=I p10=I p90=I
        kv = dict(x.split('=', 1) for x in w[4:])
        if kv.get('median'):
            memhook[w[3]] = float(kv['median'])
    elif k == 'memudp':
        # BENCH memudp base|mem0|mem1 NS REP PPS
        memudp.setdefault(w[2], []).append(float(w[5]))
    elif k == 'quic':
        # BENCH quic CLASS NS REP PPS
        quic.setdefault((w[2], w[3]), []).append(float(w[5]))
    elif k == 'idents':
        # BENCH idents CLASS MODE REP VALUE [segs=N bytes=N], or idents
        # matcher_bytes=N / idents counters ... / idents hookins ...
        if len(w) >= 6 and w[4].isdigit() and '=' not in w[5]:
            idents.setdefault((w[2], w[3]), []).append(float(w[5]))
        elif w[2] == 'hookins':
            # BENCH idents hookins MODE fn=F n=N median=I p10=I p90=I: the
            # tcp16 target's measure when F is the hook itself
            kv = dict(x.split('=', 1) for x in w[4:])
            if kv.get('fn') == 'cw_hook_out' and kv.get('median'):
                hookins[w[3]] = float(kv['median'])
        else:
            misc['idents_' + w[2].split('=')[0]] = ' '.join(w[2:])
    elif k == 'guest':
        misc.setdefault('guests', []).append(' '.join(w[2:]))
    else:
        misc[k] = ' '.join(w[2:])


def med(cfg, cls):
    v = pps.get((cfg, cls))
    return statistics.median(v) if v else None


def pmed(cfg, cls, ref):
    """Median of per-repetition ratios cfg/ref: the runs of one repetition
    are seconds apart, so a slow drift of the machine cancels out."""
    a, b = pps.get((cfg, cls)), pps.get((ref, cls))
    if not a or not b:
        return None
    return statistics.median(x / y for x, y in zip(a, b) if y)


def ns(p):
    return 1e9 / p if p else None


def f(x, fmt='%.0f'):
    return fmt % x if x is not None else '-'


def label(lv):
    n = lv.rstrip('d')
    s = {'0': 'empty'}.get(n, '%dk' % (int(n) // 1000) if int(n) >= 1000 else n)
    return s + ('+10k dom' if lv.endswith('d') else '')


# Several loads of the debug module, each one its own measurement: within
# a load the sizes run interleaved (best of 9 rounds each), so a load's
# 1M/1k ratio is a paired one. The verdict is the median over the loads of
# that ratio; every load is printed, figures are never mixed across loads.
kratio = {}     # (family, 'random'|'inside') -> [per-load 1M/1k ratio]
for ld in sorted({e[0] for e in kbench}):
    rs = {(fa, n): (rnd, ins) for l, fa, n, _, _, rnd, _, ins in kbench if l == ld}
    for fam in (4, 6):
        a, b = rs.get((fam, 1000)), rs.get((fam, 1000000))
        if a and b:
            for i, kind in ((0, 'random'), (1, 'inside')):
                if a[i]:
                    kratio.setdefault((fam, kind), []).append(b[i] / a[i])

reps = max((len(v) for v in list(pps.values()) + list(quic.values())), default=0)
P = print
host = {}
try:
    with open(os.path.join(out, 'host.txt')) as h:
        for hl in h:
            k, _, v = hl.rstrip().partition(' ')
            host[k] = v
except OSError:
    pass
icount = host.get('traffic_qemu', 'plain TCG') != 'plain TCG'
P('consentwall benchmarks (make bench): QEMU guest runs, TCG, stock Debian kernel')
for k in ('host', 'host_load_before', 'host_load_after'):
    if k in host:
        P('%s %s' % (k, host[k]))
for g in misc.get('guests', []):
    P('guest ' + g)
if icount:
    P('Sections 1, 2, 4 and 5 ran under QEMU -icount %s (one CPU): guest time'
      % host['traffic_qemu'])
    P('advances one ns per guest instruction, so pps and ms count instructions; they')
    P('do not depend on host load. Section 3 ran in plain TCG: time is the host\'s.')
else:
    P('Figures under software emulation on a shared machine are noisy: read the ratios,')
    P('not the absolute numbers.')
if reps:
    P('Each traffic figure is the median of %d interleaved runs.' % reps)
P()

# A run of some sections only (BENCH_ONLY): sections 1-6 and 3 had no data.
if not pps and not kbench:
    P = lambda *a: None  # noqa: E731

# ---- 1, 2: per-packet cost -------------------------------------------------
P('1-2. Per-packet cost: UDP sendmmsg (32 x 16 bytes per call) to a dummy device')
P('   base = same topology, module loaded, namespace never claimed (interleaved with')
P('   cw and nft in every repetition). A blocked datagram fails its whole sendmmsg()')
P('   call: blk4 counts failed calls for cw and nft, 32-datagram calls for base, so')
P('   compare blk4 between cw and nft only. "pr": median of the per-repetition')
P('   (paired) ratios, steadier than the ratio of medians on a busy machine.')
nomod, unpol = med('nomod', 'miss4'), med('unpoliced', 'miss4')
hook_ns = 0.0
if nomod and unpol:
    hook_ns = max(0.0, ns(unpol) - ns(nomod))
    P('   no module: %s pps; module loaded, namespace never claimed: %s pps; ratio %.3f'
      ' (%+.0f ns)' % (f(nomod), f(unpol), unpol / nomod, ns(unpol) - ns(nomod)))
P()
P('%-16s %-6s %9s %9s %9s %7s %7s %8s %8s %8s %7s %7s' % (
    'prefixes/family', 'class', 'base pps', 'cw pps', 'nft pps', 'cw/base',
    'nft/base', 'cw +ns', 'nft +ns', 'cw/nft+', 'cw/b pr', 'nft/b pr'))
rows = {}
for lv in levels:
    for cls in ('miss4', 'miss6', 'ok4', 'blk4'):
        b, c, n = med('base:' + lv, cls), med('cw:' + lv, cls), med('nft:' + lv, cls)
        if not b:
            continue
        ca = ns(c) - ns(b) if c else None
        na = ns(n) - ns(b) if n else None
        rows[(lv, cls)] = (b, c, n, ca, na)
        rel = ('%.2f' % (ca / na)) if ca is not None and na and na > 0 else '-'
        P('%-16s %-6s %9s %9s %9s %7s %7s %8s %8s %8s %7s %7s' % (
            label(lv), cls, f(b), f(c), f(n),
            f(c / b if c else None, '%.3f'), f(n / b if n else None, '%.3f'),
            f(ca, '%+.0f'), f(na, '%+.0f'), rel,
            f(pmed('cw:' + lv, cls, 'base:' + lv), '%.3f'),
            f(pmed('nft:' + lv, cls, 'base:' + lv), '%.3f')))
P()

# ---- 4: commit ---------------------------------------------------------------
P('4. Commit time, from an empty ruleset (consentd: consentctl reload, parse + push +')
P('   commit; nftables: nft -f of a fresh table with the same prefixes in interval sets)')
P('%-16s %12s %12s %8s' % ('prefixes/family', 'consentd ms', 'nft -f ms', 'cw/nft'))
for lv in levels:
    c, n = commit.get(('cw', lv)), commit.get(('nft', lv))
    P('%-16s %12s %12s %8s' % (label(lv), f(c), f(n),
                              f(c / n if c and n else None, '%.2f')))
P()

# ---- 5, 6: memory -------------------------------------------------------------
P('5. Kernel memory per prefix (entries = IPv4 + IPv6 prefixes; +2 single hosts)')
P('   own = the module\'s accounting (GET_STATUS CW_A_MEMORY); slab+vmalloc and')
P('   MemFree deltas around the commit (consentwall: MemFree minus consentd\'s RSS growth)')
P('%-16s %8s %9s %12s %12s %12s %12s' % ('prefixes/family', 'entries', 'cw own B',
                                         'cw slab+vm B', 'cw free B', 'nft slab+vm B',
                                         'nft free B'))
for lv in levels:
    c, n = mem.get(('cw', lv)), mem.get(('nft', lv))
    if not c or not c.get('entries'):
        continue
    e = c['entries']
    ne = n['entries'] + 2 if n and n.get('entries') else None
    P('%-16s %8d %9.1f %12.1f %12.1f %12s %12s' % (
        label(lv), e, c['own_bytes'] / e, c['slabvm_kb'] * 1024 / e,
        (c['free_kb'] - c['rss_kb']) * 1024 / e,
        f(n['slabvm_kb'] * 1024 / ne if ne else None, '%.1f'),
        f(n['free_kb'] * 1024 / ne if ne else None, '%.1f')))
P()
P('   Each family alone (make bench\'s sets: IPv4 /24s, IPv6 /48s under 2a00::/16),')
P('   the module\'s accounting over the prefixes; "fixed" is the empty ruleset\'s')
P('%-16s %8s %12s %12s %10s' % ('prefixes/family', '', 'IPv4 B/pfx', 'IPv6 B/pfx', 'fixed B'))
famrows = []
for lv in levels:
    n = int(lv.rstrip('d'))
    m4, m6, m0 = memfam.get((lv, '4')), memfam.get((lv, '6')), memfam.get((lv, 'empty'))
    if n and m4 and m6:
        famrows.append((lv, m4 / n, m6 / n))
        P('%-16s %8s %12.1f %12.1f %10s' % (label(lv), '', m4 / n, m6 / n, f(m0)))
P()
P('6. consentd resident memory')
if 'default' in rss:
    P('   default rules (/etc/consentwall/rules.d): %d kB' % rss['default'])
for lv in levels:
    if lv in rss:
        P('   %-16s %d kB' % (label(lv) + ':', rss[lv]))
P()

# ---- 3: lookup scaling ----------------------------------------------------------
P('3. In-kernel lookup microbenchmark (debug module, bench=1), every load of the module')
P('   on its own (each figure the best of 9 interleaved rounds within that load; the')
P('   ratios against 1k are within the load); host figures of the same code:')
P('   tests/unit/ruleset/bench-host.txt')
if 'kbench_load_ms' in misc:
    P('   (self-test + benchmark at each load took %s ms)' % ', '.join(misc['kbench_load_ms']))
P('%4s %-6s %9s %10s %8s %10s %6s %10s %8s %8s' % ('load', 'family', 'prefixes', 'build ms',
                                                  'B/prefix', 'random ns', 'hit%', 'inside ns',
                                                  'x1k rnd', 'x1k in'))
base1k = {}
for ld, fam, n, cms, bpp, rnd, hit, ins in sorted(kbench):
    if n == 1000:
        base1k[(ld, fam)] = (rnd, ins)
    b = base1k.get((ld, fam))
    P('%4d IPv%-3d %9d %10d %8d %10d %6d %10d %8s %8s' % (
        ld, fam, n, cms, bpp, rnd, hit, ins,
        f(rnd / b[0] if b and b[0] else None, '%.2f'),
        f(ins / b[1] if b and b[1] else None, '%.2f')))
for o in sorted(set(misc.get('kbench_other', []))):
    if 'bench' in o:
        P('   ' + o)
P()

# ---- 7: TCP with the flow memory -------------------------------------------------
P = print
tcpr = {}       # 'mem1/mem0' etc. -> [per-repetition ratios]


def spread(xs):
    """median, quartiles, min and max of a list, as printed in section 7"""
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return '%.4f  %.4f-%.4f  %.4f-%.4f' % (statistics.median(xs), q[0], q[2],
                                           min(xs), max(xs))


if tcp:
    P('7. Non-matching TCP, 16-byte writes, TCP_NODELAY, one connection to a sink behind')
    P('   a veth, in three namespaces side by side in every repetition: base (never')
    P('   claimed), mem0 (ruleset with names, level 1000d, flow memory empty) and mem1')
    held = re.search(r'remembered=(\d+)', misc.get('tcpmem', ''))
    P('   (the same rules, the memory holding %s flows of tcp-many): every segment of'
      % (held.group(1) if held else '?'))
    P('   mem1 is looked up in the memory and missed. Segments/s, and ns per segment')
    P('   (instructions under -icount), medians of %d repetitions'
      % max(len(v) for v in tcp.values()))
    P('%-6s %12s %12s' % ('', 'segments/s', 'ns/segment'))
    for m in ('base', 'mem0', 'mem1'):
        if tcp.get(m):
            x = statistics.median(tcp[m])
            P('%-6s %12.0f %12.1f' % (m, x, ns(x)))
    P('   paired ratios (per repetition): median  quartiles  min-max')
    for a, b in (('mem0', 'base'), ('mem1', 'base'), ('mem1', 'mem0')):
        x, y = tcp.get(a), tcp.get(b)
        if x and y:
            tcpr[a + '/' + b] = [u / v for u, v in zip(x, y) if v]
            P('%-9s %s' % (a + '/' + b, spread(tcpr[a + '/' + b])))
    if icount and tcp.get('mem0') and 'mem0' in memhook and 'mem1' in memhook:
        # a whole segment's instructions (sender, sink, ACK) in mem0
        seg = ns(statistics.median(tcp['mem0']))
        d = memhook['mem1'] - memhook['mem0']
        tcpr['hook'] = seg / (seg + d)
        P('   A segment in the LOCAL_OUT hook (function_graph, the tracer\'s own share in')
        P('   both): %.0f instructions in mem1, %.0f in mem0, %+.0f against the %.0f of a'
          % (memhook['mem1'], memhook['mem0'], d, seg))
        P('   whole segment in mem0: %.4f' % tcpr['hook'])
    if memudp.get('mem0') and memudp.get('mem1'):
        u0, u1 = statistics.median(memudp['mem0']), statistics.median(memudp['mem1'])
        P('   The lookup alone, 16-byte UDP datagrams (sendmmsg, 32 a call) to a dummy device')
        P('   in the same namespaces (no ACK clock; min and max over the repetitions beside):')
        for m in ('base', 'mem0', 'mem1'):
            if memudp.get(m):
                x = statistics.median(memudp[m])
                P('%-6s %12.0f %12.1f  (min %.0f, max %.0f)'
                  % (m, x, ns(x), min(memudp[m]), max(memudp[m])))
        P('   mem1 - mem0: %+.1f ns (instructions) a datagram, mem1/mem0 %.4f'
          % (ns(u1) - ns(u0), u1 / u0))
    P()

# ---- 8: QUIC ---------------------------------------------------------------------
quicr = {}
if quic:
    P('8. QUIC, 1200-byte datagrams (sendmmsg, 32 per call) to a dummy device, in a')
    P('   namespace whose ruleset has a denied name (level 1000d); cw/plain: the median')
    P('   of the per-repetition ratios against plain UDP of the same size in cw, the')
    P('   same run; +ns: added over plain in cw (instructions under -icount)')
    P('     plain    zeros, no QUIC (the baseline)')
    P('     initial  a client Initial read whole: HKDF keys, header protection, AES-GCM,')
    P('              ClientHello SNI (unlisted), the flow remembered; %s'
      % misc.get('quicmem', ''))
    P('     known    a short header (1-RTT) of a connection whose Initial was read')
    P('     unknown  a short header of a connection never seen')
    P('%-8s %12s %12s %8s %9s %8s' % ('class', 'base pps', 'cw pps', 'cw/base',
                                     'cw/plain', 'cw +ns'))
    cp = quic.get(('plain', 'cw'))
    for cls in ('plain', 'initial', 'known', 'unknown'):
        a, b = quic.get((cls, 'base')), quic.get((cls, 'cw'))
        if not a or not b:
            continue
        quicr[cls] = statistics.median(x / y for x, y in zip(b, cp) if y) if cp else None
        P('%-8s %12.0f %12.0f %8.3f %9s %8s' % (
            cls, statistics.median(a), statistics.median(b),
            statistics.median(x / y for x, y in zip(b, a) if y),
            f(quicr[cls], '%.3f'),
            f(ns(statistics.median(b)) - ns(statistics.median(cp)) if cp else None,
              '%+.0f')))
# ---- 9: the identifier scan ------------------------------------------------------
idr = {}
ID_CLASSES = (('bulk', 'cleartext bulk upload, bytes/s'),
              ('tlsbulk', 'TLS-framed bulk upload, bytes/s'),
              ('udp16', '16-byte UDP datagrams, packets/s'),
              ('tcp16', '16-byte TCP writes, segments/s'))


def idpaired(cls, a, b):
    x, y = idents.get((cls, a)), idents.get((cls, b))
    if not x or not y:
        return None
    return statistics.median(p / q for p, q in zip(x, y) if q)


if idents:
    P('9. The identifier scan: two IMEIs, two IMSIs, two numbers in every form')
    P('   (consentd\'s patterns; %s), in a namespace never claimed (base) and in one'
      % misc.get('idents_matcher_bytes', '?'))
    P('   claimed with the purpose denied (scanned) and allowed (not scanned);')
    P('   medians, ratios the medians of the paired ratios; %s'
      % misc.get('idents_counters', ''))
    P('%-8s %14s %14s %14s %8s %8s %8s' % ('class', 'base', 'denied', 'allowed',
                                           'den/base', 'all/base', 'den/all'))
    for cls, what in ID_CLASSES:
        m = {mode: idents.get((cls, mode)) for mode in ('base', 'denied', 'allowed')}
        if not all(m.values()):
            continue
        idr[cls] = (idpaired(cls, 'denied', 'base'), idpaired(cls, 'allowed', 'base'),
                    idpaired(cls, 'denied', 'allowed'))
        P('%-8s %14.0f %14.0f %14.0f %8.3f %8.3f %8.3f   %s'
          % ((cls,) + tuple(statistics.median(m[x]) for x in ('base', 'denied', 'allowed'))
             + idr[cls] + (what,)))
    b = idents.get(('bulk', 'denied')), idents.get(('bulk', 'allowed'))
    if all(b):
        # under -icount 1 ns is one instruction
        per = 1e9 / statistics.median(b[0]) - 1e9 / statistics.median(b[1])
        idr['per_byte'] = per
        P('   the scan of cleartext: %.2f %s per byte (1/denied - 1/allowed)'
          % (per, 'guest instructions' if icount else 'ns'))
    t = idents.get(('tcp16', 'allowed'))
    if icount and t and 'denied' in hookins and 'allowed' in hookins:
        # a whole tcp16 segment's instructions (sender, sink, ACK), unscanned
        seg = 1e9 / statistics.median(t)
        d = hookins['denied'] - hookins['allowed']
        idr['tcp16_hook'] = seg / (seg + d)
        P('   a tcp16 segment in the LOCAL_OUT hook (function_graph, the tracer\'s'
          ' own share in both): %.0f instructions scanned, %.0f not, +%.0f against'
          ' the %.0f of a whole segment: %.4f' % (hookins['denied'], hookins['allowed'],
                                                 d, seg, idr['tcp16_hook']))
    P()

# ---- targets -------------------------------------------------------------------
P('Targets')
big = [lv for lv in levels if lv == '100000'] or [lv for lv in levels if lv != '0'][-1:]


def verdict(ok):
    return 'MET ' if ok else 'MISSED'


if big:
    lv = big[0]
    for cls in ('miss4', 'miss6'):
        r = rows.get((lv, cls))
        if r and r[1]:
            stub = pmed('unpoliced', 'miss4', 'nomod') or 1.0
            ratio = r[1] / r[0] * ((unpol / nomod) if nomod and unpol else 1.0)
            paired = (pmed('cw:' + lv, cls, 'base:' + lv) or 0) * stub
            best = (max(pps[('cw:' + lv, cls)]) / max(pps[('base:' + lv, cls)]) *
                    ((max(pps[('unpoliced', 'miss4')]) / max(pps[('nomod', 'miss4')]))
                     if nomod and unpol else 1.0))
            P('  %s non-matching %s with %s prefixes/family: %.3f of no-module throughput'
              ' (>= 0.95; median of paired ratios %.3f, best-of runs %.3f)'
              % (verdict(ratio >= 0.95), cls, label(lv), ratio, paired, best))
            e = rows.get(('0', cls))
            if e and e[2]:
                P('         for scale: an nftables output chain with no rule at all: %.3f'
                  % (e[2] / e[0] * ((unpol / nomod) if nomod and unpol else 1.0)))
    for cls in ('miss4', 'miss6', 'ok4'):
        r = rows.get((lv, cls))
        if r and r[3] is not None and r[4] is not None:
            cw_add = r[3] + hook_ns
            if r[4] > 0:
                P('  %s %s added cost at %s: consentwall %+.0f ns (incl. %.0f ns of base over no module),'
                  ' nftables %+.0f ns, ratio %.2f (<= 0.5)'
                  % (verdict(cw_add <= 0.5 * r[4]), cls, label(lv), cw_add, hook_ns, r[4],
                     cw_add / r[4]))
            else:
                P('  n/a   %s added cost at %s: nftables added no measurable cost (%+.0f ns),'
                  ' consentwall %+.0f ns' % (cls, label(lv), r[4], cw_add))
    r = rows.get((lv, 'blk4'))
    if r and r[1] and r[2]:
        # A blocked datagram fails its sendmmsg() call: one attempt per
        # call for both filters, against 32 per call for base.
        P('  %s blocked datagrams at %s: consentwall %.0f, nftables %.0f attempts/s'
          ' (ratio %.2f; each attempt is a failed call)'
          % (verdict(r[1] >= r[2]), label(lv), r[1], r[2], r[1] / r[2]))
    c, n = commit.get(('cw', lv)), commit.get(('nft', lv))
    if c and n:
        P('  %s commit of %s prefixes/family: consentd %.0f ms, nft -f %.0f ms'
          % (verdict(c < n), label(lv), c, n))
    m = mem.get(('cw', lv))
    if m and m.get('entries'):
        own = m['own_bytes'] / m['entries']
        P('  %s kernel memory: %.1f bytes/prefix by the module\'s accounting (<= 32);'
          ' slab+vmalloc delta %.1f' % (verdict(own <= 32), own,
                                         m['slabvm_kb'] * 1024 / m['entries']))
if famrows:
    worst = max(famrows, key=lambda r: max(r[1], r[2]))
    P('  %s kernel memory per family: at most %.1f bytes/prefix (IPv%d at %s; <= 32)'
      % (verdict(max(worst[1], worst[2]) <= 32), max(worst[1], worst[2]),
         4 if worst[1] >= worst[2] else 6, label(worst[0])))
# the rate moves by +-2% a run with TCP's ACK clock, the hook's count is
# exact: where the hook was counted, the target asks both
if tcpr.get('mem1/mem0'):
    r = statistics.median(tcpr['mem1/mem0'])
    rate = ('the median of %d paired ratios of the rate, %.4f to %.4f'
            % (len(tcpr['mem1/mem0']), min(tcpr['mem1/mem0']), max(tcpr['mem1/mem0'])))
    if 'hook' in tcpr:
        x = tcpr['hook']
        P('  %s non-matching TCP with the flow memory in use: %.4f of a segment\'s'
          ' instructions with the memory empty, and %.4f of its rate (both >= 0.99; the'
          ' hook\'s count over a whole segment\'s; %s)'
          % (verdict(x >= 0.99 and r >= 0.99), x, r, rate))
    else:
        P('  %s non-matching TCP with the flow memory in use: %.4f of its rate with the'
          ' memory empty (>= 0.99; %s)' % (verdict(r >= 0.99), r, rate))
if quicr.get('unknown'):
    P('  %s a QUIC short header costs a byte test: unknown connection %.4f of plain UDP'
      ' of its size (>= 0.99; known connection %s, Initial read whole %s)'
      % (verdict(quicr['unknown'] >= 0.99), quicr['unknown'],
         f(quicr.get('known'), '%.4f'), f(quicr.get('initial'), '%.4f')))
stubr = (unpol / nomod) if nomod and unpol else None
for cls, target in (('bulk', 0.9), ('tlsbulk', 0.95)):
    if cls in idr and idr[cls][0]:
        x = idr[cls][0] * (stubr or 1.0)
        P('  %s %s with the scan on: %.3f of no-module throughput (>= %.2f; %s)'
          % (verdict(x >= target), dict(ID_CLASSES)[cls].split(',')[0], x, target,
             'base chained to no module' if stubr else 'against a never-claimed namespace'))
if 'udp16' in idr and idr['udp16'][2]:
    x = idr['udp16'][2]
    P('  %s 16-byte UDP datagrams, scanned against not scanned (the path without'
      ' patterns): %.4f (>= 0.99)' % (verdict(x >= 0.99), x))
# tcp16's rate moves with where the receive softirqs run (the scan's lock
# turns bottom halves off and on): its target is judged by the hook's count
if 'tcp16_hook' in idr:
    x = idr['tcp16_hook']
    P('  %s 16-byte TCP writes, a segment scanned against not scanned (the hook\'s'
      ' instructions over a whole segment\'s): %.4f (>= 0.99)' % (verdict(x >= 0.99), x))
elif 'tcp16' in idr:
    P('  NOT MEASURED 16-byte TCP writes: the hook was not counted (BENCH_ID_TRACE=0);'
      ' the rate ratio, %s, is steered by softirqs' % f(idr['tcp16'][2], '%.4f'))
for (fam, kind), xs in sorted(kratio.items()):
    x = statistics.median(xs)
    P('  %s IPv%d lookup at 1M, %s addresses: %.2fx of 1k (<= 2x; median over %d loads of'
      ' each load\'s own ratio; loads: %s)'
      % (verdict(x <= 2), fam, kind, x, len(xs), ' '.join('%.2f' % r for r in xs)))

# ---- plot data -------------------------------------------------------------------
with open(os.path.join(out, 'cost.dat'), 'w') as d:
    d.write('# prefixes cw_miss4 nft_miss4 cw_miss6 nft_miss6 cw_ok4 nft_ok4 cw_blk4 nft_blk4'
            ' (added ns per packet over base)\n')
    for lv in levels:
        if lv.endswith('d') or lv == '0':
            continue
        vals = []
        for cls in ('miss4', 'miss6', 'ok4', 'blk4'):
            r = rows.get((lv, cls))
            vals += [f(r[3] + hook_ns if r and r[3] is not None else None, '%.1f'),
                     f(r[4] if r else None, '%.1f')]
        d.write('%s %s\n' % (lv, ' '.join(v if v != '-' else 'NaN' for v in vals)))
with open(os.path.join(out, 'lookup.dat'), 'w') as d:
    d.write('# prefixes v4_random v4_inside v6_random v6_inside (ns per lookup)\n')
    d.write('# (the median over the loads of the module)\n')
    for n in sorted({k[2] for k in kbench}):
        g = {}
        for fa in (4, 6):
            v = [(rnd, ins) for _, a, nn, _, _, rnd, _, ins in kbench if a == fa and nn == n]
            g[fa] = tuple('%g' % statistics.median(x[i] for x in v) for i in (0, 1)) if v \
                else ('NaN', 'NaN')
        d.write('%d %s %s %s %s\n' % (n, g[4][0], g[4][1], g[6][0], g[6][1]))
with open(os.path.join(out, 'plot.gp'), 'w') as g:
    g.write('''set terminal pngcairo size 1200,500 noenhanced
set output '%(o)s/bench.png'
set multiplot layout 1,2 title 'consentwall vs nftables (QEMU/TCG guest; medians)%(ic)s'
set logscale x
set key top left
set grid
set xlabel 'prefixes per family (IPv4 + as many IPv6)'
set ylabel 'added cost per packet, ns (vs no filter)'
set title 'per-packet cost, UDP sendmmsg'
plot '%(o)s/cost.dat' u 1:2 w lp lw 2 t 'consentwall, miss v4', \\
     '' u 1:3 w lp lw 2 dt 2 t 'nftables, miss v4', \\
     '' u 1:4 w lp lw 2 t 'consentwall, miss v6', \\
     '' u 1:5 w lp lw 2 dt 2 t 'nftables, miss v6', \\
     '' u 1:6 w lp t 'consentwall, consented v4', \\
     '' u 1:7 w lp dt 2 t 'nftables, accepted v4'
set ylabel 'ns per lookup'
set title 'in-kernel lookup (debug module, bench=1; median of the loads)'
plot '%(o)s/lookup.dat' u 1:2 w lp lw 2 t 'IPv4 random', \\
     '' u 1:3 w lp lw 2 t 'IPv4 inside a prefix', \\
     '' u 1:4 w lp lw 2 t 'IPv6 random', \\
     '' u 1:5 w lp lw 2 t 'IPv6 inside a prefix'
unset multiplot
''' % {'o': out, 'ic': '; cost in guest instructions (-icount)' if icount else ''})
