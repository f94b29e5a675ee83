// The source factory: embedded queue or AMQP source.
#include "repro/intake/source_factory.hpp"

#include "repro/intake/embedded_source.hpp"

#include "repro/intake/amqp_source.hpp"

#include <stdexcept>
#include <string>

namespace feedbench::intake {

bool is_embedded(const intake_options& opt) {
    try {
        return core::parse_intake(opt.intake) == core::intake_kind::embedded;
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--intake: ") + e.what());
    }
}

std::unique_ptr<job_source> make_job_source(const intake_options& opt, const std::vector<data::manifest_entry>& entries,
                                            net::io_context& io, std::size_t max_jobs) {
    if (is_embedded(opt)) return std::make_unique<embedded_source>(plan_jobs(entries, opt.formats, opt.jobs));
    amqp_options amqp = amqp_options::parse_url(opt.intake);
    amqp.mode = opt.amqp_mode;
    amqp.prefetch = opt.prefetch;
    amqp.max_jobs = max_jobs ? max_jobs : opt.jobs;
    return make_amqp_source(io, amqp);
}

}  // namespace feedbench::intake
