// An executor that wraps the io_context's and brackets every handler it runs with the owning
// coroutine's job_meter: a coroutine resumes only through its executor, so each bracket is one run
// segment, and the end of each bracket is a suspension. This is the ONE place suspensions are counted.
#pragma once

#include "repro/sched/job_meter.hpp"

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <type_traits>
#include <utility>

namespace feedbench::sched {

template <class Inner>
class metered_executor {
public:
    metered_executor(const Inner& inner, job_meter* meter) noexcept : inner_(inner), meter_(meter) {}

    const Inner& inner() const noexcept { return inner_; }
    job_meter* meter() const noexcept { return meter_; }

    template <class Property>
    auto query(const Property& p) const noexcept(noexcept(boost::asio::query(std::declval<const Inner&>(), p)))
        -> decltype(boost::asio::query(std::declval<const Inner&>(), p)) {
        return boost::asio::query(inner_, p);
    }

    template <class Property>
    auto require(const Property& p) const
        -> metered_executor<std::decay_t<decltype(boost::asio::require(std::declval<const Inner&>(), p))>> {
        return {boost::asio::require(inner_, p), meter_};
    }

    template <class Property>
    auto prefer(const Property& p) const
        -> metered_executor<std::decay_t<decltype(boost::asio::prefer(std::declval<const Inner&>(), p))>> {
        return {boost::asio::prefer(inner_, p), meter_};
    }

    template <class Function>
    void execute(Function&& f) const {
        boost::asio::execution::execute(inner_, bracket<std::decay_t<Function>>{meter_, std::forward<Function>(f)});
    }

    friend bool operator==(const metered_executor& a, const metered_executor& b) noexcept {
        return a.meter_ == b.meter_ && a.inner_ == b.inner_;
    }
    friend bool operator!=(const metered_executor& a, const metered_executor& b) noexcept { return !(a == b); }

private:
    template <class Function>
    struct bracket {
        job_meter* meter;
        Function f;
        void operator()() {
            run_segment segment(meter);
            f();
        }
    };

    Inner inner_;
    job_meter* meter_;
};

}  // namespace feedbench::sched
