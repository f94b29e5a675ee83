// The URL path a job fetches when its source names only a feed id (an AMQP message body is the id).
#pragma once

#include <string>
#include <string_view>

namespace feedbench::intake {

// "/feeds/" + the id as one path segment: every byte outside RFC 3986's pchar set (unreserved,
// sub-delims, ':' and '@') percent-encoded, so no id (a message body is any bytes) can add a segment,
// a query, or a space or CR/LF that would end the request line. feedserver decodes it back to the id.
std::string feed_path(std::string_view feed_id);

}  // namespace feedbench::intake
