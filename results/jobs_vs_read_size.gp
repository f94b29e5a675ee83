# jobs/s against read size (log x), one line per series (pool, consume, client...), median with min-max bars.
# Variables (-e): data (a summary CSV: read_x, series, jobs_per_s_median/_min/_max), out, term (pngcairo|png|svg),
# series (space-separated series names), keys (their legend names, the shared terms moved to the title), marks
# (a file of threshold commands), style, title, subtitle (machine and commit).
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "jobs_vs_read_size.png"
if (!exists("title")) title = "jobs/s vs read size"
if (!exists("subtitle")) subtitle = ""
if (!exists("series")) series = "all"
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
if (exists("style")) load style
if (!exists("keys") && exists("series")) keys = series
set datafile separator comma
set datafile columnheaders
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key below horizontal noenhanced
set bmargin 7
set grid
set logscale xy
set format y "%.10g"
set xrange [0.7:3.2e6]
set xtics ("1" 1, "64" 64, "1k" 1024, "4k" 4096, "10k" 10240, "64k" 65536, "500k" 512000, "whole" 2097152)
set xlabel "read size (bytes per recv, at most; whole = the rest of the body in one read)"
set ylabel "jobs/s (median; bars: min-max over repetitions; log)"
if (exists("marks")) load marks
# Series names join axis=value terms with ";"; the key shows them with spaces.
dash(i) = 1 + (i - 1) / 8  # past 8 series, colours repeat: vary the dash
spaced(s) = strstrt(s, ";") > 0 ? s[1:strstrt(s, ";") - 1]." ".spaced(s[strstrt(s, ";") + 1:]) : s
plot for [i=1:words(series)] data using "read_x":(strcol("series") eq word(series, i) ? column("jobs_per_s_median") : NaN):(column("jobs_per_s_min")):(column("jobs_per_s_max")) with yerrorlines lw 2 pt 7 lt i dt dash(i) title spaced(word(keys, i))
