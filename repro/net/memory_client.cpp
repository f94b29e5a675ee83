// The memory client: the responses fetched once before the run, then served from memory to every job.
#include "repro/net/memory_client.hpp"

#include "repro/net/beast_client.hpp"

#include <boost/asio/post.hpp>

#include <stdexcept>

namespace feedbench::client {
namespace {

class memory_client final : public http_client, private parse::body_source {
public:
    explicit memory_client(const memory_responses& responses) : responses_(responses) {}

    std::string_view name() const override { return "memory"; }

    fetch_status connect(net::yield_context) override {
        current_ = nullptr;
        return {};
    }

    fetch_status send_request(std::string_view target, net::yield_context) override {
        target_.assign(target);
        return {};
    }

    fetch_status read_head(net::yield_context yield, response_head& head) override {
        // One suspension through the loop, where a socket job waits for its response: the pool interleaves.
        net::post(yield);
        const auto it = responses_.find(target_);
        if (it == responses_.end())
            return fetch_status::failure(core::error_class::read, "no response in memory for " + target_);
        current_ = &it->second;
        pos_ = 0;
        head.status = current_->status;
        head.content_type = current_->content_type;
        head.content_length = current_->body.size();
        head.chunked = false;
        head.header_bytes = 0;
        return {};
    }

    fetch_status read_body(std::string_view& body, net::yield_context) override {
        if (!current_) return fetch_status::failure(core::error_class::read, "body requested before the head");
        body = std::string_view(current_->body).substr(pos_);
        pos_ = current_->body.size();
        return {};
    }

    parse::body_source& body_source(net::yield_context) override { return *this; }

    fetch_status drain(net::yield_context) override {
        if (current_) pos_ = current_->body.size();
        return {};
    }

    void finish(bool) override { current_ = nullptr; }

    std::uint64_t max_read_request() const override { return 0; }
    std::uint64_t connections() const override { return 0; }

    // parse::body_source: the rest of the body, n bytes at a time.
    std::ptrdiff_t read(char* dst, std::size_t n) override {
        if (!current_) return -1;
        const std::size_t count = std::min(n, current_->body.size() - pos_);
        current_->body.copy(dst, count, pos_);
        pos_ += count;
        return std::ptrdiff_t(count);
    }
    core::error_class error_class() const override {
        return current_ ? core::error_class::none : core::error_class::read;
    }

private:
    const memory_responses& responses_;
    std::string target_;
    const memory_response* current_ = nullptr;
    std::size_t pos_ = 0;
};

}  // namespace

memory_responses fetch_into_memory(const client_options& opt, const std::vector<std::string>& targets) {
    memory_responses out;
    net::io_context io;
    sched::job_meter meter;  // no job: counts nothing
    std::exception_ptr failure;
    net::spawn(io, [&](net::yield_context yield) {
        auto http = make_beast_client(io, opt, meter);  // dies here: its socket and watchdog leave io
        for (const auto& target : targets) {
            if (out.count(target)) continue;
            // Each step of one GET, as a job takes them; a failure below HTTP ends the fetch.
            auto fail = [&](const fetch_status& st) {
                if (st.ok()) return false;
                failure = std::make_exception_ptr(
                    std::runtime_error("--client memory: cannot fetch " + target + " into memory: " + st.message));
                return true;
            };
            response_head head;
            std::string_view body;
            if (fail(http->connect(yield)) || fail(http->send_request(target, yield)) ||
                fail(http->read_head(yield, head)) || fail(http->read_body(body, yield))) {
                http->finish(false);
                return;
            }
            memory_response r;
            r.body.assign(body);
            http->finish(true);
            r.status = head.status;
            r.content_type = head.content_type;
            out.emplace(target, std::move(r));
        }
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return out;
}

std::unique_ptr<http_client> make_memory_client(const memory_responses& responses) {
    return std::make_unique<memory_client>(responses);
}

}  // namespace feedbench::client
