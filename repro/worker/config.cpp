// The worker configuration's words: parse and print read sizes, pools and the enum knobs exactly as
// the CLI, the CSV columns and the report spell them (DESIGN.md §2).
#include "repro/worker/config.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace feedbench::worker {
namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool parse_count(std::string_view digits, std::size_t& out) {
    if (digits.empty()) return false;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && ptr == digits.data() + digits.size();
}

}  // namespace

std::string read_size::to_string() const {
    if (is_whole()) return "whole";
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + "m";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "k";
    return std::to_string(bytes);
}

read_size read_size::parse(std::string_view s) {
    if (s == "whole") return read_size{};
    std::size_t multiplier = 1;
    std::string_view digits = s;
    if (!digits.empty() && (digits.back() == 'k' || digits.back() == 'K')) {
        multiplier = 1024;
        digits.remove_suffix(1);
    } else if (!digits.empty() && (digits.back() == 'm' || digits.back() == 'M')) {
        multiplier = 1024 * 1024;
        digits.remove_suffix(1);
    }
    std::size_t n = 0;
    if (!parse_count(digits, n) || n == 0 || n > (std::size_t{1} << 40) / multiplier)
        throw std::invalid_argument(quoted(s) + " is not a byte count (use 1, 10k, 500k, whole or N)");
    return read_size{n * multiplier};
}

std::string pool_spec::to_string() const {
    return threads ? "threads:" + std::to_string(size) : std::to_string(size);
}

pool_spec pool_spec::parse(std::string_view s) {
    pool_spec p;
    std::string_view digits = s;
    if (digits.substr(0, 8) == "threads:") {
        p.threads = true;
        digits.remove_prefix(8);
    }
    if (!parse_count(digits, p.size) || p.size == 0 || p.size > 100'000)
        throw std::invalid_argument(quoted(s) + " is not a pool (use N for N coroutines on one thread, or threads:N)");
    return p;
}

std::string_view to_string(client_kind c) { return c == client_kind::beast ? "beast" : "curl"; }
std::string_view to_string(consume_mode c) { return c == consume_mode::eager ? "eager" : "lazy"; }
std::string_view to_string(yield_policy y) { return y == yield_policy::would_block ? "would-block" : "always"; }
std::string_view to_string(charset_mode c) { return c == charset_mode::content ? "content" : "text"; }

client_kind parse_client(std::string_view s) {
    if (s == "beast") return client_kind::beast;
    if (s == "curl") return client_kind::curl;
    throw std::invalid_argument(quoted(s) + " is not a client (use beast or curl)");
}

consume_mode parse_consume(std::string_view s) {
    if (s == "eager") return consume_mode::eager;
    if (s == "lazy") return consume_mode::lazy;
    throw std::invalid_argument(quoted(s) + " is not a consume mode (use eager or lazy)");
}

yield_policy parse_yield(std::string_view s) {
    if (s == "would-block") return yield_policy::would_block;
    if (s == "always") return yield_policy::always;
    throw std::invalid_argument(quoted(s) + " is not a yield policy (use would-block or always)");
}

charset_mode parse_charset(std::string_view s) {
    if (s == "content") return charset_mode::content;
    if (s == "text") return charset_mode::text;
    throw std::invalid_argument(quoted(s) + " is not a charset mode (use content or text)");
}

}  // namespace feedbench::worker
