#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <charconv>
#include <condition_variable>
#include <mutex>
#include <set>
#include <unordered_map>

#include "base/text.h"
#include "domain/collation.h"
#include "domain/links.h"
#include "domain/registry.h"
#include "embedded/amity_sql.h"
#include "store/columns.h"
#include "store/search.h"
#include "store/sql.h"

namespace amity::store {
namespace {

using domain::Condition;
using domain::FieldType;
using domain::Op;
using domain::Query;

Error SqlError(sqlite3* db, int rc, const std::string& what) {
  const int primary = rc & 0xff;
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error{ErrorCode::kUnavailable, "the database is busy; try again", {}};
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{ErrorCode::kAlreadyExists, msg, {}};
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error{ErrorCode::kInvalidArgument, "a reference points to a record that does not exist", {}};
  }
  if (primary == SQLITE_FULL) return Error{ErrorCode::kUnavailable, "the disk is full", {}};
  return Error{ErrorCode::kInternal, msg, {}};
}

// The `vi` and `en` collations as SQLite calls them.
int CollateCallback(void* lang, int a_size, const void* a, int b_size, const void* b) {
  return domain::Collate(*static_cast<const domain::Lang*>(lang),
                         std::string_view(static_cast<const char*>(a), a_size),
                         std::string_view(static_cast<const char*>(b), b_size));
}

// One connection and its prepared statements.
class Conn {
 public:
  ~Conn() {
    for (auto& [_, s] : stmts_) sqlite3_finalize(s);
    if (db_) sqlite3_close_v2(db_);
  }
  static Result<std::unique_ptr<Conn>> Open(const std::string& path, int busy_ms, bool create) {
    auto c = std::make_unique<Conn>();
    const int flags =
        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    ASSIGN_OR_RETURN(c->db_, OpenSqliteConnection(path, flags));
    sqlite3_busy_timeout(c->db_, busy_ms);
    sqlite3_extended_result_codes(c->db_, 1);
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
      RETURN_IF_ERROR(c->Exec(pragma));
    }
    return c;
  }
  sqlite3* db() { return db_; }

  // Runs SQL without parameters (pragmas, migrations, BEGIN/COMMIT).
  Status Exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string what = err ? err : "";
      sqlite3_free(err);
      return tl::unexpected(SqlError(db_, rc, what.empty() ? sql.substr(0, 60) : what));
    }
    return {};
  }

  // A cached prepared statement, reset and cleared of bindings. The cache forgets everything
  // past 256 statements (queries built from filters vary), except `pinned` ones, whose pointers
  // callers may keep for the connection's lifetime.
  Result<sqlite3_stmt*> Prepare(const std::string& sql, bool pinned = false) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    if (stmts_.size() > 256) {
      for (auto i = stmts_.begin(); i != stmts_.end();) {
        if (pinned_.contains(i->second)) {
          ++i;
        } else {
          sqlite3_finalize(i->second);
          i = stmts_.erase(i);
        }
      }
    }
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(SqlError(db_, rc, "prepare"));
    stmts_.emplace(sql, s);
    if (pinned) pinned_.insert(s);
    return s;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
  std::set<sqlite3_stmt*> pinned_;
};

// Binds JSON scalars: integers, booleans (as 0/1), strings, null; others as JSON text.
void Bind(sqlite3_stmt* s, int i, const Json& v) {
  if (v.is_null()) {
    sqlite3_bind_null(s, i);
  } else if (v.is_boolean()) {
    sqlite3_bind_int(s, i, v.get<bool>() ? 1 : 0);
  } else if (v.is_number_integer()) {
    sqlite3_bind_int64(s, i, v.get<int64_t>());
  } else if (v.is_number_float()) {
    sqlite3_bind_double(s, i, v.get<double>());
  } else if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    sqlite3_bind_text(s, i, str.data(), static_cast<int>(str.size()), SQLITE_TRANSIENT);
  } else {
    const std::string str = v.dump();
    sqlite3_bind_text(s, i, str.data(), static_cast<int>(str.size()), SQLITE_TRANSIENT);
  }
}

void BindAll(sqlite3_stmt* s, const std::vector<Json>& params) {
  for (size_t i = 0; i < params.size(); ++i) Bind(s, static_cast<int>(i + 1), params[i]);
}

// The current row of a statement, as the shared row readers (store/sql.h) see it.
struct SqliteRow {
  sqlite3_stmt* s;
  bool Null(int i) const { return sqlite3_column_type(s, i) == SQLITE_NULL; }
  int64_t Int(int i) const { return sqlite3_column_int64(s, i); }
  bool Bool(int i) const { return sqlite3_column_int(s, i) != 0; }
  std::string_view Text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string_view();
  }
};

Json ColumnValue(sqlite3_stmt* s, int i, ColumnKind kind) { return ValueAt(SqliteRow{s}, i, kind); }

// Every row of a statement as an array of values (Store::Rows).
Result<std::vector<Json>> RowsOn(Conn& conn, const std::string& sql, const std::vector<Json>& params) {
  ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare(sql));
  BindAll(s, params);
  std::vector<Json> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    Json row = Json::array();
    for (int i = 0, n = sqlite3_column_count(s); i < n; ++i) {
      switch (sqlite3_column_type(s, i)) {
        case SQLITE_NULL: row.push_back(nullptr); break;
        case SQLITE_INTEGER: row.push_back(sqlite3_column_int64(s, i)); break;
        case SQLITE_FLOAT: row.push_back(sqlite3_column_double(s, i)); break;
        default: row.push_back(std::string(SqliteRow{s}.Text(i))); break;
      }
    }
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn.db(), rc, "statement"));
  return out;
}

// Binds the value a record holds for one column (absent is null), without copying it.
void BindColumn(sqlite3_stmt* s, int i, const Json& record, const Column& c) {
  auto it = record.find(c.field->name);
  if (it == record.end() || it->is_null()) {
    sqlite3_bind_null(s, i);
  } else if (!c.part.empty()) {
    auto part = it->find(c.part);
    if (part == it->end()) sqlite3_bind_null(s, i);
    else Bind(s, i, *part);
  } else if (c.kind == ColumnKind::kJson) {
    const std::string text = it->dump();
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  } else {
    Bind(s, i, *it);
  }
}

// Field name → positions of its columns in ColumnsOf(type) (two for money).
const std::unordered_map<std::string, std::vector<size_t>>& ColumnPositions(const EntityType& type) {
  static std::mutex mu;
  static std::map<const EntityType*, std::unordered_map<std::string, std::vector<size_t>>> cache;
  std::lock_guard lock(mu);
  auto& m = cache[&type];
  if (m.empty()) {
    const std::vector<Column>& cols = ColumnsOf(type);
    for (size_t i = 0; i < cols.size(); ++i) m[cols[i].field->name].push_back(i);
  }
  return m;
}

// The ids in the first column of every row the statement gives.
Result<std::vector<int64_t>> CollectIds(Conn& conn, sqlite3_stmt* s, const char* what) {
  std::vector<int64_t> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(sqlite3_column_int64(s, 0));
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn.db(), rc, what));
  return out;
}

// A link row read as a timeline entry: columns entity, record_id, item, field, at.
TimelineEntry TimelineEntryAt(sqlite3_stmt* s) {
  TimelineEntry e;
  e.entity = ColumnValue(s, 0, ColumnKind::kText).get<std::string>();
  e.record_id = sqlite3_column_int64(s, 1);
  e.item = sqlite3_column_int64(s, 2);
  if (e.item >= 0) e.field = ColumnValue(s, 3, ColumnKind::kText).get<std::string>();
  e.at = ColumnValue(s, 4, ColumnKind::kText).get<std::string>();
  return e;
}

class SqliteStore;

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(std::unique_lock<std::mutex> lock, Conn* conn)
      : lock_(std::move(lock)), conn_(conn) {}
  ~SqliteTransaction() override {
    if (!done_) (void)conn_->Exec("ROLLBACK");
  }

  Result<std::optional<Json>> Find(std::string_view entity, int64_t id,
                                   bool include_deleted) override {
    const EntityType* type = domain::Registry::Get().ByName(entity);
    if (!type) return Fail(ErrorCode::kInternal, "unknown entity " + std::string(entity));
    return GetOn(*conn_, *type, id, include_deleted);
  }

  Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) override {
    return RowsOn(*conn_, sql, params);
  }

  Result<std::vector<int64_t>> Linked(std::string_view entity, std::string_view target,
                                      std::string_view key, std::string_view from,
                                      std::string_view to, int limit) override {
    std::vector<Json> params;
    const std::string sql = LinkedSql(entity, target, key, from, to, limit, &params);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    BindAll(s, params);
    return CollectIds(*conn_, s, "linked");
  }

  Result<std::vector<int64_t>> Matching(std::string_view entity, const Json& where,
                                        int limit) override {
    const EntityType* type = domain::Registry::Get().ByName(entity);
    if (!type) return Fail(ErrorCode::kInternal, "unknown entity " + std::string(entity));
    return FindIdsMatching(*type, where, limit);
  }

  Result<std::vector<int64_t>> FindIdsMatching(const EntityType& type, const Json& where,
                                               int limit) override {
    std::vector<Json> params;
    const std::string sql = FindIdsMatchingSql(type, where, limit, &params);
    if (sql.empty()) return Fail(ErrorCode::kInternal, "no column for " + where.dump());
    ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    BindAll(s, params);
    return CollectIds(*conn_, s, "find");
  }

  Result<std::vector<int64_t>> FindIds(const EntityType& type, const std::string& field,
                                       const Json& value, int limit) override {
    std::vector<Json> params;
    const std::string sql = FindIdsSql(type, field, value, limit, &params);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    BindAll(s, params);
    return CollectIds(*conn_, s, "find");
  }

  Result<int64_t> Insert(const EntityType& type, const Json& record) override {
    return InsertRow(type, record, false);
  }

  Status InsertExact(const EntityType& type, const Json& record) override {
    auto id = record.find("id");
    if (id == record.end() || !id->is_number_integer()) {
      return Fail(ErrorCode::kInternal, "InsertExact needs the record's id");
    }
    ASSIGN_OR_RETURN(int64_t got, InsertRow(type, record, true));
    if (got != id->get<int64_t>()) return Fail(ErrorCode::kInternal, "the row got another id");
    return {};
  }

  // An INTEGER PRIMARY KEY takes the largest id plus one: nothing to move.
  Status AdvanceIds(const std::string&) override { return {}; }

  Status DeferReferenceChecks() override {
    // Reset by SQLite itself at the end of the transaction.
    return conn_->Exec("PRAGMA defer_foreign_keys=ON");
  }

  // With `with_id`, the record's id is inserted too (SQLite's next rowid is above the largest).
  Result<int64_t> InsertRow(const EntityType& type, const Json& record, bool with_id) {
    const std::vector<Column>& cols = ColumnsOf(type);
    sqlite3_stmt*& s = (with_id ? insert_exact_stmt_ : insert_stmt_)[&type];
    const size_t first = with_id ? 0 : 1;
    if (s) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    } else {
      ASSIGN_OR_RETURN(s, conn_->Prepare(InsertSql(type, with_id), true));
    }
    // Bind what the record holds (absent columns stay null): a walk over the record's fields,
    // not a lookup per column.
    const auto& positions = ColumnPositions(type);
    for (auto it = record.begin(); it != record.end(); ++it) {
      auto p = positions.find(it.key());
      if (p == positions.end()) continue;
      for (size_t i : p->second) {
        if (i >= first) BindColumn(s, static_cast<int>(i + 1 - first), record, cols[i]);
      }
    }
    int rc = sqlite3_step(s);
    const int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;  // RETURNING id
    if (rc == SQLITE_ROW) rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "insert " + type.name));
    RETURN_IF_ERROR(WriteIdentifiers(type, id, record, false));
    RETURN_IF_ERROR(WriteLinks(type, id, record, false));
    RETURN_IF_ERROR(WriteSearch(*this, Dialect::kSqlite, type, id, record, false, bulk_ ? &search_bulk_ : nullptr));
    touched_.insert(type.name);
    return id;
  }

  Status Replace(const EntityType& type, int64_t id, const Json& record) override {
    const std::vector<Column>& cols = ColumnsOf(type);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(ReplaceSql(type)));
    for (size_t i = 1; i < cols.size(); ++i) BindColumn(s, static_cast<int>(i), record, cols[i]);
    sqlite3_bind_int64(s, static_cast<int>(cols.size()), id);
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "update " + type.name));
    if (sqlite3_changes(conn_->db()) != 1) {
      return Fail(ErrorCode::kNotFound, "no " + type.name + " with id " + std::to_string(id));
    }
    RETURN_IF_ERROR(WriteIdentifiers(type, id, record, true));
    RETURN_IF_ERROR(WriteLinks(type, id, record, true));
    RETURN_IF_ERROR(WriteSearch(*this, Dialect::kSqlite, type, id, record, true, bulk_ ? &search_bulk_ : nullptr));
    touched_.insert(type.name);
    return {};
  }

  Status AppendHistory(const HistoryEntry& e) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * s,
                     conn_->Prepare(kInsertHistorySql));
    BindAll(s, {e.entity, e.record_id, e.version, e.at, e.actor, e.action, e.changes.dump()});
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "history"));
    return {};
  }

  Status ExpectMany(const EntityType& type) override {
    bulk_ = true;
    if (deferred_.contains(&type)) return {};
    return DeferIndexes(type);
  }

  Status Commit() override {
    RETURN_IF_ERROR(FinishSearchBulk(*this, Dialect::kSqlite, search_bulk_));
    // Indexes dropped for a bulk load are rebuilt in the same transaction (one sort each).
    for (const auto& [type, indexes] : deferred_) {
      for (const std::string& sql : indexes) RETURN_IF_ERROR(conn_->Exec(sql));
    }
    deferred_.clear();
    for (const std::string& entity : touched_) {
      ASSIGN_OR_RETURN(sqlite3_stmt * s,
                       conn_->Prepare(kBumpGenerationSql));
      BindAll(s, {entity});
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "generation"));
    }
    RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    done_ = true;
    return {};
  }

  static Result<std::optional<Json>> GetOn(Conn& conn, const EntityType& type, int64_t id,
                                           bool include_deleted) {
    ASSIGN_OR_RETURN(sqlite3_stmt * s,
                     conn.Prepare(include_deleted ? GetByIdSql(type)
                                                  : GetByIdSql(type) + " AND deleted_at IS NULL"));
    sqlite3_bind_int64(s, 1, id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      Json r = RowToRecord(SqliteRow{s}, type);
      sqlite3_reset(s);
      return std::optional<Json>(std::move(r));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn.db(), rc, "get " + type.name));
    return std::optional<Json>();
  }

 private:
  // Drops the table's plain (non-unique) indexes until Commit; unique ones stay, so uniqueness
  // is still checked row by row. A rollback restores them with everything else.
  Status DeferIndexes(const EntityType& type) {
    std::vector<std::string>& saved = deferred_[&type];
    ASSIGN_OR_RETURN(sqlite3_stmt * s,
                     conn_->Prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                    "tbl_name = ? AND sql LIKE 'CREATE INDEX%'"));
    BindAll(s, {TableOf(type)});
    std::vector<std::string> names;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      saved.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "indexes"));
    for (const std::string& name : names) RETURN_IF_ERROR(conn_->Exec("DROP INDEX " + Quote(name)));
    return {};
  }

  // The record's links (domain::LinksOf), replacing what it had: what timelines read.
  Status WriteLinks(const EntityType& type, int64_t id, const Json& record, bool replace) {
    if (type.timeline_date.empty()) return {};
    if (replace) {
      ASSIGN_OR_RETURN(sqlite3_stmt * d, conn_->Prepare(kDeleteLinksSql));
      BindAll(d, {type.name, id});
      const int rc = sqlite3_step(d);
      if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "links"));
    }
    for (const domain::Link& l : domain::LinksOf(type, record)) {
      ASSIGN_OR_RETURN(sqlite3_stmt * s,
                       conn_->Prepare(kInsertLinkSql));
      BindAll(s, {type.name, id, l.field, l.item, l.target, l.key, l.at, record.value("owner_unit", Json()),
                  record.value("sensitivity", Json("internal"))});
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "link"));
    }
    return {};
  }

  Status WriteIdentifiers(const EntityType& type, int64_t id, const Json& record, bool replace) {
    const domain::Field* f = type.Find("identifiers");
    if (!f || f->type != FieldType::kIdentifiers) return {};
    if (replace) {
      ASSIGN_OR_RETURN(sqlite3_stmt * d,
                       conn_->Prepare(kDeleteIdentifiersSql));
      BindAll(d, {type.name, id});
      const int rc = sqlite3_step(d);
      if (rc != SQLITE_DONE) return tl::unexpected(SqlError(conn_->db(), rc, "identifiers"));
    }
    auto it = record.find("identifiers");
    if (it == record.end() || !it->is_array()) return {};
    for (const Json& e : *it) {
      ASSIGN_OR_RETURN(sqlite3_stmt * s,
                       conn_->Prepare(kInsertIdentifierSql));
      BindAll(s, {type.name, e["scheme"], e["value"], id});
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE) {
        Error err = SqlError(conn_->db(), rc, "identifier");
        if (err.code == ErrorCode::kAlreadyExists) {
          return Fail(ErrorCode::kAlreadyExists,
                      "identifiers: " + e["scheme"].get<std::string>() + ":" +
                          e["value"].get<std::string>() + " belongs to another " + type.name,
                      {{"identifiers", "already used by another " + type.name}});
        }
        return tl::unexpected(err);
      }
    }
    return {};
  }

  std::unique_lock<std::mutex> lock_;
  Conn* conn_;
  bool done_ = false;
  std::set<std::string> touched_;
  bool bulk_ = false;  // ExpectMany: search entries are completed at commit
  SearchBulk search_bulk_;
  std::map<const EntityType*, std::vector<std::string>> deferred_;  // index SQL to rebuild
  // Prepared once per transaction and type (owned by the connection's statement cache).
  std::map<const EntityType*, sqlite3_stmt*> insert_stmt_, insert_exact_stmt_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SqliteOptions options) : path_(std::move(path)), options_(options) {}

  Status Init() {
    ASSIGN_OR_RETURN(writer_, Conn::Open(path_, options_.busy_timeout_ms, true));
    // A large import must not spill its pages to the WAL as it goes; the cache only grows to
    // what a transaction touches.
    RETURN_IF_ERROR(writer_->Exec("PRAGMA cache_size=-" + std::to_string(options_.writer_cache_kib)));
    // Index builds after a bulk load sort with helper threads.
    RETURN_IF_ERROR(writer_->Exec("PRAGMA threads=4"));
    RETURN_IF_ERROR(Migrate());
    RETURN_IF_ERROR(ReindexChangedCollations());
    for (int i = 0; i < options_.read_connections; ++i) {
      ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Conn::Open(path_, options_.busy_timeout_ms, false));
      RETURN_IF_ERROR(c->Exec("PRAGMA query_only=ON"));
      RETURN_IF_ERROR(c->Exec("PRAGMA cache_size=-" + std::to_string(options_.read_cache_kib)));
      free_.push_back(c.get());
      readers_.push_back(std::move(c));
    }
    return {};
  }

  std::string Dialect() const override { return "sqlite"; }

  Result<std::unique_ptr<Transaction>> BeginWrite() override {
    std::unique_lock lock(write_mu_);
    RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(lock), writer_.get()));
  }

  Result<std::optional<Json>> Get(const EntityType& type, int64_t id) override {
    Reader r(this);
    std::vector<Json> params;
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(GetVisibleSql(Dialect::kSqlite, type, &params)));
    params[0] = id;
    BindAll(s, params);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      Json record = RowToRecord(SqliteRow{s}, type);
      sqlite3_reset(s);
      return std::optional<Json>(std::move(record));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "get " + type.name));
    return std::optional<Json>();
  }

  Result<std::optional<int64_t>> IdByKey(const EntityType& type, const std::string& key) override {
    Reader r(this);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare("SELECT id FROM " + Quote(TableOf(type)) +
                                                       " WHERE " + Quote(type.key_field) + " = ?"));
    Bind(s, 1, key);
    const int rc = sqlite3_step(s);
    std::optional<int64_t> out;
    if (rc == SQLITE_ROW) out = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "key"));
    sqlite3_reset(s);
    return out;
  }

  Result<Page> List(const EntityType& type, const Query& q) override {
    Page page;
    ASSIGN_OR_RETURN(PageInfo info, RunList(type, q, [&](sqlite3_stmt* s) {
      page.items.push_back(RowToRecord(SqliteRow{s}, type));
    }));
    page.next_cursor = std::move(info.next_cursor);
    page.total = info.total;
    return page;
  }

  Result<TextPage> ListText(const EntityType& type, const Query& q) override {
    TextPage page;
    page.items = "[";
    ASSIGN_OR_RETURN(PageInfo info, RunList(type, q, [&](sqlite3_stmt* s) {
      if (page.items.size() > 1) page.items.push_back(',');
      AppendRowJson(SqliteRow{s}, type, &page.items);
    }));
    page.items.push_back(']');
    page.next_cursor = std::move(info.next_cursor);
    page.total = info.total;
    return page;
  }

  Result<std::optional<TextRecord>> GetText(const EntityType& type, int64_t id,
                                            const std::string* last_linked_until) override {
    Reader r(this);
    std::vector<Json> params;
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(GetVisibleSql(Dialect::kSqlite, type, &params)));
    params[0] = id;
    BindAll(s, params);
    const int rc = sqlite3_step(s);
    std::optional<TextRecord> out;
    std::string key;
    if (rc == SQLITE_ROW) {
      out.emplace();
      AppendRowJson(SqliteRow{s}, type, &out->json);
      out->version = sqlite3_column_int64(s, kVersionColumn);
      if (last_linked_until) {
        key = type.key_field.empty() ? std::to_string(id)
                                     : ColumnValue(s, ColumnIndex(type, type.key_field), ColumnKind::kText).get<std::string>();
      }
    } else if (rc != SQLITE_DONE) {
      return tl::unexpected(SqlError(r.conn->db(), rc, "get " + type.name));
    }
    sqlite3_reset(s);
    if (out && last_linked_until) {
      ASSIGN_OR_RETURN(out->last_linked, LastLinkedOn(*r.conn, type.name, key, *last_linked_until));
    }
    return out;
  }

  Result<std::vector<GroupCount>> Count(const EntityType& type, const Query& q) override {
    Reader r(this);
    std::vector<Json> params;
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(CountSql(Dialect::kSqlite, type, q, &params)));
    const ColumnKind kind = KindOf(q.group_by->type);
    BindAll(s, params);
    std::vector<GroupCount> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      out.push_back({ColumnValue(s, 0, kind), sqlite3_column_int64(s, 1)});
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "count"));
    return out;
  }

  Result<std::vector<TimelineEntry>> Timeline(const std::string& target, const std::string& key,
                                              const std::string& entity, int64_t offset,
                                              int limit) override {
    Reader r(this);
    std::vector<Json> params;
    const std::string sql = TimelineSql(Dialect::kSqlite, target, key, entity, offset, limit, &params);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(sql));
    BindAll(s, params);
    std::vector<TimelineEntry> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      out.push_back(TimelineEntryAt(s));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "timeline"));
    return out;
  }

  Result<std::optional<TimelineEntry>> LastLinked(const std::string& target, const std::string& key,
                                                  const std::string& until) override {
    Reader r(this);
    return LastLinkedOn(*r.conn, target, key, until);
  }

  static Result<std::optional<TimelineEntry>> LastLinkedOn(Conn& conn, const std::string& target,
                                                           const std::string& key, const std::string& until) {
    std::vector<Json> params;
    ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare(LastLinkedSql(Dialect::kSqlite, target, key, until, &params)));
    BindAll(s, params);
    const int rc = sqlite3_step(s);
    std::optional<TimelineEntry> out;
    if (rc == SQLITE_ROW) {
      out = TimelineEntryAt(s);
    } else if (rc != SQLITE_DONE) {
      return tl::unexpected(SqlError(conn.db(), rc, "last link"));
    }
    sqlite3_reset(s);
    return out;
  }

  Result<std::vector<HistoryEntry>> History(const EntityType& type, int64_t id) override {
    Reader r(this);
    ASSIGN_OR_RETURN(sqlite3_stmt * s,
                     r.conn->Prepare(kHistorySql));
    BindAll(s, {type.name, id});
    std::vector<HistoryEntry> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      HistoryEntry e;
      e.entity = type.name;
      e.record_id = id;
      e.version = sqlite3_column_int64(s, 0);
      e.at = ColumnValue(s, 1, ColumnKind::kText).get<std::string>();
      e.actor = ColumnValue(s, 2, ColumnKind::kText).get<std::string>();
      e.action = ColumnValue(s, 3, ColumnKind::kText).get<std::string>();
      e.changes = ColumnValue(s, 4, ColumnKind::kJson);
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "history"));
    return out;
  }

  Status ScanHistory(const std::function<Status(const HistoryEntry&)>& fn) override {
    Reader r(this);
    ASSIGN_OR_RETURN(sqlite3_stmt * s,
                     r.conn->Prepare("SELECT entity, record_id, version, at, actor, action, changes "
                                     "FROM history ORDER BY id"));
    int rc = SQLITE_DONE;
    Status st;
    while (st && (rc = sqlite3_step(s)) == SQLITE_ROW) {
      HistoryEntry e;
      e.entity = ColumnValue(s, 0, ColumnKind::kText).get<std::string>();
      e.record_id = sqlite3_column_int64(s, 1);
      e.version = sqlite3_column_int64(s, 2);
      e.at = ColumnValue(s, 3, ColumnKind::kText).get<std::string>();
      e.actor = ColumnValue(s, 4, ColumnKind::kText).get<std::string>();
      e.action = ColumnValue(s, 5, ColumnKind::kText).get<std::string>();
      e.changes = ColumnValue(s, 6, ColumnKind::kJson);
      st = fn(e);
    }
    sqlite3_reset(s);
    RETURN_IF_ERROR(st);
    if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "history"));
    return {};
  }

  Result<int64_t> Generation(const std::string& entity) override {
    Reader r(this);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(kGenerationSql));
    BindAll(s, {entity});
    const int rc = sqlite3_step(s);
    int64_t n = 0;
    if (rc == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE) return tl::unexpected(SqlError(r.conn->db(), rc, "generation"));
    sqlite3_reset(s);
    return n;
  }

  Result<std::map<std::string, int64_t>> CountAll() override {
    Reader r(this);
    std::map<std::string, int64_t> out;
    for (const EntityType& t : domain::Registry::Get().types()) {
      std::vector<Json> params;
      ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(CountLiveSql(Dialect::kSqlite, t, &params)));
      BindAll(s, params);
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_ROW) return tl::unexpected(SqlError(r.conn->db(), rc, "count"));
      out[t.plural] = sqlite3_column_int64(s, 0);
      sqlite3_reset(s);
    }
    return out;
  }

  Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) override {
    Reader r(this);
    return RowsOn(*r.conn, sql, params);
  }

  Status Backup(const std::string& path) override {
    auto opened = OpenSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!opened) {
      return Fail(ErrorCode::kInvalidArgument, "cannot create the backup: " + opened.error().message);
    }
    sqlite3* dest = *opened;
    Reader r(this);
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", r.conn->db(), "main");
    if (!b) {
      std::string msg = sqlite3_errmsg(dest);
      sqlite3_close(dest);
      return Fail(ErrorCode::kInternal, "backup: " + msg);
    }
    // One step copies everything from one read snapshot: consistent while others write.
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errstr(rc);
      sqlite3_close(dest);
      return Fail(ErrorCode::kUnavailable, "backup failed: " + msg);
    }
    rc = sqlite3_close(dest);
    if (rc != SQLITE_OK) return Fail(ErrorCode::kInternal, "backup close failed");
    return {};
  }

 private:
  // Borrows a read connection for the scope.
  struct Reader {
    explicit Reader(SqliteStore* store) : store(store) {
      std::unique_lock lock(store->pool_mu_);
      store->pool_cv_.wait(lock, [&] { return !store->free_.empty(); });
      conn = store->free_.back();
      store->free_.pop_back();
    }
    ~Reader() {
      {
        std::lock_guard lock(store->pool_mu_);
        store->free_.push_back(conn);
      }
      store->pool_cv_.notify_one();
    }
    SqliteStore* store;
    Conn* conn;
  };

  struct PageInfo {
    std::string next_cursor;
    std::optional<int64_t> total;
  };

  // Runs a list query; `on_row` sees each row of the page (at most q.limit) on the statement.
  template <typename OnRow>
  Result<PageInfo> RunList(const EntityType& type, const Query& q, OnRow on_row) {
    Reader r(this);
    PageInfo info;
    if (q.total) {
      std::vector<Json> params;
      ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(TotalSql(Dialect::kSqlite, type, q, &params)));
      BindAll(s, params);
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_ROW) return tl::unexpected(SqlError(r.conn->db(), rc, "total"));
      info.total = sqlite3_column_int64(s, 0);
      sqlite3_reset(s);
    }
    const Column* sort_col = q.sort ? ColumnOf(type, q.sort->name) : nullptr;
    std::vector<Json> params;
    const std::string sql = ListSql(Dialect::kSqlite, type, q, &params);
    ASSIGN_OR_RETURN(sqlite3_stmt * s, r.conn->Prepare(sql));
    BindAll(s, params);
    int sort_index = 0;
    if (sort_col) {
      const std::vector<Column>& cols = ColumnsOf(type);
      sort_index = static_cast<int>(sort_col - cols.data());
    }
    int rc, n = 0;
    Json last_sort;
    int64_t last_id = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (++n > q.limit) {
        info.next_cursor = domain::EncodeCursor(q, last_sort, last_id);
        break;
      }
      if (sort_col) last_sort = ColumnValue(s, sort_index, sort_col->kind);
      last_id = sqlite3_column_int64(s, 0);
      on_row(s);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return tl::unexpected(SqlError(r.conn->db(), rc, "list " + type.name));
    }
    sqlite3_reset(s);
    return info;
  }

  Status Migrate() {
    RETURN_IF_ERROR(writer_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"));
    int64_t current = 0;
    {
      ASSIGN_OR_RETURN(sqlite3_stmt * s,
                       writer_->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
      if (sqlite3_step(s) == SQLITE_ROW) current = sqlite3_column_int64(s, 0);
      sqlite3_reset(s);
    }
    for (std::string_view name : amity_sql::Names()) {
      const std::string prefix = "sql/migrations/sqlite/";
      if (!name.starts_with(prefix)) continue;
      const std::string file(name.substr(prefix.size()));
      const int64_t version = std::stoll(file.substr(0, 4));
      if (version <= current) continue;
      Status st = ExecAndRecord(std::string(amity_sql::Get(name)),
                                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", {version, file},
                                "migration");
      if (!st) return Fail(ErrorCode::kInternal, "migration " + file + " failed: " + st.error().message);
    }
    return {};
  }

  // Runs `sql` (none when empty), then `record` with `params`, in one write transaction: both or
  // neither (a migration and its schema_migrations row, a REINDEX and its collation_version row).
  Status ExecAndRecord(const std::string& sql, const char* record, const std::vector<Json>& params,
                       const char* what) {
    RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    Status st = sql.empty() ? Status{} : writer_->Exec(sql);
    if (st) {
      auto s = writer_->Prepare(record);
      if (!s) {
        st = tl::unexpected(s.error());
      } else {
        BindAll(*s, params);
        const int rc = sqlite3_step(*s);
        if (rc != SQLITE_DONE) st = tl::unexpected(SqlError(writer_->db(), rc, what));
      }
    }
    if (st) st = writer_->Exec("COMMIT");
    if (!st) (void)writer_->Exec("ROLLBACK");
    return st;
  }

  // Indexes in a collation hold the order of the ICU that built them: when this process's ICU
  // gives a collation another version than the one recorded, its indexes are rebuilt (REINDEX)
  // before anything reads them. No record yet: the indexes were just built by this ICU.
  Status ReindexChangedCollations() {
    for (domain::Lang lang : {domain::Lang::kVi, domain::Lang::kEn}) {
      const std::string name = domain::LangName(lang), version = domain::CollationVersion(lang);
      std::optional<std::string> recorded;
      {
        ASSIGN_OR_RETURN(sqlite3_stmt * s,
                         writer_->Prepare("SELECT version FROM collation_version WHERE name = ?"));
        BindAll(s, {name});
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) recorded = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_reset(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
          return tl::unexpected(SqlError(writer_->db(), rc, "collations"));
        }
      }
      if (recorded == version) continue;
      RETURN_IF_ERROR(ExecAndRecord(recorded ? "REINDEX " + Quote(name) : "",
                                    "INSERT INTO collation_version (name, version) VALUES (?, ?) "
                                    "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
                                    {name, version}, "collations"));
    }
    return {};
  }

  std::string path_;
  SqliteOptions options_;
  std::unique_ptr<Conn> writer_;
  std::mutex write_mu_;
  std::vector<std::unique_ptr<Conn>> readers_;
  std::vector<Conn*> free_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
};

}  // namespace

Result<sqlite3*> OpenSqliteConnection(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc == SQLITE_OK) {
    static constexpr domain::Lang kLangs[] = {domain::Lang::kVi, domain::Lang::kEn};
    for (const domain::Lang& lang : kLangs) {
      rc = sqlite3_create_collation_v2(db, domain::LangName(lang), SQLITE_UTF8,
                                       const_cast<domain::Lang*>(&lang), CollateCallback, nullptr);
      if (rc != SQLITE_OK) break;
    }
  }
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Fail(ErrorCode::kUnavailable, "cannot open database " + path + ": " + msg);
  }
  return db;
}

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, SqliteOptions options) {
  auto store = std::make_unique<SqliteStore>(path, options);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace amity::store
