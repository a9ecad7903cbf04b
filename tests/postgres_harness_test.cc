// The throwaway PostgreSQL cluster the PostgreSQL store's tests run against: a real server of the
// version we support, databases that see nothing of each other, binaries run as its user.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "postgres.h"

namespace amity::testing {
namespace {

// The shared cluster, or a failed test saying why it could not start.
PostgresCluster* Cluster() {
  try {
    return &PostgresCluster::Shared();
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
    return nullptr;
  }
}

// The first field of the one row `sql` returns, in a transaction on a new connection.
std::string One(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::work w(c);
  std::string value = w.exec1(sql)[0].as<std::string>();
  w.commit();
  return value;
}

TEST(PostgresHarness, ServerIsVersion15) {
  PostgresCluster* cluster = Cluster();
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(One(cluster->CreateDatabase(), "SHOW server_version").substr(0, 3), "15.");
}

TEST(PostgresHarness, EachDatabaseIsItsOwn) {
  PostgresCluster* cluster = Cluster();
  ASSERT_NE(cluster, nullptr);
  std::string a = cluster->CreateDatabase(), b = cluster->CreateDatabase();
  ASSERT_NE(a, b);
  EXPECT_EQ(a.rfind(cluster->url_base() + "/", 0), 0u) << a;
  EXPECT_EQ(a.substr(a.rfind('/') + 1), One(a, "SELECT current_database()"));
  {
    pqxx::connection c(a);
    pqxx::work w(c);
    w.exec0("CREATE TABLE marker (id integer)");
    w.commit();
  }
  EXPECT_EQ(One(a, "SELECT to_regclass('marker') IS NOT NULL"), "t");
  EXPECT_EQ(One(b, "SELECT to_regclass('marker') IS NOT NULL"), "f");
}

// What replication tests will do: a base backup, taken by the server's own user.
TEST(PostgresHarness, RunsBinariesAsTheServerUser) {
  PostgresCluster* cluster = Cluster();
  ASSERT_NE(cluster, nullptr);
  RunResult r = cluster->Run({"pg_basebackup", "-h", "127.0.0.1", "-p",
                              std::to_string(cluster->port()), "-U", "amity", "-D",
                              (cluster->dir() / "backup").string(), "-c", "fast", "--no-sync"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(cluster->dir() / "backup" / "PG_VERSION"));
}

}  // namespace
}  // namespace amity::testing
