#include "io/dump.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/registry.h"
#include "io/csv.h"
#include "store/access_dump.h"

namespace amity::io {
namespace {

namespace fs = std::filesystem;
using domain::EntityType;
using domain::Json;

constexpr const char* kFormat = "amity-dump";
// 2: with the accounts, grants, API tokens and audit log (store/access_dump.h). Version 1 dumps
// (records, history and files only) are still read: they restore without users.
constexpr int kVersion = 2;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.flush();
  if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + path.string());
  return {};
}

// JSON lines from a file the source owns.
class FileRows final : public store::RowSource {
 public:
  explicit FileRows(const fs::path& path) : in_(path, std::ios::binary), rows_(in_) {}
  bool ok() const { return static_cast<bool>(in_); }
  Result<bool> Next(store::ImportRow* row, std::vector<store::ImportProblem>* problems) override {
    return rows_.Next(row, problems);
  }

 private:
  std::ifstream in_;
  JsonLinesSource rows_;
};

class DirSource final : public store::DumpSource {
 public:
  DirSource(fs::path dir, const Json& manifest) : dir_(std::move(dir)), manifest_(manifest) {}

  Result<std::unique_ptr<store::RowSource>> Rows(const EntityType& type, std::string* name) override {
    for (const Json& t : manifest_["types"]) {
      if (t.value("entity", "") == type.name) return Open(t["file"].get<std::string>(), name);
    }
    return std::unique_ptr<store::RowSource>();
  }

  Result<std::unique_ptr<store::RowSource>> History(std::string* name) override {
    return Open(manifest_["history"]["file"].get<std::string>(), name);
  }

  Result<std::unique_ptr<store::RowSource>> Access(const std::string& part, std::string* name) override {
    if (!manifest_.contains(part)) return std::unique_ptr<store::RowSource>();  // a version 1 dump
    return Open(manifest_[part]["file"].get<std::string>(), name);
  }

  Status Verify(const store::LoadReport& loaded) override {
    auto check = [&](const std::string& what, int64_t expected) -> Status {
      auto it = loaded.counts.find(what);
      const int64_t got = it == loaded.counts.end() ? 0 : it->second;
      if (got == expected) return {};
      return Fail(ErrorCode::kInvalidArgument, "the dump has " + std::to_string(got) + " " + what +
                                                   " rows; its manifest says " + std::to_string(expected));
    };
    for (const Json& t : manifest_["types"]) {
      RETURN_IF_ERROR(check(t["entity"].get<std::string>(), t["records"].get<int64_t>()));
    }
    RETURN_IF_ERROR(check("history", manifest_["history"]["entries"].get<int64_t>()));
    if (!manifest_.contains("audit")) return {};
    for (const std::string& part : store::AccessParts()) {
      RETURN_IF_ERROR(check(part, manifest_[part]["entries"].get<int64_t>()));
    }
    // A log cut short at a whole entry still verifies: its head says where it ended.
    const std::string head = manifest_["audit"]["head"].get<std::string>();
    if (loaded.audit_head != head) {
      return Fail(ErrorCode::kInvalidArgument, "the audit log in the dump ends with the hash \"" + loaded.audit_head +
                                                   "\"; its manifest says \"" + head + "\"");
    }
    return {};
  }

 private:
  Result<std::unique_ptr<store::RowSource>> Open(const std::string& file, std::string* name) {
    const fs::path path = dir_ / file;
    *name = path.string();
    auto rows = std::make_unique<FileRows>(path);
    if (!rows->ok()) return Fail(ErrorCode::kNotFound, "cannot read " + path.string());
    return std::unique_ptr<store::RowSource>(std::move(rows));
  }

  fs::path dir_;
  const Json& manifest_;
};

// The manifest, checked for shape: a hand-written one must not crash the restore.
Result<Json> ReadManifest(const fs::path& dir) {
  const fs::path path = dir / "manifest.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "no dump in " + dir.string() + ": cannot read " + path.string());
  Json m = Json::parse(in, nullptr, false);
  auto bad = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, path.string() + ": " + why);
  };
  if (m.is_discarded() || !m.is_object()) return bad("is not a JSON object");
  if (m.value("format", "") != kFormat) return bad(std::string("is not an ") + kFormat + " manifest");
  const Json version = m.value("version", Json());
  if (version != 1 && version != kVersion) {
    return bad("has version " + version.dump() + "; this build reads versions 1 to " + std::to_string(kVersion));
  }
  auto file_entry = [](const Json& e, const char* count) {
    return e.is_object() && e.value("file", Json()).is_string() && e.value("sha256", Json()).is_string() &&
           e.value(count, Json()).is_number_integer();
  };
  if (!m.value("types", Json()).is_array() || !m.value("files", Json()).is_array() ||
      !file_entry(m.value("history", Json()), "entries")) {
    return bad("expected types, history and files");
  }
  for (const Json& t : m["types"]) {
    if (!file_entry(t, "records") || !t.value("live", Json()).is_number_integer() ||
        !domain::Registry::Get().ByName(t.value("entity", ""))) {
      return bad("a type entry is not {entity, file, records, live, sha256} of a known type: " + t.dump());
    }
  }
  for (const Json& f : m["files"]) {
    if (!file_entry(f, "size")) return bad("a file entry is not {file, size, sha256}: " + f.dump());
  }
  if (version == 1) return m;
  for (const std::string& part : store::AccessParts()) {
    if (!file_entry(m.value(part, Json()), "entries")) return bad("expected " + part + ": {file, entries, sha256}");
  }
  if (!m["audit"].value("head", Json()).is_string()) return bad("expected the audit log's head");
  return m;
}

// Every listed file must be the one the manifest describes (and stay inside the dump).
Status CheckFiles(const fs::path& dir, const Json& manifest) {
  std::vector<const Json*> entries = {&manifest["history"]};
  for (const std::string& part : store::AccessParts()) {
    if (manifest.contains(part)) entries.push_back(&manifest[part]);
  }
  for (const Json& t : manifest["types"]) entries.push_back(&t);
  for (const Json& f : manifest["files"]) entries.push_back(&f);
  for (const Json* e : entries) {
    const std::string file = (*e)["file"].get<std::string>();
    if (file.empty() || file.starts_with('/') || file.find("..") != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument, "the manifest names a file outside the dump: " + file);
    }
    ASSIGN_OR_RETURN(std::string sha, Sha256OfFile((dir / file).string()));
    if (sha != (*e)["sha256"].get<std::string>()) {
      return Fail(ErrorCode::kInvalidArgument,
                  (dir / file).string() + ": its SHA-256 is not the one in the manifest (the file was changed)");
    }
  }
  return {};
}

}  // namespace

Result<Json> WriteDump(store::Records& records, const FileStore& files, const std::string& dir_name) {
  const fs::path dir(dir_name);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Fail(ErrorCode::kFailedPrecondition, dir_name + " is not empty; dump into a new directory");
  }
  fs::create_directories(dir / "files", ec);
  if (ec) return Fail(ErrorCode::kUnavailable, "cannot create " + dir_name + ": " + ec.message());
  Json manifest = {{"format", kFormat}, {"version", kVersion}, {"types", Json::array()}};
  for (const EntityType& type : domain::Registry::Get().types()) {
    const std::string file = type.plural + ".jsonl";
    std::ofstream out(dir / file, std::ios::binary);
    ExportOptions options;
    options.format = "jsonl";
    options.as_stored = true;
    int64_t live = 0;
    options.live_written = &live;
    ASSIGN_OR_RETURN(int64_t n, ExportRecords(records, type, options, out));
    out.close();
    if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + (dir / file).string());
    ASSIGN_OR_RETURN(std::string sha, Sha256OfFile((dir / file).string()));
    manifest["types"].push_back({{"entity", type.name}, {"file", file}, {"records", n}, {"live", live}, {"sha256", sha}});
  }
  // History, and the hashes of every file a document has had.
  std::set<std::string> hashes;
  int64_t entries = 0;
  {
    std::ofstream out(dir / "history.jsonl", std::ios::binary);
    RETURN_IF_ERROR(records.store().ScanHistory([&](const store::HistoryEntry& e) -> Status {
      out << store::HistoryJson(e).dump() << '\n';
      ++entries;
      auto sha = e.changes.find("file_sha256");
      if (e.entity == "document" && sha != e.changes.end()) {
        for (const char* k : {"before", "after"}) {
          if ((*sha)[k].is_string()) hashes.insert((*sha)[k].get<std::string>());
        }
      }
      return {};
    }));
    out.close();
    if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + (dir / "history.jsonl").string());
  }
  ASSIGN_OR_RETURN(std::string history_sha, Sha256OfFile((dir / "history.jsonl").string()));
  manifest["history"] = {{"file", "history.jsonl"}, {"entries", entries}, {"sha256", history_sha}};
  // Accounts, grants, tokens and the audit log; the log's head is the last entry's hash.
  for (const std::string& part : store::AccessParts()) {
    const std::string file = part + ".jsonl";
    std::ofstream out(dir / file, std::ios::binary);
    int64_t lines = 0;
    std::string head;
    RETURN_IF_ERROR(store::ScanAccess(records.store(), part, [&](const Json& line) -> Status {
      out << line.dump() << '\n';
      ++lines;
      if (part == "audit") head = line["hash"].get<std::string>();
      return {};
    }));
    out.close();
    if (!out) return Fail(ErrorCode::kUnavailable, "cannot write " + (dir / file).string());
    ASSIGN_OR_RETURN(std::string sha, Sha256OfFile((dir / file).string()));
    manifest[part] = {{"file", file}, {"entries", lines}, {"sha256", sha}};
    if (part == "audit") manifest[part]["head"] = head;
  }
  // The files of documents now (these must be there), and of earlier versions (when kept).
  std::set<std::string> current;
  const EntityType& document = *domain::Registry::Get().ByName("document");
  for (const bool deleted : {false, true}) {
    domain::Query q;
    q.limit = 500;
    q.deleted = deleted;
    while (true) {
      ASSIGN_OR_RETURN(store::Page page, records.store().List(document, q));
      for (const Json& d : page.items) {
        if (d.value("file_sha256", Json()).is_string()) current.insert(d["file_sha256"].get<std::string>());
      }
      if (page.next_cursor.empty()) break;
      q.after = domain::Cursor{Json(), page.items.back()["id"].get<int64_t>()};
    }
  }
  hashes.insert(current.begin(), current.end());
  manifest["files"] = Json::array();
  for (const std::string& sha : hashes) {
    auto bytes = files.Read(sha);
    if (!bytes) {
      if (current.contains(sha)) return tl::unexpected(bytes.error());
      continue;
    }
    const std::string file = "files/" + sha;
    RETURN_IF_ERROR(WriteText(dir / file, *bytes));
    manifest["files"].push_back({{"file", file}, {"size", bytes->size()}, {"sha256", sha}});
  }
  RETURN_IF_ERROR(WriteText(dir / "manifest.json", manifest.dump(2) + "\n"));
  return manifest;
}

Result<store::LoadReport> RestoreDump(store::Records& records, const FileStore& files,
                                      const std::string& dir_name) {
  const fs::path dir(dir_name);
  ASSIGN_OR_RETURN(Json manifest, ReadManifest(dir));
  RETURN_IF_ERROR(CheckFiles(dir, manifest));
  // Files first: kept by content, one left behind by a failed restore is harmless.
  for (const Json& f : manifest["files"]) {
    std::ifstream in(dir / f["file"].get<std::string>(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    ASSIGN_OR_RETURN(StoredFile stored, files.Put(bytes.str()));
    if (stored.sha256 != f["sha256"].get<std::string>()) {
      return Fail(ErrorCode::kInternal, "stored " + f["file"].get<std::string>() + " under another hash");
    }
  }
  DirSource source(dir, manifest);
  ASSIGN_OR_RETURN(store::LoadReport report, records.LoadDump(source));
  if (!report.problems.empty()) return report;
  // What the database now holds, against what the dump says it held.
  ASSIGN_OR_RETURN(auto live, records.store().CountAll());
  for (const Json& t : manifest["types"]) {
    const EntityType& type = *domain::Registry::Get().ByName(t["entity"].get<std::string>());
    if (type.reference_data) continue;  // the database's own may be more than the dump's
    if (live[type.plural] != t["live"].get<int64_t>()) {
      return Fail(ErrorCode::kInternal, "after the restore the database has " + std::to_string(live[type.plural]) +
                                            " live " + type.plural + "; the manifest says " +
                                            t["live"].dump());
    }
  }
  if (!manifest.contains("audit")) return report;
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   records.store().Rows("SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM account_grant), "
                                        "(SELECT count(*) FROM credential WHERE kind = 'token'), "
                                        "(SELECT count(*) FROM audit)",
                                        {}));
  const auto& parts = store::AccessParts();
  for (size_t i = 0; i < parts.size(); ++i) {
    // The audit log has one entry more: the restore's own.
    const int64_t expected = manifest[parts[i]]["entries"].get<int64_t>() + (parts[i] == "audit" ? 1 : 0);
    if (rows[0][i].get<int64_t>() != expected) {
      return Fail(ErrorCode::kInternal, "after the restore the database has " + rows[0][i].dump() + " " + parts[i] +
                                            "; expected " + std::to_string(expected));
    }
  }
  return report;
}

namespace {

// The target's audit log after a move is the source's with one entry more, the restore's own,
// which follows the source's last entry; the users, grants and tokens are the same.
Status CompareAccess(const fs::path& source, const Json& before, const fs::path& check, const Json& after) {
  for (const std::string& part : store::AccessParts()) {
    if (part == "audit") continue;
    if (before[part] != after[part]) {
      return Fail(ErrorCode::kInternal, "the " + part + " differ after the move: " + before[part].dump() + " became " +
                                            after[part].dump());
    }
  }
  const std::string a = ReadText(source / "audit.jsonl"), b = ReadText(check / "audit.jsonl");
  const int64_t n = before["audit"]["entries"].get<int64_t>();
  Json last = b.starts_with(a) ? Json::parse(b.substr(a.size()), nullptr, false) : Json();
  if (after["audit"]["entries"] != n + 1 || !last.is_object() || last.value("action", "") != "restore_dump" ||
      (n > 0 && last.value("prev_hash", "") != before["audit"]["head"])) {
    return Fail(ErrorCode::kInternal, "the audit log differs after the move: " + before["audit"].dump() +
                                          " became " + after["audit"].dump() +
                                          " (expected the same entries and the restore's own after them)");
  }
  return {};
}

}  // namespace

Result<store::LoadReport> MigrateDatabase(store::Records& from, const FileStore& from_files,
                                          store::Records& to, const FileStore& to_files,
                                          const std::string& work_dir) {
  const fs::path work(work_dir);
  std::error_code ec;
  if (fs::exists(work, ec) && !fs::is_empty(work, ec)) {
    return Fail(ErrorCode::kFailedPrecondition, work_dir + " is not empty; migrate through a new directory");
  }
  ASSIGN_OR_RETURN(Json before, WriteDump(from, from_files, (work / "source").string()));
  ASSIGN_OR_RETURN(store::LoadReport report, RestoreDump(to, to_files, (work / "source").string()));
  if (!report.problems.empty()) return report;
  ASSIGN_OR_RETURN(Json after, WriteDump(to, to_files, (work / "check").string()));
  // Equal manifests: equal counts and checksums of every type, the history and the files.
  for (size_t i = 0; i < before["types"].size(); ++i) {
    if (before["types"][i] != after["types"][i]) {
      return Fail(ErrorCode::kInternal, "the " + before["types"][i]["entity"].get<std::string>() +
                                            " records differ after the move: " + before["types"][i].dump() +
                                            " became " + after["types"][i].dump());
    }
  }
  if (before["history"] != after["history"]) {
    return Fail(ErrorCode::kInternal, "the history differs after the move: " + before["history"].dump() +
                                          " became " + after["history"].dump());
  }
  if (before["files"] != after["files"]) return Fail(ErrorCode::kInternal, "the files differ after the move");
  RETURN_IF_ERROR(CompareAccess(work / "source", before, work / "check", after));
  fs::remove_all(work, ec);
  return report;
}

}  // namespace amity::io
