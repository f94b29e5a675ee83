// memory_source: a body already in memory, handed out in pieces of at most `piece` bytes; and read_to_end,
// the one loop that pulls whatever is left of any body_source.
#include "repro/parse/body_source.hpp"

#include <algorithm>
#include <cstring>

namespace feedbench::parse {

std::ptrdiff_t memory_source::read(char* dst, std::size_t n) {
    std::size_t const remaining = body_.size() - pos_;
    std::size_t const count = std::min({n, piece_ == 0 ? remaining : piece_, remaining});
    if (count == 0) return 0;
    std::memcpy(dst, body_.data() + pos_, count);
    pos_ += count;
    return static_cast<std::ptrdiff_t>(count);
}

bool read_to_end(body_source& src, std::string& out, char* buf, std::size_t ask) {
    for (;;) {
        std::ptrdiff_t const n = src.read(buf, ask);
        if (n < 0) return false;
        if (n == 0) return true;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace feedbench::parse
