// The libcurl client's own framing (libcurl hands over raw bytes: transfer decoding is off so that the
// bytes counted are wire bytes): Content-Length merging, header field lookup and the chunked decoder.
// Plain functions over bytes, so the fuzz targets and tests reach them without a socket.
#pragma once

#include "repro/core/strings.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feedbench::client {

// A Content-Length field value merged into what earlier fields said, with Beast's rules (RFC 9110
// §8.6): a comma list of equal decimal values is one value; a value that differs from another, is not
// a decimal number or overflows 64 bits is a bad header. Returns false for a bad header.
bool merge_content_length(std::string_view value, std::optional<std::uint64_t>& length);

// "Name: value" -> value when the name matches (case-insensitive).
bool header_value(std::string_view line, std::string_view name, std::string_view& value);

// Incremental decoder of the chunked transfer coding (libcurl hands over the raw bytes: transfer decoding
// is off so that bytes counted are wire bytes). As lenient as libcurl's own: chunk extensions skipped,
// bare LF accepted; trailers skipped. feed() returns false on broken framing.
class chunk_decoder {
public:
    void reset() {
        state_ = state::size;
        remaining_ = 0;
        have_digit_ = false;
        decoded_ = 0;
    }
    bool done() const { return state_ == state::done; }

    std::uint64_t decoded() const { return decoded_; }  // body bytes decoded so far (this response)
    // The body bytes decoded so far plus what the current chunk-size still promises (saturating at 2^64 - 1).
    std::uint64_t declared() const {
        const std::uint64_t promised = state_ == state::data ? remaining_ : 0;
        return promised > UINT64_MAX - decoded_ ? UINT64_MAX : decoded_ + promised;
    }

    bool feed(const char* p, std::size_t n, std::string* out) {
        const char* const end = p + n;
        while (p < end) {
            const char c = *p;
            switch (state_) {
                case state::size: {
                    const int v = core::hex_digit_value(c);
                    if (v >= 0) {
                        if (remaining_ > (UINT64_MAX >> 4)) return false;  // past 64 bits (Beast's rule too)
                        have_digit_ = true;
                        remaining_ = remaining_ * 16 + std::uint64_t(v);
                        ++p;
                        break;
                    }
                    if (!have_digit_) return false;
                    if (c == ';' || c == ' ' || c == '\t')
                        state_ = state::extension;
                    else if (c == '\r')
                        state_ = state::size_lf;
                    else if (c == '\n')
                        end_of_size_line();
                    else
                        return false;
                    ++p;
                    break;
                }
                case state::extension:
                    if (c == '\n') end_of_size_line();
                    ++p;
                    break;
                case state::size_lf:
                    if (c != '\n') return false;
                    end_of_size_line();
                    ++p;
                    break;
                case state::data: {
                    const std::size_t take = std::size_t(std::min<std::uint64_t>(remaining_, std::uint64_t(end - p)));
                    if (out) out->append(p, take);
                    decoded_ += take;
                    p += take;
                    remaining_ -= take;
                    if (remaining_ == 0) state_ = state::data_cr;
                    break;
                }
                case state::data_cr:
                    if (c == '\r')
                        state_ = state::data_lf;
                    else if (c == '\n')
                        next_chunk();
                    else
                        return false;
                    ++p;
                    break;
                case state::data_lf:
                    if (c != '\n') return false;
                    next_chunk();
                    ++p;
                    break;
                case state::trailer_start:
                    if (c == '\r')
                        state_ = state::final_lf;
                    else if (c == '\n')
                        state_ = state::done;
                    else
                        state_ = state::trailer_line;
                    ++p;
                    break;
                case state::trailer_line:
                    if (c == '\n') state_ = state::trailer_start;
                    ++p;
                    break;
                case state::final_lf:
                    if (c != '\n') return false;
                    state_ = state::done;
                    ++p;
                    break;
                case state::done:
                    return true;  // bytes after the last chunk are not body (libcurl stops there too)
            }
        }
        return true;
    }

private:
    enum class state { size, extension, size_lf, data, data_cr, data_lf, trailer_start, trailer_line, final_lf, done };

    void end_of_size_line() { state_ = remaining_ == 0 ? state::trailer_start : state::data; }
    void next_chunk() {
        state_ = state::size;
        remaining_ = 0;
        have_digit_ = false;
    }

    state state_ = state::size;
    std::uint64_t remaining_ = 0;
    std::uint64_t decoded_ = 0;
    bool have_digit_ = false;  // the current chunk-size has a digit
};

}  // namespace feedbench::client
