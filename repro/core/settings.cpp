// The configuration's words: parse and print read sizes, pools and the enum knobs exactly as the CLI,
// the scenario files, the CSV columns and the report spell them (README.md, Vocabulary).
#include "repro/core/settings.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace feedbench::core {
namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool parse_count(std::string_view digits, std::size_t& out) {
    if (digits.empty()) return false;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && ptr == digits.data() + digits.size();
}

template <class E, std::size_t N>
E parse_word(const word_list<E, N>& list, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i)
        if (list.words[i] == s) return static_cast<E>(i);
    throw std::invalid_argument(quoted(s) + " is not " + std::string(list.what) + " (use " + list.usage() + ")");
}

template <class E, std::size_t N>
std::string_view word_of(const word_list<E, N>& list, E e) {
    return list.words[static_cast<std::size_t>(e)];
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
        throw std::invalid_argument(quoted(s) + " is not a byte count (use " + std::string(usage) + ")");
    return read_size{n * multiplier};
}

std::string pool_spec::to_string() const { return threads ? "threads:" + std::to_string(size) : std::to_string(size); }

pool_spec pool_spec::parse(std::string_view s) {
    pool_spec p;
    std::string_view digits = s;
    if (digits.substr(0, 8) == "threads:") {
        p.threads = true;
        digits.remove_prefix(8);
    }
    if (!parse_count(digits, p.size) || p.size == 0 || p.size > 100'000)
        throw std::invalid_argument(quoted(s) + " is not a pool (use " + std::string(usage) + ")");
    return p;
}

std::string_view to_string(client_kind c) { return word_of(client_words, c); }
std::string_view to_string(consume_mode c) { return word_of(consume_words, c); }
std::string_view to_string(yield_policy y) { return word_of(yield_words, y); }
std::string_view to_string(charset_mode c) { return word_of(charset_words, c); }
std::string_view to_string(amqp_mode m) { return word_of(amqp_mode_words, m); }
std::string_view to_string(intake_kind k) { return k == intake_kind::embedded ? "embedded" : "amqp"; }

client_kind parse_client(std::string_view s) { return parse_word(client_words, s); }
consume_mode parse_consume(std::string_view s) { return parse_word(consume_words, s); }
yield_policy parse_yield(std::string_view s) { return parse_word(yield_words, s); }
charset_mode parse_charset(std::string_view s) { return parse_word(charset_words, s); }
amqp_mode parse_amqp_mode(std::string_view s) { return parse_word(amqp_mode_words, s); }

intake_kind parse_intake(std::string_view s) {
    if (s.empty() || s == "embedded") return intake_kind::embedded;
    if (s.substr(0, 7) == "amqp://") return intake_kind::amqp;
    throw std::invalid_argument(quoted(s) + " is not an intake (use " + std::string(intake_usage) + ")");
}

}  // namespace feedbench::core
