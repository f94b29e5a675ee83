# The headline figures per published commit (scripts/publish.sh site): S3's and S8's whole / 1-byte jobs/s
# ratio at pool 20 (left axis, log), and must-reproduce verdicts passed (right axis).
# Variables (-e): data (history.csv: commit,date,must_passed,must_total,s3_whole_vs_1b,s8_whole_vs_1b,load),
# out, term (pngcairo|png|svg).
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "trend.png"
if (term eq "svg") { set terminal svg size 1000,480 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,480 font "sans,10" background rgb "white" } else { set terminal png size 1000,480 } }
set output out
set datafile separator comma
set datafile columnheaders
set datafile missing ""
set title "Headline figures per published commit" noenhanced
set key below horizontal noenhanced
set grid ytics
set logscale y
set format y "%g"
set ylabel "whole / 1 B jobs/s at pool 20 (ratio)"
set y2label "must-reproduce verdicts passed (count)"
set y2range [0:*]
set y2tics 1
set xlabel "commit (oldest left)"
set xtics rotate by -45 noenhanced
set offsets 0.3, 0.3, 0, 0
# Okabe-Ito colours (colour-blind safe): blue, vermillion, bluish green.
plot data using 0:"s3_whole_vs_1b":xtic(substr(strcol("commit"), 1, 7)) with linespoints lw 2 pt 7 lc rgb "#0072B2" title "S3 synthetic", \
     data using 0:"s8_whole_vs_1b" with linespoints lw 2 pt 5 lc rgb "#D55E00" title "S8 feeds-2012", \
     data using 0:"must_passed" axes x1y2 with linespoints lw 2 dt 2 pt 9 ps 1.5 lc rgb "#009E73" title "must verdicts passed"
