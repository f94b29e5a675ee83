// The configuration's words (README.md, Vocabulary): read size, pool, client, consume, yield policy, charset and
// intake, each parsed and printed exactly as the CLI, the scenario files, the CSV columns and the report
// spell them. A new setting's words are added here, once.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace feedbench::core {

// The most bytes any single recv may ask for. whole = the remaining Content-Length at once.
struct read_size {
    static constexpr std::size_t whole_value = 0;
    static constexpr std::string_view usage = "1, 10k, 500k, whole or N";
    std::size_t bytes = whole_value;  // 0 means whole
    bool is_whole() const { return bytes == whole_value; }
    std::string to_string() const;  // "1", "10k", "500k", "whole", or the byte count
    static read_size parse(
        std::string_view
            s);  // "1", "64", "1k"(1024), "10k"(10240), "500k"(512000), "whole"; throws std::invalid_argument
};

struct pool_spec {
    static constexpr std::string_view usage = "N for N coroutines on one thread, or threads:N";
    std::size_t size = 1;                        // coroutines on one thread, or OS threads
    bool threads = false;                        // "threads:N"
    std::string to_string() const;               // "20" or "threads:2"
    static pool_spec parse(std::string_view s);  // throws std::invalid_argument
};

enum class client_kind { beast, curl, memory };  // memory: bodies fetched once, served from memory
enum class consume_mode { eager, lazy };
enum class yield_policy { would_block, always };  // "would-block" | "always"
enum class charset_mode { content, text };
enum class intake_kind { embedded, amqp };  // "embedded" | "amqp://HOST:PORT/QUEUE"
enum class amqp_mode { get, consume };      // basic.get polling | basic.qos prefetch + basic.consume

// An enum's words, indexed by its value, and what the setting is called in messages.
template <class E, std::size_t N>
struct word_list {
    std::string_view what;                  // "a client", as in "'wget' is not a client"
    std::array<std::string_view, N> words;  // {"beast", "curl"}
    std::string usage() const {             // "beast or curl"
        std::string s;
        for (std::size_t i = 0; i < N; ++i)
            s += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(words[i]);
        return s;
    }
};

inline constexpr word_list<client_kind, 3> client_words{"a client", {"beast", "curl", "memory"}};
inline constexpr word_list<consume_mode, 2> consume_words{"a consume mode", {"eager", "lazy"}};
inline constexpr word_list<yield_policy, 2> yield_words{"a yield policy", {"would-block", "always"}};
inline constexpr word_list<charset_mode, 2> charset_words{"a charset mode", {"content", "text"}};
inline constexpr word_list<amqp_mode, 2> amqp_mode_words{"an AMQP mode", {"get", "consume"}};
inline constexpr std::string_view intake_usage = "embedded or amqp://HOST:PORT/QUEUE";

std::string_view to_string(client_kind);
std::string_view to_string(consume_mode);
std::string_view to_string(yield_policy);
std::string_view to_string(charset_mode);
std::string_view to_string(intake_kind);
std::string_view to_string(amqp_mode);
// Each throws std::invalid_argument naming the bad value and the words to use: "'wget' is not a client (use beast or curl)".
client_kind parse_client(std::string_view);
consume_mode parse_consume(std::string_view);
yield_policy parse_yield(std::string_view);
charset_mode parse_charset(std::string_view);
amqp_mode parse_amqp_mode(std::string_view);
// "embedded" (or "") -> embedded; "amqp://..." -> amqp (the URL itself is the AMQP source's to parse).
intake_kind parse_intake(std::string_view);

}  // namespace feedbench::core
