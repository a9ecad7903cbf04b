#include "store/records.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/links.h"
#include "domain/registry.h"
#include "store/access_dump.h"
#include "store/accounts.h"
#include "store/audit.h"

namespace amity::store {

using domain::DecodeMode;
using domain::Field;
using domain::FieldType;

namespace {

bool IsWritableCommon(const std::string& name) {
  for (const Field& f : domain::CommonFields()) {
    if (f.name == name) return !f.read_only;
  }
  return false;
}

// Every declared field and writable common field, with null for absent values.
void FillAbsent(const EntityType& type, Json* record) {
  for (const Field& f : type.fields) {
    if (!record->contains(f.name)) (*record)[f.name] = nullptr;
  }
  for (const Field& f : domain::CommonFields()) {
    if (!record->contains(f.name)) (*record)[f.name] = nullptr;
  }
}

std::string Describe(const EntityType& type, int64_t id) {
  return type.name + " " + std::to_string(id);
}

// Derived fields, then the record's own rules.
Status Complete(const EntityType& type, Json* record) {
  if (type.derive) type.derive(record);
  return domain::CheckRecord(type, *record);
}

// Workflow fields (Field::transitions) may only move along their declared transitions.
Status CheckTransitions(const EntityType& type, const Json& before, const Json& after) {
  std::vector<FieldViolation> bad;
  for (const Field& f : type.fields) {
    if (f.transitions.empty()) continue;
    const Json b = before.value(f.name, Json()), a = after.value(f.name, Json());
    if (b == a || !b.is_string()) continue;
    const std::string from = b.get<std::string>();
    const std::string to = a.is_string() ? a.get<std::string>() : "(none)";
    auto it = f.transitions.find(from);
    const std::vector<std::string> allowed = it == f.transitions.end() ? std::vector<std::string>{} : it->second;
    if (std::find(allowed.begin(), allowed.end(), to) != allowed.end()) continue;
    std::string list;
    for (const std::string& v : allowed) list += (list.empty() ? "" : ", ") + v;
    bad.push_back({f.name, "cannot change from " + from + " to " + to +
                               (list.empty() ? " (" + from + " is final)" : "; from " + from + " it may become " + list)});
  }
  if (bad.empty()) return {};
  const std::string msg = bad[0].field + ": " + bad[0].reason;
  return Fail(ErrorCode::kFailedPrecondition, msg, std::move(bad));
}

// Removes what Amity maintains from `object` (a row or an item with these `fields`): an export
// writes those fields, an import or a dump row does not set them through the decoder.
void DropMaintained(const std::vector<Field>& fields, Json* object) {
  if (!object->is_object()) return;
  for (const Field& f : fields) {
    auto it = object->find(f.name);
    if (it == object->end()) continue;
    if (f.read_only) {
      object->erase(it);
    } else if (f.type == FieldType::kObjects && it->is_array()) {
      for (Json& item : *it) DropMaintained(f.parts, &item);
    }
  }
}

void DropMaintained(const EntityType& type, Json* row) {
  DropMaintained(domain::CommonFields(), row);
  DropMaintained(type.fields, row);
}

// Puts back the maintained values of `from` (a dump row) into `to` (its decoded record): parts
// of items by position.
void KeepMaintained(const std::vector<Field>& fields, const Json& from, Json* to) {
  if (!from.is_object() || !to->is_object()) return;
  for (const Field& f : fields) {
    auto it = from.find(f.name);
    if (it == from.end()) continue;
    if (f.read_only) {
      (*to)[f.name] = *it;
    } else if (f.type == FieldType::kObjects && it->is_array() && to->contains(f.name) &&
               (*to)[f.name].is_array() && (*to)[f.name].size() == it->size()) {
      for (size_t i = 0; i < it->size(); ++i) KeepMaintained(f.parts, (*it)[i], &(*to)[f.name][i]);
    }
  }
}

bool IsUuid(const Json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

Json Diff(const EntityType& type, const Json& before, const Json& after) {
  Json changes = Json::object();
  auto consider = [&](const std::string& name) {
    const Json b = before.value(name, Json());
    const Json a = after.value(name, Json());
    if (b != a) changes[name] = {{"before", b}, {"after", a}};
  };
  for (const Field& f : type.fields) consider(f.name);
  for (const Field& f : domain::CommonFields()) {
    if (IsWritableCommon(f.name) || f.name == "deleted_at") consider(f.name);
  }
  return changes;
}

Records::Records(Store& store, const domain::ReferenceData& ref, const Clock& clock)
    : store_(store), ref_(ref), clock_(clock) {}

Json Records::NewCommon(const Actor& actor) const {
  const std::string now = clock_.NowRfc3339();
  return Json{{"uuid", NewUuid(clock_)}, {"created_at", now},   {"created_by", actor.name},
              {"updated_at", now},       {"updated_by", actor.name}, {"version", 1},
              {"deleted_at", nullptr}};
}

Result<int64_t> Records::ResolveKey(const EntityType& type, const std::string& key) {
  if (!type.key_field.empty()) {
    ASSIGN_OR_RETURN(std::optional<int64_t> id, store_.IdByKey(type, key));
    if (!id) return Fail(ErrorCode::kNotFound, "no " + type.name + " with " + type.key_field + " \"" + key + "\"");
    return *id;
  }
  int64_t id = 0;
  const bool digits = !key.empty() && key.size() <= 18 &&
                      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) id = std::stoll(key);
  if (id <= 0) return Fail(ErrorCode::kNotFound, "no " + type.name + " with id \"" + key + "\" (ids are positive integers)");
  return id;
}

std::string Records::Today() const { return clock_.NowRfc3339().substr(0, 10); }

void Records::OnRead(const EntityType& type, Json* record) const {
  if (type.derive_on_read && record->is_object()) type.derive_on_read(record, Today());
}

Result<std::shared_ptr<const domain::CustomFields>> Records::Custom() {
  ASSIGN_OR_RETURN(int64_t generation, store_.Generation("custom_field"));
  {
    std::lock_guard lock(custom_mu_);
    if (custom_ && custom_->generation() == generation) return custom_;
  }
  const EntityType& type = *domain::Registry::Get().ByName("custom_field");
  std::vector<Json> records;
  domain::Query q;
  q.limit = 500;
  while (true) {
    ASSIGN_OR_RETURN(Page page, store_.List(type, q));
    for (Json& r : page.items) records.push_back(std::move(r));
    if (page.next_cursor.empty()) break;
    q.after = domain::Cursor{Json(), records.back()["id"].get<int64_t>()};
  }
  auto fields = std::make_shared<const domain::CustomFields>(domain::CustomFields::From(generation, records));
  std::lock_guard lock(custom_mu_);
  custom_ = fields;
  return fields;
}

Result<std::shared_ptr<const domain::CustomFields>> Records::CustomFor(const Json& input) {
  if (!input.is_object() || !input.contains("custom")) return nullptr;
  return Custom();
}

Status Records::RemoveCustomValues(Transaction& tx, const Json& definition, const Actor& actor) {
  const EntityType* type = domain::Registry::Get().ByName(definition.value("entity", ""));
  if (!type) return {};
  const Field field = domain::CustomFieldOf(definition);
  // Every record holding a value, live or in the trash, whoever may see it; read as committed,
  // which nothing can change while `tx` holds the write lock. Pages go by id, so records
  // rewritten in `tx` are not met again.
  const AccessScope everything(nullptr);
  for (const bool deleted : {false, true}) {
    domain::Query q;
    q.limit = 500;
    q.deleted = deleted;
    q.conditions.push_back({&field, "", domain::Op::kNotNull, {}});
    while (true) {
      ASSIGN_OR_RETURN(Page page, store_.List(*type, q));
      for (const Json& before : page.items) {
        Json after = before;
        after["custom"].erase(field.name);
        if (after["custom"].empty()) after["custom"] = nullptr;
        RETURN_IF_ERROR(WriteChange(tx, *type, before["id"].get<int64_t>(), before, &after, actor,
                                    "remove_field"));
      }
      if (page.next_cursor.empty()) break;
      q.after = domain::Cursor{Json(), page.items.back()["id"].get<int64_t>()};
    }
  }
  return {};
}

Result<Json> Records::Get(const EntityType& type, int64_t id) {
  ASSIGN_OR_RETURN(std::optional<Json> r, store_.Get(type, id));
  if (!r) return Fail(ErrorCode::kNotFound, "no " + Describe(type, id));
  OnRead(type, &*r);
  return std::move(*r);
}

Result<Page> Records::List(const EntityType& type, const domain::Query& query) {
  ASSIGN_OR_RETURN(Page page, store_.List(type, query));
  for (Json& r : page.items) OnRead(type, &r);
  return page;
}

Result<TextPage> Records::ListText(const EntityType& type, const domain::Query& query) {
  ASSIGN_OR_RETURN(TextPage page, store_.ListText(type, query));
  if (type.derive_on_read) {
    Json items = Json::parse(page.items);
    for (Json& r : items) OnRead(type, &r);
    page.items = items.dump();
  }
  return page;
}

Result<TextRecord> Records::GetText(const EntityType& type, int64_t id, bool last_contact) {
  const std::string today = last_contact ? Today() : std::string();
  ASSIGN_OR_RETURN(std::optional<TextRecord> r, store_.GetText(type, id, last_contact ? &today : nullptr));
  if (!r) return Fail(ErrorCode::kNotFound, "no " + Describe(type, id));
  if (type.derive_on_read) {
    Json record = Json::parse(r->json);
    OnRead(type, &record);
    r->json = record.dump();
  }
  return std::move(*r);
}

Result<Json> Records::Timeline(const EntityType& subject, int64_t id, const std::string& entity,
                               int limit, int64_t offset) {
  ASSIGN_OR_RETURN(Json record, Get(subject, id));
  std::string key = std::to_string(id);
  if (!subject.key_field.empty()) key = record[subject.key_field].get<std::string>();
  // One more than asked, to know whether there is a next page.
  ASSIGN_OR_RETURN(std::vector<TimelineEntry> entries,
                   store_.Timeline(subject.name, key, entity, offset, limit + 1));
  const bool more = static_cast<int>(entries.size()) > limit;
  if (more) entries.pop_back();
  Json items = Json::array();
  const domain::Registry& reg = domain::Registry::Get();
  for (const TimelineEntry& e : entries) {
    const EntityType* type = reg.ByName(e.entity);
    if (!type) continue;
    ASSIGN_OR_RETURN(Json r, Get(*type, e.record_id));
    Json item = {{"entity", e.entity}, {"id", e.record_id}, {"at", e.at.empty() ? Json() : Json(e.at)},
                 {"title", r.value(type->title_field, Json())}};
    for (const char* k : {"kind", "status", "direction", "level"}) {
      if (r.contains(k) && !r[k].is_null()) item[k] = r[k];
    }
    if (e.item >= 0 && r.contains(e.field) && r[e.field].is_array() &&
        e.item < static_cast<int64_t>(r[e.field].size())) {
      item["item"] = {{"field", e.field}, {"index", e.item}, {"value", r[e.field][e.item]}};
    }
    items.push_back(std::move(item));
  }
  ASSIGN_OR_RETURN(Json last, LastContact(subject, key));
  return Json{{"items", items}, {"next_offset", more ? Json(offset + limit) : Json()},
              {"last_contact", last}};
}

Result<Json> Records::LastContact(const EntityType& subject, const std::string& key) {
  // Dated by today (UTC) at the latest: a visit planned for next month is not a contact yet.
  ASSIGN_OR_RETURN(std::optional<TimelineEntry> last, store_.LastLinked(subject.name, key, Today()));
  return LastContactJson(last);
}

Json Records::LastContactJson(const std::optional<TimelineEntry>& last) {
  if (!last) return Json();
  return Json{{"at", last->at}, {"entity", last->entity}, {"id", last->record_id}};
}

Result<std::vector<GroupCount>> Records::Count(const EntityType& type, const domain::Query& query,
                                               const std::string& cache_key) {
  ASSIGN_OR_RETURN(int64_t generation, store_.Generation(type.name));
  // Counts are of what the reader may see.
  const std::string key = type.name + "?" + cache_key + "@" + VisibilityKey(AccessScope::Current());
  {
    std::lock_guard lock(cache_mu_);
    auto it = count_cache_.find(key);
    if (it != count_cache_.end() && it->second.generation == generation) return it->second.counts;
  }
  ASSIGN_OR_RETURN(std::vector<GroupCount> counts, store_.Count(type, query));
  std::lock_guard lock(cache_mu_);
  if (count_cache_.size() > 4096) count_cache_.clear();
  count_cache_[key] = CachedCount{generation, counts};
  return counts;
}

Result<std::map<std::string, int64_t>> Records::LiveCounts() {
  // Counting a million rows takes 0.2-0.4 s; reading every type's generation takes microseconds.
  std::vector<int64_t> generations;
  for (const EntityType& t : domain::Registry::Get().types()) {
    ASSIGN_OR_RETURN(int64_t g, store_.Generation(t.name));
    generations.push_back(g);
  }
  const std::string key = VisibilityKey(AccessScope::Current());
  {
    std::lock_guard lock(cache_mu_);
    auto it = live_cache_.find(key);
    if (it != live_cache_.end() && it->second.generations == generations) return it->second.counts;
  }
  ASSIGN_OR_RETURN(auto counts, store_.CountAll());
  std::lock_guard lock(cache_mu_);
  if (live_cache_.size() > 4096) live_cache_.clear();
  live_cache_[key] = CachedLive{std::move(generations), counts};
  return counts;
}

Result<std::vector<HistoryEntry>> Records::History(const EntityType& type, int64_t id) {
  // As stored: fields derived when read (an agreement's status today) were never written.
  ASSIGN_OR_RETURN(std::optional<Json> stored, store_.Get(type, id));
  if (!stored) return Fail(ErrorCode::kNotFound, "no " + Describe(type, id));
  const Json current = std::move(*stored);
  ASSIGN_OR_RETURN(std::vector<HistoryEntry> entries, store_.History(type, id));
  // The creation is not stored as a change: its values are the current ones with every later
  // change undone.
  Json initial = current;
  for (const HistoryEntry& e : entries) {
    for (const auto& [field, change] : e.changes.items()) initial[field] = change["before"];
  }
  HistoryEntry created;
  created.entity = type.name;
  created.record_id = id;
  created.version = 1;
  created.at = current["created_at"].get<std::string>();
  created.actor = current["created_by"].get<std::string>();
  created.action = "create";
  created.changes = Json::object();
  for (const Field& f : type.fields) {
    if (initial.contains(f.name) && !initial[f.name].is_null()) {
      created.changes[f.name] = {{"before", nullptr}, {"after", initial[f.name]}};
    }
  }
  for (const Field& f : domain::CommonFields()) {
    if (IsWritableCommon(f.name) && initial.contains(f.name) && !initial[f.name].is_null()) {
      created.changes[f.name] = {{"before", nullptr}, {"after", initial[f.name]}};
    }
  }
  entries.push_back(std::move(created));
  return entries;
}

Status Records::CheckStored(Transaction& tx, const EntityType& type, const Json& record,
                            std::optional<int64_t> id, const Json* before) {
  // A reference the record already had (anywhere in the same field) stays valid when its target
  // goes to the trash; only a new one must point at a live record.
  std::set<std::pair<std::string, int64_t>> had;
  if (before) {
    domain::ForEachRef(type, *before, [&](const Field& f, const Field& top, const Json& v, const std::string&) {
      if (v.is_number_integer()) had.emplace(top.name + "\n" + f.ref, v.get<int64_t>());
    });
  }
  std::vector<FieldViolation> bad;
  Status lookup_error;
  const Principal* principal = AccessScope::Current();
  domain::ForEachRef(type, record, [&](const Field& f, const Field& top, const Json& v, const std::string& path) {
    // Read-only references are derived from others that are checked themselves.
    if (!lookup_error || !v.is_number_integer() || top.read_only) return;
    const int64_t target_id = v.get<int64_t>();
    if (had.contains({top.name + "\n" + f.ref, target_id})) return;
    auto target = tx.Find(f.ref, target_id, true);
    if (!target) {
      lookup_error = tl::unexpected(target.error());
    } else if (!*target || (principal && !MaySee(*principal, *domain::Registry::Get().ByName(f.ref), **target))) {
      // A user refers only to what they may see.
      bad.push_back({path, "no " + f.ref + " with id " + std::to_string(target_id)});
    } else if (!(**target)["deleted_at"].is_null()) {
      bad.push_back({path, f.ref + " " + std::to_string(target_id) + " is in the trash"});
    } else if ((**target).value("status", Json()) == "ended") {
      bad.push_back({path, f.ref + " " + std::to_string(target_id) + " has ended (status ended)"});
    }
  });
  RETURN_IF_ERROR(lookup_error);
  if (!bad.empty()) return Invalid(std::move(bad));
  RETURN_IF_ERROR(CheckUnique(tx, type, record, id));
  if (type.check_stored) RETURN_IF_ERROR(type.check_stored(record, id, tx));
  return {};
}

Status Records::CheckUnique(Transaction& tx, const EntityType& type, const Json& record,
                            std::optional<int64_t> id) {
  std::vector<FieldViolation> taken;
  for (const Field& f : type.fields) {
    auto it = record.find(f.name);
    if (it == record.end() || it->is_null()) continue;
    if (f.type == FieldType::kIdentifiers) {
      for (const Json& e : *it) {
        ASSIGN_OR_RETURN(std::vector<int64_t> ids, tx.FindIds(type, f.name, e, 2));
        for (int64_t other : ids) {
          if (!id || other != *id) {
            taken.push_back({f.name, e["scheme"].get<std::string>() + ":" +
                                         e["value"].get<std::string>() + " already identifies " +
                                         Describe(type, other)});
            break;
          }
        }
      }
    }
    if (f.unique) {
      ASSIGN_OR_RETURN(std::vector<int64_t> ids, tx.FindIds(type, f.name, *it, 2));
      for (int64_t other : ids) {
        if (!id || other != *id) {
          taken.push_back({f.name, it->dump() + " is already used by " + Describe(type, other)});
          break;
        }
      }
    }
  }
  for (const std::vector<std::string>& group : type.unique_together) {
    // As SQL's UNIQUE: a group with an empty field identifies nothing (events without a series).
    Json where = Json::object();
    bool complete = true;
    for (const std::string& f : group) {
      where[f] = record.value(f, Json());
      complete = complete && !where[f].is_null();
    }
    if (!complete) continue;
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, tx.FindIdsMatching(type, where, 2));
    for (int64_t other : ids) {
      if (!id || other != *id) {
        std::string what;
        for (const std::string& f : group) what += (what.empty() ? "" : ", ") + f + " " + where[f].dump();
        taken.push_back({group[0], "already used by " + Describe(type, other) + " (" + what + ")"});
        break;
      }
    }
  }
  if (!taken.empty()) {
    const std::string msg = taken[0].field + ": " + taken[0].reason;
    return Fail(ErrorCode::kAlreadyExists, msg, std::move(taken));
  }
  return {};
}

Result<Json> Records::Create(const EntityType& type, const Json& input, const Actor& actor) {
  if (type.reference_data) {
    return Fail(ErrorCode::kFailedPrecondition,
                type.plural + " are reference data from the iso-codes package and cannot be created");
  }
  const Principal* principal = AccessScope::Current();
  // A record a user creates without naming its owner belongs to the user's own unit.
  const bool own_unit = principal && principal->home_unit && !principal->write.all &&
                        type.access == domain::Access::kOwned && input.is_object() && !input.contains("owner_unit");
  Json owned;
  if (own_unit) {
    owned = input;
    owned["owner_unit"] = *principal->home_unit;
  }
  // Decoded with the write transaction held, so the custom fields in force cannot change first.
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(auto custom, CustomFor(input));
  ASSIGN_OR_RETURN(Json record, domain::DecodeInput(type, own_unit ? owned : input, DecodeMode::kCreate, ref_,
                                                    custom ? &custom->Of(type.name) : nullptr));
  domain::ApplyDefaults(type, &record);
  RETURN_IF_ERROR(Complete(type, &record));
  RETURN_IF_ERROR(CheckStored(*tx, type, record, std::nullopt));
  std::vector<FieldViolation> warnings;
  if (type.warn) RETURN_IF_ERROR(type.warn(record, std::nullopt, *tx, &warnings));
  if (principal) RETURN_IF_ERROR(MayWrite(*principal, type, record));
  record.update(NewCommon(actor));
  FillAbsent(type, &record);
  ASSIGN_OR_RETURN(int64_t id, tx->Insert(type, record));
  RETURN_IF_ERROR(AuditChange(*tx, type, id, record, actor, "create"));
  RETURN_IF_ERROR(tx->Commit());
  record["id"] = id;
  OnRead(type, &record);
  if (type.warn) AttachWarnings(warnings, &record);
  return record;
}

void Records::AttachWarnings(const std::vector<FieldViolation>& warnings, Json* record) {
  Json list = Json::array();
  for (const FieldViolation& w : warnings) list.push_back({{"field", w.field}, {"reason", w.reason}});
  (*record)["warnings"] = std::move(list);
}

Result<Json> Records::LoadForChange(Transaction& tx, const EntityType& type, int64_t id,
                                    bool in_trash, std::optional<int64_t> expected_version,
                                    const char* what) {
  ASSIGN_OR_RETURN(std::optional<Json> current, tx.Find(type.name, id, true));
  const Principal* principal = AccessScope::Current();
  // What the user may not see is not there, for them.
  if (!current || (principal && !MaySee(*principal, type, *current))) {
    return Fail(ErrorCode::kNotFound, "no " + Describe(type, id));
  }
  if (principal) RETURN_IF_ERROR(MayWrite(*principal, type, *current));
  const bool deleted = !(*current)["deleted_at"].is_null();
  if (deleted && !in_trash) {
    return Fail(ErrorCode::kFailedPrecondition,
                Describe(type, id) + (std::string_view(what) == "delete" ? " is already in the trash"
                                                                         : " is in the trash; restore it first"));
  }
  if (!deleted && in_trash) {
    return Fail(ErrorCode::kFailedPrecondition, Describe(type, id) + " is not in the trash");
  }
  const int64_t version = (*current)["version"].get<int64_t>();
  if (expected_version && *expected_version != version) {
    return Fail(ErrorCode::kStale, Describe(type, id) + " is at version " + std::to_string(version) +
                                       "; the " + what + " was made against version " +
                                       std::to_string(*expected_version));
  }
  return std::move(*current);
}

Status Records::WriteChange(Transaction& tx, const EntityType& type, int64_t id,
                            const Json& before, Json* after, const Actor& actor,
                            const char* action) {
  const int64_t version = before["version"].get<int64_t>() + 1;
  const std::string now = clock_.NowRfc3339();
  (*after)["version"] = version;
  (*after)["updated_at"] = now;
  (*after)["updated_by"] = actor.name;
  RETURN_IF_ERROR(tx.Replace(type, id, *after));
  RETURN_IF_ERROR(tx.AppendHistory({type.name, id, version, now, actor.name, action, Diff(type, before, *after)}));
  return AuditChange(tx, type, id, *after, actor, action);
}

Status Records::AuditChange(Transaction& tx, const EntityType& type, int64_t id, const Json& record,
                            const Actor& actor, const char* action) {
  AuditEntry e;
  e.at = record.value("updated_at", Json(clock_.NowRfc3339())).get<std::string>();
  e.actor = actor.name;
  e.client = actor.client;
  e.action = action;
  e.entity = type.name;
  e.record_id = id;
  if (record.contains("owner_unit") && record["owner_unit"].is_number_integer()) {
    e.unit = record["owner_unit"].get<int64_t>();
  }
  e.detail = Json{{"version", record.value("version", Json(1))}}.dump();
  return AppendAudit(tx, std::move(e));
}

Result<Json> Records::CommitChange(Transaction& tx, const EntityType& type, int64_t id,
                                   const Json& before, Json after, const Actor& actor,
                                   const char* action) {
  // The user may write the record as it was (LoadForChange) and must be allowed to write it as
  // it will be: moving a record to a unit is writing there.
  if (const Principal* p = AccessScope::Current()) RETURN_IF_ERROR(MayWrite(*p, type, after));
  RETURN_IF_ERROR(WriteChange(tx, type, id, before, &after, actor, action));
  RETURN_IF_ERROR(tx.Commit());
  return after;
}

Result<Json> Records::Update(const EntityType& type, int64_t id,
                             std::optional<int64_t> expected_version, const Json& patch,
                             const Actor& actor) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(auto custom, CustomFor(patch));
  ASSIGN_OR_RETURN(Json changes_in, domain::DecodeInput(type, patch, DecodeMode::kPatch, ref_,
                                                        custom ? &custom->Of(type.name) : nullptr));
  ASSIGN_OR_RETURN(Json current, LoadForChange(*tx, type, id, false, expected_version, "change"));
  Json merged = current;
  domain::ApplyChanges(changes_in, &merged);
  RETURN_IF_ERROR(Complete(type, &merged));
  RETURN_IF_ERROR(CheckTransitions(type, current, merged));
  RETURN_IF_ERROR(CheckStored(*tx, type, merged, id, &current));
  if (Diff(type, current, merged).empty()) {  // no new version for no change
    OnRead(type, &current);
    return current;
  }
  std::vector<FieldViolation> warnings;
  if (type.warn) RETURN_IF_ERROR(type.warn(merged, id, *tx, &warnings));
  ASSIGN_OR_RETURN(Json after, CommitChange(*tx, type, id, current, std::move(merged), actor, "update"));
  OnRead(type, &after);
  if (type.warn) AttachWarnings(warnings, &after);
  return after;
}

Result<Json> Records::Delete(const EntityType& type, int64_t id,
                             std::optional<int64_t> expected_version, const Actor& actor) {
  if (type.reference_data) {
    return Fail(ErrorCode::kFailedPrecondition,
                type.plural + " are reference data from the iso-codes package and cannot be deleted");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(Json current, LoadForChange(*tx, type, id, false, expected_version, "delete"));
  if (type.name == "custom_field") RETURN_IF_ERROR(RemoveCustomValues(*tx, current, actor));
  Json after = current;
  after["deleted_at"] = clock_.NowRfc3339();
  return CommitChange(*tx, type, id, current, std::move(after), actor, "delete");
}

Result<Json> Records::SetMaintained(const EntityType& type, int64_t id,
                                    std::optional<int64_t> expected_version, const Json& fields,
                                    const Actor& actor, const char* action) {
  for (const auto& [name, _] : fields.items()) {
    const Field* f = type.Find(name);
    if (!f || !f->read_only || domain::IsCommonField(name)) {
      return Fail(ErrorCode::kInternal, name + " is not a maintained field of " + type.name);
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(Json current, LoadForChange(*tx, type, id, false, expected_version, "change"));
  Json after = current;
  for (const auto& [k, v] : fields.items()) after[k] = v;
  if (Diff(type, current, after).empty()) return current;
  ASSIGN_OR_RETURN(Json out, CommitChange(*tx, type, id, current, std::move(after), actor, action));
  OnRead(type, &out);
  return out;
}

Result<Json> Records::Restore(const EntityType& type, int64_t id, const Actor& actor) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(Json current, LoadForChange(*tx, type, id, true, std::nullopt, "restore"));
  Json after = current;
  after["deleted_at"] = nullptr;
  // What it points to may have gone to the trash meanwhile.
  RETURN_IF_ERROR(CheckStored(*tx, type, after, id));
  return CommitChange(*tx, type, id, current, std::move(after), actor, "restore");
}

Status Records::ResolveReferences(Transaction& tx, const std::vector<Field>& fields,
                                  const std::string& path, Json* object,
                                  std::vector<FieldViolation>* problems) {
  if (!object->is_object()) return {};
  for (const Field& f : fields) {
    auto it = object->find(f.name);
    if (it == object->end()) continue;
    const std::string at = path.empty() ? f.name : path + "." + f.name;
    auto one = [&](Json* v, const std::string& where) -> Status {
      if (!v->is_string()) return {};
      auto resolved = ResolveReference(tx, f, *v);
      if (resolved) {
        *v = std::move(*resolved);
      } else if (resolved.error().code == ErrorCode::kInvalidArgument) {
        for (const FieldViolation& e : resolved.error().fields) problems->push_back({where, e.reason});
      } else {
        return tl::unexpected(resolved.error());
      }
      return {};
    };
    if (f.type == FieldType::kRef) {
      RETURN_IF_ERROR(one(&*it, at));
    } else if (f.type == FieldType::kRefList && it->is_array()) {
      for (size_t i = 0; i < it->size(); ++i) RETURN_IF_ERROR(one(&(*it)[i], at + "[" + std::to_string(i) + "]"));
    } else if (f.type == FieldType::kObjects && it->is_array()) {
      for (size_t i = 0; i < it->size(); ++i) {
        RETURN_IF_ERROR(ResolveReferences(tx, f.parts, at + "[" + std::to_string(i) + "]", &(*it)[i], problems));
      }
    }
  }
  return {};
}

Result<Json> Records::ResolveReference(Transaction& tx, const Field& field, const Json& value) {
  if (!value.is_string()) return value;  // ids and wrong types go on to the decoder
  const std::string text = value.get<std::string>();
  if (!text.empty() && text.size() <= 18 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Json(std::stoll(text));
  }
  const EntityType* target = domain::Registry::Get().ByName(field.ref);
  if (!target) return value;
  std::vector<int64_t> found;
  if (text.size() == 36 && text[8] == '-' && text[13] == '-') {
    ASSIGN_OR_RETURN(found, tx.FindIds(*target, "uuid", Json(text), 2));
  }
  for (const std::string& key : target->natural_keys) {
    if (!found.empty()) break;
    const Field* kf = target->Find(key);
    if (!kf) continue;
    if (kf->type == FieldType::kIdentifiers) {
      const size_t colon = text.find(':');
      if (colon == std::string::npos) continue;
      ASSIGN_OR_RETURN(found, tx.FindIds(*target, key,
                                         Json{{"scheme", text.substr(0, colon)},
                                              {"value", text.substr(colon + 1)}}, 2));
    } else {
      ASSIGN_OR_RETURN(found, tx.FindIds(*target, key, Json(text), 2));
    }
  }
  if (found.empty()) {
    std::string keys;
    for (const std::string& k : target->natural_keys) keys += (keys.empty() ? "" : ", ") + k;
    return Invalid(field.name, "no " + target->name + " matches \"" + text + "\" (by id, uuid, " + keys + ")");
  }
  if (found.size() > 1) {
    return Invalid(field.name, "\"" + text + "\" matches more than one " + target->name +
                                   "; use its id or uuid");
  }
  return Json(found[0]);
}

Result<Json> Records::DecodeRow(Transaction& tx, const EntityType& type, Json values,
                                const Json* stored, const domain::CustomFields& custom) {
  DropMaintained(type, &values);
  // Textual references ("VUFO", "partyfacts:4898"), at any depth, become ids in place.
  std::vector<FieldViolation> unresolved;
  RETURN_IF_ERROR(ResolveReferences(tx, type.fields, "", &values, &unresolved));
  RETURN_IF_ERROR(ResolveReferences(tx, domain::CommonFields(), "", &values, &unresolved));
  if (!unresolved.empty()) return Invalid(std::move(unresolved));
  ASSIGN_OR_RETURN(Json record, domain::DecodeInput(type, values, DecodeMode::kCreate, ref_,
                                                    &custom.Of(type.name)));
  if (!stored) {
    domain::ApplyDefaults(type, &record);
    RETURN_IF_ERROR(Complete(type, &record));
    return record;
  }
  // Maintained fields as stored (type-checked), before the rules that may need them and after
  // the derivation that would recompute them (perhaps on another day).
  std::vector<FieldViolation> bad;
  for (const Field& f : type.fields) {
    const Json v = f.read_only ? stored->value(f.name, Json()) : Json();
    if (v.is_null()) continue;
    if (auto ok = domain::DecodeValue(f, v, ref_); !ok) bad.push_back({f.name, ok.error()});
  }
  if (!bad.empty()) return Invalid(std::move(bad));
  KeepMaintained(type.fields, *stored, &record);
  RETURN_IF_ERROR(Complete(type, &record));
  KeepMaintained(type.fields, *stored, &record);
  return record;
}

Result<ImportReport> Records::Import(const EntityType& type, RowSource& rows, bool dry_run,
                                     const Actor& actor,
                                     const std::function<void(int64_t)>& progress) {
  if (type.reference_data) {
    return Fail(ErrorCode::kFailedPrecondition, type.plural + " are reference data and cannot be imported");
  }
  // Past this many rows an import is a bulk load (see Transaction::ExpectMany).
  constexpr int64_t kBulkRows = 20000;
  constexpr size_t kMaxProblems = 10000;
  ImportReport report;
  const Principal* principal = AccessScope::Current();
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(std::shared_ptr<const domain::CustomFields> custom, Custom());
  const Json common = NewCommon(actor);
  ImportRow row;
  // Rows are inserted as they pass, so later rows can refer to earlier ones (a unit's parent);
  // after the first problem nothing more is inserted, every row is still checked, and the
  // transaction is rolled back.
  while (report.problems.size() < kMaxProblems) {
    ASSIGN_OR_RETURN(bool more, rows.Next(&row, &report.problems));
    if (!more) break;
    ++report.rows;
    if (report.rows == kBulkRows) RETURN_IF_ERROR(tx->ExpectMany(type));
    auto problem = [&](const Error& e) {
      if (e.fields.empty()) {
        report.problems.push_back({row.line, "", e.message});
      } else {
        for (const FieldViolation& v : e.fields) report.problems.push_back({row.line, v.field, v.reason});
      }
    };
    if (!row.values.is_object()) {
      report.problems.push_back({row.line, "", "expected a JSON object"});
      continue;
    }
    // An export's own uuid is kept (so references to it by uuid resolve in another database);
    // the other fields Amity maintains are not imported.
    Json uuid = row.values.value("uuid", Json());
    if (!uuid.is_null() && !IsUuid(uuid)) {
      report.problems.push_back({row.line, "uuid", "expected a uuid like 0190a0e4-…, got " + uuid.dump()});
      continue;
    }
    auto record = DecodeRow(*tx, type, std::move(row.values), nullptr, *custom);
    if (!record) {
      problem(record.error());
      continue;
    }
    if (auto st = CheckStored(*tx, type, *record, std::nullopt); !st) {
      problem(st.error());
      continue;
    }
    if (principal) {
      if (auto st = MayWrite(*principal, type, *record); !st) {
        problem(st.error());
        continue;
      }
    }
    if (!uuid.is_null()) {
      ASSIGN_OR_RETURN(std::vector<int64_t> same, tx->FindIds(type, "uuid", uuid, 1));
      if (!same.empty()) {
        report.problems.push_back({row.line, "uuid", uuid.get<std::string>() + " already identifies " +
                                                         Describe(type, same[0])});
        continue;
      }
    }
    if (report.problems.empty()) {
      record->update(common);
      (*record)["uuid"] = uuid.is_null() ? Json(NewUuid(clock_)) : uuid;
      auto id = tx->Insert(type, *record);
      if (!id) {
        problem(id.error());
        continue;
      }
      ++report.created;
    }
    if (progress && report.rows % 1000 == 0) progress(report.rows);
  }
  if (progress) progress(report.rows);
  if (dry_run || !report.problems.empty()) {
    report.created = 0;
    return report;  // the transaction rolls back
  }
  // One audit entry for the import (each record's history names the import's actor).
  AuditEntry entry;
  entry.at = common["created_at"].get<std::string>();
  entry.actor = actor.name;
  entry.client = actor.client;
  entry.action = "import";
  entry.entity = type.name;
  entry.detail = Json{{"rows", report.rows}, {"created", report.created}}.dump();
  RETURN_IF_ERROR(AppendAudit(*tx, std::move(entry)));
  RETURN_IF_ERROR(tx->Commit());
  return report;
}

Json HistoryJson(const HistoryEntry& e) {
  return Json{{"entity", e.entity}, {"record_id", e.record_id}, {"version", e.version}, {"at", e.at},
              {"actor", e.actor},   {"action", e.action},       {"changes", e.changes}};
}

Result<LoadReport> Records::LoadDump(DumpSource& dump) {
  const domain::Registry& reg = domain::Registry::Get();
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  // Checked with the write transaction held: nothing can be written meanwhile.
  for (const EntityType& type : reg.types()) {
    if (type.reference_data) continue;
    for (const bool deleted : {false, true}) {
      domain::Query q;
      q.limit = 1;
      q.deleted = deleted;
      ASSIGN_OR_RETURN(Page page, store_.List(type, q));
      if (!page.items.empty()) {
        return Fail(ErrorCode::kFailedPrecondition,
                    "the database already has " + type.plural + (deleted ? " (in the trash)" : "") +
                        "; a dump is restored into a new database (reference data only)");
      }
    }
  }
  RETURN_IF_ERROR(CheckNoAccess(*tx));
  RETURN_IF_ERROR(tx->DeferReferenceChecks());
  LoadReport report;
  // References not found when their row was loaded: checked again at the end (forward ones).
  struct Pending {
    std::string source;
    int64_t line;
    std::string path, entity;
    int64_t id;
  };
  std::vector<Pending> pending;
  constexpr size_t kMaxProblems = 10000;
  // Custom fields first: the other records' `custom` values are checked against them.
  std::vector<const EntityType*> order = {reg.ByName("custom_field")};
  for (const EntityType& type : reg.types()) {
    if (&type != order[0]) order.push_back(&type);
  }
  std::vector<Json> custom_records;
  domain::CustomFields custom;
  for (const EntityType* type_ptr : order) {
    const EntityType& type = *type_ptr;
    if (&type == order[1]) custom = domain::CustomFields::From(0, custom_records);
    std::string source;
    ASSIGN_OR_RETURN(std::unique_ptr<RowSource> rows, dump.Rows(type, &source));
    if (!rows) continue;
    ImportRow row;
    int64_t& count = report.counts[type.name];
    while (report.problems.size() < kMaxProblems) {
      std::vector<ImportProblem> read_problems;
      ASSIGN_OR_RETURN(bool more, rows->Next(&row, &read_problems));
      for (ImportProblem& p : read_problems) {
        p.source = source;
        report.problems.push_back(std::move(p));
      }
      if (!more) break;
      ++count;
      auto problem = [&](const std::string& field, const std::string& reason) {
        report.problems.push_back({row.line, field, reason, source});
      };
      auto problems = [&](const Error& e) {
        if (e.fields.empty()) problem("", e.message);
        for (const FieldViolation& v : e.fields) problem(v.field, v.reason);
      };
      const Json& in = row.values;
      // The common fields are taken as they are, once their shape is right.
      const Json id = in.value("id", Json());
      if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
        problem("id", "expected a positive integer");
        continue;
      }
      bool common_ok = true;
      if (!IsUuid(in.value("uuid", Json()))) {
        problem("uuid", "expected a uuid");
        common_ok = false;
      }
      for (const char* f : {"created_at", "created_by", "updated_at", "updated_by"}) {
        if (!in.value(f, Json()).is_string()) {
          problem(f, "expected text");
          common_ok = false;
        }
      }
      const Json version = in.value("version", Json());
      if (!version.is_number_integer() || version.get<int64_t>() < 1) {
        problem("version", "expected an integer from 1");
        common_ok = false;
      }
      const Json deleted_at = in.value("deleted_at", Json());
      if (!deleted_at.is_null() && !deleted_at.is_string()) {
        problem("deleted_at", "expected a date and time or null");
        common_ok = false;
      }
      if (!common_ok) continue;
      auto record = DecodeRow(*tx, type, in, &in, custom);
      if (!record) {
        problems(record.error());
        continue;
      }
      for (const char* f : {"id", "uuid", "created_at", "created_by", "updated_at", "updated_by",
                            "version", "deleted_at"}) {
        (*record)[f] = in.value(f, Json());
      }
      FillAbsent(type, &*record);
      if (auto st = CheckUnique(*tx, type, *record, id.get<int64_t>()); !st) {
        problems(st.error());
        continue;
      }
      Status lookup_error;
      domain::ForEachRef(type, *record, [&](const Field& f, const Field&, const Json& v, const std::string& path) {
        if (!lookup_error || !v.is_number_integer()) return;
        auto target = tx->Find(f.ref, v.get<int64_t>(), true);
        if (!target) lookup_error = tl::unexpected(target.error());
        else if (!*target) pending.push_back({source, row.line, path, f.ref, v.get<int64_t>()});
      });
      RETURN_IF_ERROR(lookup_error);
      if (!report.problems.empty()) continue;  // checking only, from the first problem on
      ASSIGN_OR_RETURN(std::optional<Json> existing, tx->Find(type.name, id.get<int64_t>(), true));
      Status st = existing && type.reference_data ? tx->Replace(type, id.get<int64_t>(), *record)
                                                  : tx->InsertExact(type, *record);
      if (!st) problems(st.error());
      if (&type == order[0] && (*record)["deleted_at"].is_null()) custom_records.push_back(*record);
    }
  }
  std::string source;
  ASSIGN_OR_RETURN(std::unique_ptr<RowSource> history, dump.History(&source));
  ImportRow row;
  while (history && report.problems.size() < kMaxProblems) {
    std::vector<ImportProblem> read_problems;
    ASSIGN_OR_RETURN(bool more, history->Next(&row, &read_problems));
    for (ImportProblem& p : read_problems) {
      p.source = source;
      report.problems.push_back(std::move(p));
    }
    if (!more) break;
    ++report.counts["history"];
    const Json& h = row.values;
    const EntityType* type = reg.ByName(h.value("entity", ""));
    auto bad = [&](const std::string& field, const std::string& reason) {
      report.problems.push_back({row.line, field, reason, source});
    };
    if (!type) {
      bad("entity", "is not an entity type");
      continue;
    }
    const Json record_id = h.value("record_id", Json()), version = h.value("version", Json());
    if (!record_id.is_number_integer() || !version.is_number_integer() || !h.value("at", Json()).is_string() ||
        !h.value("actor", Json()).is_string() || !h.value("action", Json()).is_string() ||
        !h.value("changes", Json()).is_object()) {
      bad("", "expected {entity, record_id, version, at, actor, action, changes}");
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<Json> target, tx->Find(type->name, record_id.get<int64_t>(), true));
    if (!target && report.problems.empty()) {
      bad("record_id", "no " + type->name + " with id " + std::to_string(record_id.get<int64_t>()));
      continue;
    }
    if (!report.problems.empty()) continue;
    RETURN_IF_ERROR(tx->AppendHistory({type->name, record_id.get<int64_t>(), version.get<int64_t>(),
                                       h["at"].get<std::string>(), h["actor"].get<std::string>(),
                                       h["action"].get<std::string>(), h["changes"]}));
  }
  if (report.problems.empty()) {
    for (const Pending& p : pending) {
      ASSIGN_OR_RETURN(std::optional<Json> target, tx->Find(p.entity, p.id, true));
      if (!target) report.problems.push_back({p.line, p.path, "no " + p.entity + " with id " + std::to_string(p.id), p.source});
    }
  }
  // Accounts, grants, tokens and the audit log, after the units their grants name.
  RETURN_IF_ERROR(LoadAccess(*tx, dump, &report));
  if (!report.problems.empty()) return report;  // the transaction rolls back
  RETURN_IF_ERROR(dump.Verify(report));
  // Audited as the entry after the loaded log's last one.
  AuditEntry entry;
  entry.at = clock_.NowRfc3339();
  entry.actor = "system";
  entry.action = "restore_dump";
  entry.detail = Json(report.counts).dump();
  RETURN_IF_ERROR(AppendAudit(*tx, std::move(entry)));
  RETURN_IF_ERROR(tx->Commit());
  return report;
}

Status Records::LoadReferenceData() {
  const domain::Registry& reg = domain::Registry::Get();
  const EntityType& country = *reg.ByName("country");
  const EntityType& subdivision = *reg.ByName("subdivision");
  ASSIGN_OR_RETURN(auto counts, store_.CountAll());
  if (counts["countries"] > 0) return {};
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  const Actor system{"system"};
  Json common = NewCommon(system);
  common["sensitivity"] = "public";
  for (const domain::CountryInfo& c : ref_.countries) {
    Json r = common;
    r["uuid"] = NewUuid(clock_);
    r["code"] = c.alpha2;
    r["alpha3"] = c.alpha3;
    r["numeric"] = c.numeric;
    r["name"] = c.name;
    Json names = {{"en", c.common_name.empty() ? c.name : c.common_name}};
    if (!c.name_vi.empty()) names["vi"] = c.name_vi;
    r["names"] = names;
    if (!c.official_name.empty()) r["official_name"] = c.official_name;
    const domain::CountryRegion region = domain::RegionOf(c.alpha2);
    if (c.withdrawn_on.empty()) {
      if (!region.continent.empty()) r["region"] = region.continent;
      if (!region.subregion.empty()) r["subregion"] = region.subregion;
    } else {
      r["withdrawn_on"] = c.withdrawn_on;
    }
    FillAbsent(country, &r);
    RETURN_IF_ERROR(tx->Insert(country, r));
  }
  for (const domain::SubdivisionInfo& s : ref_.subdivisions) {
    Json r = common;
    r["uuid"] = NewUuid(clock_);
    r["code"] = s.code;
    r["country"] = s.country;
    r["name"] = s.name;
    if (!s.name_vi.empty() && s.name_vi != s.name) r["names"] = {{"vi", s.name_vi}};
    r["type"] = s.type;
    if (!s.parent.empty()) r["parent"] = s.parent;
    FillAbsent(subdivision, &r);
    RETURN_IF_ERROR(tx->Insert(subdivision, r));
  }
  return tx->Commit();
}

}  // namespace amity::store
