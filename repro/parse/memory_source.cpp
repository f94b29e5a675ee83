// memory_source: a body already in memory, handed out in pieces of at most `piece` bytes.
#include "repro/parse/body_source.hpp"

#include <algorithm>
#include <cstring>

namespace feedbench::parse {

std::ptrdiff_t memory_source::read(char* dst, std::size_t n)
{
    std::size_t const remaining = body_.size() - pos_;
    std::size_t const count = std::min({n, piece_ == 0 ? remaining : piece_, remaining});
    if (count == 0)
        return 0;
    std::memcpy(dst, body_.data() + pos_, count);
    pos_ += count;
    return static_cast<std::ptrdiff_t>(count);
}

}  // namespace feedbench::parse
