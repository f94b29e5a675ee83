// The tree-walk feed parser: xmlCtxtReadMemory builds the document, a walk extracts the items. The
// reference the streaming parser (xml_stream.cpp) is tested against and bench_parse's DOM variant.
#include "repro/parse/xml_feed.hpp"
#include "repro/parse/libxml2_handles.hpp"
#include "repro/parse/xml_text.hpp"
#include "repro/core/strings.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/tree.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace feedbench::parse::detail {

namespace {

// What the parser saw before any error: the first element and the DOCTYPE name (to tell HTML apart).
struct root_probe {
    bool seen_root = false;
    std::string root;
    std::string doctype;
};

void ignore_structured_error(void*, xmlErrorPtr) {}

root_probe* probe_of(void* ctx) { return static_cast<root_probe*>(static_cast<xmlParserCtxtPtr>(ctx)->_private); }

void probing_start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                           int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int nb_defaulted,
                           const xmlChar** attributes) {
    if (root_probe* p = probe_of(ctx); p != nullptr && !p->seen_root) {
        p->seen_root = true;
        p->root = reinterpret_cast<const char*>(localname);
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
                          attributes);
}

void probing_internal_subset(void* ctx, const xmlChar* name, const xmlChar* external_id, const xmlChar* system_id) {
    if (root_probe* p = probe_of(ctx); p != nullptr && name != nullptr)
        p->doctype = reinterpret_cast<const char*>(name);
    xmlSAX2InternalSubset(ctx, name, external_id, system_id);
}

int parse_options(bool force_utf8) {
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    if (force_utf8) opts |= XML_PARSE_IGNORE_ENC;
    return opts;
}

// Errors go to this context's structured handler (never to libxml2's thread-local globals).
void install_probe(xmlParserCtxtPtr ctxt, root_probe& probe) {
    ctxt->_private = &probe;
    ctxt->sax->serror = &ignore_structured_error;
    ctxt->sax->startElementNs = &probing_start_element;
    ctxt->sax->internalSubset = &probing_internal_subset;
}

parse_result failure(core::error_class error_class, std::string message) {
    parse_result r;
    r.error_class = error_class;
    r.message = std::move(message);
    return r;
}

std::string_view name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

void push_children_reversed(const xmlNode* first, std::vector<const xmlNode*>& stack) {
    const xmlNode* last = first;
    while (last != nullptr && last->next != nullptr) last = last->next;
    for (const xmlNode* c = last; c != nullptr; c = c->prev) stack.push_back(c);
}

}  // namespace

void append_text(const xmlNode* first, text_budget& budget, std::string& out) {
    std::vector<const xmlNode*> stack;
    push_children_reversed(first, stack);
    while (!stack.empty() && !budget.exceeded) {
        const xmlNode* c = stack.back();
        stack.pop_back();
        switch (c->type) {
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE:
                if (c->content != nullptr) {
                    std::size_t const len = std::strlen(reinterpret_cast<const char*>(c->content));
                    if (budget.take(len)) out.append(reinterpret_cast<const char*>(c->content), len);
                }
                break;
            case XML_ENTITY_REF_NODE:
                if (const xmlEntity* ent = xmlGetDocEntity(c->doc, c->name); ent != nullptr)
                    push_children_reversed(ent->children, stack);
                break;
            case XML_ELEMENT_NODE:
                push_children_reversed(c->children, stack);
                break;
            default:
                break;
        }
    }
}

namespace {

std::string trimmed_content(const xmlNode* n, text_budget& budget) {
    std::string raw;
    append_text(n->children, budget, raw);
    return std::string(core::trim(raw));
}

// xmlGetProp's value (the attribute in no namespace, else a DTD default), entity references expanded
// under the budget.
std::string attribute(const xmlNode* n, const char* name, text_budget& budget) {
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        if (a->ns == nullptr && std::strcmp(reinterpret_cast<const char*>(a->name), name) == 0) {
            std::string out;
            append_text(a->children, budget, out);
            return out;
        }
    }
    xmlChar* raw = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));  // a DTD default (bounded by libxml2)
    if (raw == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(raw));
    xmlFree(raw);
    if (!budget.take(out.size())) return {};
    return out;
}

bool has_attribute(const xmlNode* n, const char* name) {
    return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

// title: first <title> child; link: first <link> child that is either an RSS text link (no href)
// or an Atom link with href and rel absent or "alternate"; date: pubDate, then date (dc:date),
// then updated, then published (first child of each name).
feed_item extract_item(const xmlNode* item, text_budget& budget) {
    feed_item out;
    bool have_title = false, have_link = false;
    const xmlNode* dates[4] = {nullptr, nullptr, nullptr, nullptr};
    static constexpr std::string_view date_names[4] = {"pubDate", "date", "updated", "published"};
    for (const xmlNode* c = item->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        std::string_view const name = name_of(c);
        if (!have_title && name == "title") {
            out.title = trimmed_content(c, budget);
            have_title = true;
        } else if (!have_link && name == "link") {
            if (has_attribute(c, "href")) {
                std::string const rel = attribute(c, "rel", budget);
                if (rel.empty() || rel == "alternate") {
                    out.link = attribute(c, "href", budget);
                    have_link = true;
                }
            } else {
                out.link = trimmed_content(c, budget);
                have_link = true;
            }
        } else {
            for (int i = 0; i < 4; ++i)
                if (dates[i] == nullptr && name == date_names[i]) dates[i] = c;
        }
    }
    for (const xmlNode* d : dates)
        if (d != nullptr) {
            out.date = trimmed_content(d, budget);
            break;
        }
    return out;
}

// Every element named item or entry (any namespace), in document order.
void collect_items(const xmlNode* root, text_budget& budget, std::vector<feed_item>& out) {
    std::vector<const xmlNode*> stack{root};
    while (!stack.empty() && !budget.exceeded) {
        const xmlNode* n = stack.back();
        stack.pop_back();
        if (name_of(n) == "item" || name_of(n) == "entry") out.push_back(extract_item(n, budget));
        // push children in reverse so they pop in document order
        const xmlNode* last = n->last;
        for (const xmlNode* c = last; c != nullptr; c = c->prev)
            if (c->type == XML_ELEMENT_NODE) stack.push_back(c);
    }
}

// HTML pages (first element or DOCTYPE named html) are "not-a-feed" whether or not they are
// well-formed XML; any other document that is not well-formed is "parse".
parse_result finish(xmlParserCtxtPtr ctxt, doc_ptr doc, const root_probe& probe, std::size_t document_bytes) {
    bool const looks_html = core::iequals(probe.root, "html") || core::iequals(probe.doctype, "html");
    if (ctxt->wellFormed == 0 || doc == nullptr) {
        if (looks_html)
            return failure(core::error_class::not_a_feed, "HTML page (not well-formed XML: " + error_text(ctxt) + ")");
        return failure(core::error_class::parse, error_text(ctxt));
    }
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (root == nullptr) return failure(core::error_class::parse, "no root element");
    std::string_view const root_name = name_of(root);
    parse_result r;
    if (root_name == "rss")
        r.format = "rss";
    else if (root_name == "feed")
        r.format = "atom";
    else if (root_name == "RDF")
        r.format = "rdf";
    else
        return failure(core::error_class::not_a_feed,
                       "well-formed XML whose root element is <" + std::string(root_name) + ">");
    text_budget budget{max_amplification * document_bytes + amplification_slack_bytes};
    collect_items(root, budget, r.item_list);
    if (budget.exceeded)
        return failure(core::error_class::amplification, "entity references expand the item text past " +
                                                             std::to_string(max_amplification) + " x the document's " +
                                                             std::to_string(document_bytes) + " bytes");
    r.items = r.item_list.size();
    r.ok = true;
    return r;
}

}  // namespace

std::string error_text(xmlParserCtxtPtr ctxt) {
    xmlErrorPtr e = &ctxt->lastError;
    if (e->message == nullptr) return "not well-formed XML";
    std::string msg = e->message;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return "line " + std::to_string(e->line) + ": " + msg;
}

void init_libxml2() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

parse_result parse_xml_tree(std::string_view body, bool force_utf8) {
    init_libxml2();
    if (body.size() > static_cast<std::size_t>(INT_MAX))
        return failure(core::error_class::parse, "body larger than libxml2 accepts");
    ctxt_ptr ctxt(xmlNewParserCtxt());
    if (!ctxt) return failure(core::error_class::parse, "xmlNewParserCtxt failed");
    root_probe probe;
    install_probe(ctxt.get(), probe);
    doc_ptr doc(xmlCtxtReadMemory(ctxt.get(), body.data(), static_cast<int>(body.size()), nullptr,
                                  force_utf8 ? "UTF-8" : nullptr, parse_options(force_utf8)));
    return finish(ctxt.get(), std::move(doc), probe, body.size());
}

}  // namespace feedbench::parse::detail
