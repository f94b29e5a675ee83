// The streaming feed parser behind parse_eager and parse_lazy: a libxml2 push parser whose SAX callbacks
// extract each item's title, link and date as the elements go by, without building the document tree.
// The items, fields and error classes are the tree walk's (xml_feed.cpp); the tests hold them equal.
#include "repro/parse/xml_feed.hpp"
#include "repro/parse/libxml2_handles.hpp"
#include "repro/parse/xml_text.hpp"
#include "repro/core/strings.hpp"

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace feedbench::parse::detail {

namespace {

constexpr std::array<std::string_view, 4> date_names = {"pubDate", "date", "updated", "published"};

std::string_view view(const xmlChar* s) { return s == nullptr ? std::string_view{} : reinterpret_cast<const char*>(s); }

parse_result failure(core::error_class error_class, std::string message) {
    parse_result r;
    r.error_class = error_class;
    r.message = std::move(message);
    return r;
}

// One open <item>/<entry>: where its fields go and which children it has seen (the tree walk's rules:
// first <title>; first <link> that is an RSS text link or an Atom href with rel absent / "alternate";
// the first present of pubDate, date, updated, published).
struct item_frame {
    std::size_t index = 0;  // into the item list
    int depth = 0;          // the item element's depth (root = 1)
    bool have_title = false;
    bool have_link = false;
    std::array<bool, 4> date_seen{};
    std::array<std::string, 4> dates;
};

enum class field { title, link, date0, date1, date2, date3 };

// An element whose text is being collected: every character, CDATA and expanded entity reference until
// its end tag.
struct capture {
    std::size_t frame;  // into frames_
    field target;
    int depth;
};

// The SAX2 attribute array: five pointers per attribute (localname, prefix, URI, value, value end); the
// last nb_defaulted come from the DTD's defaults.
struct attributes_view {
    const xmlChar** raw;
    int count;
    int defaulted;
    std::string_view name(int i) const { return view(raw[i * 5]); }
    bool has_ns(int i) const { return raw[i * 5 + 2] != nullptr; }
    std::string_view value(int i) const {
        auto const* b = reinterpret_cast<const char*>(raw[i * 5 + 3]);
        auto const* e = reinterpret_cast<const char*>(raw[i * 5 + 4]);
        return {b, static_cast<std::size_t>(e - b)};
    }
    bool is_default(int i) const { return i >= count - defaulted; }
};

class stream_parser {
public:
    stream_parser(bool force_utf8) : force_utf8_(force_utf8) {}

    bool start() {
        init_libxml2();
        ctxt_.reset(xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, nullptr));
        if (!ctxt_) return false;
        int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
        if (force_utf8_) opts |= XML_PARSE_IGNORE_ENC;
        xmlCtxtUseOptions(ctxt_.get(), opts);
        if (force_utf8_) xmlSwitchEncoding(ctxt_.get(), XML_CHAR_ENCODING_UTF8);
        ctxt_->_private = this;
        xmlSAXHandler* sax = ctxt_->sax;
        sax->serror = &on_error;
        sax->startElementNs = &on_start_element;
        sax->endElementNs = &on_end_element;
        sax->characters = &on_characters;
        sax->ignorableWhitespace = &on_characters;
        sax->cdataBlock = &on_cdata;
        sax->reference = &on_reference;
        sax->comment = &on_comment;
        sax->processingInstruction = &on_processing_instruction;
        sax->internalSubset = &on_internal_subset;
        return true;
    }

    // The body's next bytes, in any pieces: libxml2 gets them cut at every xml_piece_bytes.
    void feed(const char* data, std::size_t size) {
        if (stopped_) return;
        if (!staged_.empty()) {
            std::size_t const take = std::min(size, xml_piece_bytes - staged_.size());
            staged_.append(data, take);
            data += take;
            size -= take;
            if (staged_.size() < xml_piece_bytes) return;
            push(staged_.data(), staged_.size(), false);
            staged_.clear();
        }
        while (size >= xml_piece_bytes) {
            push(data, xml_piece_bytes, false);
            data += xml_piece_bytes;
            size -= xml_piece_bytes;
        }
        staged_.assign(data, size);
    }

    // A body held whole (eager): the same cuts as feed + finish, without staging a copy.
    parse_result parse_all(std::string_view body) {
        while (body.size() >= xml_piece_bytes) {
            push(body.data(), xml_piece_bytes, false);
            body.remove_prefix(xml_piece_bytes);
        }
        push(body.data(), body.size(), true);
        return result();
    }

    parse_result finish() {
        push(staged_.data(), staged_.size(), true);
        staged_.clear();
        return result();
    }

private:
    // The parser's own callbacks reach this object only for the document itself; while libxml2 parses an
    // entity's replacement text (once, on its first reference) it calls them with a context of its own,
    // and those calls build the entity's node list with the default SAX2 handlers, as in a tree parse.
    static stream_parser* self(void* ctx) {
        auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
        auto* p = static_cast<stream_parser*>(ctxt->_private);
        return p != nullptr && p->ctxt_.get() == ctxt ? p : nullptr;
    }

    static void on_error(void*, xmlErrorPtr) {}

    static void on_start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                                 int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int nb_defaulted,
                                 const xmlChar** attributes) {
        stream_parser* p = self(ctx);
        if (p == nullptr) {
            xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
                                  attributes);
            return;
        }
        p->start_element(view(localname), attributes_view{attributes, nb_attributes, nb_defaulted});
    }

    static void on_end_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
        stream_parser* p = self(ctx);
        if (p == nullptr) {
            xmlSAX2EndElementNs(ctx, localname, prefix, uri);
            return;
        }
        p->end_element();
    }

    static void on_characters(void* ctx, const xmlChar* ch, int len) {
        stream_parser* p = self(ctx);
        if (p == nullptr) {
            xmlSAX2Characters(ctx, ch, len);
            return;
        }
        p->text(reinterpret_cast<const char*>(ch), static_cast<std::size_t>(len));
    }

    static void on_cdata(void* ctx, const xmlChar* value, int len) {
        stream_parser* p = self(ctx);
        if (p == nullptr) {
            xmlSAX2CDataBlock(ctx, value, len);
            return;
        }
        p->text(reinterpret_cast<const char*>(value), static_cast<std::size_t>(len));
    }

    static void on_reference(void* ctx, const xmlChar* name) {
        stream_parser* p = self(ctx);
        if (p == nullptr) {
            xmlSAX2Reference(ctx, name);
            return;
        }
        p->reference(name);
    }

    static void on_comment(void* ctx, const xmlChar* value) {
        if (self(ctx) == nullptr || static_cast<xmlParserCtxtPtr>(ctx)->inSubset != 0) xmlSAX2Comment(ctx, value);
    }

    static void on_processing_instruction(void* ctx, const xmlChar* target, const xmlChar* data) {
        if (self(ctx) == nullptr || static_cast<xmlParserCtxtPtr>(ctx)->inSubset != 0)
            xmlSAX2ProcessingInstruction(ctx, target, data);
    }

    static void on_internal_subset(void* ctx, const xmlChar* name, const xmlChar* external_id,
                                   const xmlChar* system_id) {
        if (stream_parser* p = self(ctx); p != nullptr && name != nullptr)
            p->doctype_ = reinterpret_cast<const char*>(name);
        xmlSAX2InternalSubset(ctx, name, external_id, system_id);
    }

    void push(const char* data, std::size_t size, bool terminate) {
        if (stopped_) return;
        pushed_ += size;
        xmlParseChunk(ctxt_.get(), data, static_cast<int>(size), terminate ? 1 : 0);
        if (ctxt_->wellFormed == 0 || ctxt_->disableSAX != 0) stopped_ = true;
    }

    // Limit: the text taken so far may not pass max_amplification x the bytes pushed so far + the slack;
    // past it the parser stops and the document is "amplification".
    std::size_t budget_left() const {
        std::size_t const limit = max_amplification * pushed_ + amplification_slack_bytes;
        return limit > taken_ ? limit - taken_ : 0;
    }

    bool take(std::size_t n) {
        if (amplified_) return false;
        if (n > budget_left()) {
            exceeded();
            return false;
        }
        taken_ += n;
        return true;
    }

    void exceeded() {
        amplified_ = true;
        xmlStopParser(ctxt_.get());
    }

    // append_text under this parser's budget.
    void append_nodes(const xmlNode* first, std::string& out) {
        text_budget budget{budget_left()};
        append_text(first, budget, out);
        taken_ += budget_left() - budget.left;
        if (budget.exceeded) exceeded();
    }

    std::string& target_of(const capture& c) {
        item_frame& f = frames_[c.frame];
        switch (c.target) {
            case field::title:
                return items_[f.index].title;
            case field::link:
                return items_[f.index].link;
            default:
                return f.dates[static_cast<std::size_t>(c.target) - static_cast<std::size_t>(field::date0)];
        }
    }

    // An attribute's value as the tree has it: the parser hands entity references over unexpanded
    // ("&name;", and "&#38;" for a literal '&'), the tree builder turns them into a node list.
    std::string attribute_value(std::string_view raw) {
        if (raw.find('&') == std::string_view::npos) {
            if (!take(raw.size())) return {};
            return std::string(raw);
        }
        std::string out;
        xmlNodePtr list = xmlStringLenGetNodeList(ctxt_->myDoc, reinterpret_cast<const xmlChar*>(raw.data()),
                                                  static_cast<int>(raw.size()));
        append_nodes(list, out);
        xmlFreeNodeList(list);
        return out;
    }

    // xmlGetProp's choice: the attribute in no namespace, else the first of that name in any namespace,
    // else the DTD's default.
    std::string attribute(const attributes_view& attrs, std::string_view name) {
        int found = -1;
        for (int i = 0; i < attrs.count && found < 0; ++i)
            if (!attrs.is_default(i) && !attrs.has_ns(i) && attrs.name(i) == name) found = i;
        for (int i = 0; i < attrs.count && found < 0; ++i)
            if (attrs.name(i) == name) found = i;
        return found < 0 ? std::string{} : attribute_value(attrs.value(found));
    }

    static bool has_attribute(const attributes_view& attrs, std::string_view name) {
        for (int i = 0; i < attrs.count; ++i)
            if (attrs.name(i) == name) return true;
        return false;
    }

    void begin_capture(field target, int depth) { captures_.push_back(capture{frames_.size() - 1, target, depth}); }

    void start_element(std::string_view name, const attributes_view& attrs) {
        int const depth = ++depth_;
        // The tree walk's pull parser refuses an element nested deeper than xmlParserMaxDepth (without
        // XML_PARSE_HUGE); libxml2 2.9's push parser does not check: the same bound here, the same answer.
        if (static_cast<unsigned>(depth - 1) > xmlParserMaxDepth) {
            too_deep_ = true;
            xmlStopParser(ctxt_.get());
            return;
        }
        if (!seen_root_) {
            seen_root_ = true;
            root_ = name;
        }
        if (!frames_.empty() && frames_.back().depth == depth - 1) item_child(name, attrs, depth);
        if (name == "item" || name == "entry") {
            item_frame f;
            f.index = items_.size();
            f.depth = depth;
            frames_.push_back(std::move(f));
            items_.emplace_back();
        }
    }

    void item_child(std::string_view name, const attributes_view& attrs, int depth) {
        item_frame& f = frames_.back();
        if (!f.have_title && name == "title") {
            f.have_title = true;
            begin_capture(field::title, depth);
            return;
        }
        if (!f.have_link && name == "link") {
            if (!has_attribute(attrs, "href")) {
                f.have_link = true;
                begin_capture(field::link, depth);
                return;
            }
            std::string const rel = attribute(attrs, "rel");
            if (rel.empty() || rel == "alternate") {
                items_[f.index].link = attribute(attrs, "href");
                f.have_link = true;
            }
            return;
        }
        for (std::size_t i = 0; i < date_names.size(); ++i) {
            if (f.date_seen[i] || name != date_names[i]) continue;
            f.date_seen[i] = true;
            // A date of higher rank already seen wins whatever this one says: no need for its text.
            bool const outranked =
                std::any_of(f.date_seen.begin(), f.date_seen.begin() + static_cast<std::ptrdiff_t>(i),
                            [](bool seen) { return seen; });
            if (!outranked) begin_capture(static_cast<field>(static_cast<std::size_t>(field::date0) + i), depth);
        }
    }

    void end_element() {
        int const depth = depth_--;
        while (!captures_.empty() && captures_.back().depth == depth) {
            std::string& t = target_of(captures_.back());
            std::string_view const trimmed = core::trim(t);
            if (trimmed.size() != t.size()) t = std::string(trimmed);
            captures_.pop_back();
        }
        if (!frames_.empty() && frames_.back().depth == depth) {
            item_frame& f = frames_.back();
            for (std::size_t i = 0; i < f.dates.size(); ++i)
                if (f.date_seen[i]) {
                    items_[f.index].date = std::move(f.dates[i]);
                    break;
                }
            frames_.pop_back();
        }
    }

    void text(const char* data, std::size_t size) {
        for (capture const& c : captures_) {
            if (!take(size)) return;
            target_of(c).append(data, size);
        }
    }

    void reference(const xmlChar* name) {
        if (captures_.empty() || ctxt_->myDoc == nullptr) return;
        const xmlEntity* ent = xmlGetDocEntity(ctxt_->myDoc, name);
        if (ent == nullptr) return;
        for (capture const& c : captures_) {
            append_nodes(ent->children, target_of(c));
            if (amplified_) return;
        }
    }

    // The tree walk's answer: HTML pages (first element or DOCTYPE named html) are "not-a-feed" whether or
    // not they are well-formed XML; any other document that is not well-formed is "parse".
    parse_result result() {
        if (amplified_)
            return failure(core::error_class::amplification,
                           "entity references expand the item text past " + std::to_string(max_amplification) +
                               " x the document's " + std::to_string(pushed_) + " bytes read so far");
        if (too_deep_)
            return failure(
                core::error_class::parse,
                "Excessive depth in document: " + std::to_string(xmlParserMaxDepth) + " use XML_PARSE_HUGE option");
        bool const looks_html = core::iequals(root_, "html") || core::iequals(doctype_, "html");
        if (ctxt_->wellFormed == 0 || ctxt_->disableSAX != 0) {
            if (looks_html)
                return failure(core::error_class::not_a_feed,
                               "HTML page (not well-formed XML: " + error_text(ctxt_.get()) + ")");
            return failure(core::error_class::parse, error_text(ctxt_.get()));
        }
        if (!seen_root_) return failure(core::error_class::parse, "no root element");
        parse_result r;
        if (root_ == "rss")
            r.format = "rss";
        else if (root_ == "feed")
            r.format = "atom";
        else if (root_ == "RDF")
            r.format = "rdf";
        else
            return failure(core::error_class::not_a_feed, "well-formed XML whose root element is <" + root_ + ">");
        r.item_list = std::move(items_);
        r.items = r.item_list.size();
        r.ok = true;
        return r;
    }

    bool force_utf8_;
    ctxt_ptr ctxt_;
    std::string staged_;      // the lazy path's bytes short of a whole piece
    std::size_t pushed_ = 0;  // bytes handed to libxml2
    std::size_t taken_ = 0;   // item text extracted (the amplification budget's use)
    bool stopped_ = false;    // libxml2 stopped (fatal error or the budget): later bytes are dropped
    bool amplified_ = false;
    bool too_deep_ = false;  // an element past xmlParserMaxDepth
    bool seen_root_ = false;
    std::string root_, doctype_;
    int depth_ = 0;
    std::vector<feed_item> items_;
    std::vector<item_frame> frames_;
    std::vector<capture> captures_;
};

}  // namespace

parse_result parse_xml_memory(std::string_view body, bool force_utf8) {
    stream_parser p(force_utf8);
    if (!p.start()) return failure(core::error_class::parse, "xmlCreatePushParserCtxt failed");
    return p.parse_all(body);
}

parse_result parse_xml_pull(body_source& src, std::string_view prefix, bool force_utf8, char* buf, std::size_t cap) {
    stream_parser p(force_utf8);
    if (!p.start()) return failure(core::error_class::parse, "xmlCreatePushParserCtxt failed");
    p.feed(prefix.data(), prefix.size());
    for (;;) {
        std::ptrdiff_t const n = src.read(buf, cap);
        if (n < 0) {
            core::error_class const cls = src.error_class();
            return failure(cls == core::error_class::none ? core::error_class::read : cls,
                           "body read failed during the parse");
        }
        if (n == 0) break;
        p.feed(buf, static_cast<std::size_t>(n));
    }
    return p.finish();
}

}  // namespace feedbench::parse::detail
