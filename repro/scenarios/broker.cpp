// scripts/broker.sh driven from the runner: start --fresh, stop, status (for the broker's pid and CPU).
#include "repro/scenarios/broker.hpp"

#include "repro/core/strings.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include <unistd.h>

namespace feedbench::scenarios {
namespace {

constexpr const char* rabbitmq_server = "/usr/lib/rabbitmq/bin/rabbitmq-server";

// The command's stdout (its exit status in status).
std::string capture(const std::string& command, int& status) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) {
        status = -1;
        return out;
    }
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    status = ::pclose(p);
    return out;
}

// CPU seconds of one process from /proc/PID/stat (utime + stime); NaN when it cannot be read.
double process_cpu_s(long pid) {
    auto text = core::read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::numeric_limits<double>::quiet_NaN();
    auto close = text->rfind(')');
    if (close == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    std::istringstream in(text->substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; in >> field; ++i) {  // field 3 is the state
        if (i == 14) utime = std::atof(field.c_str());
        if (i == 15) {
            stime = std::atof(field.c_str());
            break;
        }
    }
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

unsigned short default_broker_port() {
    const char* offset = std::getenv("FEEDBENCH_TEST_PORT_OFFSET");
    return static_cast<unsigned short>(5679 + (offset ? std::atoi(offset) : 0));
}

private_broker::private_broker(std::filesystem::path script, unsigned short port)
    : script_(std::move(script)), port_(port) {}

private_broker::~private_broker() {
    if (running_) script("stop --port " + std::to_string(port_));
}

int private_broker::script(const std::string& args) const {
    auto command = "'" + script_.string() + "' " + args + " >/dev/null 2>&1";
    return std::system(command.c_str());
}

const std::string& private_broker::start() {
    if (tried_) return error_;
    tried_ = true;
    if (!std::filesystem::exists(rabbitmq_server))
        error_ = "RabbitMQ is not installed (" + std::string(rabbitmq_server) +
                 " is absent; apt-get install rabbitmq-server)";
    else if (!std::filesystem::exists(script_))
        error_ = "no broker script " + script_.string();
    else if (script("start --fresh --port " + std::to_string(port_)) != 0)
        error_ =
            "scripts/broker.sh start --port " + std::to_string(port_) + " failed (its log: " +
            (std::filesystem::temp_directory_path() / ("feedbench-broker-" + std::to_string(port_)) / "log").string() +
            ")";
    else
        running_ = true;
    return error_;
}

bool private_broker::restart() {
    if (!running_) return false;
    script("stop --port " + std::to_string(port_));
    running_ = script("start --port " + std::to_string(port_)) == 0;
    return running_;
}

double private_broker::cpu_s() const {
    int status = 0;
    // "running PID URL": PID is the launcher; the Erlang VM (beam.smp) is its child.
    auto out = capture("'" + script_.string() + "' status --port " + std::to_string(port_) + " 2>/dev/null", status);
    std::istringstream in(out);
    std::string word;
    long launcher = 0;
    if (!(in >> word >> launcher) || word != "running") return std::numeric_limits<double>::quiet_NaN();
    auto children = capture("pgrep -P " + std::to_string(launcher) + " beam.smp 2>/dev/null", status);
    long beam = std::atol(children.c_str());
    return beam > 0 ? process_cpu_s(beam) : process_cpu_s(launcher);
}

}  // namespace feedbench::scenarios
