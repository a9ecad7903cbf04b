// PostgreSQL's own replication under Amity: reads from a streaming replica that never hide this
// process's writes, and writes that go on after the primary fails and its synchronous standby
// is promoted, with every acknowledged write still there.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "domain/registry.h"
#include "io/iso_codes.h"
#include "postgres.h"
#include "support.h"

namespace amity::testing {
namespace {

using domain::Json;

const domain::EntityType& Org() { return *domain::Registry::Get().ByName("organisation"); }

// A store and its records on `url` (and `replica`), with reference data.
struct Opened {
  Opened(const std::string& url, const std::string& replica) {
    auto s = store::OpenStore(url, replica);
    if (!s) throw std::runtime_error(s.error().message);
    store = std::move(*s);
    records = std::make_unique<store::Records>(*store, io::SharedReferenceData(), clock);
    if (auto st = records->LoadReferenceData(); !st) throw std::runtime_error(st.error().message);
  }
  FixedClock clock{1'790'000'000'000};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Records> records;
};

// The names of the organisations `records` lists (inside ReplicaReads when `replica`).
std::vector<std::string> Names(store::Records& records, bool replica) {
  std::optional<store::ReplicaReads> scope;
  if (replica) scope.emplace();
  domain::Query q;
  auto page = records.List(Org(), q);
  std::vector<std::string> out;
  if (!page) return {"error: " + page.error().message};
  for (const Json& r : page->items) out.push_back(r["name"].get<std::string>());
  return out;
}

// Waits (up to ten seconds) until `records`, reading from the replica, lists `n` organisations.
bool SeesOnReplica(store::Records& records, size_t n) {
  for (int i = 0; i < 200; ++i) {
    if (Names(records, true).size() == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(Replication, ReadsComeFromTheReplicaButNeverBehindThisProcesssWrites) {
  PostgresCluster& primary = PostgresCluster::Shared();
  const std::string url = primary.CreateDatabase();
  const std::string db = url.substr(url.rfind('/') + 1);
  auto standby = primary.StartStandby();
  const std::string replica = standby->url_base() + "/" + db;
  Opened writer(url, replica);  // this process writes through it
  Opened other(url, replica);   // another process's view: it writes nothing
  ASSERT_TRUE(writer.records->Create(Org(), {{"name", "Before"}, {"kind", "ngo"}}, store::Actor{"t"}));
  ASSERT_TRUE(SeesOnReplica(*other.records, 1));

  // With replay paused, the replica falls behind.
  standby->Sql(db, "SELECT pg_wal_replay_pause()");
  ASSERT_TRUE(writer.records->Create(Org(), {{"name", "After"}, {"kind", "ngo"}}, store::Actor{"t"}));
  // The writer reads its own write: the replica is behind it, so the primary answers.
  EXPECT_EQ(Names(*writer.records, true), (std::vector<std::string>{"Before", "After"}));
  // The other reads the replica, which has not replayed it: proof that its reads go there.
  EXPECT_EQ(Names(*other.records, true), (std::vector<std::string>{"Before"}));
  // Outside a ReplicaReads scope (reads that feed writes) it is the primary.
  EXPECT_EQ(Names(*other.records, false), (std::vector<std::string>{"Before", "After"}));

  standby->Sql(db, "SELECT pg_wal_replay_resume()");
  EXPECT_TRUE(SeesOnReplica(*other.records, 2));
}

TEST(Replication, WritesGoOnAfterFailoverAndNoAcknowledgedWriteIsLost) {
  // Every commit waits for the standby to have it (docs/DEPLOY.md).
  auto primary = PostgresCluster::StartNew({"synchronous_standby_names = '*'", "synchronous_commit = on"});
  // Once promoted, the standby must not wait for a standby of its own.
  auto standby = primary->StartStandby({"synchronous_standby_names = ''"});
  const std::string url = primary->CreateDatabase();
  const std::string db = url.substr(url.rfind('/') + 1);
  // Both hosts; libpq takes the one that accepts writes.
  const std::string both = "postgresql://amity@127.0.0.1:" + std::to_string(primary->port()) + ",127.0.0.1:" +
                           std::to_string(standby->port()) + "/" + db + "?target_session_attrs=read-write";
  Opened amity(both, "");
  std::vector<int64_t> acknowledged;
  for (int i = 0; i < 20; ++i) {
    auto r = amity.records->Create(Org(), {{"name", "Partner " + std::to_string(i)}, {"kind", "ngo"}}, store::Actor{"t"});
    ASSERT_TRUE(r) << r.error().message;
    acknowledged.push_back((*r)["id"].get<int64_t>());
  }
  primary->Kill();
  standby->Promote();
  // The next write finds the new primary (a client retries a 503 the same way).
  Result<Json> after = Fail(ErrorCode::kUnavailable, "not tried");
  int attempts = 0;
  while (!after && attempts++ < 100) {
    after = amity.records->Create(Org(), {{"name", "After the failover"}, {"kind", "ngo"}}, store::Actor{"t"});
    if (!after) {
      EXPECT_EQ(after.error().code, ErrorCode::kUnavailable) << after.error().message;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_LE(attempts, 2) << "the store should reconnect on its own";
  for (int64_t id : acknowledged) {
    auto r = amity.records->Get(Org(), id);
    EXPECT_TRUE(r) << "acknowledged write " << id << " lost: " << (r ? "" : r.error().message);
  }
  EXPECT_EQ((*amity.store->CountAll())["organisations"], 21);
  EXPECT_EQ(standby->Sql(db, "SELECT pg_is_in_recovery()"), "f\n");
}

}  // namespace
}  // namespace amity::testing
