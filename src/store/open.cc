// OpenStore: the engine a database URL names.
#include <algorithm>

#include "store/postgres/pg_store.h"
#include "store/search.h"
#include "store/sqlite/sqlite_store.h"

namespace amity::store {

namespace {
thread_local bool replica_reads = false;
thread_local const Principal* access_principal = nullptr;
}  // namespace

ReplicaReads::ReplicaReads() : previous_(replica_reads) { replica_reads = true; }
ReplicaReads::~ReplicaReads() { replica_reads = previous_; }
bool ReplicaReads::Allowed() { return replica_reads; }

AccessScope::AccessScope(const Principal* principal) : previous_(access_principal) {
  access_principal = principal;
}
AccessScope::~AccessScope() { access_principal = previous_; }
const Principal* AccessScope::Current() { return access_principal; }

bool UnitSet::Has(std::optional<int64_t> unit) const {
  if (all) return true;
  return unit && std::binary_search(units.begin(), units.end(), *unit);
}

namespace {

Result<std::unique_ptr<Store>> OpenEngine(const std::string& url, const std::string& replica_url) {
  auto is_postgres = [](const std::string& u) { return u.starts_with("postgresql://") || u.starts_with("postgres://"); };
  if (!replica_url.empty() && (!is_postgres(url) || !is_postgres(replica_url))) {
    return Fail(ErrorCode::kInvalidArgument,
                "a read replica is a PostgreSQL streaming replica of a PostgreSQL database (postgresql://…)");
  }
  if (is_postgres(url)) {
    PostgresOptions options;
    options.replica_url = replica_url;
    return OpenPostgres(url, options);
  }
  if (url.starts_with("postgresql:") || url.starts_with("postgres:")) {
    return Fail(ErrorCode::kInvalidArgument,
                "a PostgreSQL database is named by a URL like postgresql://user@host:5432/amity, got \"" + url + "\"");
  }
  return OpenSqlite(url.starts_with("sqlite:") ? url.substr(7) : url);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& replica_url) {
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenEngine(url, replica_url));
  // A database migrated to the search tables, or indexed by an older Amity, is indexed now.
  RETURN_IF_ERROR(EnsureSearchIndex(*store));
  return store;
}

}  // namespace amity::store
