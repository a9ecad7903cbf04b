#pragma once
// The audit log: every write, every login (and failed login), every read of a restricted record
// or of a person, appended in order to one table whose entries are hash-chained. Each entry's
// hash is the SHA-256 of the previous entry's hash and the entry's own content, so changing,
// removing or reordering an entry breaks the chain from there on (VerifyAudit finds where).
// Engine-agnostic: it runs on Store::Rows and Transaction::Rows.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace amity::store {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, … in the order appended
  std::string at;   // RFC 3339 UTC
  std::string actor, client;
  std::string action;  // create, update, delete, restore, upload, remove_field, import, restore_dump,
                       // read, list, login, login_failed, logout, user_*, token_*, person_*
  std::string entity;  // the record's type, when about one
  std::optional<int64_t> record_id, unit;
  std::string detail = "{}";  // a JSON object, as stored (and hashed)
  std::string prev_hash, hash;
};

// The hash an entry must have: hex SHA-256 of prev_hash, a newline, and the JSON array
// [seq, at, actor, client, action, entity, record_id, unit, detail].
std::string AuditHash(const AuditEntry& entry);

// Appends `entry` (its at, actor, action and detail set; seq and hashes are filled) after the
// last entry, inside `tx`: the entry is written if and only if the transaction commits. Writes
// are serialised (store.h), so the chain never forks.
Status AppendAudit(Transaction& tx, AuditEntry entry);
// The same in a transaction of its own (logins, reads).
Status AppendAudit(Store& store, AuditEntry entry);

struct AuditFilter {
  int64_t after = 0;  // entries with seq above this
  int limit = 100;
  std::string actor, action, entity;
  std::optional<int64_t> record_id;
  const UnitSet* units = nullptr;  // only entries about records of these units (null: all)
};
Result<std::vector<AuditEntry>> ListAudit(Store& store, const AuditFilter& filter);

struct AuditCheck {
  int64_t entries = 0;
  std::string head;  // the last entry's hash: keep it elsewhere to detect a cut tail later
  std::vector<std::string> problems;  // empty when the chain is intact
};
// Walks the whole log in order. Stops listing problems after 20.
Result<AuditCheck> VerifyAudit(Store& store);

nlohmann::json AuditJson(const AuditEntry& entry);

// What is wrong with `entry` coming after `prev` (null: it is the first entry), as VerifyAudit
// says it ("entry 7: its content does not match its hash: the entry was changed"); empty when it
// follows correctly.
std::vector<std::string> AuditLinkProblems(const AuditEntry& entry, const AuditEntry* prev);

// An entry as a dump's line (io/dump.h): every column, `detail` as the text stored and hashed.
nlohmann::json AuditDumpJson(const AuditEntry& entry);
// A dump's line back: kInvalidArgument naming the field when its shape is wrong (its chain is
// checked by AuditLinkProblems).
Result<AuditEntry> AuditFromDumpJson(const nlohmann::json& line);
// Writes `entry` exactly as given, seq and hashes included (a restore, after checking the chain).
Status InsertAuditExact(Transaction& tx, const AuditEntry& entry);

}  // namespace amity::store
