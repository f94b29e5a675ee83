// feedpublish: puts N jobs (feed ids from a feed server's manifest, or given) on an AMQP queue,
// persistent, with publisher confirms, and reports the rate.
#include "repro/cli/cli.hpp"
#include "repro/feedpublish/publisher.hpp"
#include "repro/intake/manifest_client.hpp"

#include <fmt/format.h>

#include <exception>

int main(int argc, char** argv) {
    namespace cli = feedbench::cli;
    namespace pub = feedbench::publish;
    CLI::App app;
    cli::describe(
        app,
        {"feedpublish: put jobs on an AMQP queue for feedworker --intake amqp://...",
         "feedpublish [--amqp amqp://HOST:PORT/QUEUE] (--server URL | --ids a,b,c) [--jobs N] [--rate R] [--purge]",
         "feedpublish --amqp amqp://127.0.0.1:5673/feedbench.jobs --server http://127.0.0.1:8080 --jobs 1000 --purge",
         "Exit status: 0 every job confirmed, 1 the run failed (a publish nacked, no broker), 2 bad arguments."});
    std::string amqp_url = "amqp://127.0.0.1:5673/feedbench.jobs", server, ids, formats = "rss+atom+jsonfeed";
    pub::publish_options opt;
    app.add_option("--amqp", amqp_url, "broker and queue: amqp://HOST:PORT/QUEUE")
        ->check(cli::parsed_by(feedbench::intake::amqp_options::parse_url, "amqp://HOST:PORT/QUEUE"))
        ->capture_default_str();
    auto* server_opt = app.add_option("--server", server, "feed server whose /manifest gives the feed ids");
    app.add_option("--ids", ids, "feed ids, comma separated (instead of --server)")->excludes(server_opt);
    app.add_option("--formats", formats, "manifest formats that become jobs (joined with '+', or all)")
        ->capture_default_str();
    app.add_option("--jobs", opt.jobs, "jobs to publish, ids cycled (0 = one per id)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{100'000'000}))
        ->capture_default_str();
    app.add_option("--rate", opt.rate, "publish at this many jobs/s (a producer trickling work; 0 = at once)")
        ->check(CLI::Range(0.0, 1e7))
        ->capture_default_str();
    app.add_flag("--purge", opt.purge, "empty the queue first");
    app.add_option("--confirm-window", opt.confirm_window, "most unconfirmed publishes in flight")
        ->check(CLI::Range(std::size_t{1}, std::size_t{65'535}))
        ->capture_default_str();
    if (auto code = cli::parse(app, argc, argv)) return *code;
    try {
        opt.target = feedbench::intake::amqp_options::parse_url(amqp_url);
        if (!server.empty())
            opt.ids = pub::manifest_ids(feedbench::intake::fetch_manifest(server), formats);
        else
            opt.ids = pub::split_list(ids);
        if (opt.ids.empty() && (opt.jobs > 0 || !opt.purge))
            return cli::fail(app, "no feed ids (give --server URL or --ids a,b,c)", cli::exit_bad_arguments);
        auto r = pub::publish_jobs(opt);
        if (opt.purge) fmt::print("purged {} messages from {}\n", r.purged, opt.target.queue);
        if (r.published > 0)
            fmt::print(
                "published {} jobs ({} feed ids) to {} at {}:{} in {:.3f} s: {:.0f} jobs/s confirmed ({} confirmed, {} "
                "nacked)\n",
                r.published, opt.ids.size(), opt.target.queue, opt.target.host, opt.target.port, r.seconds,
                r.jobs_per_s(), r.confirmed, r.nacked);
        if (r.confirmed != r.published)
            return cli::fail(app,
                             fmt::format("{} of {} publishes not confirmed", r.published - r.confirmed, r.published),
                             cli::exit_failed);
        return cli::exit_ok;
    } catch (const std::exception& e) {
        return cli::fail(app, e.what(), cli::exit_failed);
    }
}
