// The bodies of the hostile-document faults (fault=billion-laughs .. gzip-bomb), built once each: what a
// feed parser must not expand, fetch or recurse into without a bound, and a compressed body no client asked for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace feedbench::feedserver {

// The local files the XXE and XInclude documents name, by relative URI: a client that resolved them would
// read them from its working directory. The .dtd declares the general entity xxe_leak_entity.
inline constexpr std::string_view xxe_marker_file = "feedbench-xxe-marker.txt";
inline constexpr std::string_view xxe_marker_dtd = "feedbench-xxe-marker.dtd";
inline constexpr std::string_view xxe_leak_entity = "leak";
// Where every XXE-style document's one item links (its title names the entity, so unexpanded it is empty).
inline constexpr std::string_view xxe_item_link = "http://example.com/xxe";
// The paths fault=xxe-network names on this server (not served: a fetch would count as a 404).
inline constexpr std::string_view xxe_probe_path = "/xxe-probe";

// Nesting depth of fault=deep-xml and fault=deep-json.
inline constexpr std::size_t deep_nesting = 100'000;
// Bytes fault=gzip-bomb inflates to (1 GiB of zeros).
inline constexpr std::size_t gzip_bomb_inflated_bytes = std::size_t{1} << 30;

std::string_view billion_laughs_document();
std::string_view xxe_file_document();
std::string_view xxe_parameter_document();
std::string_view xxe_dtd_document();
// `origin` is this server's "http://host:port": the DTD and the entity point back at xxe_probe_path.
std::string xxe_network_document(std::string_view origin);
std::string_view xinclude_document();
std::string_view deep_xml_document();
std::string_view deep_json_document();
std::string_view invalid_utf8_document();
// A gzip member (RFC 1952) whose deflate stream inflates to gzip_bomb_inflated_bytes zeros.
std::string_view gzip_bomb_body();

}  // namespace feedbench::feedserver
