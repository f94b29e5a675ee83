// libxml2 DOM / xmlReader / push / SAX item counters and simdjson counters (benchmarks, agreement tests).
#include "repro/parse/parser_variants.hpp"

#include "repro/parse/json_feed.hpp"
#include "repro/parse/libxml2_handles.hpp"
#include "repro/parse/sniff.hpp"
#include "repro/parse/xml_feed.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <simdjson.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

namespace feedbench::parse::variants {

namespace {

constexpr int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

void ignore_structured_error(void*, xmlErrorPtr) {}

bool is_item_name(const xmlChar* name) {
    return name != nullptr && (std::strcmp(reinterpret_cast<const char*>(name), "item") == 0 ||
                               std::strcmp(reinterpret_cast<const char*>(name), "entry") == 0);
}

std::size_t count_in_tree(const xmlNode* root) {
    std::size_t count = 0;
    std::vector<const xmlNode*> stack{root};
    while (!stack.empty()) {
        const xmlNode* n = stack.back();
        stack.pop_back();
        if (is_item_name(n->name)) ++count;
        for (const xmlNode* c = n->children; c != nullptr; c = c->next)
            if (c->type == XML_ELEMENT_NODE) stack.push_back(c);
    }
    return count;
}

std::optional<std::size_t> count_doc(xmlParserCtxtPtr ctxt, xmlDocPtr raw) {
    detail::doc_ptr doc(raw);
    if (!doc || ctxt->wellFormed == 0) return std::nullopt;
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    return root == nullptr ? 0 : count_in_tree(root);
}

struct sax_counter {
    std::size_t items = 0;
    bool failed = false;
};

void sax_start(void* ctx, const xmlChar* localname, const xmlChar*, const xmlChar*, int, const xmlChar**, int, int,
               const xmlChar**) {
    if (is_item_name(localname)) ++static_cast<sax_counter*>(ctx)->items;
}

void sax_error(void* ctx, xmlErrorPtr err) {
    if (err != nullptr && err->level >= XML_ERR_ERROR) static_cast<sax_counter*>(ctx)->failed = true;
}

}  // namespace

std::optional<std::size_t> count_items_dom(std::string_view xml) {
    detail::init_libxml2();
    detail::ctxt_ptr ctxt(xmlNewParserCtxt());
    ctxt->sax->serror = &ignore_structured_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, options);
    return count_doc(ctxt.get(), doc);
}

std::optional<std::size_t> count_items_reader(std::string_view xml) {
    detail::init_libxml2();
    detail::reader_ptr reader(xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, options));
    if (!reader) return std::nullopt;
    xmlTextReaderSetStructuredErrorHandler(reader.get(), &ignore_structured_error, nullptr);
    std::size_t count = 0;
    int rc = 0;
    while ((rc = xmlTextReaderRead(reader.get())) == 1)
        if (xmlTextReaderNodeType(reader.get()) == XML_READER_TYPE_ELEMENT &&
            is_item_name(xmlTextReaderConstLocalName(reader.get())))
            ++count;
    if (rc != 0) return std::nullopt;
    return count;
}

std::optional<std::size_t> count_items_push(std::string_view xml, std::size_t chunk) {
    detail::init_libxml2();
    detail::ctxt_ptr ctxt(xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, nullptr));
    ctxt->sax->serror = &ignore_structured_error;
    xmlCtxtUseOptions(ctxt.get(), options);
    chunk = std::max<std::size_t>(chunk, 1);
    for (std::size_t pos = 0; pos < xml.size() && ctxt->wellFormed != 0; pos += chunk) {
        std::size_t const n = std::min(chunk, xml.size() - pos);
        xmlParseChunk(ctxt.get(), xml.data() + pos, static_cast<int>(n), 0);
    }
    if (ctxt->wellFormed != 0) xmlParseChunk(ctxt.get(), nullptr, 0, 1);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = nullptr;
    return count_doc(ctxt.get(), doc);
}

std::optional<std::size_t> count_items_sax(std::string_view xml) {
    detail::init_libxml2();
    xmlSAXHandler handler;
    std::memset(&handler, 0, sizeof handler);
    handler.initialized = XML_SAX2_MAGIC;
    handler.startElementNs = &sax_start;
    handler.serror = &sax_error;
    sax_counter counter;
    int const rc = xmlSAXUserParseMemory(&handler, &counter, xml.data(), static_cast<int>(xml.size()));
    if (rc != 0 || counter.failed) return std::nullopt;
    return counter.items;
}

parse_result parse_eager_tree(std::string_view body, std::string_view content_type, bool force_utf8) {
    body_kind const kind = sniff_body(body, content_type, true).value_or(body_kind::unknown);
    if (kind == body_kind::xml) return detail::parse_xml_tree(body, force_utf8);
    if (kind == body_kind::json) return detail::parse_json_memory(body);
    parse_result r;
    r.error_class = kind == body_kind::empty ? core::error_class::parse : core::error_class::not_a_feed;
    r.message = kind == body_kind::empty ? "empty body" : "body is neither XML nor JSON";
    return r;
}

std::optional<std::size_t> count_json_dom(std::string_view json) {
    parse_result r = detail::parse_json_memory(json);
    if (!r.ok) return std::nullopt;
    return r.items;
}

std::optional<std::size_t> count_jsonfeed_ondemand(std::string_view json) {
    thread_local simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return std::nullopt;
    simdjson::ondemand::array items;
    if (doc["items"].get_array().get(items) != simdjson::SUCCESS) return std::nullopt;
    std::size_t count = 0;
    for (auto item : items) {
        simdjson::ondemand::object obj;
        if (item.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
        std::string_view title;
        if (obj["title"].get_string().get(title) == simdjson::SUCCESS ||
            title.empty())  // touch a field, as a feed reader would
            ++count;
    }
    return count;
}

}  // namespace feedbench::parse::variants
