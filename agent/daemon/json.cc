#include "agent/daemon/json.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace mcs::json {

namespace {

const Value kNull;

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

class Parser {
public:
    explicit Parser(std::string_view t) : t_(t) {}

    Result<Value, std::string> document() {
        Value v;
        if (!value(v, 0)) return unexpected(error_);
        ws();
        if (pos_ != t_.size()) return unexpected(fail("trailing characters"));
        return v;
    }

private:
    std::string fail(const std::string& what) {
        error_ = "JSON: " + what + " at offset " + std::to_string(pos_);
        return error_;
    }
    void ws() {
        while (pos_ < t_.size() &&
               (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t'))
            ++pos_;
    }
    bool literal(std::string_view word) {
        if (t_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }
    bool value(Value& out, int depth) {
        if (depth > kMaxDepth) return fail("nested too deeply"), false;
        ws();
        if (pos_ >= t_.size()) return fail("unexpected end"), false;
        char c = t_[pos_];
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            std::string s;
            if (!string(s)) return false;
            out = Value(std::move(s));
            return true;
        }
        if (literal("true")) return out = Value(true), true;
        if (literal("false")) return out = Value(false), true;
        if (literal("null")) return out = Value(), true;
        return number(out);
    }
    bool number(Value& out) {
        size_t start = pos_;
        if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
        size_t digits = pos_;
        while (pos_ < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[pos_])) ||
                                    t_[pos_] == '.' || t_[pos_] == 'e' || t_[pos_] == 'E' ||
                                    t_[pos_] == '+' || t_[pos_] == '-'))
            ++pos_;
        if (pos_ == digits || !std::isdigit(static_cast<unsigned char>(t_[digits])))
            return fail("unexpected character"), false;
        out = Value::number(std::string(t_.substr(start, pos_ - start)));
        return true;
    }
    bool hex4(uint32_t& cp) {
        if (pos_ + 4 > t_.size()) return fail("short \\u escape"), false;
        auto r = std::from_chars(t_.data() + pos_, t_.data() + pos_ + 4, cp, 16);
        if (r.ptr != t_.data() + pos_ + 4) return fail("bad \\u escape"), false;
        pos_ += 4;
        return true;
    }
    bool string(std::string& out) {
        ++pos_;  // opening quote
        while (pos_ < t_.size()) {
            char c = t_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string"), false;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= t_.size()) break;
            char e = t_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xd800 && cp < 0xdc00 && t_.substr(pos_, 2) == "\\u") {
                        pos_ += 2;
                        uint32_t lo = 0;
                        if (!hex4(lo)) return false;
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    return fail("bad escape"), false;
            }
        }
        return fail("unterminated string"), false;
    }
    bool array(Value& out, int depth) {
        ++pos_;
        out = Value::array();
        ws();
        if (pos_ < t_.size() && t_[pos_] == ']') return ++pos_, true;
        for (;;) {
            Value v;
            if (!value(v, depth + 1)) return false;
            out.push(std::move(v));
            ws();
            if (pos_ < t_.size() && t_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < t_.size() && t_[pos_] == ']') return ++pos_, true;
            return fail("expected ',' or ']'"), false;
        }
    }
    bool object(Value& out, int depth) {
        ++pos_;
        out = Value::object();
        ws();
        if (pos_ < t_.size() && t_[pos_] == '}') return ++pos_, true;
        for (;;) {
            ws();
            if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected a key"), false;
            std::string key;
            if (!string(key)) return false;
            ws();
            if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected ':'"), false;
            ++pos_;
            Value v;
            if (!value(v, depth + 1)) return false;
            out[key] = std::move(v);
            ws();
            if (pos_ < t_.size() && t_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < t_.size() && t_[pos_] == '}') return ++pos_, true;
            return fail("expected ',' or '}'"), false;
        }
    }

    std::string_view t_;
    size_t pos_ = 0;
    std::string error_;
};

}  // namespace

Value Value::number(std::string text) {
    Value v(Type::Number);
    v.text_ = std::move(text);
    return v;
}

Value& Value::operator[](std::string_view key) {
    if (type_ == Type::Null) type_ = Type::Object;
    for (auto& [k, v] : members_)
        if (k == key) return v;
    members_.emplace_back(std::string(key), Value());
    return members_.back().second;
}

Value& Value::push(Value v) {
    if (type_ == Type::Null) type_ = Type::Array;
    items_.push_back(std::move(v));
    return items_.back();
}

const Value* Value::find(std::string_view key) const {
    for (const auto& [k, v] : members_)
        if (k == key) return &v;
    return nullptr;
}

const Value& Value::operator[](std::string_view key) const {
    const Value* v = find(key);
    return v ? *v : kNull;
}

uint64_t Value::u64() const {
    uint64_t n = 0;
    if (type_ == Type::Number) std::from_chars(text_.data(), text_.data() + text_.size(), n);
    return n;
}

int64_t Value::i64() const {
    int64_t n = 0;
    if (type_ == Type::Number) std::from_chars(text_.data(), text_.data() + text_.size(), n);
    return n;
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

void Value::dumpTo(std::string& out, int indent, int depth) const {
    auto newline = [&](int d) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<size_t>(indent * d), ' ');
    };
    switch (type_) {
        case Type::Null: out += "null"; return;
        case Type::Bool: out += bool_ ? "true" : "false"; return;
        case Type::Number: out += text_; return;
        case Type::String: out += quote(text_); return;
        case Type::Array:
            if (items_.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            for (size_t i = 0; i < items_.size(); ++i) {
                if (i) out += ',';
                newline(depth + 1);
                items_[i].dumpTo(out, indent, depth + 1);
            }
            newline(depth);
            out += ']';
            return;
        case Type::Object:
            if (members_.empty()) {
                out += "{}";
                return;
            }
            out += '{';
            for (size_t i = 0; i < members_.size(); ++i) {
                if (i) out += ',';
                newline(depth + 1);
                out += quote(members_[i].first);
                out += indent < 0 ? ":" : ": ";
                members_[i].second.dumpTo(out, indent, depth + 1);
            }
            newline(depth);
            out += '}';
            return;
    }
}

std::string Value::dump(int indent) const {
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

Result<Value, std::string> parse(std::string_view text) { return Parser(text).document(); }

}  // namespace mcs::json
