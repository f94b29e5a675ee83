// What every program's main() shares: one exit-code rule, one help layout (summary, one Usage: line, the
// options, one Example:), CLI11's own errors as exit 2, and validators that name the flag in a one-line
// message. The setting validators reuse the core's parsers (repro/core/settings.hpp), so a new setting's
// words are added there once.
#pragma once

#include "repro/core/settings.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace feedbench::cli {

// The exit-code rule (README.md, Exit status). feeddiag passes a traced command's own status through.
enum exit_code : int {
    exit_ok = 0,
    exit_failed = 1,         // the run failed, or a comparison found a regression
    exit_bad_arguments = 2,  // bad arguments: unknown flag, missing or out-of-range value, unknown word
    exit_strict = 3,         // --strict: a must-reproduce verdict failed
};

struct help_text {
    std::string summary;  // one line: what the program does
    std::string usage;    // after "Usage: ", e.g. "feedworker [--pool N] [--jobs N] ..."
    std::string example;  // after "Example: ", one command line (more lines are indented under it)
    std::string notes;    // optional paragraphs after the example
};

// Names the app and sets the one help layout.
void describe(CLI::App& app, const help_text& help);

// Parses argv. --help: prints the help on stdout and returns exit_ok. A CLI11 error: prints one line,
// "<program>: <message naming the flag>", on stderr and returns exit_bad_arguments.
// Returns nothing when the program should go on.
std::optional<int> parse(CLI::App& app, int argc, char** argv);

// "<program>: <message>" on stderr; returns `code` (for `return cli::fail(...)`).
int fail(const CLI::App& app, std::string_view message, int code);

// A validator from a parser that throws std::invalid_argument: its message becomes the flag's error.
template <class Parse>
CLI::Validator parsed_by(Parse parse, std::string description) {
    return CLI::Validator(
        [parse](std::string& s) -> std::string {
            try {
                parse(s);
                return {};
            } catch (const std::invalid_argument& e) {
                return e.what();
            }
        },
        std::move(description));
}

// An option whose value is parsed by one of the core's parsers (read size, pool, an enum word) straight
// into `target`; its error is the parser's message after the flag, the help shows the current value as
// the default and `usage` (the core's word list) as the accepted values.
template <class T, class Parse>
CLI::Option* add_setting(CLI::App& app, const std::string& flag, T& target, Parse parse, std::string usage,
                         const std::string& help) {
    auto* opt = app.add_option_function<std::string>(
        flag, [&target, parse](const std::string& s) { target = parse(s); }, help);
    opt->check(parsed_by(parse, std::move(usage)));
    using core::to_string;
    if constexpr (requires { target.to_string(); })
        opt->default_str(target.to_string());
    else
        opt->default_str(std::string(to_string(target)));
    return opt;
}

}  // namespace feedbench::cli
