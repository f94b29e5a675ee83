// Deterministic synthetic corpus: each feed as RSS 2.0, Atom 1.0 and JSON Feed 1.1 twins with the same
// items, mixed ASCII/non-ASCII text, and every Nth feed also an ISO-8859-1 or windows-1252 RSS variant.
#include "data/corpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <stdexcept>

namespace feedbench::data {

namespace {

// splitmix64: tiny, portable, and the same sequence on every platform (std distributions are not).
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    std::size_t between(std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); }
    bool chance(unsigned percent) { return below(100) < percent; }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t state_;
};

// Text families: a legacy-charset feed draws only from words its charset can encode.
enum class text_family { utf8, latin1, cp1252 };

constexpr std::array ascii_words{
    "the",     "feed",   "server", "worker",    "parser",  "update",  "release",  "notes",  "report",  "weekly",
    "morning", "market", "city",   "council",   "river",   "garden",  "recipe",   "travel", "science", "music",
    "review",  "story",  "open",   "source",    "project", "network", "socket",   "kernel", "event",   "loop",
    "thread",  "memory", "cache",  "benchmark", "latency", "request", "response", "header", "body",    "stream",
    "buffer",  "green",  "light",  "spring",    "summer",  "autumn",  "winter",   "about",  "after",   "before",
    "under",   "over",   "with",   "without",   "new",     "old",     "first",    "last",   "small",   "large",
    "quick",   "slow",   "bright", "quiet",     "local",   "global",  "and",      "of",     "in",      "on",
    "for",     "from",   "to",     "a",         "is",      "was",     "will",     "can",    "more",    "less"};
constexpr std::array latin1_words{"café",   "naïve",  "façade", "déjà",        "Zürich",    "Müller", "señor",
                                  "año",    "crème",  "brûlée", "smörgåsbord", "Ångström",  "garçon", "piñata",
                                  "über",   "Straße", "résumé", "Øresund",     "København", "Málaga", "São",
                                  "Genève", "Bücher", "Köln",   "jalapeño",    "fiancée",   "Ísland", "Þórsmörk",
                                  "élève",  "würzig", "½",      "°C"};
constexpr std::array cp1252_words{"“quoted”", "it’s", "–", "—", "€20", "…", "œuvre", "Š", "™", "‘single’"};
constexpr std::array utf8_words{"東京", "Москва", "Αθήνα", "北京", "ソフトウェア", "Ελληνικά", "日本語", "Київ",
                                "서울", "→",      "☕",     "✓",    "עברית",        "हिन्दी"};
constexpr std::array author_names{"Anna Müller", "José García",  "Li Wei",      "Chloé Martin",
                                  "Sven Åberg",  "Mary O'Brien", "Jürgen Weiß", "Zoë Taylor"};

std::string words(rng& r, text_family fam, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ' ';
        auto roll = r.below(100);
        if (roll < 82) {
            out += ascii_words[r.below(ascii_words.size())];
        } else if (roll < 95) {
            out += latin1_words[r.below(latin1_words.size())];
        } else if (fam == text_family::utf8) {
            out += utf8_words[r.below(utf8_words.size())];
        } else if (fam == text_family::cp1252) {
            out += cp1252_words[r.below(cp1252_words.size())];
        } else {
            out += latin1_words[r.below(latin1_words.size())];
        }
    }
    return out;
}

std::string capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = char(s[0] - 'a' + 'A');
    return s;
}

// Days since 1970-01-01 to y-m-d (Howard Hinnant's civil_from_days).
std::string rfc3339(std::int64_t t) {
    std::int64_t days = t / 86400, secs = t % 86400;
    days += 719468;
    std::int64_t era = days / 146097;
    unsigned doe = static_cast<unsigned>(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20)
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else
                    out += c;
        }
    }
    return out;
}

struct item {
    std::string title, url, date, author, text;
};

struct feed_text {
    std::string number;  // "007"
    std::string title, home, description, updated;
    std::vector<item> items;
};

item make_item(rng& r, text_family fam, const std::string& home, std::size_t j, std::int64_t when) {
    item it;
    it.title = capitalized(words(r, fam, r.between(3, 9)));
    if (r.chance(15)) it.title += " & " + words(r, fam, r.between(1, 3));
    it.url = fmt::format("{}item-{:04}.html", home, j);
    it.date = rfc3339(when);
    it.author = author_names[r.below(author_names.size())];
    std::size_t paragraphs = r.between(1, 4);
    for (std::size_t p = 0; p < paragraphs; ++p) {
        if (p) it.text += "\n\n";
        it.text += capitalized(words(r, fam, r.between(20, 80)));
        if (r.chance(20)) it.text += " (R&D: a < b > c)";
        it.text += '.';
    }
    return it;
}

std::string rss_head(const feed_text& f) {
    return fmt::format(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n"
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>en</language>\n"
        "<lastBuildDate>{}</lastBuildDate>\n",
        xml_escape(f.title), f.home, xml_escape(f.description), f.updated);
}
std::string rss_item(const item& it) {
    return fmt::format(
        "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n"
        "<pubDate>{}</pubDate>\n<author>{}</author>\n<description>{}</description>\n</item>\n",
        xml_escape(it.title), it.url, it.url, it.date, xml_escape(it.author), xml_escape(it.text));
}
constexpr std::string_view rss_tail = "</channel>\n</rss>\n";

std::string atom_head(const feed_text& f) {
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n"
        "<title>{}</title>\n<subtitle>{}</subtitle>\n<link href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n",
        xml_escape(f.title), xml_escape(f.description), f.home, f.home, f.updated);
}
std::string atom_entry(const item& it) {
    return fmt::format(
        "<entry>\n<title>{}</title>\n<link href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n"
        "<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
        xml_escape(it.title), it.url, it.url, it.date, xml_escape(it.author), xml_escape(it.text));
}
constexpr std::string_view atom_tail = "</feed>\n";

std::string json_head(const feed_text& f) {
    return fmt::format(
        "{{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": \"{}\",\n"
        "  \"home_page_url\": \"{}\",\n  \"feed_url\": \"https://example.org/feeds/feed-{}.json\",\n"
        "  \"description\": \"{}\",\n  \"language\": \"en\",\n  \"items\": [",
        json_escape(f.title), f.home, f.number, json_escape(f.description));
}
std::string json_item(const item& it, bool first) {
    return fmt::format(
        "{}\n    {{\n      \"id\": \"{}\",\n      \"url\": \"{}\",\n      \"title\": \"{}\",\n"
        "      \"content_text\": \"{}\",\n      \"date_published\": \"{}\",\n"
        "      \"authors\": [{{\"name\": \"{}\"}}]\n    }}",
        first ? "" : ",", it.url, it.url, json_escape(it.title), json_escape(it.text), it.date, json_escape(it.author));
}
constexpr std::string_view json_tail = "\n  ]\n}\n";

// UTF-8 to ISO-8859-1 or windows-1252; every code point the generator uses for these families maps.
std::string transcode_legacy(std::string_view utf8, text_family fam) {
    static constexpr std::array<std::pair<char32_t, unsigned char>, 13> cp1252_extra{{{U'€', 0x80},
                                                                                      {U'…', 0x85},
                                                                                      {U'Š', 0x8A},
                                                                                      {U'Œ', 0x8C},
                                                                                      {U'‘', 0x91},
                                                                                      {U'’', 0x92},
                                                                                      {U'“', 0x93},
                                                                                      {U'”', 0x94},
                                                                                      {U'–', 0x96},
                                                                                      {U'—', 0x97},
                                                                                      {U'™', 0x99},
                                                                                      {U'š', 0x9A},
                                                                                      {U'œ', 0x9C}}};
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        char32_t cp;
        std::size_t len;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c >> 5) == 6) {
            cp = c & 0x1F;
            len = 2;
        } else if ((c >> 4) == 14) {
            cp = c & 0x0F;
            len = 3;
        } else {
            cp = c & 0x07;
            len = 4;
        }
        for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += len;
        if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
            out += static_cast<char>(cp);
            continue;
        }
        auto hit = std::find_if(cp1252_extra.begin(), cp1252_extra.end(), [&](auto& p) { return p.first == cp; });
        if (fam != text_family::cp1252 || hit == cp1252_extra.end())
            throw std::logic_error("synthetic: code point not encodable in the legacy charset");
        out += static_cast<char>(hit->second);
    }
    return out;
}

struct rendered {
    std::string rss, atom, json;
};

rendered render(const feed_text& f) {
    rendered r;
    r.rss = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + rss_head(f);
    r.atom = atom_head(f);
    r.json = json_head(f);
    for (std::size_t j = 0; j < f.items.size(); ++j) {
        r.rss += rss_item(f.items[j]);
        r.atom += atom_entry(f.items[j]);
        r.json += json_item(f.items[j], j == 0);
    }
    r.rss += rss_tail;
    r.atom += atom_tail;
    r.json += json_tail;
    return r;
}

std::uint64_t feed_seed(std::uint64_t seed, std::size_t index) {
    rng r(seed ^ (0xA5A5A5A5ull + index * 0x100000001B3ull));
    return r.next();
}

}  // namespace

corpus generate_synthetic(const synthetic_options& opt) {
    if (opt.min_bytes > opt.max_bytes || opt.median_bytes == 0)
        throw std::invalid_argument("synthetic: need min_bytes <= max_bytes and median_bytes > 0");
    corpus c;
    c.name = fmt::format("synthetic(seed={},feeds={})", opt.seed, opt.feeds);
    const std::int64_t base_time = 1335088800;  // 2012-04-22T10:00:00Z, the day requests 0.11.2 shipped
    std::size_t legacy_seen = 0;
    for (std::size_t i = 0; i < opt.feeds; ++i) {
        rng r(feed_seed(opt.seed, i));
        bool legacy = opt.legacy_charset_every > 0 && i % opt.legacy_charset_every == opt.legacy_charset_every - 1;
        std::size_t legacy_kind = legacy ? legacy_seen++ % 4 : 0;
        // 0: ISO-8859-1 declared, 1: windows-1252 undeclared, 2: ISO-8859-1 undeclared, 3: windows-1252 declared.
        text_family fam =
            !legacy ? text_family::utf8 : (legacy_kind % 2 == 0 ? text_family::latin1 : text_family::cp1252);

        // Size around the median: log-normal (sigma 0.6), bounded to [min, max].
        double u1 = std::max(r.unit(), 1e-12), u2 = r.unit();
        double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        auto target = static_cast<std::size_t>(static_cast<double>(opt.median_bytes) * std::exp(0.6 * z));
        target = std::clamp(target, opt.min_bytes, opt.max_bytes);

        feed_text f;
        f.number = fmt::format("{:03}", i);
        f.title = fmt::format("Feed {}: {}", f.number, capitalized(words(r, fam, r.between(2, 5))));
        f.home = fmt::format("https://example.org/feed-{}/", f.number);
        f.description = capitalized(words(r, fam, r.between(8, 20)));
        std::int64_t when = base_time - static_cast<std::int64_t>(r.below(86400));
        f.updated = rfc3339(when);

        std::size_t rss_bytes = 160 + rss_head(f).size(), atom_bytes = atom_head(f).size() + 10,
                    json_bytes = json_head(f).size() + 10;
        while (std::min({rss_bytes, atom_bytes, json_bytes}) < target) {
            auto it = make_item(r, fam, f.home, f.items.size(), when);
            when -= static_cast<std::int64_t>(r.between(60, 6 * 3600));
            rss_bytes += rss_item(it).size();
            atom_bytes += atom_entry(it).size();
            json_bytes += json_item(it, f.items.empty()).size();
            f.items.push_back(std::move(it));
        }
        auto out = render(f);
        while (f.items.size() > 1 && std::max({out.rss.size(), out.atom.size(), out.json.size()}) > opt.max_bytes) {
            f.items.pop_back();
            out = render(f);
        }

        std::string ct_suffix = opt.charset_in_content_type ? "; charset=utf-8" : "";
        std::string declared = "utf-8";
        std::string stem = "feed-" + f.number;
        c.feeds.push_back({stem + "-rss", "/feeds/" + stem + "-rss.xml", feed_format::rss, out.rss, declared,
                           "application/rss+xml" + ct_suffix, f.items.size()});
        c.feeds.push_back({stem + "-atom", "/feeds/" + stem + "-atom.xml", feed_format::atom, out.atom, declared,
                           "application/atom+xml" + ct_suffix, f.items.size()});
        c.feeds.push_back({stem + "-jsonfeed", "/feeds/" + stem + ".json", feed_format::jsonfeed, out.json, "",
                           "application/feed+json" + ct_suffix, f.items.size()});
        if (legacy) {
            std::string charset = fam == text_family::latin1 ? "iso-8859-1" : "windows-1252";
            bool declare = legacy_kind == 0 || legacy_kind == 3;
            std::string body = declare ? fmt::format("<?xml version=\"1.0\" encoding=\"{}\"?>\n",
                                                     fam == text_family::latin1 ? "ISO-8859-1" : "windows-1252")
                                       : std::string();
            body += transcode_legacy(rss_head(f), fam);
            for (const auto& it : f.items) body += transcode_legacy(rss_item(it), fam);
            body += rss_tail;
            c.feeds.push_back({stem + "-rss-" + charset, "/feeds/" + stem + "-rss-" + charset + ".xml",
                               feed_format::rss, std::move(body), declare ? charset : "", "application/rss+xml",
                               f.items.size()});
        }
    }
    return c;
}

void write_directory(const corpus& c, const std::filesystem::path& root) {
    std::filesystem::create_directories(root);
    auto write = [](const std::filesystem::path& file, std::string_view bytes) {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + file.string());
    };
    for (const auto& f : c.feeds) {
        if (f.path.find("..") != std::string::npos || f.path.find('%') != std::string::npos)
            throw std::runtime_error("write_directory: path not writable as a file: " + f.path);
        write(root / f.path.substr(1), f.body);
    }
    write(root / "manifest", manifest_tsv(c));
}

}  // namespace feedbench::data
