# Per-job latency CDF, one line per configuration (log x).
# Variables (-e): data (CSV: series, latency_ms, fraction), out, term, series (space-separated), keys (legend
# names), style, title, subtitle.
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "latency_cdf.png"
if (!exists("title")) title = "job latency CDF"
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
set logscale x
set format x "%.10g"
set yrange [0:1.02]
set xlabel "job latency (ms, log)"
set ylabel "fraction of jobs at or under that latency (0-1)"
# Series names join axis=value terms with ";"; the key shows them with spaces.
dash(i) = 1 + (i - 1) / 8  # past 8 series, colours repeat: vary the dash
spaced(s) = strstrt(s, ";") > 0 ? s[1:strstrt(s, ";") - 1]." ".spaced(s[strstrt(s, ";") + 1:]) : s
plot for [i=1:words(series)] data using (strcol("series") eq word(series, i) ? column("latency_ms") : NaN):"fraction" with steps lt i dt dash(i) title spaced(word(keys, i))
