# Read path: ns per recv(2) against the read size (data waiting on loopback TCP); one line per variant
# (recv = steady-state reads, body_50k = a 50 000-byte body at that read size, stream = the client stream).
# Variables (-e): data (pivot TSV: read size label, then one column per variant), out, term, title,
# subtitle, ylabel_text.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "bench_read_path.png"
if (!exists("title")) title = "cost of one read vs read size"
if (!exists("subtitle")) subtitle = ""
if (!exists("ylabel_text")) ylabel_text = "ns per read (median; log scale)"
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
set datafile separator "\t"
set datafile missing "NaN"
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set logscale y
set grid xtics ytics
set key top left noenhanced
set xlabel "read size (bytes per recv; whole = the remaining body at once)"
set ylabel ylabel_text noenhanced
set xtics noenhanced
set offsets 0.3, 0.3, 0, 0
plot for [i=2:*] data using 0:i:xtic(1) with linespoints lw 2 pt 7 title columnheader(i)
