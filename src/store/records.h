#pragma once
// Records: every read and write of declared entities, on any Store. This is where validation,
// references, uniqueness, the entity's own rules, versions and history happen, once for all
// engines and all callers (HTTP, CLI, import, demo).
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "domain/codec.h"
#include "domain/custom.h"
#include "domain/reference.h"
#include "store/store.h"

namespace amity::store {

// One input row of an import, with where it came from (for error messages).
struct ImportRow {
  int64_t line = 0;
  Json values;  // field → value, as JSON input; references may be text (see ResolveReference)
};

struct ImportProblem {
  ImportProblem() = default;
  ImportProblem(int64_t line, std::string field, std::string reason, std::string source = {})
      : line(line), field(std::move(field)), reason(std::move(reason)), source(std::move(source)) {}
  int64_t line = 0;
  std::string field, reason;
  std::string source;  // the file, when a load reads several (a dump); else empty
};

// Where an import's rows come from, one at a time (files are streamed, never held whole).
class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills `row` and returns true, or returns false at the end. A row that cannot be read adds
  // its problems (with line numbers) and yields no row; an error (a malformed file) stops the
  // import.
  virtual Result<bool> Next(ImportRow* row, std::vector<ImportProblem>* problems) = 0;
};

// Rows already in memory.
class VectorSource final : public RowSource {
 public:
  explicit VectorSource(std::vector<ImportRow> rows) : rows_(std::move(rows)) {}
  Result<bool> Next(ImportRow* row, std::vector<ImportProblem>*) override {
    if (next_ == rows_.size()) return false;
    *row = std::move(rows_[next_++]);
    return true;
  }

 private:
  std::vector<ImportRow> rows_;
  size_t next_ = 0;
};

struct ImportReport {
  int64_t rows = 0;
  int64_t created = 0;
  std::vector<ImportProblem> problems;  // empty when the import is (or would be) committed
};

struct LoadReport;

// A dump being loaded (io/dump.h reads one from a directory): the rows of each type, as
// ExportRecords writes them with ExportOptions::as_stored, the history entries, as HistoryJson
// writes them, and the accounts, grants, API tokens and audit log (store/access_dump.h).
class DumpSource {
 public:
  virtual ~DumpSource() = default;
  // The rows of `type`, or nullptr when the dump has none; `name` is set to where they come
  // from (for messages).
  virtual Result<std::unique_ptr<RowSource>> Rows(const EntityType& type, std::string* name) = 0;
  virtual Result<std::unique_ptr<RowSource>> History(std::string* name) = 0;
  // The lines of an access part ("users", "grants", "tokens", "audit"), or nullptr when the
  // dump has none (one written before dumps carried them).
  virtual Result<std::unique_ptr<RowSource>> Access(const std::string& part, std::string* name) = 0;
  // Called before the commit with what was read (counts per type name, "history" and each
  // access part; the audit log's head); an error stops the load and nothing is written.
  virtual Status Verify(const LoadReport& loaded) = 0;
};

struct LoadReport {
  // Rows loaded per type name, "history", "users", "grants", "tokens" and "audit".
  std::map<std::string, int64_t> counts;
  std::string audit_head;               // the hash of the last audit entry loaded ("" if none)
  std::vector<ImportProblem> problems;  // empty when the load was committed
};

// A history entry as one JSON object (a dump's line), and back.
Json HistoryJson(const HistoryEntry& entry);

// A history entry's changes from `before` to `after` of `type`: {field: {"before", "after"}}
// for every declared or writable common field (and deleted_at) whose value differs.
Json Diff(const EntityType& type, const Json& before, const Json& after);

class Records {
 public:
  Records(Store& store, const domain::ReferenceData& ref, const Clock& clock);

  Store& store() { return store_; }

  // The custom fields in force (domain/custom.h): cached, and read again once any process has
  // committed a change to custom_field records. Hold the pointer while using fields from it.
  Result<std::shared_ptr<const domain::CustomFields>> Custom();
  const domain::ReferenceData& reference() const { return ref_; }
  const Clock& clock() const { return clock_; }

  // The id named by a URL key: the key field's value for types that have one (countries:
  // "VN"), else a positive integer id.
  Result<int64_t> ResolveKey(const EntityType& type, const std::string& key);

  Result<Json> Get(const EntityType& type, int64_t id);
  Result<Page> List(const EntityType& type, const domain::Query& query);
  // The same as JSON text (see Store::ListText and Store::GetText).
  Result<TextPage> ListText(const EntityType& type, const domain::Query& query);
  // With `last_contact`, the record's last contact (LastContact) comes with it.
  Result<TextRecord> GetText(const EntityType& type, int64_t id, bool last_contact = false);
  // Counts per value; served from a cache that any committed write to the type invalidates.
  Result<std::vector<GroupCount>> Count(const EntityType& type, const domain::Query& query,
                                        const std::string& cache_key);
  // Live records per type that the reader may see (GET /stats, the dashboard's first request):
  // cached per visibility like Count, until any type has a committed write.
  Result<std::map<std::string, int64_t>> LiveCounts();
  // What links to record `id` of `subject` (an organisation, person, unit or country), newest
  // first: {"items": [{entity, id, at, title, kind, status, item}], "next_offset"}. `entity`
  // (may be empty) keeps one type only.
  Result<Json> Timeline(const EntityType& subject, int64_t id, const std::string& entity, int limit,
                        int64_t offset);
  // The latest dated record linking to it up to today: {at, entity, id}, or null.
  Result<Json> LastContact(const EntityType& subject, const std::string& key);
  static Json LastContactJson(const std::optional<TimelineEntry>& last);
  // Today's date (UTC) as the clock sees it: what read-time derived fields use.
  std::string Today() const;

  // Newest first; the last entry is the creation.
  Result<std::vector<HistoryEntry>> History(const EntityType& type, int64_t id);

  Result<Json> Create(const EntityType& type, const Json& input, const Actor& actor);
  // `expected_version` empty means "any" (If-Match: *).
  Result<Json> Update(const EntityType& type, int64_t id, std::optional<int64_t> expected_version,
                      const Json& patch, const Actor& actor);
  // Deleting a custom_field also removes its values from every record (live or in the
  // trash), each as a new version whose history entry ("remove_field") keeps the value.
  Result<Json> Delete(const EntityType& type, int64_t id, std::optional<int64_t> expected_version,
                      const Actor& actor);
  Result<Json> Restore(const EntityType& type, int64_t id, const Actor& actor);
  // Sets fields Amity maintains (read-only to clients, like a document's file fields) as a new
  // version with its history entry; `action` names it in the history ("upload").
  Result<Json> SetMaintained(const EntityType& type, int64_t id, std::optional<int64_t> expected_version,
                             const Json& fields, const Actor& actor, const char* action);

  // Personal data on request (DESIGN.md; store/personal.cc). Everything held about person `id`:
  // {exported_at, person, history (as HistoryJson writes it), referenced_by: [{entity, id, title,
  // in_trash, paths}], audit (the entries about the person, as AuditJson writes them)}. The
  // records that name the person are found from the declarations (every field that may hold a
  // person, at any depth), not from the link table, which only types on timelines have. Inside
  // an AccessScope: only what its principal may see (404 for the person itself), and only for
  // an admin or auditor of the person's unit (kPermissionDenied). Audited as "person_export";
  // an export that cannot be audited fails.
  Result<Json> ExportPerson(int64_t id, const Actor& actor);
  // Erases person `id` on request, in one transaction: the record is anonymised in place
  // (domain::ErasedPerson) as a new version with the history action "erase", whose entry keeps
  // no value it removed, and every earlier history entry of the person has its values replaced
  // by "erased" (domain::ErasedChanges). The record stays where it is (live, or in the trash),
  // so what refers to it still does. Inside an AccessScope only for an admin of the person's
  // unit (kPermissionDenied). kFailedPrecondition when nothing is left to erase (erased
  // already). Audited as "person_erase", with no personal data in the entry.
  Result<Json> ErasePerson(int64_t id, std::optional<int64_t> expected_version, const Actor& actor);

  // Validates every row (resolving textual references) and creates them all in one
  // transaction, or none: any problem is reported with its line and nothing is written.
  // A dry run does the same work and rolls it back. `progress` (may be empty) is called with
  // the rows done so far.
  Result<ImportReport> Import(const EntityType& type, RowSource& rows, bool dry_run,
                              const Actor& actor,
                              const std::function<void(int64_t)>& progress = {});

  // Loads a dump into a database that holds reference data only (else kFailedPrecondition),
  // in one transaction, all or nothing: every record with its own id, uuid and common fields,
  // every history entry. Records are checked as an import checks them (values, the record's
  // rules, uniqueness, and that every reference points at a record of the dump or the
  // reference data, live or not); references may point forward. Reference data in the dump
  // replaces the database's (same id). Then the accounts, grants, API tokens and the audit log,
  // exactly, when the dump has them (store/access_dump.h: the database must have no users and
  // no audit entries; the chain must verify). Problems come with their file, line and field.
  // The load itself is audited ("restore_dump"), continuing the loaded chain.
  Result<LoadReport> LoadDump(DumpSource& dump);

  // Creates countries and subdivisions from the reference data when the tables are empty.
  Status LoadReferenceData();

 private:
  // Resolves a textual reference (import): an id, a key, a natural key, "scheme:value".
  Result<Json> ResolveReference(Transaction& tx, const domain::Field& field, const Json& value);
  // The same for every reference in `object` with these fields (and in their items), in place;
  // what cannot be resolved is added to `problems` under its path.
  Status ResolveReferences(Transaction& tx, const std::vector<domain::Field>& fields,
                           const std::string& path, Json* object,
                           std::vector<FieldViolation>* problems);
  // Checks references, uniqueness and stored rules of a full record; with `before` (an update),
  // only references the record did not already hold must point at live records.
  Status CheckStored(Transaction& tx, const EntityType& type, const Json& record,
                     std::optional<int64_t> id, const Json* before = nullptr);
  // Unique fields, identifiers and EntityType::unique_together (part of CheckStored).
  Status CheckUnique(Transaction& tx, const EntityType& type, const Json& record,
                     std::optional<int64_t> id);
  // One input row checked as a create checks it, before stored rules: textual references
  // resolved, fields Amity maintains dropped, values decoded, defaults applied, derived fields
  // and the record's own rules. With `stored` (a dump row: `values` itself), no defaults, and
  // the maintained fields are taken from it as they are.
  Result<Json> DecodeRow(Transaction& tx, const EntityType& type, Json values, const Json* stored,
                         const domain::CustomFields& custom);
  // Custom() when `input` sets custom values; else null (nothing to check them against).
  Result<std::shared_ptr<const domain::CustomFields>> CustomFor(const Json& input);
  // The values of custom field `definition` (a custom_field record) removed from every record.
  Status RemoveCustomValues(Transaction& tx, const Json& definition, const Actor& actor);
  Json NewCommon(const Actor& actor) const;
  // Read-time derived fields (EntityType::derive_on_read).
  void OnRead(const EntityType& type, Json* record) const;
  // Advice from EntityType::warn goes back with the written record as "warnings" (an empty list
  // when there is none, for every type that gives advice).
  static void AttachWarnings(const std::vector<FieldViolation>& warnings, Json* record);
  // The record a change applies to, inside `tx`: 404 when there is none, 409 when it is (or,
  // for a restore, is not) in the trash, 412 when `expected_version` is stale. `what` names the
  // change in messages ("change", "delete", "restore").
  Result<Json> LoadForChange(Transaction& tx, const EntityType& type, int64_t id, bool in_trash,
                             std::optional<int64_t> expected_version, const char* what);
  // Writes `after` as the next version of `before` with its history entry.
  Status WriteChange(Transaction& tx, const EntityType& type, int64_t id, const Json& before,
                     Json* after, const Actor& actor, const char* action);
  // The audit log's entry for a record written as `record` (store/audit.h), inside `tx`.
  Status AuditChange(Transaction& tx, const EntityType& type, int64_t id, const Json& record,
                     const Actor& actor, const char* action);
  // The same, and commits.
  Result<Json> CommitChange(Transaction& tx, const EntityType& type, int64_t id,
                            const Json& before, Json after, const Actor& actor, const char* action);

  Store& store_;
  const domain::ReferenceData& ref_;
  const Clock& clock_;

  struct CachedCount {
    int64_t generation;
    std::vector<GroupCount> counts;
  };
  std::mutex custom_mu_;
  std::shared_ptr<const domain::CustomFields> custom_;
  struct CachedLive {
    std::vector<int64_t> generations;  // of every type, in the registry's order
    std::map<std::string, int64_t> counts;
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedCount> count_cache_;
  std::unordered_map<std::string, CachedLive> live_cache_;  // by visibility
};

}  // namespace amity::store
