set terminal pngcairo size 1200,500 noenhanced
set output '/work/main/bench/results/only-idents/bench.png'
set multiplot layout 1,2 title 'consentwall vs nftables (QEMU/TCG guest; medians); cost in guest instructions (-icount)'
set logscale x
set key top left
set grid
set xlabel 'prefixes per family (IPv4 + as many IPv6)'
set ylabel 'added cost per packet, ns (vs no filter)'
set title 'per-packet cost, UDP sendmmsg'
plot '/work/main/bench/results/only-idents/cost.dat' u 1:2 w lp lw 2 t 'consentwall, miss v4', \
     '' u 1:3 w lp lw 2 dt 2 t 'nftables, miss v4', \
     '' u 1:4 w lp lw 2 t 'consentwall, miss v6', \
     '' u 1:5 w lp lw 2 dt 2 t 'nftables, miss v6', \
     '' u 1:6 w lp t 'consentwall, consented v4', \
     '' u 1:7 w lp dt 2 t 'nftables, accepted v4'
set ylabel 'ns per lookup'
set title 'in-kernel lookup (debug module, bench=1; median of the loads)'
plot '/work/main/bench/results/only-idents/lookup.dat' u 1:2 w lp lw 2 t 'IPv4 random', \
     '' u 1:3 w lp lw 2 t 'IPv4 inside a prefix', \
     '' u 1:4 w lp lw 2 t 'IPv6 random', \
     '' u 1:5 w lp lw 2 t 'IPv6 inside a prefix'
unset multiplot
