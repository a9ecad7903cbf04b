#pragma once
// A throwaway PostgreSQL 15 cluster for the tests that need a real server: started once per test
// process in its own temporary directory on a free loopback port, gone when the process exits.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace amity::testing {

struct RunResult {
  int exit_code = -1;  // 128 + the signal when the command was killed; 127 when it could not start
  std::string output;  // standard output and error, interleaved
};

// Runs argv (argv[0] a path) in `dir` with no input, as `user` (through runuser, so the caller
// must be root) unless `user` is empty. Standard output and error go to the file `output`, not to
// a pipe: a server the command starts in the background would hold a pipe open forever.
RunResult RunAs(const std::string& user, const std::vector<std::string>& argv,
                const std::filesystem::path& dir, const std::filesystem::path& output);

// Debian's PostgreSQL 15 (initdb, pg_ctl, psql, pg_basebackup…), trust authentication for the
// superuser `amity`, durability off (fsync, synchronous_commit, full_page_writes) for speed.
// initdb and postgres refuse to run as root: as root the binaries run as the `postgres` system
// user, which owns the directory; otherwise they run as the caller.
class PostgresCluster {
 public:
  // The cluster of this process, started on the first call (thread-safe). Throws
  // std::runtime_error saying why it could not start (with the tail of the server's log); later
  // calls throw the same without trying again.
  static PostgresCluster& Shared();

  // Stops the server (immediate mode) and removes the directory.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // A cluster of its own (not the shared one, which other tests of the process use), with
  // `settings` ("synchronous_commit = on") added to its postgresql.conf. Throws.
  static std::unique_ptr<PostgresCluster> StartNew(const std::vector<std::string>& settings = {});
  // A streaming standby of this cluster, made with pg_basebackup -R and started on a port of
  // its own (hot standby: it answers reads), with `settings` added to the configuration it
  // copied. Throws.
  std::unique_ptr<PostgresCluster> StartStandby(const std::vector<std::string>& settings = {});
  // Promotes a standby and waits until it accepts writes. Throws.
  void Promote();
  // Stops the server at once, as a crash would (pg_ctl -m immediate). Throws.
  void Kill();
  // Runs SQL in `database` (psql); throws when it fails. Its output, unaligned and bare.
  std::string Sql(const std::string& database, const std::string& sql);

  // Creates an empty database with a name unique in the cluster and returns its URL
  // (`postgresql://amity@127.0.0.1:PORT/NAME`). Thread-safe. Throws std::runtime_error.
  std::string CreateDatabase();

  // Runs a binary of the cluster's installation (args[0] a name such as "pg_basebackup") as the
  // user that runs the server, in the cluster's directory. Thread-safe.
  RunResult Run(std::vector<std::string> args);

  uint16_t port() const { return port_; }
  const std::string& url_base() const { return url_base_; }  // postgresql://amity@127.0.0.1:PORT
  const std::filesystem::path& dir() const { return dir_; }  // holds data/, log, the socket
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path log_file() const { return dir_ / "log"; }
  // The system user the binaries run as; empty when they run as the caller.
  const std::string& user() const { return user_; }

 private:
  // A new cluster in a new directory: initdb, or a base backup of `primary` when given.
  PostgresCluster(const std::vector<std::string>& settings, const PostgresCluster* primary);
  void StartWatchdog();
  void StopWatchdog();
  void InitDb();
  void Start();

  std::string user_;
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::string url_base_;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;
  std::atomic<int> counter_{0};
};

}  // namespace amity::testing
