# Per-request latency in request order, one line per configuration (Nagle + delayed ACK vs TCP_NODELAY), log y.
# Variables (-e): data (CSV: series, request, latency_ms), out, term, series (space-separated), keys (legend names),
# style, title, subtitle,
# mark_ms (optional: a dashed line at this latency, the verdict threshold).
if (!exists("term")) term = "pngcairo"
if (!exists("out")) out = "request_latency.png"
if (!exists("title")) title = "per-request latency"
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
set logscale y
set format y "%.10g"
set xlabel "request number (serial, keep-alive; all repetitions in order)"
set ylabel "latency (ms, log)"
if (exists("mark_ms")) { mark = mark_ms + 0; set arrow from graph 0, first mark to graph 1, first mark nohead dt 2 lw 1.5 lc rgb "#cc3311" front; set label sprintf("threshold %g ms", mark) at graph 0.01, first mark offset 0,0.6 tc rgb "#cc3311" front }
# Series names join axis=value terms with ";"; the key shows them with spaces.
dash(i) = 1 + (i - 1) / 8  # past 8 series, colours repeat: vary the dash
spaced(s) = strstrt(s, ";") > 0 ? s[1:strstrt(s, ";") - 1]." ".spaced(s[strstrt(s, ";") + 1:]) : s
plot for [i=1:words(series)] data using "request":(strcol("series") eq word(series, i) ? column("latency_ms") : NaN) with linespoints ps 0.6 lt i dt dash(i) title spaced(word(keys, i))
