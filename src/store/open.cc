// OpenStore: the engine a database URL names.
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace amity::store {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return OpenPostgres(url);
  if (url.starts_with("postgresql:") || url.starts_with("postgres:")) {
    return Fail(ErrorCode::kInvalidArgument,
                "a PostgreSQL database is named by a URL like postgresql://user@host:5432/amity, got \"" + url + "\"");
  }
  return OpenSqlite(url.starts_with("sqlite:") ? url.substr(7) : url);
}

}  // namespace amity::store
