#pragma once
// Uploaded files, kept by content: the SHA-256 of the bytes names the file under
// DATA/files/ab/abcdef…, so the same file uploaded twice is stored once and a stored file never
// changes. What a file is comes from its bytes (libmagic), never from what the client says.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace amity::io {

struct StoredFile {
  std::string sha256;  // lower-case hex
  int64_t size = 0;
  std::string content_type;  // sniffed: "application/pdf", "text/plain; charset=utf-8"
};

class FileStore {
 public:
  explicit FileStore(std::string dir) : dir_(std::move(dir)) {}
  // Writes the bytes (to a temporary file, flushed, then renamed into place) unless a file
  // with the same content is already there.
  Result<StoredFile> Put(std::string_view bytes) const;
  Result<std::string> Read(const std::string& sha256) const;

 private:
  std::string PathOf(const std::string& sha256) const;
  std::string dir_;
};

// The SHA-256 of a file's bytes (lower-case hex), read in pieces.
Result<std::string> Sha256OfFile(const std::string& path);

// The MIME type of the bytes, with the charset for text ("text/plain; charset=utf-8").
std::string SniffContentType(std::string_view bytes);

// A file name safe to keep and to send back: no directories, no control characters, at most
// 255 bytes of valid UTF-8; empty when nothing usable is left.
std::string SafeFileName(std::string_view name);

}  // namespace amity::io
