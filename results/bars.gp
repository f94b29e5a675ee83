# One bar per configuration (serial vs pool, content vs text, ...): median with min-max error bars.
# Variables (-e): data (CSV: label, median, min, max), out, term, title, subtitle, ylabel_text, style, marks
# (threshold commands), xtic_angle (0 when the labels fit flat). Value labels sit above the error bar.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "bars.png"
if (!exists("title")) title = "serial vs pool"
if (!exists("subtitle")) subtitle = ""
if (!exists("ylabel_text")) ylabel_text = "jobs/s (median; bars: min-max)"
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
if (exists("style")) load style
if (!exists("xtic_angle")) xtic_angle = -20
set datafile separator comma
set datafile columnheaders
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key off
set grid ytics
set yrange [0:*]
set style fill solid 0.7 border -1
set boxwidth 0.6
set xtics rotate by xtic_angle noenhanced font ",9"
if (xtic_angle + 0 == 0) { set bmargin 4 } else { set bmargin 7 }
set xlabel "configuration"
set ylabel ylabel_text noenhanced
set format y "%.10g"
set offsets 0, 0, graph 0.08, 0
if (exists("marks")) load marks
top(m, x) = (x == x) ? x : m  # the top of the error bar, or the median without one
plot data using 0:"median":xtic(strcol("label")) with boxes lt 1, \
     '' using 0:"median":"min":"max" with yerrorbars lc rgb "black" pt 0 ps 0 lw 1.5, \
     '' using 0:(top(column("median"), column("max"))):(sprintf(column("median") >= 100 ? "%.0f" : "%.3g", column("median"))) with labels offset 0,0.8 font ",9"
