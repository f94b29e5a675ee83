// The source factory: embedded queue, or the AMQP source when it is compiled in.
#include "repro/intake/source_factory.hpp"

#include "repro/intake/embedded_source.hpp"

#ifdef FEEDBENCH_HAVE_AMQP
#include "repro/intake/amqp_source.hpp"
#endif

#include <stdexcept>

namespace feedbench::intake {

bool is_embedded(const worker::worker_config& cfg) { return cfg.intake.empty() || cfg.intake == "embedded"; }

std::unique_ptr<job_source> make_job_source(const worker::worker_config& cfg, const std::vector<data::manifest_entry>& entries,
                                            net::io_context& io, std::size_t max_jobs) {
    if (is_embedded(cfg)) return std::make_unique<embedded_source>(plan_jobs(entries, cfg.formats, cfg.jobs));
    if (cfg.intake.rfind("amqp://", 0) != 0)
        throw std::invalid_argument("--intake: '" + cfg.intake + "' is not an intake (use embedded or amqp://HOST:PORT/QUEUE)");
#ifdef FEEDBENCH_HAVE_AMQP
    amqp_options opt = amqp_options::parse_url(cfg.intake);
    opt.mode = cfg.amqp_mode;
    opt.prefetch = cfg.prefetch;
    opt.max_jobs = max_jobs ? max_jobs : cfg.jobs;
    return make_amqp_source(io, opt);
#else
    (void)io;
    (void)max_jobs;
    throw std::runtime_error("--intake " + cfg.intake + ": this feedworker was built without AMQP (librabbitmq not found)");
#endif
}

}  // namespace feedbench::intake
