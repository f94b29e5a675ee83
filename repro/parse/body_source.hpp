// The seam between a client and a lazy parser: the parser pulls body bytes on demand, so every
// read (and every suspension of the job's coroutine) happens inside the parse stage.
#pragma once

#include "repro/core/error_class.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feedbench::parse {

class body_source {
public:
    virtual ~body_source() = default;
    // Reads up to n bytes of the body into dst. Returns the count, 0 at the end of the body,
    // or -1 on failure (then error_class() says which: "read", "truncated", "timeout", ...).
    // May suspend the calling coroutine.
    virtual std::ptrdiff_t read(char* dst, std::size_t n) = 0;
    virtual core::error_class error_class() const { return core::error_class::none; }
};

// Appends the rest of the body to out, asking src for at most `ask` bytes per read (buf holds that many).
// Returns false when a read failed; src.error_class() says why.
bool read_to_end(body_source& src, std::string& out, char* buf, std::size_t ask);

// A body already in memory, handed out in pieces of at most `piece` bytes (tests, S1).
class memory_source final : public body_source {
public:
    explicit memory_source(std::string_view body, std::size_t piece = 1 << 16) : body_(body), piece_(piece) {}
    std::ptrdiff_t read(char* dst, std::size_t n) override;

private:
    std::string_view body_;
    std::size_t piece_;
    std::size_t pos_ = 0;
};

}  // namespace feedbench::parse
