# Scheduler raw costs: one bar per measurement (fiber switch round trip, asio::spawn post+yield,
# io_context post round trip, 1-byte read under would-block vs always), ns, log scale.
# Variables (-e): data (pivot TSV: name, ns), out, term, title, subtitle, ylabel_text.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "bench_sched.png"
if (!exists("title")) title = "scheduler and read costs"
if (!exists("subtitle")) subtitle = ""
if (!exists("ylabel_text")) ylabel_text = "ns per operation (median; log scale)"
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
set datafile separator "\t"
set datafile missing "NaN"
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key off
set grid ytics
set logscale y
set yrange [1:*]
set style fill solid 0.7 border -1
set boxwidth 0.6
set xtics noenhanced rotate by -20
set bmargin 6
set ylabel ylabel_text noenhanced
plot data using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     '' using 0:2:(sprintf("%.3g", $2)) with labels offset 0,0.8 font ",9"
