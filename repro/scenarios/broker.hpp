// The private RabbitMQ broker of a reproduction run (scripts/broker.sh: its own node, data folder and ports on
// loopback), started the first time a configuration with intake=amqp needs it and stopped when the run ends.
#pragma once

#include <filesystem>
#include <string>

namespace feedbench::scenarios {

class private_broker {
public:
    // port: the AMQP port (the script derives its other ports from it).
    private_broker(std::filesystem::path script, unsigned short port);
    ~private_broker();  // stops the broker if this object started it
    private_broker(const private_broker&) = delete;
    private_broker& operator=(const private_broker&) = delete;

    // Starts a fresh broker on first use. "" when it runs, else why not (RabbitMQ not installed, start failed);
    // a failure is remembered, so a run asks once.
    const std::string& start();
    // Stop, then start again keeping its data (durable queues and persistent messages survive). False on failure.
    bool restart();
    unsigned short port() const { return port_; }
    // CPU seconds (user + system) the broker's Erlang VM has used so far; NaN when it cannot be read.
    double cpu_s() const;

private:
    int script(const std::string& args) const;
    std::filesystem::path script_;
    unsigned short port_;
    bool tried_ = false, running_ = false;
    std::string error_;
};

// The broker port of a run: 5679, moved up by FEEDBENCH_TEST_PORT_OFFSET like every test broker.
unsigned short default_broker_port();

}  // namespace feedbench::scenarios
