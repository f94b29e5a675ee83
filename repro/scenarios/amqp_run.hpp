// One configuration with intake=amqp: fill the private broker's queue (or trickle jobs onto it while the
// workers run), run the worker in this process (processes=1) or a fleet of feedworker processes, optionally
// restart the broker or SIGKILL a worker mid-run, then account for every published job.
#pragma once

#include "repro/core/error_class.hpp"

#include "repro/scenarios/broker.hpp"
#include "repro/worker/config.hpp"
#include "repro/worker/run.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace feedbench::scenarios {

struct amqp_run_options {
    worker::worker_config worker;      // the worker's configuration; intake, mode and prefetch are set here
    std::vector<std::string> ids;      // feed ids, cycled into jobs
    std::size_t jobs = 0;              // published (and taken)
    unsigned processes = 1;            // 1: worker::run in this process; more: feedworker processes
    double publish_rate = 0;           // jobs/s while the workers run; 0: the queue is filled first
    std::string incident = "none";     // none | broker-restart | worker-kill
    std::filesystem::path dir;         // the processes' output folders (and the killed worker's journal)
    std::filesystem::path feedworker;  // the program run for processes > 1
    std::function<void(std::size_t, std::size_t)> progress;
};

struct amqp_run_result {
    std::optional<worker::run_output> in_process;     // processes = 1
    std::map<std::string, double> metrics;            // the scenario metrics this run measured (README of data/)
    std::map<core::error_class, std::size_t> errors;  // failed jobs by class, every process
    std::vector<double> latency_ms;                   // processes > 1: none (the processes keep their jobs.csv)
    std::string status;                               // "" or "error: ..."
};

// Throws std::invalid_argument ("n/a") when the broker cannot run; std::runtime_error when the run failed.
amqp_run_result run_amqp(const amqp_run_options& opt, private_broker& broker);

}  // namespace feedbench::scenarios
