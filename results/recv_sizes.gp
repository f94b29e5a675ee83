# feeddiag: socket receive calls by bytes returned per call (log2 buckets), bars = calls (log y), line = share of bytes.
# Variables (-e): data (recv_sizes.tsv: bucket, low, high, label, calls, bytes, calls_pct, bytes_pct), out, term, title, subtitle.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "recv_sizes.png"
if (!exists("title")) title = "bytes per socket receive call"
if (!exists("subtitle")) subtitle = ""
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
if (exists("style")) load style
set datafile separator tab
set datafile columnheaders
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key inside top right opaque noenhanced
set grid ytics
set style fill solid 0.6 border -1
set boxwidth 0.8
set logscale y
set format y "%.10g"
set yrange [0.8:*]
set y2range [0:100]
set y2tics 0,20,100
set ytics nomirror
set xtics rotate by -45 noenhanced
set xlabel "bytes returned by one receive call (buckets [low, 2 x low))"
set ylabel "receive calls (log)"
set y2label "% of all bytes received"
plot data using 0:(column("calls") > 0 ? column("calls") : NaN):xtic(strcol("label")) with boxes lt 1 title "calls", \
     data using 0:"bytes_pct" axes x1y2 with linespoints lw 2 pt 7 lt 2 title "% of bytes"
