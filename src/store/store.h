#pragma once
// The storage contract. One implementation per engine (sqlite/, later postgres/); everything
// above this file (records.h, io, http) is engine-agnostic. The contract tests in
// tests/store_contract_test.cc are what any engine must pass.
//
// Records are JSON objects holding the common fields and the declared fields, as
// domain/codec.h produces them. Thread safety: a Store is shared by all threads; each call is
// independent; a Transaction belongs to the thread that began it.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/entity.h"
#include "domain/query.h"

namespace amity::store {

using domain::EntityType;
using domain::Json;

// Who makes a change, as history and the audit log name them: a user's name, or "cli", "demo",
// "system"; and where from (a client address, for the audit log).
struct Actor {
  Actor(std::string name, std::string client = {}) : name(std::move(name)), client(std::move(client)) {}
  std::string name;
  std::string client;
};

struct Page {
  std::vector<Json> items;
  std::string next_cursor;  // empty on the last page
  std::optional<int64_t> total;
};

// A page of records as JSON text, ready to send: `items` is a JSON array.
struct TextPage {
  std::string items;
  std::string next_cursor;
  std::optional<int64_t> total;
};

// One entry of a timeline: a record (or one dated item of it) that links to the subject.
struct TimelineEntry {
  std::string entity;
  int64_t record_id = 0;
  int64_t item = -1;   // the item of a kObjects field dated on its own (an aid transaction)
  std::string field;   // that kObjects field, when item >= 0
  std::string at;
};

// One record as JSON text, with its version (for ETags) and, when asked, its last contact.
struct TextRecord {
  std::string json;
  int64_t version = 0;
  std::optional<TimelineEntry> last_linked;
};

struct GroupCount {
  Json value;  // null for records without a value
  int64_t count = 0;
};

struct HistoryEntry {
  std::string entity;
  int64_t record_id = 0;
  int64_t version = 0;
  std::string at, actor, action;  // action: update, delete, restore
  Json changes;                   // {field: {"before": …, "after": …}}
};

// A write transaction. Rolls back unless Commit() succeeds. Writes are serialised: at most one
// write transaction is open per database at a time (others wait, then fail with kUnavailable).
class Transaction : public domain::Lookup {
 public:
  // Ids (at most `limit`, live or deleted) of records whose `field` equals `value`; for
  // identifiers, `value` is {"scheme", "value"}.
  virtual Result<std::vector<int64_t>> FindIds(const EntityType& type, const std::string& field,
                                               const Json& value, int limit) = 0;
  // Ids (at most `limit`, live only) of records whose fields all equal the values in `where`
  // (an object of field → scalar value; null matches a null). For EntityType::unique_together.
  virtual Result<std::vector<int64_t>> FindIdsMatching(const EntityType& type, const Json& where,
                                                       int limit) = 0;
  // Inserts a new record (every common field but id set); returns its id.
  virtual Result<int64_t> Insert(const EntityType& type, const Json& record) = 0;
  // Replaces the stored record `id` with `record` (the whole record, common fields included).
  virtual Status Replace(const EntityType& type, int64_t id, const Json& record) = 0;
  // Inserts `record` with its own id and every common field as given (restoring a dump); ids
  // given by Insert afterwards are above it. kAlreadyExists when the id or uuid is taken.
  // Identifiers and links are written as Insert writes them.
  virtual Status InsertExact(const EntityType& type, const Json& record) = 0;
  // From now until Commit, references between records (foreign keys) are checked at Commit
  // instead of per statement: a restore inserts records that point forward (an organisation's
  // affiliation, a plan's policy documents). Commit fails with kInvalidArgument if one dangles.
  virtual Status DeferReferenceChecks() = 0;
  virtual Status AppendHistory(const HistoryEntry& entry) = 0;
  // Many more inserts of `type` follow (an import): the engine may trade per-row index upkeep
  // for a rebuild at commit. Nothing about the result differs.
  virtual Status ExpectMany(const EntityType& type) = 0;
  // Runs a statement over Amity's own tables (accounts, credentials, audit: store/accounts.h,
  // store/audit.h) inside this transaction: `?` placeholders, each row an array of its column
  // values (integers, text, null). The SQL must be the same for every engine.
  virtual Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) = 0;
  // Rows were inserted into `table` (account, account_grant or credential) with their ids given,
  // through Rows (a restore): ids the table gives afterwards must be above them.
  virtual Status AdvanceIds(const std::string& table) = 0;
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string Dialect() const = 0;  // "sqlite", "postgresql"

  virtual Result<std::unique_ptr<Transaction>> BeginWrite() = 0;

  // Reads see committed data only.
  virtual Result<std::optional<Json>> Get(const EntityType& type, int64_t id) = 0;
  // The id of the record whose key field (EntityType::key_field) equals `key`.
  virtual Result<std::optional<int64_t>> IdByKey(const EntityType& type, const std::string& key) = 0;
  virtual Result<Page> List(const EntityType& type, const domain::Query& query) = 0;
  // List and Get as JSON text, byte for byte what dumping List's or Get's records prints
  // (keys sorted): the API's hot paths, without building JSON objects.
  virtual Result<TextPage> ListText(const EntityType& type, const domain::Query& query) = 0;
  // With `last_linked_until`, also the record's LastLinked(type, its key, until), read on the
  // same connection (a GET of a partner carries its last contact).
  virtual Result<std::optional<TextRecord>> GetText(const EntityType& type, int64_t id,
                                                    const std::string* last_linked_until = nullptr) = 0;
  virtual Result<std::vector<GroupCount>> Count(const EntityType& type,
                                                const domain::Query& query) = 0;
  // What links to `target` `key` (domain::Link), newest first, optionally of one entity type
  // only; `offset` entries skipped, at most `limit`.
  virtual Result<std::vector<TimelineEntry>> Timeline(const std::string& target, const std::string& key,
                                                      const std::string& entity, int64_t offset,
                                                      int limit) = 0;
  // The latest dated link to `target` `key` on or before `until`: the last contact. (Timeline
  // with limit 1 says the same; this is one index seek, as it runs on every GET of a partner.)
  virtual Result<std::optional<TimelineEntry>> LastLinked(const std::string& target, const std::string& key,
                                                          const std::string& until) = 0;
  // Newest first.
  virtual Result<std::vector<HistoryEntry>> History(const EntityType& type, int64_t id) = 0;
  // Every history entry of every record, in the order they were appended; stops at the first
  // error `fn` returns.
  virtual Status ScanHistory(const std::function<Status(const HistoryEntry&)>& fn) = 0;
  // A number that changes whenever a committed write touches `entity` (in any process).
  virtual Result<int64_t> Generation(const std::string& entity) = 0;
  // Live (not deleted) records per entity type.
  virtual Result<std::map<std::string, int64_t>> CountAll() = 0;
  // A consistent copy of the whole database at `path`, safe while serving.
  virtual Status Backup(const std::string& path) = 0;
  // Transaction::Rows outside a transaction (reads committed data, on the primary).
  virtual Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) = 0;
};

// While one lives on a thread, the store may answer that thread's reads from a replica (when it
// has one: PostgreSQL opened with a replica URL), provided the replica has replayed every write
// this process committed; otherwise they go to the primary, so a client reads its own writes.
// The API opens one around the read-only work of lists, counts, timelines and history. Reads
// outside a scope (every read that feeds a write) go to the primary.
class ReplicaReads {
 public:
  ReplicaReads();
  ~ReplicaReads();
  ReplicaReads(const ReplicaReads&) = delete;
  ReplicaReads& operator=(const ReplicaReads&) = delete;
  static bool Allowed();  // on the calling thread

 private:
  bool previous_;
};

// Units a grant covers: all (a grant on the root) or these unit ids (with their descendants,
// sorted).
struct UnitSet {
  bool all = false;
  std::vector<int64_t> units;
  // Whether a record owned by `unit` (none: only the root covers it) is covered.
  bool Has(std::optional<int64_t> unit) const;
  bool Empty() const { return !all && units.empty(); }
};

// Who is asking and what their roles let them do (store/accounts.h builds one from the
// account's grants and the unit tree).
struct Principal {
  int64_t account_id = 0;
  std::string name;
  bool read_only = false;   // a read-only API token
  UnitSet read;             // internal records of these units (any role)
  UnitSet restricted;       // restricted records of these units (a grant with clearance)
  UnitSet write;            // editor or admin
  UnitSet admin;            // admin
  UnitSet audit;            // auditor
  // The unit of its first editor or admin grant below the root: what a record it creates is
  // owned by when the input names none.
  std::optional<int64_t> home_unit;
};

// While one lives on a thread, every read the store answers on that thread for the API (Get,
// GetText, List, ListText, Count, Timeline, LastLinked, CountAll) returns only what `principal`
// may see: records of kShared and kAdministered types; public records; internal records of the
// units it reads; restricted records of the units it is cleared for. The filter is part of the
// statement (store/sql.cc), so lists, counts, pages and timelines are right, not thinned out.
// Reads outside a scope (the CLI, the system's own checks inside write transactions) see
// everything; the API opens a scope on every authenticated request and refuses the rest.
class AccessScope {
 public:
  explicit AccessScope(const Principal* principal);
  ~AccessScope();
  AccessScope(const AccessScope&) = delete;
  AccessScope& operator=(const AccessScope&) = delete;
  static const Principal* Current();  // on the calling thread; null outside a scope

 private:
  const Principal* previous_;
};

// Opens the engine named by `url`: a file path or "sqlite:PATH" (SQLite), or
// "postgresql://user@host:port/database" (PostgreSQL; several hosts "host1:5432,host2:5432" with
// "?target_session_attrs=read-write" find the primary after a failover). `replica_url`
// (PostgreSQL only) names a streaming replica for ReplicaReads. Creates the database if needed
// and applies pending migrations.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& replica_url = "");

}  // namespace amity::store
