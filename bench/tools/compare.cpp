// Mann-Whitney U, medians, geometric mean and the slowdown verdict for bench_compare.
#include "bench/tools/compare.hpp"

#include "bench/tools/tsv.hpp"
#include "repro/core/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

namespace feedbench::bench_tools {

namespace {

// Number of arrangements giving each U for sample sizes n1, n2 (exact null distribution).
std::vector<double> u_distribution(std::size_t n1, std::size_t n2) {
    // f[i][j][u]: counts for sizes i, j. Built with f(i,j,u) = f(i-1,j,u-j) + f(i,j-1,u).
    std::size_t const max_u = n1 * n2;
    std::vector<std::vector<std::vector<double>>> f(n1 + 1, std::vector<std::vector<double>>(n2 + 1));
    for (std::size_t i = 0; i <= n1; ++i)
        for (std::size_t j = 0; j <= n2; ++j) {
            f[i][j].assign(i * j + 1, 0.0);
            if (i == 0 || j == 0) {
                f[i][j][0] = 1;
                continue;
            }
            for (std::size_t u = 0; u <= i * j; ++u) {
                double v = 0;
                if (u >= j && u - j <= (i - 1) * j) v += f[i - 1][j][u - j];
                if (u <= i * (j - 1)) v += f[i][j - 1][u];
                f[i][j][u] = v;
            }
        }
    (void)max_u;
    return f[n1][n2];
}

}  // namespace

double smallest_exact_p(std::size_t n1, std::size_t n2) {
    if (n1 == 0 || n2 == 0) return 1;
    double c = 1;  // C(n1+n2, n1)
    for (std::size_t k = 1; k <= n1; ++k) c = c * static_cast<double>(n2 + k) / static_cast<double>(k);
    return std::min(1.0, 2.0 / c);
}

mann_whitney_result mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
    mann_whitney_result r;
    std::size_t const n1 = a.size(), n2 = b.size();
    if (n1 == 0 || n2 == 0) return r;
    // Mid-ranks over the pooled sample.
    std::vector<std::pair<double, int>> pooled;
    for (double x : a) pooled.push_back({x, 0});
    for (double x : b) pooled.push_back({x, 1});
    std::sort(pooled.begin(), pooled.end(), [](auto const& l, auto const& r) { return l.first < r.first; });
    std::size_t const n = pooled.size();
    double rank_sum_a = 0, tie_term = 0;
    bool ties = false;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && pooled[j + 1].first == pooled[i].first) ++j;
        double const mid = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        double const t = static_cast<double>(j - i + 1);
        if (t > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        for (std::size_t k = i; k <= j; ++k)
            if (pooled[k].second == 0) rank_sum_a += mid;
        i = j + 1;
    }
    double const dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
    r.u = rank_sum_a - dn1 * (dn1 + 1) / 2;
    if (!ties && n1 * n2 <= 400) {
        auto const dist = u_distribution(n1, n2);
        double const total = std::accumulate(dist.begin(), dist.end(), 0.0);
        auto const u = static_cast<std::size_t>(std::llround(r.u));
        double lower = 0, upper = 0;
        for (std::size_t k = 0; k < dist.size(); ++k) {
            if (k <= u) lower += dist[k];
            if (k >= u) upper += dist[k];
        }
        r.p = std::min(1.0, 2.0 * std::min(lower, upper) / total);
        r.exact = true;
        return r;
    }
    double const mean = dn1 * dn2 / 2;
    double const dnn = dn1 + dn2;
    double const var = dn1 * dn2 / 12.0 * ((dnn + 1) - tie_term / (dnn * (dnn - 1)));
    if (var <= 0) {
        r.p = 1;
        return r;
    }
    double const z = (std::abs(r.u - mean) - 0.5) / std::sqrt(var);
    r.p = std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
    return r;
}

std::string metric_for(const bench_run& r, const std::string& metric) {
    if (metric != "auto") return metric;
    bool const wall =
        r.run_name.find("/real_time") != std::string::npos || r.run_name.find("/manual_time") != std::string::npos;
    return wall ? "real_ns" : "cpu_ns";
}

comparison compare(const bench_file& base, const bench_file& next, const compare_options& opt) {
    struct samples {
        std::vector<double> values, instructions;
        std::size_t order = 0;
    };
    auto collect = [&](const bench_file& f) {
        std::map<std::string, samples> out;
        std::size_t order = 0;
        for (auto const& r : f.runs) {
            if (r.error || r.run_type != "iteration") continue;
            double const v = value_of(r, metric_for(r, opt.metric));
            if (std::isnan(v)) continue;
            auto [it, inserted] = out.try_emplace(r.run_name);
            if (inserted) it->second.order = order++;
            it->second.values.push_back(v);
            if (auto in = r.counters.find("instructions"); in != r.counters.end())
                it->second.instructions.push_back(in->second);
        }
        return out;
    };
    auto const b = collect(base);
    auto const n = collect(next);
    comparison c;
    std::vector<std::pair<std::size_t, comparison_row>> ordered;
    double log_sum = 0;
    std::size_t log_count = 0;
    for (auto const& [name, bs] : b) {
        auto it = n.find(name);
        if (it == n.end()) {
            c.only_in_base.push_back(name);
            continue;
        }
        auto const& ns = it->second;
        comparison_row row;
        row.name = name;
        row.n_base = bs.values.size();
        row.n_new = ns.values.size();
        row.base_median = core::median(bs.values);
        row.new_median = core::median(ns.values);
        row.change = row.base_median > 0 ? row.new_median / row.base_median - 1 : 0;
        row.test = mann_whitney(bs.values, ns.values);
        if (!bs.instructions.empty() && !ns.instructions.empty()) {
            row.base_instructions = core::median(bs.instructions);
            row.new_instructions = core::median(ns.instructions);
            c.instructions_measured = true;
        }
        bool const testable = smallest_exact_p(row.n_base, row.n_new) < opt.alpha;
        if (!testable)
            row.verdict = "too few repetitions";
        else if (row.test.p < opt.alpha && row.change > opt.threshold)
            row.verdict = "slower";
        else if (row.test.p < opt.alpha && row.change < -opt.threshold)
            row.verdict = "faster";
        else
            row.verdict = "same";
        if (row.verdict == "slower") ++c.slowdowns;
        if (row.base_median > 0 && row.new_median > 0) {
            log_sum += std::log(row.new_median / row.base_median);
            ++log_count;
        }
        ordered.push_back({bs.order, std::move(row)});
    }
    for (auto const& [name, ns] : n)
        if (b.find(name) == b.end()) c.only_in_new.push_back(name);
    std::sort(ordered.begin(), ordered.end(), [](auto const& l, auto const& r) { return l.first < r.first; });
    for (auto& [order, row] : ordered) c.rows.push_back(std::move(row));
    c.geomean_ratio = log_count == 0 ? 1 : std::exp(log_sum / static_cast<double>(log_count));
    return c;
}

std::string format_comparison(const comparison& c, const compare_options& opt) {
    std::ostringstream out;
    out << fmt::format("{:<52} {:>4} {:>4} {:>14} {:>14} {:>9} {:>8}  {}\n", "benchmark", "n0", "n1",
                       "base " + opt.metric, "new " + opt.metric, "change", "p", "verdict");
    for (auto const& r : c.rows) {
        out << fmt::format("{:<52} {:>4} {:>4} {:>14.4g} {:>14.4g} {:>+8.1f}% {:>8.4f}  {}{}\n", r.name, r.n_base,
                           r.n_new, r.base_median, r.new_median, r.change * 100, r.test.p, r.verdict,
                           r.test.exact ? "" : " (normal approx.)");
        if (r.base_instructions && r.new_instructions)
            out << fmt::format("{:<52} instructions/iteration {:.4g} -> {:.4g} ({:+.1f}%)\n", "", *r.base_instructions,
                               *r.new_instructions, (*r.new_instructions / *r.base_instructions - 1) * 100);
    }
    for (auto const& name : c.only_in_base) out << "only in baseline: " << name << '\n';
    for (auto const& name : c.only_in_new) out << "only in new run:  " << name << '\n';
    out << fmt::format(
        "geometric mean of new/base ({}): {:.4f} ({:+.1f}%) over {} benchmarks\n"
        "significant slowdowns (change > {:.1f}% and Mann-Whitney p < {:.3g}): {}\n",
        opt.metric, c.geomean_ratio, (c.geomean_ratio - 1) * 100, c.rows.size(), opt.threshold * 100, opt.alpha,
        c.slowdowns);
    if (!c.instructions_measured)
        out << "instructions: not in these runs (no hardware counters via perf_event_open on this machine)\n";
    bool const any_untestable =
        std::any_of(c.rows.begin(), c.rows.end(), [](auto const& r) { return r.verdict == "too few repetitions"; });
    if (any_untestable)
        out << "note: with fewer than 4 repetitions per side no difference can reach p < " << opt.alpha
            << " (exact test); run with --benchmark_repetitions=5 or more\n";
    return out.str();
}

}  // namespace feedbench::bench_tools
