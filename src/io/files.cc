#include "io/files.h"

#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>
#include <sstream>

#include "base/clock.h"
#include "base/text.h"

namespace amity::io {

namespace fs = std::filesystem;

namespace {

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(ErrorCode::kUnavailable, std::string("cannot write a file: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

std::string FileStore::PathOf(const std::string& sha256) const {
  return (fs::path(dir_) / sha256.substr(0, 2) / sha256).string();
}

Result<StoredFile> FileStore::Put(std::string_view bytes) const {
  StoredFile out{Sha256Hex(bytes), static_cast<int64_t>(bytes.size()), SniffContentType(bytes)};
  const fs::path path = PathOf(out.sha256);
  std::error_code ec;
  if (fs::exists(path, ec) && fs::file_size(path, ec) == bytes.size()) return out;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Fail(ErrorCode::kUnavailable, "cannot create " + path.parent_path().string() + ": " + ec.message());
  const std::string tmp = path.string() + ".tmp-" + NewUuid(SystemClock::Get());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return Fail(ErrorCode::kUnavailable, "cannot create " + tmp + ": " + std::strerror(errno));
  Status st = WriteAll(fd, bytes);
  if (st && ::fsync(fd) != 0) st = Fail(ErrorCode::kUnavailable, std::string("cannot flush a file: ") + std::strerror(errno));
  ::close(fd);
  if (st) {
    fs::rename(tmp, path, ec);
    if (ec) st = Fail(ErrorCode::kUnavailable, "cannot store " + path.string() + ": " + ec.message());
  }
  if (!st) {
    fs::remove(tmp, ec);
    return tl::unexpected(st.error());
  }
  return out;
}

Result<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot read " + path);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  if (in.bad()) return Fail(ErrorCode::kUnavailable, "cannot read " + path);
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, hash);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(hash), sizeof hash));
}

Result<std::string> FileStore::Read(const std::string& sha256) const {
  if (!IsSha256Hex(sha256)) return Fail(ErrorCode::kInternal, "not a file hash: " + sha256);
  std::ifstream in(PathOf(sha256), std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "the stored file " + sha256 + " is missing from " + dir_);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string SniffContentType(std::string_view bytes) {
  // A magic cookie per thread: loading the database is slow and a cookie is not thread-safe.
  struct Cookie {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_ERROR);
    bool ok = m && magic_load(m, nullptr) == 0;
    ~Cookie() {
      if (m) magic_close(m);
    }
  };
  thread_local Cookie cookie;
  if (bytes.empty()) return "application/x-empty";
  if (!cookie.ok) return "application/octet-stream";
  const char* type = magic_buffer(cookie.m, bytes.data(), bytes.size());
  std::string out = type ? type : "application/octet-stream";
  // "text/plain; charset=us-ascii" is also UTF-8; "application/pdf; charset=binary" says nothing.
  if (out.ends_with("; charset=binary")) out.resize(out.size() - 16);
  if (out.ends_with("charset=us-ascii")) out.replace(out.size() - 8, 8, "utf-8");
  return out;
}

std::string SafeFileName(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '"') continue;
    out.push_back(static_cast<char>(c));
  }
  std::string trimmed(Trim(out));
  if (trimmed == "." || trimmed == ".." || !IsValidUtf8(trimmed)) return "";
  while (trimmed.size() > 255) {
    trimmed.pop_back();
    while (!trimmed.empty() && (static_cast<unsigned char>(trimmed.back()) & 0xC0) == 0x80) trimmed.pop_back();
    if (!trimmed.empty() && static_cast<unsigned char>(trimmed.back()) >= 0xC0) trimmed.pop_back();
  }
  return trimmed;
}

}  // namespace amity::io
