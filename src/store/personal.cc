// Personal data on request (DESIGN.md: "a person's data can be exported and erased"): the
// Records methods ExportPerson and ErasePerson (records.h). What erasure removes is decided in
// domain/person.h.
#include <algorithm>
#include <set>

#include "domain/links.h"
#include "domain/person.h"
#include "domain/registry.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/columns.h"
#include "store/records.h"

namespace amity::store {

using domain::Field;

namespace {

const EntityType& PersonType() { return *domain::Registry::Get().ByName("person"); }

std::optional<int64_t> UnitOf(const Json& record) {
  auto it = record.find("owner_unit");
  if (it != record.end() && it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

std::string RecordsOf(std::optional<int64_t> unit) {
  return "records of " + (unit ? "unit " + std::to_string(*unit) : std::string("no owner unit"));
}

// The audit entry of an export or erasure of person `id`: `detail` holds counts, never values.
AuditEntry PersonAudit(const Clock& clock, const Actor& actor, const char* action, int64_t id,
                       std::optional<int64_t> unit, const Json& detail) {
  AuditEntry e;
  e.at = clock.NowRfc3339();
  e.actor = actor.name;
  e.client = actor.client;
  e.action = action;
  e.entity = "person";
  e.record_id = id;
  e.unit = unit;
  e.detail = detail.dump();
  return e;
}

// Ids of `type` records whose `field` may name person `id`, live or in the trash: the id itself
// in an integer column; the id's digits anywhere in the JSON text of a list or of items (a
// superset: the caller checks each record with domain::ForEachRef). Whoever may see them.
Result<std::set<int64_t>> Candidates(Store& store, const EntityType& type, const Field& field, int64_t id) {
  std::set<int64_t> out;
  const Column* column = ColumnOf(type, field.name);
  if (!column) return out;
  const bool integer = column->kind == ColumnKind::kInteger;
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   store.Rows("SELECT id FROM " + Quote(TableOf(type)) + " WHERE " + Quote(column->name) +
                                  (integer ? " = ?" : " LIKE ?"),
                              {integer ? Json(id) : Json("%" + std::to_string(id) + "%")}));
  for (const Json& row : rows) out.insert(row[0].get<int64_t>());
  return out;
}

}  // namespace

Result<Json> Records::ExportPerson(int64_t id, const Actor& actor) {
  const EntityType& type = PersonType();
  const Principal* principal = AccessScope::Current();
  // Read through the scope: a person the principal may not see is not there.
  ASSIGN_OR_RETURN(Json person, Get(type, id));
  const std::optional<int64_t> unit = UnitOf(person);
  if (principal && !principal->admin.Has(unit) && !principal->audit.Has(unit)) {
    return Fail(ErrorCode::kPermissionDenied,
                "exporting a person's data needs an admin or auditor role for " + RecordsOf(unit));
  }
  ASSIGN_OR_RETURN(std::vector<HistoryEntry> entries, History(type, id));
  Json history = Json::array();
  for (const HistoryEntry& e : entries) history.push_back(HistoryJson(e));

  Json referenced_by = Json::array();
  std::vector<const EntityType*> types;
  for (const EntityType& t : domain::Registry::Get().types()) types.push_back(&t);
  std::sort(types.begin(), types.end(), [](const EntityType* a, const EntityType* b) { return a->name < b->name; });
  for (const EntityType* type_of : types) {
    const EntityType& t = *type_of;
    std::set<int64_t> ids;
    for (const Field* f : domain::FieldsReferring(t, type.name)) {
      ASSIGN_OR_RETURN(std::set<int64_t> found, Candidates(store_, t, *f, id));
      ids.insert(found.begin(), found.end());
    }
    for (int64_t record_id : ids) {
      // Found outside the scope's statements, so read through it and checked again.
      ASSIGN_OR_RETURN(std::optional<Json> r, store_.Get(t, record_id));
      if (!r || (principal && !MaySee(*principal, t, *r))) continue;
      Json paths = Json::array();
      domain::ForEachRef(t, *r, [&](const Field& f, const Field&, const Json& v, const std::string& path) {
        if (f.ref == type.name && v.is_number_integer() && v.get<int64_t>() == id) paths.push_back(path);
      });
      if (paths.empty()) continue;
      referenced_by.push_back({{"entity", t.name},
                               {"id", record_id},
                               {"title", t.title_field.empty() ? Json() : r->value(t.title_field, Json())},
                               {"in_trash", !r->value("deleted_at", Json()).is_null()},
                               {"paths", std::move(paths)}});
    }
  }

  Json audit = Json::array();
  AuditFilter filter;
  filter.entity = type.name;
  filter.record_id = id;
  filter.limit = 1000;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page, ListAudit(store_, filter));
    for (const AuditEntry& e : page) audit.push_back(AuditJson(e));
    if (static_cast<int>(page.size()) < filter.limit) break;
    filter.after = page.back().seq;
  }

  const AuditEntry entry = PersonAudit(clock_, actor, "person_export", id, unit,
                                       {{"history", history.size()}, {"referenced_by", referenced_by.size()},
                                        {"audit", audit.size()}});
  RETURN_IF_ERROR(AppendAudit(store_, entry));
  return Json{{"exported_at", entry.at}, {"person", std::move(person)}, {"history", std::move(history)},
              {"referenced_by", std::move(referenced_by)}, {"audit", std::move(audit)}};
}

Result<Json> Records::ErasePerson(int64_t id, std::optional<int64_t> expected_version, const Actor& actor) {
  const EntityType& type = PersonType();
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  // A person in the trash holds their data too, and is erased where it is.
  ASSIGN_OR_RETURN(std::optional<Json> stored, tx->Find(type.name, id, true));
  const bool in_trash = stored && !(*stored)["deleted_at"].is_null();
  ASSIGN_OR_RETURN(Json current, LoadForChange(*tx, type, id, in_trash, expected_version, "erase"));
  const std::optional<int64_t> unit = UnitOf(current);
  if (const Principal* p = AccessScope::Current(); p && !p->admin.Has(unit)) {
    return Fail(ErrorCode::kPermissionDenied, "erasing a person needs an admin role for " + RecordsOf(unit));
  }
  Json after = domain::ErasedPerson(current);
  if (type.derive) type.derive(&after);
  RETURN_IF_ERROR(domain::CheckRecord(type, after));

  // The values of every earlier history entry (the creation's are the earliest "before"s), but
  // what an earlier erasure wrote: nothing personal, and so a second erasure finds nothing to do.
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   tx->Rows("SELECT id, changes, action FROM history WHERE entity = ? AND record_id = ? ORDER BY id",
                            {type.name, id}));
  int64_t erased_entries = 0;
  for (const Json& row : rows) {
    const Json changes = Json::parse(row[1].get<std::string>(), nullptr, false);
    if (changes.is_discarded()) {
      return Fail(ErrorCode::kInternal, "history entry " + row[0].dump() + " of person " + std::to_string(id) +
                                            " is not JSON");
    }
    const Json erased = domain::ErasedChanges(changes, row[2] == "erase");
    if (erased == changes) continue;
    RETURN_IF_ERROR(tx->Rows("UPDATE history SET changes = ? WHERE id = ?", {erased.dump(), row[0]}));
    ++erased_entries;
  }

  const Json changes = Diff(type, current, after);
  if (changes.empty() && erased_entries == 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                "person " + std::to_string(id) + " is already erased; nothing held about them is left to erase");
  }
  Json out = std::move(current);
  if (!changes.empty()) {
    const std::string now = clock_.NowRfc3339();
    after["version"] = out["version"].get<int64_t>() + 1;
    after["updated_at"] = now;
    after["updated_by"] = actor.name;
    RETURN_IF_ERROR(tx->Replace(type, id, after));
    // The new values are not personal; the old ones are not kept here either.
    RETURN_IF_ERROR(tx->AppendHistory({type.name, id, after["version"].get<int64_t>(), now, actor.name, "erase",
                                       domain::ErasedChanges(changes, true)}));
    out = std::move(after);
  }
  RETURN_IF_ERROR(AppendAudit(*tx, PersonAudit(clock_, actor, "person_erase", id, unit,
                                               {{"version", out["version"]},
                                                {"history_entries_erased", erased_entries}})));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

}  // namespace amity::store
