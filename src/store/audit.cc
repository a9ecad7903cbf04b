#include "store/audit.h"

#include <sodium.h>

#include "base/text.h"

namespace amity::store {

namespace {

using Json = nlohmann::json;

const std::string kGenesis(64, '0');
constexpr const char* kColumns = "seq, at, actor, client, action, entity, record_id, unit, detail, prev_hash, hash";

Json Optional(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(); }

std::string TextAt(const Json& row, size_t i) { return row[i].is_string() ? row[i].get<std::string>() : ""; }

AuditEntry FromRow(const Json& row) {
  AuditEntry e;
  e.seq = row[0].get<int64_t>();
  e.at = TextAt(row, 1);
  e.actor = TextAt(row, 2);
  e.client = TextAt(row, 3);
  e.action = TextAt(row, 4);
  e.entity = TextAt(row, 5);
  if (row[6].is_number_integer()) e.record_id = row[6].get<int64_t>();
  if (row[7].is_number_integer()) e.unit = row[7].get<int64_t>();
  e.detail = TextAt(row, 8);
  e.prev_hash = TextAt(row, 9);
  e.hash = TextAt(row, 10);
  return e;
}

Json Null(const std::string& s) { return s.empty() ? Json() : Json(s); }

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  const std::string content = Json::array({e.seq, e.at, e.actor, e.client, e.action, e.entity,
                                           Optional(e.record_id), Optional(e.unit), e.detail})
                                  .dump(-1, ' ', false, Json::error_handler_t::replace);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(e.prev_hash.data()), e.prev_hash.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>("\n"), 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, out);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

Status InsertAuditExact(Transaction& tx, const AuditEntry& e) {
  return tx.Rows(std::string("INSERT INTO audit (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {e.seq, e.at, e.actor, Null(e.client), e.action, Null(e.entity), Optional(e.record_id),
                  Optional(e.unit), e.detail, e.prev_hash, e.hash})
      .map([](auto&&) {});
}

Status AppendAudit(Transaction& tx, AuditEntry e) {
  ASSIGN_OR_RETURN(std::vector<Json> last, tx.Rows("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", {}));
  e.seq = last.empty() ? 1 : last[0][0].get<int64_t>() + 1;
  e.prev_hash = last.empty() ? kGenesis : last[0][1].get<std::string>();
  e.hash = AuditHash(e);
  return InsertAuditExact(tx, e);
}

Status AppendAudit(Store& store, AuditEntry entry) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store.BeginWrite());
  RETURN_IF_ERROR(AppendAudit(*tx, std::move(entry)));
  return tx->Commit();
}

Result<std::vector<AuditEntry>> ListAudit(Store& store, const AuditFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit WHERE seq > ?";
  std::vector<Json> params{f.after};
  auto equal = [&](const char* column, const Json& value) {
    sql += std::string(" AND ") + column + " = ?";
    params.push_back(value);
  };
  if (!f.actor.empty()) equal("actor", f.actor);
  if (!f.action.empty()) equal("action", f.action);
  if (!f.entity.empty()) equal("entity", f.entity);
  if (f.record_id) equal("record_id", *f.record_id);
  if (f.units && !f.units->all) {
    // Entries about records of these units; an auditor of a unit does not see logins.
    std::string list;
    for (int64_t u : f.units->units) list += (list.empty() ? "" : ", ") + std::to_string(u);
    sql += list.empty() ? " AND 1 = 0" : " AND unit IN (" + list + ")";
  }
  sql += " ORDER BY seq LIMIT ?";
  params.push_back(f.limit);
  ASSIGN_OR_RETURN(std::vector<Json> rows, store.Rows(sql, params));
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (const Json& row : rows) out.push_back(FromRow(row));
  return out;
}

std::vector<std::string> AuditLinkProblems(const AuditEntry& e, const AuditEntry* prev) {
  std::vector<std::string> out;
  const int64_t prev_seq = prev ? prev->seq : 0;
  const std::string n = "entry " + std::to_string(e.seq);
  if (e.seq != prev_seq + 1) {
    out.push_back(n + ": follows entry " + std::to_string(prev_seq) + "; " +
                  (e.seq <= prev_seq ? "entries are out of order"
                   : e.seq - prev_seq == 2
                       ? "entry " + std::to_string(prev_seq + 1) + " is missing"
                       : "entries " + std::to_string(prev_seq + 1) + " to " + std::to_string(e.seq - 1) + " are missing"));
  }
  if (e.prev_hash != (prev ? prev->hash : kGenesis)) {
    out.push_back(n + ": does not follow the entry before it (its previous hash differs): removed or reordered entries");
  }
  if (AuditHash(e) != e.hash) out.push_back(n + ": its content does not match its hash: the entry was changed");
  return out;
}

Result<AuditCheck> VerifyAudit(Store& store) {
  AuditCheck check;
  std::optional<AuditEntry> prev;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Json> rows,
                     store.Rows(std::string("SELECT ") + kColumns + " FROM audit WHERE seq > ? ORDER BY seq LIMIT 10000",
                                {prev ? prev->seq : 0}));
    if (rows.empty()) break;
    for (const Json& row : rows) {
      AuditEntry e = FromRow(row);
      for (std::string& p : AuditLinkProblems(e, prev ? &*prev : nullptr)) {
        if (check.problems.size() < 20) check.problems.push_back(std::move(p));
      }
      prev = std::move(e);
      ++check.entries;
    }
  }
  check.head = prev ? prev->hash : "";
  return check;
}

Json AuditDumpJson(const AuditEntry& e) {
  return Json{{"seq", e.seq},       {"at", e.at},
              {"actor", e.actor},   {"client", Null(e.client)},
              {"action", e.action}, {"entity", Null(e.entity)},
              {"record_id", Optional(e.record_id)}, {"unit", Optional(e.unit)},
              {"detail", e.detail}, {"prev_hash", e.prev_hash},
              {"hash", e.hash}};
}

Result<AuditEntry> AuditFromDumpJson(const Json& line) {
  if (!line.is_object()) return Invalid("", "expected a JSON object");
  auto text = [&](const char* field, bool nullable, std::string* out) -> Status {
    const Json v = line.value(field, Json());
    if (v.is_string()) {
      *out = v.get<std::string>();
      return {};
    }
    if (nullable && v.is_null()) return {};
    return Invalid(field, nullable ? "expected text or null" : "expected text");
  };
  auto integer = [&](const char* field, std::optional<int64_t>* out) -> Status {
    const Json v = line.value(field, Json());
    if (v.is_number_integer()) *out = v.get<int64_t>();
    else if (!v.is_null()) return Invalid(field, "expected an integer or null");
    return {};
  };
  AuditEntry e;
  const Json seq = line.value("seq", Json());
  if (!seq.is_number_integer() || seq.get<int64_t>() < 1) return Invalid("seq", "expected an integer from 1");
  e.seq = seq.get<int64_t>();
  RETURN_IF_ERROR(text("at", false, &e.at));
  RETURN_IF_ERROR(text("actor", false, &e.actor));
  RETURN_IF_ERROR(text("client", true, &e.client));
  RETURN_IF_ERROR(text("action", false, &e.action));
  RETURN_IF_ERROR(text("entity", true, &e.entity));
  RETURN_IF_ERROR(integer("record_id", &e.record_id));
  RETURN_IF_ERROR(integer("unit", &e.unit));
  RETURN_IF_ERROR(text("detail", false, &e.detail));
  RETURN_IF_ERROR(text("prev_hash", false, &e.prev_hash));
  RETURN_IF_ERROR(text("hash", false, &e.hash));
  return e;
}

nlohmann::json AuditJson(const AuditEntry& e) {
  Json detail = Json::parse(e.detail, nullptr, false);
  if (detail.is_discarded()) detail = e.detail;
  return Json{{"seq", e.seq},
              {"at", e.at},
              {"actor", e.actor},
              {"client", Null(e.client)},
              {"action", e.action},
              {"entity", Null(e.entity)},
              {"record_id", Optional(e.record_id)},
              {"unit", Optional(e.unit)},
              {"detail", detail},
              {"hash", e.hash}};
}

}  // namespace amity::store
