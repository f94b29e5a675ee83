# Parse (or charset) throughput: clustered bars, one group per input, one bar per parser; MB/s, MB = 10^6.
# Variables (-e): data (pivot TSV from bench_to_tsv --pivot: input, then one column per parser), out,
# term (pngcairo | png | svg), title, subtitle, ylabel_text.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "bench_parse.png"
if (!exists("title")) title = "parse throughput per parser and input"
if (!exists("subtitle")) subtitle = ""
if (!exists("ylabel_text")) ylabel_text = "MB/s (MB = 10^6 bytes; median of repetitions; log scale)"
if (term eq "svg") { set terminal svg size 1100,640 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1100,640 font "sans,10" background rgb "white" } else { set terminal png size 1100,640 } }
set output out
set datafile separator "\t"
set datafile missing "NaN"
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set yrange [1:*]
set grid ytics
set key outside right top noenhanced
set xtics noenhanced rotate by -15
# Twelve distinct colours, so parsers never share one.
set linetype 1 lc rgb "#4477aa"
set linetype 2 lc rgb "#ee6677"
set linetype 3 lc rgb "#228833"
set linetype 4 lc rgb "#ccbb44"
set linetype 5 lc rgb "#66ccee"
set linetype 6 lc rgb "#aa3377"
set linetype 7 lc rgb "#bbbbbb"
set linetype 8 lc rgb "#000000"
set linetype 9 lc rgb "#ee7733"
set linetype 10 lc rgb "#009988"
set linetype 11 lc rgb "#882255"
set linetype 12 lc rgb "#999933"
set linetype cycle 12
set ylabel ylabel_text noenhanced
plot for [i=2:*] data using i:xtic(1) title columnheader(i)
