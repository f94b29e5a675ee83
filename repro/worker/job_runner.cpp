// The stages of one job, with every failure mapped to its error class and the connection closed after it.
#include "repro/worker/job_runner.hpp"

#include "repro/decode/charset.hpp"
#include "repro/parse/feed_parser.hpp"

#include <boost/coroutine/exceptions.hpp>

#include <new>
#include <stdexcept>

namespace feedbench::worker {
namespace {

// Counts the decoded body bytes the parser pulls (the job's `bytes`).
class counting_source final : public parse::body_source {
public:
    explicit counting_source(parse::body_source& inner) : inner_(inner) {}
    std::ptrdiff_t read(char* dst, std::size_t n) override {
        const auto got = inner_.read(dst, n);
        if (got > 0) bytes_ += std::uint64_t(got);
        return got;
    }
    core::error_class error_class() const override { return inner_.error_class(); }
    std::uint64_t bytes() const { return bytes_; }

private:
    parse::body_source& inner_;
    std::uint64_t bytes_ = 0;
};

bool fail(core::job_record& rec, const client::fetch_status& st) {
    if (st.ok()) return false;
    rec.ok = false;
    rec.error = st.error_class;
    rec.message = st.message;
    return true;
}

void take(core::job_record& rec, const parse::parse_result& r) {
    rec.ok = r.ok;
    rec.items = r.items;
    rec.items_digest = r.ok ? items_digest(r.item_list) : 0;
    rec.error = r.ok ? core::error_class::none : r.error_class;
    rec.message = r.ok ? std::string{} : r.message;
    if (!r.ok && rec.error == core::error_class::none) rec.error = core::error_class::parse;
}

// The whole body through a pull source (lazy + text: the decode stage pulls it).
client::fetch_status pull_all(parse::body_source& src, std::string& out) {
    out.clear();
    char buf[64 * 1024];
    if (parse::read_to_end(src, out, buf, sizeof buf)) return {};
    const core::error_class cls = src.error_class();
    return client::fetch_status::failure(cls == core::error_class::none ? core::error_class::read : cls,
                                         "body read failed");
}

void run_stages(const worker_config& cfg, client::http_client& http, std::string_view target, sched::job_meter& meter,
                boost::asio::yield_context yield, core::job_record& rec, const stage_hook& hook) {
    auto enter = [&](core::stage s) {
        meter.enter(s);
        if (hook) hook(s);
    };
    enter(core::stage::connect);
    if (fail(rec, http.connect(yield))) return;
    enter(core::stage::request);
    if (fail(rec, http.send_request(target, yield))) return;
    enter(core::stage::headers);
    client::response_head head;
    if (fail(rec, http.read_head(yield, head))) return;
    if (head.status < 200 || head.status > 299) {
        fail(rec, client::fetch_status::failure(core::error_class::status, "HTTP " + std::to_string(head.status)));
        return;
    }
    const std::string_view ct = head.content_type;
    const bool lazy = cfg.consume == core::consume_mode::lazy;
    const bool text = cfg.charset == core::charset_mode::text;

    enter(core::stage::body);
    std::string_view body;  // eager: in the client's buffer until finish()
    std::string pulled;     // lazy + text: the body the decode stage pulled
    if (!lazy) {
        if (fail(rec, http.read_body(body, yield))) return;
        rec.bytes = body.size();
    }

    if (text) {
        enter(core::stage::decode);
        if (lazy) {
            auto& src = http.body_source(yield);
            if (fail(rec, pull_all(src, pulled))) return;
            body = pulled;
            rec.bytes = body.size();
        }
        auto decoded = decode::to_utf8(body, ct);
        rec.charset = decoded.charset;
        if (!decoded.ok) {
            fail(rec,
                 client::fetch_status::failure(
                     decoded.error_class == core::error_class::none ? core::error_class::decode : decoded.error_class,
                     decoded.message));
            return;
        }
        enter(core::stage::parse);
        take(rec, parse::parse_eager(decoded.utf8, ct, true));
        return;
    }

    enter(core::stage::parse);
    if (!lazy) {
        take(rec, parse::parse_eager(body, ct));
        return;
    }
    counting_source src(http.body_source(yield));
    auto r = parse::parse_lazy(src, ct);
    rec.bytes = src.bytes();
    take(rec, r);
    if (rec.ok) {
        // The parser may stop before the end of the body: read the rest so the connection can be reused.
        if (fail(rec, http.drain(yield))) return;
    }
}

}  // namespace

std::uint64_t items_digest(const std::vector<parse::feed_item>& items) {
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0) * 1099511628211ull;
    };
    for (const auto& it : items) {
        mix(it.title);
        mix(it.link);
        mix(it.date);
    }
    return h;
}

void rethrow_if_unwinding() {
    try {
        throw;
    } catch (const boost::coroutines::detail::forced_unwind&) {
        throw;
    } catch (...) {}
}

void fail_with(core::job_record& rec, const std::exception_ptr& e) {
    rec.ok = false;
    rec.error = core::error_class::exception;
    rec.items = 0;
    rec.items_digest = 0;
    try {
        std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
        rec.message = "out of memory (std::bad_alloc)";
    } catch (const std::exception& ex) {
        rec.message = ex.what();
    } catch (...) {
        rec.message = "unknown exception";
    }
}

void run_job(const worker_config& cfg, client::http_client& http, std::string_view target, sched::job_meter& meter,
             boost::asio::yield_context yield, core::job_record& rec, const stage_hook& hook) {
    rec.ok = false;
    try {
        run_stages(cfg, http, target, meter, yield, rec, hook);
    } catch (...) {
        rethrow_if_unwinding();
        fail_with(rec, std::current_exception());
    }
    http.finish(rec.ok);
}

}  // namespace feedbench::worker
