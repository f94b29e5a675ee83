# Per-stage wall vs cpu (the log's view vs the profiler's view): p50 per job, clustered bars, log y.
# Variables (-e): data (CSV: label, wall_p50_us, cpu_p50_us, suspended_p50_us; one row per configuration and stage),
# out, term, style, xtic_angle (0 when the labels fit flat), title, subtitle.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "stage_wall_cpu.png"
if (!exists("title")) title = "per-stage wall vs cpu"
if (!exists("subtitle")) subtitle = ""
if (term eq "svg") { set terminal svg size 1000,620 dynamic font "sans,12" background rgb "white" } else { if (term eq "pngcairo") { set terminal pngcairo size 1000,620 font "sans,10" background rgb "white" } else { set terminal png size 1000,620 } }
set output out
if (exists("style")) load style
if (!exists("xtic_angle")) xtic_angle = -25
set datafile separator comma
set datafile columnheaders
set title (subtitle eq "" ? title : title."\n".subtitle) noenhanced
set key inside top left opaque
stats data using "cpu_p50_us" nooutput
lo = STATS_min > 0 ? STATS_min / 3.0 : 0.1
stats data using "wall_p50_us" nooutput
lo = (STATS_min > 0 && STATS_min / 3.0 < lo) ? STATS_min / 3.0 : lo
set logscale y
set format y "%.10g"
set yrange [lo:*]
set grid ytics
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by xtic_angle noenhanced font ",9"
if (xtic_angle + 0 == 0) { set bmargin 4 } else { set bmargin 8 }
set xlabel "stage (configuration)"
set ylabel "p50 per job (µs, log)"
plot data using (column("wall_p50_us") > 0 ? column("wall_p50_us") : lo):xtic(strcol("label")) lt 1 title "wall (what a log shows)", \
     '' using (column("cpu_p50_us") > 0 ? column("cpu_p50_us") : lo) lt 2 title "cpu (what a profiler shows)"
