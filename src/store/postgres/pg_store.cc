#include "store/postgres/pg_store.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <pqxx/pqxx>

#include "domain/links.h"
#include "domain/registry.h"
#include "embedded/amity_sql.h"
#include "store/columns.h"
#include "store/search.h"
#include "store/sql.h"

namespace amity::store {
namespace {

using domain::FieldType;
using domain::Query;

// Any number, so long as every process of a deployment uses the same: the lock writers take.
constexpr int64_t kWriteLock = 0x616d697479;  // "amity"

Error PgError(const std::exception& e, const std::string& what) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    if (state == "23505") return Error{ErrorCode::kAlreadyExists, what + ": " + e.what(), {}};
    if (state == "23503") {
      return Error{ErrorCode::kInvalidArgument, "a reference points to a record that does not exist", {}};
    }
    // Serialization failure, deadlock, lock timeout, too many connections, shutting down.
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "53300" ||
        state.starts_with("57P")) {
      return Error{ErrorCode::kUnavailable, "the database is busy; try again", {}};
    }
    if (state == "53100") return Error{ErrorCode::kUnavailable, "the disk is full", {}};
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
    return Error{ErrorCode::kUnavailable, "the database connection was lost: " + std::string(e.what()), {}};
  }
  return Error{ErrorCode::kInternal, what + ": " + e.what(), {}};
}

// Runs `body`, turning libpqxx's exceptions into errors.
template <typename F>
auto Guard(const std::string& what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return tl::unexpected(PgError(e, what));
  }
}

// A WAL position ("16/B374D848") as a number; 0 for none.
uint64_t ParseLsn(const pqxx::field& f) {
  if (f.is_null()) return 0;
  const std::string text = f.c_str();
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return 0;
  return (std::stoull(text.substr(0, slash), nullptr, 16) << 32) | std::stoull(text.substr(slash + 1), nullptr, 16);
}

// A result row as the shared row readers (store/sql.h) see it.
struct PgRow {
  const pqxx::row& r;
  bool Null(int i) const { return r[i].is_null(); }
  int64_t Int(int i) const { return r[i].as<int64_t>(); }
  bool Bool(int i) const { return r[i].c_str()[0] == 't'; }
  std::string_view Text(int i) const { return std::string_view(r[i].c_str(), r[i].size()); }
};

TimelineEntry TimelineEntryAt(const pqxx::row& row) {
  const PgRow r{row};
  TimelineEntry e;
  e.entity = std::string(r.Text(0));
  e.record_id = r.Int(1);
  e.item = r.Int(2);
  if (e.item >= 0) e.field = std::string(r.Text(3));
  e.at = std::string(r.Text(4));
  return e;
}

std::vector<int64_t> Ids(const pqxx::result& res) {
  std::vector<int64_t> out;
  out.reserve(res.size());
  for (const pqxx::row& row : res) out.push_back(row[0].as<int64_t>());
  return out;
}

// One connection and its prepared statements (named by the SQL they run).
class PgConn {
 public:
  explicit PgConn(const std::string& url) : c_(url) {}
  pqxx::connection& raw() { return c_; }

  // Runs `sql` (with `?` placeholders) in `t`. Parameters go as text (null for JSON null) and
  // take their types from where they stand; JSON objects and lists go as their JSON text.
  pqxx::result Run(pqxx::transaction_base& t, const std::string& sql, const std::vector<Json>& params) {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      if (names_.size() > 256) {  // queries built from filters vary: forget all but the last
        for (const auto& [_, name] : names_) c_.unprepare(name);
        names_.clear();
      }
      std::string name = "a" + std::to_string(next_++);
      c_.prepare(name, Numbered(sql));
      it = names_.emplace(sql, std::move(name)).first;
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Json& v = params[i];
      if (v.is_null()) continue;
      if (v.is_string()) text[i] = v.get<std::string>();
      else if (v.is_boolean()) text[i] = v.get<bool>() ? "true" : "false";
      else text[i] = v.dump();
      values[i] = text[i].c_str();
    }
    return t.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
  }

 private:
  pqxx::connection c_;
  std::unordered_map<std::string, std::string> names_;
  int64_t next_ = 0;
};

// The value a record holds for a column, as a statement parameter (JSON columns as their text).
Json ColumnParam(const Json& record, const Column& c) {
  auto it = record.find(c.field->name);
  if (it == record.end() || it->is_null()) return Json();
  if (!c.part.empty()) {
    auto part = it->find(c.part);
    return part == it->end() ? Json() : *part;
  }
  if (c.kind == ColumnKind::kJson) return Json(it->dump());
  return *it;
}

Result<std::optional<Json>> GetOn(PgConn& conn, pqxx::transaction_base& t, const EntityType& type, int64_t id,
                                  bool include_deleted) {
  return Guard("get " + type.name, [&]() -> Result<std::optional<Json>> {
    const pqxx::result res = conn.Run(
        t, include_deleted ? GetByIdSql(type) : GetByIdSql(type) + " AND deleted_at IS NULL", {id});
    if (res.empty()) return std::optional<Json>();
    return std::optional<Json>(RowToRecord(PgRow{res[0]}, type));
  });
}

Result<std::optional<TimelineEntry>> LastLinkedOn(PgConn& conn, pqxx::transaction_base& t,
                                                  const std::string& target, const std::string& key,
                                                  const std::string& until) {
  return Guard("last link", [&]() -> Result<std::optional<TimelineEntry>> {
    std::vector<Json> params;
    const pqxx::result res = conn.Run(t, LastLinkedSql(Dialect::kPostgres, target, key, until, &params), params);
    if (res.empty()) return std::optional<TimelineEntry>();
    return std::optional<TimelineEntry>(TimelineEntryAt(res[0]));
  });
}

// Every row of a result as an array of values: integers for integer columns, else text, or null.
std::vector<Json> JsonRows(const pqxx::result& res) {
  std::vector<Json> out;
  out.reserve(res.size());
  for (const pqxx::row& row : res) {
    Json r = Json::array();
    for (const pqxx::field& f : row) {
      const pqxx::oid type = f.type();
      if (f.is_null()) r.push_back(nullptr);
      else if (type == 20 || type == 21 || type == 23) r.push_back(f.as<int64_t>());  // int8, int2, int4
      else r.push_back(std::string(f.c_str(), f.size()));
    }
    out.push_back(std::move(r));
  }
  return out;
}

class PgTransaction final : public Transaction {
 public:
  // With `written`, the WAL position after each commit is recorded there (the most so far).
  PgTransaction(std::unique_lock<std::mutex> lock, PgConn* conn, std::atomic<uint64_t>* written)
      : lock_(std::move(lock)), conn_(conn), work_(conn->raw()), written_(written) {}

  Status Begin(int lock_timeout_ms) {
    return Guard("begin", [&]() -> Status {
      work_.exec0("SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms));
      work_.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
      return {};
    });
  }

  Result<std::optional<Json>> Find(std::string_view entity, int64_t id, bool include_deleted) override {
    const EntityType* type = domain::Registry::Get().ByName(entity);
    if (!type) return Fail(ErrorCode::kInternal, "unknown entity " + std::string(entity));
    return GetOn(*conn_, work_, *type, id, include_deleted);
  }

  Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) override {
    return Guard("statement", [&]() -> Result<std::vector<Json>> { return JsonRows(conn_->Run(work_, sql, params)); });
  }

  Result<std::vector<int64_t>> Linked(std::string_view entity, std::string_view target, std::string_view key,
                                      std::string_view from, std::string_view to, int limit) override {
    std::vector<Json> params;
    const std::string sql = LinkedSql(entity, target, key, from, to, limit, &params);
    return Guard("linked", [&]() -> Result<std::vector<int64_t>> { return Ids(conn_->Run(work_, sql, params)); });
  }

  Result<std::vector<int64_t>> Matching(std::string_view entity, const Json& where, int limit) override {
    const EntityType* type = domain::Registry::Get().ByName(entity);
    if (!type) return Fail(ErrorCode::kInternal, "unknown entity " + std::string(entity));
    return FindIdsMatching(*type, where, limit);
  }

  Result<std::vector<int64_t>> FindIdsMatching(const EntityType& type, const Json& where, int limit) override {
    std::vector<Json> params;
    const std::string sql = FindIdsMatchingSql(type, where, limit, &params);
    if (sql.empty()) return Fail(ErrorCode::kInternal, "no column for " + where.dump());
    return Guard("find", [&]() -> Result<std::vector<int64_t>> { return Ids(conn_->Run(work_, sql, params)); });
  }

  Result<std::vector<int64_t>> FindIds(const EntityType& type, const std::string& field, const Json& value,
                                       int limit) override {
    std::vector<Json> params;
    const std::string sql = FindIdsSql(type, field, value, limit, &params);
    return Guard("find", [&]() -> Result<std::vector<int64_t>> { return Ids(conn_->Run(work_, sql, params)); });
  }

  Result<int64_t> Insert(const EntityType& type, const Json& record) override {
    // Ids given exactly earlier in this transaction must not be given again.
    RETURN_IF_ERROR(AdvanceSequence(type));
    return InsertRow(type, record, false);
  }

  Status InsertExact(const EntityType& type, const Json& record) override {
    auto id = record.find("id");
    if (id == record.end() || !id->is_number_integer()) {
      return Fail(ErrorCode::kInternal, "InsertExact needs the record's id");
    }
    // Inside a savepoint: a restore goes on checking the rows after one that fails (a taken id),
    // and in PostgreSQL a failed statement otherwise fails the whole transaction.
    RETURN_IF_ERROR(Exec("savepoint", "SAVEPOINT exact", {}));
    auto got = InsertRow(type, record, true);
    RETURN_IF_ERROR(Exec("savepoint", got ? "RELEASE SAVEPOINT exact" : "ROLLBACK TO SAVEPOINT exact", {}));
    if (!got) return tl::unexpected(got.error());
    if (*got != id->get<int64_t>()) return Fail(ErrorCode::kInternal, "the row got another id");
    exact_.insert(&type);
    return {};
  }

  Status AdvanceIds(const std::string& table) override {
    if (table != "account" && table != "account_grant" && table != "credential") {
      return Fail(ErrorCode::kInternal, "AdvanceIds: not one of Amity's own tables: " + table);
    }
    return Exec("sequence", "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), max(id)) FROM " + table +
                                " HAVING max(id) IS NOT NULL",
                {});
  }

  Status DeferReferenceChecks() override {
    return Guard("defer", [&]() -> Status {
      work_.exec0("SET CONSTRAINTS ALL DEFERRED");
      return {};
    });
  }

  Status Replace(const EntityType& type, int64_t id, const Json& record) override {
    const std::vector<Column>& cols = ColumnsOf(type);
    std::vector<Json> params;
    params.reserve(cols.size());
    for (size_t i = 1; i < cols.size(); ++i) params.push_back(ColumnParam(record, cols[i]));
    params.push_back(id);
    ASSIGN_OR_RETURN(bool found, Guard("update " + type.name, [&]() -> Result<bool> {
                       return conn_->Run(work_, ReplaceSql(type), params).affected_rows() == 1;
                     }));
    if (!found) return Fail(ErrorCode::kNotFound, "no " + type.name + " with id " + std::to_string(id));
    RETURN_IF_ERROR(WriteIdentifiers(type, id, record, true));
    RETURN_IF_ERROR(WriteLinks(type, id, record, true));
    RETURN_IF_ERROR(WriteSearch(*this, Dialect::kPostgres, type, id, record, true, bulk_ ? &search_bulk_ : nullptr));
    touched_.insert(type.name);
    return {};
  }

  Status AppendHistory(const HistoryEntry& e) override {
    return Exec("history", kInsertHistorySql,
                {e.entity, e.record_id, e.version, e.at, e.actor, e.action, e.changes.dump()});
  }

  Status ExpectMany(const EntityType&) override {
    bulk_ = true;  // search entries are completed at commit
    return {};
  }

  Status Commit() override {
    RETURN_IF_ERROR(FinishSearchBulk(*this, Dialect::kPostgres, search_bulk_));
    for (const EntityType* type : std::set<const EntityType*>(exact_)) RETURN_IF_ERROR(AdvanceSequence(*type));
    for (const std::string& entity : touched_) RETURN_IF_ERROR(Exec("generation", kBumpGenerationSql, {entity}));
    return Guard("commit", [&]() -> Status {
      work_.commit();
      if (written_) {  // where a replica must have replayed to, to show this write
        pqxx::nontransaction n(conn_->raw());
        // The insert position: at or past this commit's record even before it is written out.
        const uint64_t lsn = ParseLsn(n.exec1("SELECT pg_current_wal_insert_lsn()::text")[0]);
        uint64_t seen = written_->load();
        while (lsn > seen && !written_->compare_exchange_weak(seen, lsn)) {
        }
      }
      return {};
    });
  }

 private:
  Status Exec(const std::string& what, const std::string& sql, const std::vector<Json>& params) {
    return Guard(what, [&]() -> Status {
      conn_->Run(work_, sql, params);
      return {};
    });
  }

  // Moves the id sequence of `type` past ids inserted exactly (a restored dump).
  Status AdvanceSequence(const EntityType& type) {
    if (!exact_.contains(&type)) return {};
    exact_.erase(&type);
    const std::string table = Quote(TableOf(type));
    return Exec("sequence", "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), max(id)) FROM " +
                                table + " HAVING max(id) IS NOT NULL",
                {});
  }

  Result<int64_t> InsertRow(const EntityType& type, const Json& record, bool with_id) {
    const std::vector<Column>& cols = ColumnsOf(type);
    std::vector<Json> params;
    params.reserve(cols.size());
    for (size_t i = with_id ? 0 : 1; i < cols.size(); ++i) params.push_back(ColumnParam(record, cols[i]));
    ASSIGN_OR_RETURN(int64_t id, Guard("insert " + type.name, [&]() -> Result<int64_t> {
                       return conn_->Run(work_, InsertSql(type, with_id), params)[0][0].as<int64_t>();
                     }));
    RETURN_IF_ERROR(WriteIdentifiers(type, id, record, false));
    RETURN_IF_ERROR(WriteLinks(type, id, record, false));
    RETURN_IF_ERROR(WriteSearch(*this, Dialect::kPostgres, type, id, record, false, bulk_ ? &search_bulk_ : nullptr));
    touched_.insert(type.name);
    return id;
  }

  // The record's links (domain::LinksOf), replacing what it had: what timelines read.
  Status WriteLinks(const EntityType& type, int64_t id, const Json& record, bool replace) {
    if (type.timeline_date.empty()) return {};
    if (replace) RETURN_IF_ERROR(Exec("links", kDeleteLinksSql, {type.name, id}));
    for (const domain::Link& l : domain::LinksOf(type, record)) {
      RETURN_IF_ERROR(Exec("link", kInsertLinkSql, {type.name, id, l.field, l.item, l.target, l.key, l.at,
                                                    record.value("owner_unit", Json()), record.value("sensitivity", Json("internal"))}));
    }
    return {};
  }

  Status WriteIdentifiers(const EntityType& type, int64_t id, const Json& record, bool replace) {
    const domain::Field* f = type.Find("identifiers");
    if (!f || f->type != FieldType::kIdentifiers) return {};
    if (replace) RETURN_IF_ERROR(Exec("identifiers", kDeleteIdentifiersSql, {type.name, id}));
    auto it = record.find("identifiers");
    if (it == record.end() || !it->is_array()) return {};
    for (const Json& e : *it) {
      Status st = Exec("identifier", kInsertIdentifierSql, {type.name, e["scheme"], e["value"], id});
      if (!st && st.error().code == ErrorCode::kAlreadyExists) {
        return Fail(ErrorCode::kAlreadyExists,
                    "identifiers: " + e["scheme"].get<std::string>() + ":" + e["value"].get<std::string>() +
                        " belongs to another " + type.name,
                    {{"identifiers", "already used by another " + type.name}});
      }
      RETURN_IF_ERROR(st);
    }
    return {};
  }

  std::unique_lock<std::mutex> lock_;
  PgConn* conn_;
  pqxx::work work_;
  std::atomic<uint64_t>* written_;
  std::set<std::string> touched_;
  bool bulk_ = false;  // ExpectMany: search entries are completed at commit
  SearchBulk search_bulk_;
  std::set<const EntityType*> exact_;
};

// Read connections to one server, lent one at a time.
struct Pool {
  std::string url;
  std::vector<std::unique_ptr<PgConn>> conns;
  std::vector<PgConn*> free;
  std::mutex mu;
  std::condition_variable cv;

  void Fill(int n) {
    for (int i = 0; i < n; ++i) {
      conns.push_back(std::make_unique<PgConn>(url));
      free.push_back(conns.back().get());
    }
  }
  // Replaces a connection that broke (a server restart, a failover); if the server is still
  // away, the old one stays and the next use tries again.
  void Replace(PgConn*& conn) {
    std::lock_guard lock(mu);
    try {
      for (auto& c : conns) {
        if (c.get() == conn) {
          c = std::make_unique<PgConn>(url);
          conn = c.get();
        }
      }
    } catch (const std::exception&) {
    }
  }
};

// Borrows a connection of a pool for the scope.
struct Borrowed {
  explicit Borrowed(Pool& pool) : pool(pool) {
    std::unique_lock lock(pool.mu);
    pool.cv.wait(lock, [&] { return !pool.free.empty(); });
    conn = pool.free.back();
    pool.free.pop_back();
  }
  ~Borrowed() {
    {
      std::lock_guard lock(pool.mu);
      pool.free.push_back(conn);
    }
    pool.cv.notify_one();
  }
  Pool& pool;
  PgConn* conn;
};

// A record by id with its latest dated link up to a day (Store::LastLinked): parameters the
// type's name, the day, the id. Built once per type.
// A record and its latest dated link in one statement (GetText of a partner), both as the
// thread's AccessScope may see them; the parameters are the record's id, then the rest.
std::string GetWithLastLinkSql(const EntityType& type, const std::string& until, int64_t id,
                               std::vector<Json>* params) {
  std::string columns;
  for (const Column& c : ColumnsOf(type)) columns += "r." + Quote(c.name) + ", ";
  const std::string key = type.key_field.empty() ? "r.id::text" : "r." + Quote(type.key_field);
  *params = {type.name, until};
  std::string sql = "SELECT " + columns + "l.entity, l.record_id, l.item, l.field, l.at FROM " +
                    Quote(TableOf(type)) +
                    " r LEFT JOIN LATERAL (SELECT entity, record_id, item, field, at FROM link WHERE target = ? AND "
                    "target_key = " + key + " AND at <= ? AND at <> ''" +
                    VisibilitySql(Dialect::kPostgres, nullptr, params) +
                    " ORDER BY at DESC LIMIT 1) l ON true WHERE r.id = ?";
  params->push_back(id);
  return sql + VisibilitySql(Dialect::kPostgres, &type, params);
}

class PgStore final : public Store {
 public:
  PgStore(std::string url, PostgresOptions options) : url_(std::move(url)), options_(options) {
    primary_.url = url_;
    replica_.url = options_.replica_url;
  }

  Status Init() {
    return Guard("connect", [&]() -> Status {
      writer_ = std::make_unique<PgConn>(url_);
      RETURN_IF_ERROR(Migrate());
      primary_.Fill(options_.read_connections);
      if (!replica_.url.empty()) replica_.Fill(options_.read_connections);
      return {};
    });
  }

  std::string Dialect() const override { return "postgresql"; }

  Result<std::unique_ptr<Transaction>> BeginWrite() override {
    for (int attempt = 1;; ++attempt) {
      std::unique_lock lock(write_mu_);
      if (attempt > 1) {
        // The connection broke (the server restarted, or failed over: a URL naming several
        // hosts with target_session_attrs=read-write now finds the new primary). Once more.
        if (writer_->raw().is_open()) return tl::unexpected(last_error_);
        RETURN_IF_ERROR(Guard("connect", [&]() -> Status {
          writer_ = std::make_unique<PgConn>(url_);
          return {};
        }));
      }
      PgConn* conn = writer_.get();
      auto tx = Guard("begin", [&]() -> Result<std::unique_ptr<Transaction>> {
        auto t = std::make_unique<PgTransaction>(std::move(lock), conn, replica_.url.empty() ? nullptr : &written_);
        RETURN_IF_ERROR(t->Begin(options_.lock_timeout_ms));
        return std::unique_ptr<Transaction>(std::move(t));
      });
      if (tx || attempt > 1 || tx.error().code != ErrorCode::kUnavailable) return tx;
      last_error_ = tx.error();
    }
  }

  Result<std::optional<Json>> Get(const EntityType& type, int64_t id) override {
    std::vector<Json> params;
    const std::string sql = GetVisibleSql(Dialect::kPostgres, type, &params);
    params[0] = id;
    return Read("get", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::optional<Json>> {
      const pqxx::result res = c.Run(t, sql, params);
      if (res.empty()) return std::optional<Json>();
      return std::optional<Json>(RowToRecord(PgRow{res[0]}, type));
    });
  }

  Result<std::optional<int64_t>> IdByKey(const EntityType& type, const std::string& key) override {
    return Read("key", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::optional<int64_t>> {
      const pqxx::result res =
          c.Run(t, "SELECT id FROM " + Quote(TableOf(type)) + " WHERE " + Quote(type.key_field) + " = ?", {key});
      if (res.empty()) return std::optional<int64_t>();
      return std::optional<int64_t>(res[0][0].as<int64_t>());
    });
  }

  Result<Page> List(const EntityType& type, const Query& q) override {
    Page page;
    ASSIGN_OR_RETURN(PageInfo info, RunList(type, q, [&](const pqxx::row& row) {
      page.items.push_back(RowToRecord(PgRow{row}, type));
    }));
    page.next_cursor = std::move(info.next_cursor);
    page.total = info.total;
    return page;
  }

  Result<TextPage> ListText(const EntityType& type, const Query& q) override {
    TextPage page;
    page.items = "[";
    ASSIGN_OR_RETURN(PageInfo info, RunList(type, q, [&](const pqxx::row& row) {
      if (page.items.size() > 1) page.items.push_back(',');
      AppendRowJson(PgRow{row}, type, &page.items);
    }));
    page.items.push_back(']');
    page.next_cursor = std::move(info.next_cursor);
    page.total = info.total;
    return page;
  }

  Result<std::optional<TextRecord>> GetText(const EntityType& type, int64_t id,
                                            const std::string* last_linked_until) override {
    return Read("get", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::optional<TextRecord>> {
      // With the last link, one round trip: the record and its latest link side by side.
      std::vector<Json> params;
      const std::string sql = last_linked_until ? GetWithLastLinkSql(type, *last_linked_until, id, &params)
                                                : GetVisibleSql(Dialect::kPostgres, type, &params);
      if (!last_linked_until) params[0] = id;
      const pqxx::result res = c.Run(t, sql, params);
      if (res.empty()) return std::optional<TextRecord>();
      const PgRow row{res[0]};
      std::optional<TextRecord> out(std::in_place);
      AppendRowJson(row, type, &out->json);
      out->version = row.Int(kVersionColumn);
      const int link = static_cast<int>(ColumnsOf(type).size());  // the link's columns follow
      if (last_linked_until && !row.Null(link)) {
        TimelineEntry e;
        e.entity = std::string(row.Text(link));
        e.record_id = row.Int(link + 1);
        e.item = row.Int(link + 2);
        if (e.item >= 0) e.field = std::string(row.Text(link + 3));
        e.at = std::string(row.Text(link + 4));
        out->last_linked = std::move(e);
      }
      return out;
    });
  }

  Result<std::vector<GroupCount>> Count(const EntityType& type, const Query& q) override {
    std::vector<Json> params;
    const std::string sql = CountSql(Dialect::kPostgres, type, q, &params);
    const ColumnKind kind = KindOf(q.group_by->type);
    return Read("count", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::vector<GroupCount>> {
      std::vector<GroupCount> out;
      for (const pqxx::row& row : c.Run(t, sql, params)) {
        out.push_back({ValueAt(PgRow{row}, 0, kind), row[1].as<int64_t>()});
      }
      return out;
    });
  }

  Result<std::vector<TimelineEntry>> Timeline(const std::string& target, const std::string& key,
                                              const std::string& entity, int64_t offset, int limit) override {
    std::vector<Json> params;
    const std::string sql = TimelineSql(Dialect::kPostgres, target, key, entity, offset, limit, &params);
    return Read("timeline", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::vector<TimelineEntry>> {
      std::vector<TimelineEntry> out;
      for (const pqxx::row& row : c.Run(t, sql, params)) out.push_back(TimelineEntryAt(row));
      return out;
    });
  }

  Result<std::optional<TimelineEntry>> LastLinked(const std::string& target, const std::string& key,
                                                  const std::string& until) override {
    return Read("last link", [&](PgConn& c, pqxx::transaction_base& t) { return LastLinkedOn(c, t, target, key, until); });
  }

  Result<std::vector<HistoryEntry>> History(const EntityType& type, int64_t id) override {
    return Read("history", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::vector<HistoryEntry>> {
      std::vector<HistoryEntry> out;
      for (const pqxx::row& row : c.Run(t, kHistorySql, {type.name, id})) {
        const PgRow r{row};
        out.push_back({type.name, id, r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)),
                       std::string(r.Text(3)), ValueAt(r, 4, ColumnKind::kJson)});
      }
      return out;
    });
  }

  Status ScanHistory(const std::function<Status(const HistoryEntry&)>& fn) override {
    // Pages in one repeatable-read snapshot: the same entries a single statement would give.
    Borrowed b(primary_);
    return Guard("history", [&]() -> Status {
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(b.conn->raw());
      int64_t after = 0;
      while (true) {
        const pqxx::result res = b.conn->Run(t, kScanHistorySql, {after, 10000});
        for (const pqxx::row& row : res) {
          const PgRow r{row};
          after = r.Int(0);
          RETURN_IF_ERROR(fn({std::string(r.Text(1)), r.Int(2), r.Int(3), std::string(r.Text(4)),
                              std::string(r.Text(5)), std::string(r.Text(6)), ValueAt(r, 7, ColumnKind::kJson)}));
        }
        if (res.size() < 10000) break;
      }
      t.commit();
      return {};
    });
  }

  Result<int64_t> Generation(const std::string& entity) override {
    return Read("generation", [&](PgConn& c, pqxx::transaction_base& t) -> Result<int64_t> {
      const pqxx::result res = c.Run(t, kGenerationSql, {entity});
      return res.empty() ? int64_t{0} : res[0][0].as<int64_t>();
    });
  }

  Result<std::map<std::string, int64_t>> CountAll() override {
    return Read("count", [&](PgConn& c, pqxx::transaction_base& t) -> Result<std::map<std::string, int64_t>> {
      std::map<std::string, int64_t> out;
      for (const EntityType& type : domain::Registry::Get().types()) {
        std::vector<Json> params;
        out[type.plural] = c.Run(t, CountLiveSql(Dialect::kPostgres, type, &params), params)[0][0].as<int64_t>();
      }
      return out;
    });
  }

  Result<std::vector<Json>> Rows(const std::string& sql, const std::vector<Json>& params) override {
    // Never the replica: sessions and grants must be read as they are now.
    Borrowed b(primary_);
    auto run = [&]() {
      return Guard("statement", [&]() -> Result<std::vector<Json>> {
        pqxx::nontransaction t(b.conn->raw());
        return JsonRows(b.conn->Run(t, sql, params));
      });
    };
    auto result = run();
    if (!result && result.error().code == ErrorCode::kUnavailable && !b.conn->raw().is_open()) {
      b.pool.Replace(b.conn);
      result = run();
    }
    return result;
  }

  Status Backup(const std::string&) override {
    return Fail(ErrorCode::kFailedPrecondition,
                "a PostgreSQL database is backed up with PostgreSQL's own tools (pg_basebackup for the "
                "cluster, pg_dump for one database) or moved whole with amity dump; see docs/DEPLOY.md");
  }

 private:
  // Whether this thread's reads may go to the replica now: inside ReplicaReads, and the replica
  // has replayed this process's last write (asked again only when it had not yet).
  bool UseReplica() {
    if (replica_.url.empty() || !ReplicaReads::Allowed()) return false;
    const uint64_t need = written_.load();
    if (need <= replayed_.load()) return true;
    Borrowed b(replica_);
    try {
      pqxx::nontransaction t(b.conn->raw());
      const uint64_t at = ParseLsn(t.exec1("SELECT pg_last_wal_replay_lsn()::text")[0]);
      uint64_t seen = replayed_.load();
      while (at > seen && !replayed_.compare_exchange_weak(seen, at)) {
      }
      return at >= need;  // 0 when it is no longer a standby: read from the primary
    } catch (const std::exception&) {
      if (!b.conn->raw().is_open()) b.pool.Replace(b.conn);
      return false;  // the replica is away: the primary answers
    }
  }

  // Runs `body` on a borrowed connection outside any transaction (each statement sees what is
  // committed when it starts), on the replica when UseReplica says so. A connection that broke
  // is replaced for the next caller.
  template <typename F>
  auto Read(const std::string& what, F&& body) -> decltype(body(std::declval<PgConn&>(),
                                                                std::declval<pqxx::transaction_base&>())) {
    Borrowed b(UseReplica() ? replica_ : primary_);
    auto run = [&]() {
      return Guard(what, [&]() -> decltype(body(*b.conn, std::declval<pqxx::transaction_base&>())) {
        pqxx::nontransaction t(b.conn->raw());
        return body(*b.conn, t);
      });
    };
    auto result = run();
    if (!result && result.error().code == ErrorCode::kUnavailable && !b.conn->raw().is_open()) {
      b.pool.Replace(b.conn);  // reads are safe to run again, on the new connection
      result = run();
    }
    return result;
  }

  struct PageInfo {
    std::string next_cursor;
    std::optional<int64_t> total;
  };

  template <typename OnRow>
  Result<PageInfo> RunList(const EntityType& type, const Query& q, OnRow on_row) {
    return Read("list " + type.name, [&](PgConn& c, pqxx::transaction_base& t) -> Result<PageInfo> {
      PageInfo info;
      if (q.total) {
        std::vector<Json> params;
        info.total = c.Run(t, TotalSql(Dialect::kPostgres, type, q, &params), params)[0][0].as<int64_t>();
      }
      const Column* sort_col = q.sort ? ColumnOf(type, q.sort->name) : nullptr;
      const int sort_index = sort_col ? static_cast<int>(sort_col - ColumnsOf(type).data()) : 0;
      std::vector<Json> params;
      const pqxx::result res = c.Run(t, ListSql(Dialect::kPostgres, type, q, &params), params);
      int n = 0;
      Json last_sort;
      int64_t last_id = 0;
      for (const pqxx::row& row : res) {
        if (++n > q.limit) {
          info.next_cursor = domain::EncodeCursor(q, last_sort, last_id);
          break;
        }
        const PgRow r{row};
        if (sort_col) last_sort = ValueAt(r, sort_index, sort_col->kind);
        last_id = r.Int(0);
        on_row(row);
      }
      return info;
    });
  }

  Status Migrate() {
    pqxx::work w(writer_->raw());
    // One process migrates at a time; the others find the work done.
    w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
    w.exec0("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const int64_t current = w.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int64_t>();
    for (std::string_view name : amity_sql::Names()) {
      const std::string prefix = "sql/migrations/postgresql/";
      if (!name.starts_with(prefix)) continue;
      const std::string file(name.substr(prefix.size()));
      const int64_t version = std::stoll(file.substr(0, 4));
      if (version <= current) continue;
      try {
        w.exec0(std::string(amity_sql::Get(name)));
      } catch (const std::exception& e) {
        return Fail(ErrorCode::kInternal, "migration " + file + " failed: " + e.what());
      }
      w.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, file);
    }
    w.commit();
    return {};
  }

  std::string url_;
  PostgresOptions options_;
  std::unique_ptr<PgConn> writer_;
  std::mutex write_mu_;
  Error last_error_;  // of a first attempt to begin a write (under write_mu_)
  Pool primary_, replica_;
  std::atomic<uint64_t> written_{0};   // the WAL position after this process's last commit
  std::atomic<uint64_t> replayed_{0};  // how far the replica was seen to have replayed
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, PostgresOptions options) {
  auto store = std::make_unique<PgStore>(url, options);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace amity::store
