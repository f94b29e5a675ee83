// The libcurl client: a multi handle per client driven by the io_context (asio owns the sockets through
// CURLOPT_OPENSOCKETFUNCTION/CLOSESOCKETFUNCTION), and a coroutine that suspends on a wake timer until its
// transfer made the progress the current stage needs.
#include "repro/net/curl_client.hpp"

#include "repro/core/strings.hpp"
#include "repro/net/curl_framing.hpp"

#include <boost/asio/steady_timer.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace feedbench::client {

std::size_t curl_whole_buffer_bytes() { return CURL_MAX_READ_SIZE; }
std::size_t curl_max_write_bytes() { return CURL_MAX_WRITE_SIZE; }

std::size_t curl_buffer_size(core::read_size reads) {
    if (reads.is_whole()) return CURL_MAX_READ_SIZE;
    if (reads.bytes < curl_min_buffer_bytes)
        throw std::invalid_argument("read size " + reads.to_string() +
                                    " is not applicable to the curl client: libcurl's minimum CURLOPT_BUFFERSIZE is "
                                    "1024 bytes");
    return std::min<std::size_t>(reads.bytes, CURL_MAX_READ_SIZE);
}

namespace {

using error_code = boost::system::error_code;
using clock = std::chrono::steady_clock;
constexpr std::size_t kept_buffer_bytes = 1 << 20;  // a body buffer larger than this is freed after its job

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A socket libcurl asked us to open: asio owns it, libcurl does its recv/send on the descriptor.
struct socket_entry {
    explicit socket_entry(net::io_context& io) : socket(io) {}
    tcp::socket socket;
    int what = 0;                           // CURL_POLL_IN | CURL_POLL_OUT wanted by libcurl, 0 = none
    bool reading = false, writing = false;  // an async_wait is pending in that direction
    bool open = true;
};

// Where accepted body bytes go. hold: between the head and the body call, accept a chunk only while nothing
// is buffered (as lazy); eager: accept everything; lazy: pause while the parser has bytes to take;
// discard: drain (count, do not keep).
enum class body_mode { hold, eager, lazy, discard };
// What the waiting coroutine needs before it resumes.
enum class wanted { nothing, ready, head, data, done };

class curl_client_impl final : public curl_client, private parse::body_source {
public:
    curl_client_impl(net::io_context& io, const client_options& opt, sched::job_meter& meter)
        : io_(io),
          opt_(opt),
          meter_(meter),
          buffer_size_(curl_buffer_size(opt.reads)),
          curl_timer_(io),
          wake_timer_(io),
          life_(std::make_shared<int>(0)) {
        global_init_once();
        const auto addr = opt_.endpoint.address();
        base_url_ = "http://";
        base_url_ += addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
        base_url_ += ":" + std::to_string(opt_.endpoint.port());
        if (!opt_.host.empty()) headers_ = curl_slist_append(headers_, ("Host: " + opt_.host).c_str());
        headers_ = curl_slist_append(headers_, "Expect:");
        easy_ = curl_easy_init();
        if (!easy_) throw std::runtime_error("curl_easy_init failed");
        setup_easy();
        make_multi();
    }

    ~curl_client_impl() override {
        life_.reset();  // handlers still queued see the client is gone
        if (in_multi_) curl_multi_remove_handle(multi_, easy_);
        if (multi_) curl_multi_cleanup(multi_);  // closes the kept-alive connection (closesocket callback)
        curl_easy_cleanup(easy_);
        curl_slist_free_all(headers_);
    }

    std::string_view name() const override { return "curl"; }

    fetch_status connect(net::yield_context) override {
        count_deferred_reads();
        if (in_multi_) abandon_transfer();
        reset_job();
        deadline_ = opt_.job_deadline.count() > 0 ? clock::now() + opt_.job_deadline : clock::time_point::max();
        return {};
    }

    fetch_status send_request(std::string_view target, net::yield_context yield) override {
        url_.assign(base_url_).append(target);
        curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
        if (const CURLMcode mc = curl_multi_add_handle(multi_, easy_); mc != CURLM_OK)
            return fetch_status::failure(core::error_class::read,
                                         std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc));
        in_multi_ = true;
        defer_reads_ = true;
        // Start the transfer in this job's run segment: libcurl connects (or takes the kept-alive
        // connection) and, once connected, writes the request.
        act(CURL_SOCKET_TIMEOUT, 0);
        if (auto st = wait_until(wanted::ready, yield, "connecting and sending the request"); !st.ok()) return st;
        if (done_ && result_ != CURLE_OK) return transfer_failure();
        return {};
    }

    fetch_status read_head(net::yield_context yield, response_head& head) override {
        count_deferred_reads();
        if (auto st = wait_until(wanted::head, yield, "reading the response headers"); !st.ok()) return st;
        if (!head_done_) {
            if (result_ != CURLE_OK) return transfer_failure();
            return fetch_status::failure(core::error_class::read,
                                         "connection closed before the end of the response headers");
        }
        if (content_length_ && chunked_)  // RFC 9112 §6.3: framing in doubt; Beast's parser refuses it too
            return fetch_status::failure(core::error_class::read,
                                         "bad response header: Content-Length with Transfer-Encoding chunked");
        if (content_length_ && *content_length_ > opt_.max_body) return too_large();  // before any buffer is sized
        head.status = status_;
        head.content_type = content_type_;
        head.content_length = content_length_;
        head.chunked = chunked_;
        head.header_bytes = header_bytes_;
        return {};
    }

    fetch_status read_body(std::string_view& body, net::yield_context yield) override {
        mode_ = body_mode::eager;
        // Never sized from the header beyond a first 64 KiB: the string grows with what arrives.
        if (content_length_) decoded_.reserve(std::size_t(std::min<std::uint64_t>(*content_length_, 64 * 1024)));
        resume_transfer();
        auto st = wait_until(wanted::done, yield, "reading the body");
        if (st.ok() && result_ != CURLE_OK) st = transfer_failure();
        decoded_.erase(0, consumed_);
        consumed_ = 0;
        body_.swap(decoded_);  // the previous job's buffer is the next one's
        decoded_.clear();
        body = body_;
        return st;
    }

    parse::body_source& body_source(net::yield_context yield) override {
        yield_.emplace(yield);
        mode_ = body_mode::lazy;
        source_error_ = core::error_class::none;
        return *this;
    }

    fetch_status drain(net::yield_context yield) override {
        decoded_.clear();
        consumed_ = 0;
        mode_ = body_mode::discard;
        resume_transfer();
        if (auto st = wait_until(wanted::done, yield, "draining the body"); !st.ok()) return st;
        if (result_ != CURLE_OK) return transfer_failure();
        return {};
    }

    void finish(bool reuse) override {
        count_deferred_reads();
        const bool complete = done_ && result_ == CURLE_OK && !timed_out_;
        if (in_multi_) abandon_transfer();  // libcurl closes a connection whose response was not read to its end
        if (!(reuse && complete) && !sockets_.empty()) {
            // The connection sits in this client's multi cache: the only way to close it is to drop the cache.
            curl_multi_cleanup(multi_);
            multi_ = nullptr;
            make_multi();
        }
        mode_ = body_mode::hold;
        yield_.reset();
        decoded_.clear();
        if (decoded_.capacity() > kept_buffer_bytes) std::string().swap(decoded_);  // a large body's memory goes back
        consumed_ = 0;
        callback_failure_ = nullptr;
    }

    std::uint64_t max_read_request() const override { return max_request_; }
    std::uint64_t connections() const override { return connections_; }
    std::uint64_t buffer_size() const override { return buffer_size_; }
    std::uint64_t write_chunks() const override { return chunks_; }
    std::uint64_t largest_chunk() const override { return largest_chunk_; }

    // parse::body_source: buffered bytes first; else let the paused transfer go on, or wait for the next chunk.
    std::ptrdiff_t read(char* dst, std::size_t n) override {
        for (;;) {
            rethrow_callback_failure();
            if (consumed_ < decoded_.size()) {
                const std::size_t k = std::min(n, decoded_.size() - consumed_);
                std::memcpy(dst, decoded_.data() + consumed_, k);
                consumed_ += k;
                if (consumed_ == decoded_.size()) {
                    decoded_.clear();
                    consumed_ = 0;
                }
                return std::ptrdiff_t(k);
            }
            if (n == 0) return 0;
            if (done_) {
                if (result_ == CURLE_OK) return 0;
                source_error_ = transfer_failure().error_class;
                return -1;
            }
            if (paused_) {
                if (clock::now() >= deadline_) {  // the body flows without a wait: the deadline is checked here
                    source_error_ = expire(true, "reading the body").error_class;
                    return -1;
                }
                resume_transfer();
                continue;
            }
            if (!yield_) {
                source_error_ = core::error_class::read;
                return -1;
            }
            if (auto st = wait_until(wanted::data, *yield_, "reading the body"); !st.ok()) {
                source_error_ = st.error_class;
                return -1;
            }
        }
    }
    core::error_class error_class() const override { return source_error_; }

private:
    // ---- setup ----
    void setup_easy() {
        curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
        curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(easy_, CURLOPT_PROXY, "");  // never an http_proxy from the environment
        curl_easy_setopt(easy_, CURLOPT_BUFFERSIZE, long(buffer_size_));
        curl_easy_setopt(easy_, CURLOPT_HTTP_TRANSFER_DECODING,
                         0L);  // raw chunked bytes: we dechunk, bytes stay wire bytes
        curl_easy_setopt(easy_, CURLOPT_USERAGENT, "feedbench-worker");
        curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
        curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &on_write_cb);
        curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &on_header_cb);
        curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(easy_, CURLOPT_OPENSOCKETFUNCTION, &on_open_cb);
        curl_easy_setopt(easy_, CURLOPT_OPENSOCKETDATA, this);
        curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETFUNCTION, &on_close_cb);
        curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETDATA, this);
        curl_easy_setopt(easy_, CURLOPT_PREREQFUNCTION, &on_prereq_cb);
        curl_easy_setopt(easy_, CURLOPT_PREREQDATA, this);
    }

    void make_multi() {
        multi_ = curl_multi_init();
        if (!multi_) throw std::runtime_error("curl_multi_init failed");
        curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &on_socket_cb);
        curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &on_timer_cb);
        curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 1L);
    }

    void reset_job() {
        prereq_ = head_done_ = done_ = paused_ = framing_error_ = timed_out_ = too_large_ = deadline_hit_ = false;
        header_error_.clear();
        body_bytes_ = 0;
        deadline_ = clock::time_point::max();
        result_ = CURLE_OK;
        status_ = 0;
        content_type_.clear();
        content_length_.reset();
        chunked_ = false;
        header_bytes_ = 0;
        all_header_bytes_ = 0;
        dechunk_.reset();
        decoded_.clear();
        consumed_ = 0;
        mode_ = body_mode::hold;
        yield_.reset();
        source_error_ = core::error_class::none;
        error_[0] = '\0';
    }

    // ---- driving libcurl ----

    // Runs libcurl for one socket event (or its timers), then collects a finished transfer.
    void act(curl_socket_t fd, int mask) {
        int running = 0;
        curl_multi_socket_action(multi_, fd, mask, &running);
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            const CURLcode result = m->data.result;
            curl_multi_remove_handle(multi_, m->easy_handle);
            in_multi_ = false;
            result_ = result;
            done_ = true;
            maybe_wake();
        }
    }

    // An io_context handler working for this client's transfer: its CPU is this job's (no yield counted:
    // the coroutine itself did not resume).
    template <class F>
    void on_behalf_of_job(F&& f) {
        const bool attribute = sched::running_meter() == nullptr;
        if (attribute) meter_.unpause();
        f();
        if (attribute) meter_.pause();
    }

    void resume_transfer() {
        if (!paused_ || !in_multi_) return;
        paused_ = false;
        const CURLcode rc = curl_easy_pause(easy_, CURLPAUSE_CONT);  // delivers what libcurl held back
        if (rc != CURLE_OK && in_multi_) {
            curl_multi_remove_handle(multi_, easy_);
            in_multi_ = false;
            result_ = rc;
            done_ = true;
            return;
        }
        act(CURL_SOCKET_TIMEOUT, 0);
    }

    // Removes an unfinished transfer: libcurl closes its connection.
    void abandon_transfer() {
        curl_multi_remove_handle(multi_, easy_);
        in_multi_ = false;
        if (!done_) {
            done_ = true;
            if (result_ == CURLE_OK) result_ = CURLE_ABORTED_BY_CALLBACK;
        }
    }

    bool satisfied() const {
        switch (want_) {
            case wanted::nothing:
                return true;
            case wanted::ready:
                return prereq_ || done_;
            case wanted::head:
                return head_done_ || done_;
            case wanted::data:
                return consumed_ < decoded_.size() || done_ || paused_;
            case wanted::done:
                return done_;
        }
        return true;
    }

    void maybe_wake() {
        if (waiting_ && satisfied()) wake_timer_.cancel();
    }

    // The yield policy, as libcurl allows it. would-block: before suspending, let libcurl try the receive
    // on the transfer's socket now (a recv that finds the socket dry costs one EAGAIN inside libcurl), so
    // the job suspends only when the socket is dry. always: every wait goes through the loop.
    void try_receive() {
        if (!in_multi_) return;
        for (const auto& [fd, entry] : sockets_) {
            if (entry->open && (entry->what & CURL_POLL_IN)) {
                act(fd, CURL_CSELECT_IN);
                return;
            }
        }
    }

    // Suspends the coroutine (one yield per wake) until `w` holds. Idle timeout: when this wait has gone a
    // whole read_timeout with no byte moved for this transfer (counted from the later of the wait's start
    // and the last progress), the transfer is aborted and the call reports "timeout"; past the job's
    // deadline, "deadline". The wake timer is set for the exact moment either would run out.
    fetch_status wait_until(wanted w, net::yield_context& yield, std::string_view during) {
        want_ = w;
        if (opt_.yield == core::yield_policy::would_block && !satisfied()) try_receive();
        const auto wait_start = clock::now();
        while (!satisfied()) {
            const auto now = clock::now();
            if (now >= deadline_) return expire(true, during);
            const auto idle_from = std::max(wait_start, last_progress_at_);
            if (now - idle_from >= opt_.read_timeout) return expire(false, during);
            wake_timer_.expires_at(std::min(idle_from + opt_.read_timeout, deadline_));
            waiting_ = true;
            error_code ec;
            wake_timer_.async_wait(yield[ec]);
            waiting_ = false;
        }
        want_ = wanted::nothing;
        rethrow_callback_failure();
        return {};
    }

    // Ends the transfer for the idle timeout (deadline false) or the job deadline.
    fetch_status expire(bool deadline, std::string_view during) {
        want_ = wanted::nothing;
        if (in_multi_) abandon_transfer();
        (deadline ? deadline_hit_ : timed_out_) = true;
        done_ = true;
        result_ = CURLE_OPERATION_TIMEDOUT;
        if (deadline)
            return fetch_status::failure(core::error_class::deadline, std::string(during) + ": past the job deadline");
        return fetch_status::failure(core::error_class::timeout,
                                     std::string(during) + ": no byte for the read timeout");
    }

    fetch_status too_large() const {
        return fetch_status::failure(core::error_class::too_large,
                                     "body longer than --max-body " + std::to_string(opt_.max_body));
    }

    // A byte moved for this transfer (header line, body chunk, connection ready).
    void note_progress() {
        ++progress_;
        last_progress_at_ = clock::now();
    }

    fetch_status transfer_failure() const {
        const std::string detail = error_[0] ? std::string(error_) : std::string(curl_easy_strerror(result_));
        if (deadline_hit_) return fetch_status::failure(core::error_class::deadline, "past the job deadline");
        if (too_large_) return too_large();
        if (!header_error_.empty())
            return fetch_status::failure(core::error_class::read, "bad response header: " + header_error_);
        if (timed_out_ || result_ == CURLE_OPERATION_TIMEDOUT)
            return fetch_status::failure(core::error_class::timeout, "no byte for the read timeout");
        switch (result_) {
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
                return fetch_status::failure(core::error_class::connect, "connecting: " + detail);
            case CURLE_PARTIAL_FILE:
                if (head_done_)
                    return fetch_status::failure(core::error_class::truncated,
                                                 "connection closed before the end of the body: " + detail);
                return fetch_status::failure(core::error_class::read,
                                             "connection closed before the end of the response headers: " + detail);
            case CURLE_WRITE_ERROR:
                if (framing_error_)
                    return fetch_status::failure(core::error_class::truncated, "broken body framing: bad chunk");
                return fetch_status::failure(core::error_class::read, detail);
            case CURLE_RECV_ERROR:
                if (head_done_ && chunked_ && detail.find("Chunked") != std::string::npos)
                    return fetch_status::failure(core::error_class::truncated, "broken body framing: " + detail);
                return fetch_status::failure(core::error_class::read, "reading: " + detail);
            default:
                return fetch_status::failure(core::error_class::read, detail);
        }
    }

    // One read of `got` bytes (a write-callback chunk, or the head). Reads libcurl makes while send_request
    // runs (the response may arrive before it returns) are counted when read_head begins, in the headers
    // stage, where the Beast client makes them.
    void count_read(std::size_t got) {
        max_request_ = std::max<std::uint64_t>(max_request_, buffer_size_);
        if (defer_reads_) {
            deferred_reads_.push_back(got);
            return;
        }
        meter_.count_read(buffer_size_, got);
    }

    void count_deferred_reads() {
        defer_reads_ = false;
        for (const std::size_t got : deferred_reads_) meter_.count_read(buffer_size_, got);
        deferred_reads_.clear();
    }

    // ---- libcurl callbacks (never call curl_multi_* from here) ----

    std::size_t on_body(const char* p, std::size_t n) {
        // Before the body is asked for (hold), the first body bytes wait here and the rest stays in libcurl
        // (and the socket), so that the body's reads happen in the stage that asks for it. Once the parser
        // pulls (lazy), it is paused only with a recv's worth of bytes to take: pausing on any untaken byte
        // would pause inside one recv's delivery (libcurl hands a large recv over in 16 KiB pieces), and
        // libcurl copies the rest of that recv again at every such pause: at `whole` (10 MiB asked) that cost
        // 0.2 ms per 16 KiB read.
        const std::size_t untaken = decoded_.size() - consumed_;
        if ((mode_ == body_mode::hold && untaken > 0) || (mode_ == body_mode::lazy && untaken >= buffer_size_)) {
            paused_ = true;
            return CURL_WRITEFUNC_PAUSE;
        }
        ++chunks_;
        largest_chunk_ = std::max<std::uint64_t>(largest_chunk_, n);
        count_read(n);
        note_progress();
        std::string* out = mode_ == body_mode::discard ? nullptr : &decoded_;
        if (chunked_) {
            if (!dechunk_.feed(p, n, out)) {
                framing_error_ = true;
                return CURL_WRITEFUNC_ERROR;
            }
            // Past the limit as declared by a chunk-size (as Beast's parser refuses it) or as decoded (at most
            // one write chunk past the limit was kept).
            if (dechunk_.declared() > opt_.max_body) {
                too_large_ = true;
                return CURL_WRITEFUNC_ERROR;
            }
        } else {
            body_bytes_ += n;
            if (body_bytes_ > opt_.max_body) {
                too_large_ = true;
                return CURL_WRITEFUNC_ERROR;
            }
            if (out) out->append(p, n);
        }
        maybe_wake();
        return n;
    }

    std::size_t on_header(const char* p, std::size_t n) {
        if (head_done_) return n;  // trailers: not passed on while transfer decoding is off
        const std::string_view line(p, n);
        note_progress();
        if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {  // a (new) status line: 1xx heads come first
            status_ = 0;
            content_type_.clear();
            content_length_.reset();
            chunked_ = false;
            header_bytes_ = 0;
            const auto sp = line.find(' ');
            if (sp != std::string_view::npos && sp + 4 <= line.size())
                std::from_chars(line.data() + sp + 1, line.data() + sp + 4, status_);
        }
        header_bytes_ += n;
        all_header_bytes_ += n;
        if (all_header_bytes_ > max_header_bytes) {  // endless header lines or 1xx responses: Beast's limit
            header_error_ =
                "response headers (interim 1xx responses included) past " + std::to_string(max_header_bytes) + " bytes";
            return 0;
        }
        const std::string_view field = core::trim(line);
        if (field.empty()) {
            count_read(std::size_t(header_bytes_));
            if (status_ >= 200) {
                head_done_ = true;
                maybe_wake();
            }
            return n;
        }
        std::string_view value;
        if (header_value(field, "Content-Type", value)) {
            content_type_.assign(value);
        } else if (header_value(field, "Content-Length", value)) {
            if (!merge_content_length(value, content_length_)) {
                header_error_ = "conflicting or invalid Content-Length: " + std::string(value);
                return 0;  // aborts the transfer (CURLE_WRITE_ERROR), as Beast's parser rejects it
            }
        } else if (header_value(field, "Transfer-Encoding", value)) {
            chunked_ = core::to_lower(value).find("chunked") != std::string::npos;
        }
        return n;
    }

    curl_socket_t on_open(curlsocktype purpose, const curl_sockaddr* address) {
        if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
        auto entry = std::make_shared<socket_entry>(io_);
        error_code ec;
        entry->socket.open(address->family == AF_INET6 ? tcp::v6() : tcp::v4(), ec);
        if (ec) return CURL_SOCKET_BAD;
        const curl_socket_t fd = entry->socket.native_handle();
        sockets_[fd] = std::move(entry);
        ++connections_;
        return fd;
    }

    int on_close(curl_socket_t fd) {
        const auto it = sockets_.find(fd);
        if (it == sockets_.end()) return ::close(fd);
        it->second->open = false;
        error_code ignored;
        it->second->socket.close(ignored);  // cancels its waits; their handlers see open == false
        sockets_.erase(it);
        return 0;
    }

    int on_socket(curl_socket_t fd, int what) {
        const auto it = sockets_.find(fd);
        if (it == sockets_.end()) return 0;
        it->second->what = what == CURL_POLL_REMOVE ? 0 : what;
        arm(it->second);
        return 0;
    }

    // Keeps one async_wait pending per direction libcurl wants; a direction no longer wanted is cancelled
    // (the cancelled handlers re-arm what is still wanted).
    void arm(const std::shared_ptr<socket_entry>& entry) {
        const bool in = entry->what & CURL_POLL_IN, out = entry->what & CURL_POLL_OUT;
        if ((entry->reading && !in) || (entry->writing && !out)) {
            error_code ignored;
            entry->socket.cancel(ignored);
            return;
        }
        if (in && !entry->reading) wait_on(entry, tcp::socket::wait_read);
        if (out && !entry->writing) wait_on(entry, tcp::socket::wait_write);
    }

    void wait_on(const std::shared_ptr<socket_entry>& entry, tcp::socket::wait_type type) {
        const bool read = type == tcp::socket::wait_read;
        (read ? entry->reading : entry->writing) = true;
        const curl_socket_t fd = entry->socket.native_handle();
        // Bound to the plain io_context executor: libcurl's work is attributed to the job by on_behalf_of_job.
        entry->socket.async_wait(type, [this, life = std::weak_ptr<int>(life_), entry, read, fd](const error_code& ec) {
            if (life.expired()) return;
            (read ? entry->reading : entry->writing) = false;
            if (!entry->open) return;
            if (ec != net::error::operation_aborted && (entry->what & (read ? CURL_POLL_IN : CURL_POLL_OUT))) {
                const int mask = ec ? CURL_CSELECT_ERR : read ? CURL_CSELECT_IN : CURL_CSELECT_OUT;
                on_behalf_of_job([&] { act(fd, mask); });
            }
            if (entry->open) arm(entry);
        });
    }

    int on_timer(long timeout_ms) {
        if (timeout_ms < 0) {
            curl_timer_.cancel();
            return 0;
        }
        curl_timer_.expires_after(std::chrono::milliseconds(timeout_ms));
        curl_timer_.async_wait([this, life = std::weak_ptr<int>(life_)](const error_code& ec) {
            if (life.expired() || ec) return;
            on_behalf_of_job([&] { act(CURL_SOCKET_TIMEOUT, 0); });
        });
        return 0;
    }

    int on_prereq() {
        prereq_ = true;
        note_progress();
        maybe_wake();
        return CURL_PREREQFUNC_OK;
    }

    // No exception may unwind through libcurl's frames: the data callbacks keep it (std::bad_alloc from
    // a growing buffer) and fail the transfer; the waiting coroutine rethrows it (rethrow_callback_failure).
    static std::size_t on_write_cb(char* p, std::size_t size, std::size_t n, void* self) {
        auto* c = static_cast<curl_client_impl*>(self);
        try {
            return c->on_body(p, size * n);
        } catch (...) {
            c->callback_failure_ = std::current_exception();
            return CURL_WRITEFUNC_ERROR;
        }
    }
    static std::size_t on_header_cb(char* p, std::size_t size, std::size_t n, void* self) {
        auto* c = static_cast<curl_client_impl*>(self);
        try {
            return c->on_header(p, size * n);
        } catch (...) {
            c->callback_failure_ = std::current_exception();
            return 0;
        }
    }

    void rethrow_callback_failure() {
        if (callback_failure_) std::rethrow_exception(std::exchange(callback_failure_, nullptr));
    }
    static curl_socket_t on_open_cb(void* self, curlsocktype purpose, curl_sockaddr* address) {
        return static_cast<curl_client_impl*>(self)->on_open(purpose, address);
    }
    static int on_close_cb(void* self, curl_socket_t fd) { return static_cast<curl_client_impl*>(self)->on_close(fd); }
    static int on_socket_cb(CURL*, curl_socket_t fd, int what, void* self, void*) {
        return static_cast<curl_client_impl*>(self)->on_socket(fd, what);
    }
    static int on_timer_cb(CURLM*, long timeout_ms, void* self) {
        return static_cast<curl_client_impl*>(self)->on_timer(timeout_ms);
    }
    static int on_prereq_cb(void* self, char*, char*, int, int) {
        return static_cast<curl_client_impl*>(self)->on_prereq();
    }

    net::io_context& io_;
    client_options opt_;
    sched::job_meter& meter_;
    const std::size_t buffer_size_;
    net::steady_timer curl_timer_;  // libcurl's timeout (CURLMOPT_TIMERFUNCTION)
    net::steady_timer wake_timer_;  // the coroutine's suspension point
    std::shared_ptr<int> life_;
    CURL* easy_ = nullptr;
    CURLM* multi_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::string base_url_, url_;
    char error_[CURL_ERROR_SIZE] = {};
    std::map<curl_socket_t, std::shared_ptr<socket_entry>> sockets_;

    // the running job
    bool in_multi_ = false, prereq_ = false, head_done_ = false, done_ = false, paused_ = false;
    bool framing_error_ = false, timed_out_ = false, too_large_ = false, deadline_hit_ = false;
    std::string header_error_;             // a header the client refused (conflicting Content-Length)
    std::exception_ptr callback_failure_;  // thrown inside a libcurl callback, rethrown in the coroutine
    std::uint64_t body_bytes_ = 0;         // body bytes received (not chunked)
    clock::time_point deadline_ = clock::time_point::max();
    clock::time_point last_progress_at_{};
    CURLcode result_ = CURLE_OK;
    unsigned status_ = 0;
    std::string content_type_;
    std::optional<std::uint64_t> content_length_;
    bool chunked_ = false;
    std::uint64_t header_bytes_ = 0;
    std::uint64_t all_header_bytes_ = 0;  // this response's header bytes, interim 1xx responses included
    chunk_decoder dechunk_;
    std::string decoded_;  // decoded body bytes not yet handed out (from consumed_ on)
    std::string body_;     // the eager body read_body handed out (valid until the next call)
    std::size_t consumed_ = 0;
    body_mode mode_ = body_mode::hold;
    wanted want_ = wanted::nothing;
    bool waiting_ = false;
    std::uint64_t progress_ = 0;  // bytes-moved events (header lines, body chunks, connection ready)
    std::optional<net::yield_context> yield_;
    core::error_class source_error_ = core::error_class::none;
    bool defer_reads_ = false;
    std::vector<std::size_t> deferred_reads_;

    // over the client's life
    std::uint64_t connections_ = 0, chunks_ = 0, largest_chunk_ = 0, max_request_ = 0;
};

}  // namespace

std::unique_ptr<curl_client> make_curl_client(net::io_context& io, const client_options& opt, sched::job_meter& meter) {
    return std::make_unique<curl_client_impl>(io, opt, meter);
}

}  // namespace feedbench::client
