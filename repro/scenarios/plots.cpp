// Runs gnuplot as a child process (no shell), its stderr captured to a file, one run per output format.
#include "repro/scenarios/plots.hpp"

#include "repro/core/strings.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

extern char** environ;

namespace feedbench::scenarios {
namespace {

// Runs argv with stdout+stderr to log_file; returns the exit status (-1 when it could not start).
int run_captured(const std::vector<std::string>& argv, const std::filesystem::path& log_file) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // none of the runner's sockets reach gnuplot
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool non_empty(const std::filesystem::path& f) {
    std::error_code ec;
    return std::filesystem::is_regular_file(f, ec) && std::filesystem::file_size(f, ec) > 0;
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
    std::string o = "'";
    for (char c : s) {
        if (c == '\'')
            o += "''";
        else if (c == '\n')
            o += ' ';
        else
            o += c;
    }
    return o + "'";
}

plot_env detect_gnuplot(const std::filesystem::path& scripts_dir, const std::string& gnuplot) {
    plot_env env;
    env.scripts_dir = scripts_dir;
    env.gnuplot = gnuplot;
    auto log = std::filesystem::temp_directory_path() / ("feedrepro-terminals-" + std::to_string(::getpid()) + ".txt");
    int rc = run_captured({gnuplot, "-e", "set terminal"}, log);
    auto text = core::read_file(log).value_or("");
    std::filesystem::remove(log);
    if (rc != 0) return env;
    env.available = true;
    auto has = [&](const std::string& name) {
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string first;
            ls >> first;
            if (first == name) return true;
        }
        return false;
    };
    env.png_terminal = has("pngcairo") ? "pngcairo" : has("png") ? "png" : "";
    env.svg = has("svg");
    return env;
}

plot_outcome render_plot(const plot_env& env, const std::string& kind, const std::filesystem::path& out_stem,
                         const std::vector<std::pair<std::string, std::string>>& vars) {
    plot_outcome o;
    auto script = env.scripts_dir / (kind + ".gp");
    if (!env.available) {
        o.error = "gnuplot not found (" + env.gnuplot + ")";
        return o;
    }
    if (!std::filesystem::exists(script)) {
        o.error = "no gnuplot script " + script.string();
        return o;
    }
    std::vector<std::pair<std::string, std::string>> formats;
    if (!env.png_terminal.empty()) formats.emplace_back(env.png_terminal, ".png");
    if (env.svg) formats.emplace_back("svg", ".svg");
    for (auto& [term, ext] : formats) {
        auto out = out_stem;
        out += ext;
        std::string assign;
        // The shared look (palette, line styles) when the scripts folder has it.
        if (auto style = env.scripts_dir / "style.gp"; std::filesystem::exists(style))
            assign += "style=" + gnuplot_quote(style.string()) + "; ";
        for (auto& [k, v] : vars) assign += k + "=" + gnuplot_quote(v) + "; ";
        assign += "term=" + gnuplot_quote(term) + "; out=" + gnuplot_quote(out.string());
        auto log = out_stem;
        log += ext + ".log";
        int rc = run_captured({env.gnuplot, "-e", assign, script.string()}, log);
        auto err = core::read_file(log).value_or("");
        std::error_code ec;
        std::filesystem::remove(log, ec);
        if (rc != 0 || !non_empty(out)) {
            o.error += (o.error.empty() ? "" : "; ") + script.filename().string() + " -> " + out.filename().string() +
                       ": exit " + std::to_string(rc) + (err.empty() ? "" : ": " + err.substr(0, 600));
            continue;
        }
        (ext == ".png" ? o.png : o.svg) = out;
    }
    if (env.png_terminal.empty()) o.error += (o.error.empty() ? "" : "; ") + std::string("gnuplot has no png terminal");
    if (!env.svg) o.error += (o.error.empty() ? "" : "; ") + std::string("gnuplot has no svg terminal");
    o.ok = !o.png.empty() && !o.svg.empty();
    return o;
}

}  // namespace feedbench::scenarios
