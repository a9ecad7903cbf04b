#pragma once
// Text checks shared by JSON and CSV input.
#include <string>
#include <string_view>

namespace amity {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// Length in Unicode code points (for length rules: "at most 200 characters").
size_t CodePointCount(std::string_view s);

// `s` without leading and trailing ASCII white space.
std::string_view Trim(std::string_view s);

// A plausible professional e-mail address: local@domain.tld, at most 254 bytes, no spaces.
bool IsEmail(std::string_view s);

// An absolute http(s) URL with a host, at most 2,048 bytes, no spaces or control characters.
bool IsHttpUrl(std::string_view s);

// Appends `s` (valid UTF-8) as a JSON string literal, escaped as nlohmann::json's dump does:
// quote, backslash and control characters; other characters as they are.
void AppendJsonString(std::string* out, std::string_view s);

// At most `max_bytes` of `s` (valid UTF-8), cut before a character rather than inside one.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

// Lower-case ASCII copy.
std::string AsciiLower(std::string_view s);

// Bytes as lower-case hexadecimal.
std::string HexEncode(std::string_view bytes);
// The SHA-256 of `bytes`, in lower-case hexadecimal.
std::string Sha256Hex(std::string_view bytes);

// Base64url without padding, and back (nullopt-like empty + false on bad input).
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace amity
