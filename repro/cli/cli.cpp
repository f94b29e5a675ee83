// The programs' shared command-line parts: help layout, parse with exit 2 on CLI11 errors.
#include "repro/cli/cli.hpp"

#include <fmt/format.h>

#include <memory>

namespace feedbench::cli {
namespace {

// CLI11's layout with our usage line in place of its generated one and the example as the footer.
class formatter : public CLI::Formatter {
public:
    explicit formatter(std::string usage) : usage_(std::move(usage)) {}
    std::string make_usage(const CLI::App*, std::string) const override { return "Usage: " + usage_ + "\n"; }

private:
    std::string usage_;
};

}  // namespace

void describe(CLI::App& app, const help_text& help) {
    auto name = help.usage.substr(0, help.usage.find(' '));
    app.name(name);
    app.description(help.summary);
    app.formatter(std::make_shared<formatter>(help.usage));
    app.footer("Example: " + help.example + (help.notes.empty() ? "" : "\n" + help.notes));
}

std::optional<int> parse(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
        return std::nullopt;
    } catch (const CLI::CallForHelp&) {
        fmt::print("{}", app.help());
        return exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        fmt::print("{}", app.help("", CLI::AppFormatMode::All));
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "{}: {}\n", app.get_name(), e.what());
        return exit_bad_arguments;
    }
}

int fail(const CLI::App& app, std::string_view message, int code) {
    fmt::print(stderr, "{}: {}\n", app.get_name(), message);
    return code;
}

}  // namespace feedbench::cli
