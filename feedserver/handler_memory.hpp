// Per-session handler memory (Asio's custom allocation pattern): completion handlers wrapped in
// with_memory allocate their operations from a few fixed slots, so steady keep-alive serving allocates nothing.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

namespace feedbench::feedserver {

class handler_memory {
public:
    handler_memory() = default;
    handler_memory(const handler_memory&) = delete;
    handler_memory& operator=(const handler_memory&) = delete;

    void* allocate(std::size_t size) {
        for (auto& s : slots_) {
            bool expected = false;
            if (size <= sizeof(s.storage) && s.in_use.compare_exchange_strong(expected, true)) return s.storage;
        }
        return ::operator new(size);
    }
    void deallocate(void* p) {
        for (auto& s : slots_) {
            if (p == s.storage) {
                s.in_use.store(false);
                return;
            }
        }
        ::operator delete(p);
    }

private:
    struct slot {
        alignas(std::max_align_t) unsigned char storage[1024];
        std::atomic<bool> in_use{false};
    };
    std::array<slot, 4> slots_;
};

template <class T>
class handler_allocator {
public:
    using value_type = T;
    explicit handler_allocator(handler_memory& m) noexcept : memory_(&m) {}
    template <class U>
    handler_allocator(const handler_allocator<U>& other) noexcept : memory_(other.memory_) {}
    T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
    void deallocate(T* p, std::size_t) { memory_->deallocate(p); }
    template <class U>
    bool operator==(const handler_allocator<U>& other) const noexcept {
        return memory_ == other.memory_;
    }
    template <class U>
    bool operator!=(const handler_allocator<U>& other) const noexcept {
        return memory_ != other.memory_;
    }

private:
    template <class>
    friend class handler_allocator;
    handler_memory* memory_;
};

// A completion handler whose associated allocator draws from a handler_memory.
template <class Handler>
class with_memory {
public:
    using allocator_type = handler_allocator<Handler>;
    with_memory(handler_memory& m, Handler h) : memory_(&m), handler_(std::move(h)) {}
    allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }
    template <class... Args>
    void operator()(Args&&... args) {
        handler_(std::forward<Args>(args)...);
    }

private:
    handler_memory* memory_;
    Handler handler_;
};

}  // namespace feedbench::feedserver
