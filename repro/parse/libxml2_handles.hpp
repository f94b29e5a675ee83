// Owning handles for libxml2's parser context, document and text reader, shared by the feed parser
// (xml_feed.cpp) and the benchmark's parser variants (parser_variants.cpp).
#pragma once

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <memory>

namespace feedbench::parse::detail {

// Frees a document the parser still holds too (a push parse abandoned on a read error).
struct ctxt_deleter {
    void operator()(xmlParserCtxt* c) const {
        if (c->myDoc != nullptr) xmlFreeDoc(c->myDoc);
        xmlFreeParserCtxt(c);
    }
};
struct doc_deleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct reader_deleter {
    void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};
using ctxt_ptr = std::unique_ptr<xmlParserCtxt, ctxt_deleter>;
using doc_ptr = std::unique_ptr<xmlDoc, doc_deleter>;
using reader_ptr = std::unique_ptr<xmlTextReader, reader_deleter>;

}  // namespace feedbench::parse::detail
