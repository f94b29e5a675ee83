# Shared look of the reproduction plots, loaded by each script when the driver passes style=<this file>.
# Line colours: Paul Tol's colour-blind-safe "bright" scheme without its yellow, then black, orange and grey.
set linetype 1 lc rgb "#4477aa" lw 2 pt 7
set linetype 2 lc rgb "#ee6677" lw 2 pt 5
set linetype 3 lc rgb "#228833" lw 2 pt 9
set linetype 4 lc rgb "#aa3377" lw 2 pt 11
set linetype 5 lc rgb "#66ccee" lw 2 pt 13
set linetype 6 lc rgb "#000000" lw 2 pt 7
set linetype 7 lc rgb "#ee7733" lw 2 pt 5
set linetype 8 lc rgb "#777777" lw 2 pt 9
set linetype cycle 8
