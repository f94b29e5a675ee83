# The headline: jobs/s against read size (log x, log y) for the configuration that carries the story (pool 20,
# lazy and eager beside it), with the 2012 numbers as reference bands (65-70 jobs/s whole, 5-10 jobs/s at 1 B)
# and the measured ratio written on the plot. Unmeasured read sizes are blank lines in the data: not joined.
# Variables (-e): data (blocks per series, see headline_data: read_x,read_size,median,min,max), keys (one word
# per block), ratio_text, marks (a file of threshold commands), style, out, term, title, subtitle.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "headline.png"
if (!exists("title")) title = "jobs/s vs read size"
if (!exists("subtitle")) subtitle = ""
if (!exists("keys")) keys = "lazy"
if (term eq "svg") { set terminal svg size 1000,640 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,640 font "sans,10" background rgb "white" } else { set terminal png size 1000,640 } }
set output out
if (exists("style")) load style
set datafile separator comma
set datafile missing "NaN"
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key below horizontal noenhanced
set bmargin 7
set grid
set logscale xy
set format y "%.10g"
set xrange [0.7:3.2e6]
set xtics ("1" 1, "64" 64, "1k" 1024, "4k" 4096, "10k" 10240, "64k" 65536, "500k" 512000, "whole" 2097152)
set xlabel "read size (bytes per recv; whole = the rest of the body in one read)"
set ylabel "jobs/s (median; bars: min-max over repetitions; log)"
# The 2012 numbers: 5-10 jobs/s at 1 B, 65-70 jobs/s whole.
$ref2012 << EOD
1,7.5,0.8,1.25,5,10
2097152,67.5,1500000,2900000,65,70
EOD
if (exists("ratio_text")) set label 1 ratio_text at graph 0.02, graph 0.96 left front noenhanced font ",11" boxed
set style textbox opaque noborder
if (exists("marks")) load marks
set label 2 "2012: 5-10" at 1.35, 7.5 left front font ",9" tc rgb "#555555"
set label 3 "2012: 65-70" at 1350000, 67.5 right front font ",9" tc rgb "#555555"
plot $ref2012 using 1:2:3:4:5:6 with boxxyerror fs transparent solid 0.5 border lc rgb "#555555" lc rgb "#999999" title "2012: 5-10 jobs/s at 1 B, 65-70 whole (band)", \
     for [i=1:words(keys)] data index (i - 1) using 1:3:4:5 with yerrorlines lt i title word(keys, i)
