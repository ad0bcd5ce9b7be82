// A small JSON value for the control API: the daemon builds Describe() documents
// with it and mcsnoopctl parses them. Numbers keep their text, so 64-bit counters
// round-trip exactly; objects keep their insertion order, so output is stable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "agent/base/result.h"

namespace mcs::json {

class Value {
public:
    enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };
    using Members = std::vector<std::pair<std::string, Value>>;

    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : type_(Type::Bool), bool_(b) {}
    template <typename T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
    Value(T n) : type_(Type::Number), text_(std::to_string(n)) {}
    Value(const char* s) : type_(Type::String), text_(s) {}
    Value(std::string s) : type_(Type::String), text_(std::move(s)) {}
    Value(std::string_view s) : type_(Type::String), text_(s) {}

    static Value array() { return Value(Type::Array); }
    static Value object() { return Value(Type::Object); }
    // A number from its JSON text (the parser; validated there).
    static Value number(std::string text);

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isBool() const { return type_ == Type::Bool; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }

    // Objects: the member named `key`, inserted as null when missing (a null value
    // turns into an object first).
    Value& operator[](std::string_view key);
    // Arrays: appends (a null value turns into an array first).
    Value& push(Value v);

    // Read access; a missing key or a wrong type gives null / false / 0 / "".
    const Value* find(std::string_view key) const;
    const Value& operator[](std::string_view key) const;
    bool boolean() const { return type_ == Type::Bool && bool_; }
    const std::string& str() const { return text_; }   // strings; numbers: their text
    uint64_t u64() const;
    int64_t i64() const;
    const std::vector<Value>& items() const { return items_; }
    const Members& members() const { return members_; }
    size_t size() const { return type_ == Type::Array ? items_.size() : members_.size(); }

    // Compact (indent < 0) or pretty-printed with `indent` spaces per level.
    std::string dump(int indent = -1) const;

private:
    explicit Value(Type t) : type_(t) {}
    void dumpTo(std::string& out, int indent, int depth) const;

    Type type_ = Type::Null;
    bool bool_ = false;
    std::string text_;
    std::vector<Value> items_;
    Members members_;
};

// Nesting deeper than this is refused (the parser recurses).
inline constexpr int kMaxDepth = 64;

Result<Value, std::string> parse(std::string_view text);

// JSON string literal of `s` (quotes included).
std::string quote(std::string_view s);

}  // namespace mcs::json
