// The gnuplot driver: runs `gnuplot -e "var='value'; ..." results/<kind>.gp` once for PNG (pngcairo when
// the build has it, else png) and once for SVG, and checks that both files exist and are not empty.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace feedbench::scenarios {

struct plot_env {
    std::filesystem::path scripts_dir;  // where <kind>.gp live (the repo's results/)
    std::string gnuplot = "gnuplot";
    bool available = false;    // gnuplot ran
    std::string png_terminal;  // "pngcairo", "png" or "" (no PNG terminal)
    bool svg = false;
};

// Asks gnuplot which terminals it has (`gnuplot -e 'set terminal'`).
plot_env detect_gnuplot(const std::filesystem::path& scripts_dir, const std::string& gnuplot = "gnuplot");

struct plot_outcome {
    std::filesystem::path png, svg;  // empty when not made
    bool ok = false;                 // both made and non-empty
    std::string error;               // gnuplot's stderr or why not
};

// Renders <scripts_dir>/<kind>.gp to <out_stem>.png and <out_stem>.svg. vars are passed as strings, and
// style=<scripts_dir>/style.gp (the shared palette) when that file exists.
plot_outcome render_plot(const plot_env& env, const std::string& kind, const std::filesystem::path& out_stem,
                         const std::vector<std::pair<std::string, std::string>>& vars);

// A gnuplot single-quoted string literal ('it''s').
std::string gnuplot_quote(const std::string& s);

}  // namespace feedbench::scenarios
