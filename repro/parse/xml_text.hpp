// What the tree walk and the streaming parser share: the text budget behind the amplification limit,
// the text of a node list with entity references expanded, and the error text of a parser context.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstddef>
#include <string>

namespace feedbench::parse::detail {

// The text an item walk may still extract (limit: max_amplification); once exceeded it stays exceeded.
struct text_budget {
    std::size_t left;
    bool exceeded = false;
    bool take(std::size_t n) {
        if (exceeded || n > left) {
            exceeded = true;
            return false;
        }
        left -= n;
        return true;
    }
};

// Appends the text of the nodes from `first` on and their subtrees (text, CDATA, entity references
// expanded), in document order, as xmlNodeGetContent / xmlGetProp do, but under the budget; an explicit
// stack, so deep nesting never grows the coroutine's stack. Stops when the budget runs out.
void append_text(const xmlNode* first, text_budget& budget, std::string& out);

// "line N: message" from the context's last error, or "not well-formed XML".
std::string error_text(xmlParserCtxtPtr ctxt);

}  // namespace feedbench::parse::detail
