#include "postgres.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace amity::testing {

namespace fs = std::filesystem;

namespace {

const fs::path kBinDir = "/usr/lib/postgresql/15/bin";

// Starts args (args[0] looked up in PATH) in `dir`, reading `in` (a descriptor, or /dev/null
// when -1) and writing stdout and stderr to the file `out`. Returns the child, or -1 with errno.
pid_t Spawn(const std::vector<std::string>& args, const fs::path& dir, int in, const fs::path& out,
            short flags = 0) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in >= 0) {
    posix_spawn_file_actions_adddup2(&actions, in, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, flags);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int err = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  errno = err;
  return err == 0 ? pid : -1;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `lines` lines of `text`: where a failing command says why.
std::string Tail(const std::string& text, int lines = 30) {
  if (text.empty()) return text;
  size_t pos = text.size() - 1;  // a newline ending the text does not start a line
  while (lines-- > 0) {
    pos = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

// A TCP port nobody listens on now. Another process may take it before the server binds it:
// the caller tries again with another.
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  int err = errno;
  close(fd);
  if (!ok) {
    throw std::runtime_error(std::string("no free port on 127.0.0.1: ") + std::strerror(err));
  }
  return ntohs(addr.sin_port);
}

}  // namespace

RunResult RunAs(const std::string& user, const std::vector<std::string>& argv, const fs::path& dir,
                const fs::path& output) {
  std::vector<std::string> args = argv;
  if (!user.empty()) args.insert(args.begin(), {"runuser", "-u", user, "--"});
  RunResult r;
  pid_t pid = Spawn(args, dir, -1, output);
  if (pid < 0) {
    r.exit_code = 127;
    r.output = "cannot run " + args[0] + ": " + std::strerror(errno);
    return r;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.output = ReadFile(output);
  return r;
}

PostgresCluster& PostgresCluster::Shared() {
  static std::mutex mu;
  static std::unique_ptr<PostgresCluster> cluster;  // destroyed at exit, which stops the server
  static std::string failure;
  std::lock_guard lock(mu);
  if (!cluster && failure.empty()) {
    try {
      cluster.reset(new PostgresCluster({}, nullptr));
    } catch (const std::exception& e) {
      failure = e.what();  // every test of the process gets the same reason, without a new wait
    }
  }
  if (!cluster) throw std::runtime_error(failure);
  return *cluster;
}

std::unique_ptr<PostgresCluster> PostgresCluster::StartNew(const std::vector<std::string>& settings) {
  return std::unique_ptr<PostgresCluster>(new PostgresCluster(settings, nullptr));
}

std::unique_ptr<PostgresCluster> PostgresCluster::StartStandby(const std::vector<std::string>& settings) {
  return std::unique_ptr<PostgresCluster>(new PostgresCluster(settings, this));
}

void PostgresCluster::Promote() {
  RunResult r = Run({"pg_ctl", "-D", data_dir().string(), "-w", "promote"});
  if (r.exit_code != 0) throw std::runtime_error("pg_ctl promote failed:\n" + Tail(r.output));
}

void PostgresCluster::Kill() {
  RunResult r = Run({"pg_ctl", "-D", data_dir().string(), "-m", "immediate", "stop"});
  if (r.exit_code != 0) throw std::runtime_error("pg_ctl stop failed:\n" + Tail(r.output));
}

std::string PostgresCluster::Sql(const std::string& database, const std::string& sql) {
  RunResult r = Run({"psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                     "amity", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql});
  if (r.exit_code != 0) throw std::runtime_error(sql + " failed:\n" + Tail(r.output));
  return r.output;
}

PostgresCluster::PostgresCluster(const std::vector<std::string>& settings, const PostgresCluster* primary) {
  if (!fs::exists(kBinDir / "initdb")) {
    throw std::runtime_error("PostgreSQL 15 is not installed: no " + (kBinDir / "initdb").string() +
                             " (scripts/deps.sh test installs the postgresql package)");
  }
  const passwd* owner = nullptr;
  if (geteuid() == 0) {
    owner = getpwnam("postgres");
    if (!owner) {
      throw std::runtime_error(
          "running as root, but there is no `postgres` user to run PostgreSQL as (initdb and "
          "postgres refuse root; Debian's postgresql package creates the user)");
    }
    user_ = "postgres";
  }
  std::string name = (fs::temp_directory_path() / "amity-pg-XXXXXX").string();
  if (!mkdtemp(name.data())) {  // mode 0700, as postgres wants its socket directory
    throw std::runtime_error("mkdtemp " + name + ": " + std::strerror(errno));
  }
  dir_ = name;
  if (owner && chown(dir_.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
    int err = errno;
    fs::remove(dir_);
    throw std::runtime_error("chown " + dir_.string() + " to postgres: " + std::strerror(err));
  }
  StartWatchdog();
  try {
    if (primary) {
      RunResult r = Run({"pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(primary->port()), "-U",
                         "amity", "-D", data_dir().string(), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"});
      if (r.exit_code != 0) throw std::runtime_error("pg_basebackup failed:\n" + Tail(r.output));
    } else {
      InitDb();
    }
    // Durability off for speed (the cluster dies with the process; a crash test kills the server,
    // not the machine), unless `settings`, later in the file, say otherwise. A standby copies
    // its primary's file.
    std::vector<std::string> lines = settings;
    if (!primary) lines.insert(lines.begin(), {"fsync = off", "synchronous_commit = off", "full_page_writes = off"});
    if (!lines.empty()) {
      std::ofstream conf(data_dir() / "postgresql.conf", std::ios::app);
      for (const std::string& line : lines) conf << line << "\n";
      if (!conf) throw std::runtime_error("cannot write " + (data_dir() / "postgresql.conf").string());
    }
    Start();
  } catch (...) {
    StopWatchdog();
    throw;
  }
}

PostgresCluster::~PostgresCluster() { StopWatchdog(); }

// A static destructor does not run when the test process crashes or is killed (a sanitizer
// abort, a ctest timeout), and the server, in its own session since pg_ctl started it, would
// live on. So a small shell, in a session of its own too, waits for the end of a pipe only this
// process writes to; when the process ends, however it ends, the shell stops the server and
// removes the directory. The destructor just closes the pipe and waits for it.
void PostgresCluster::StartWatchdog() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    int err = errno;
    fs::remove(dir_);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(err));
  }
  std::vector<std::string> args = {"sh", "-c",
                                   "cat > /dev/null; dir=$1; shift; \"$@\"; rm -rf -- \"$dir\"",
                                   "amity-pg-watchdog", dir_.string()};
  if (!user_.empty()) args.insert(args.end(), {"runuser", "-u", user_, "--"});
  args.insert(args.end(), {(kBinDir / "pg_ctl").string(), "-D", data_dir().string(), "-m",
                           "immediate", "stop"});
  watchdog_ = Spawn(args, "/", fds[0], "/dev/null", POSIX_SPAWN_SETSID);
  int err = errno;
  close(fds[0]);
  if (watchdog_ < 0) {
    close(fds[1]);
    fs::remove(dir_);
    throw std::runtime_error(std::string("cannot start sh: ") + std::strerror(err));
  }
  watchdog_pipe_ = fds[1];
}

void PostgresCluster::StopWatchdog() {
  if (watchdog_ < 0) return;
  close(watchdog_pipe_);
  int status = 0;
  while (waitpid(watchdog_, &status, 0) < 0 && errno == EINTR) {
  }
  watchdog_ = -1;
}

void PostgresCluster::InitDb() {
  std::vector<std::string> args = {"initdb", "-D", data_dir().string(), "-U", "amity",
                                   "--auth=trust", "--encoding=UTF8",
                                   "--no-sync",  // the cluster does not outlive the process
                                   "--locale=C.UTF-8"};
  RunResult r = Run(args);
  if (r.exit_code != 0 && r.output.find("locale") != std::string::npos) {
    args.back() = "--locale=C";  // a C library without C.UTF-8; initdb removed what it wrote
    r = Run(args);
  }
  if (r.exit_code != 0) {
    throw std::runtime_error("initdb in " + dir_.string() + " failed (exit " +
                             std::to_string(r.exit_code) + "):\n" + Tail(r.output));
  }
}

void PostgresCluster::Start() {
  for (int attempt = 1;; ++attempt) {
    port_ = FreePort();
    // pg_ctl hands -o to a shell: the directory is quoted (mkdtemp names need nothing more).
    std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k '" +
                          dir_.string() +
                          "' -c max_connections=200";
    std::error_code ec;
    fs::remove(log_file(), ec);  // so the log read below is this attempt's
    RunResult r = Run({"pg_ctl", "-D", data_dir().string(), "-l", log_file().string(), "-w", "-o",
                       options, "start"});
    if (r.exit_code == 0) break;
    std::string log = Tail(ReadFile(log_file()));
    if (attempt < 5 && log.find("Address already in use") != std::string::npos) continue;
    throw std::runtime_error("PostgreSQL did not start on port " + std::to_string(port_) +
                             " (pg_ctl exit " + std::to_string(r.exit_code) + "):\n" +
                             Tail(r.output) + "\n" + log_file().string() + ":\n" + log);
  }
  url_base_ = "postgresql://amity@127.0.0.1:" + std::to_string(port_);
}

std::string PostgresCluster::CreateDatabase() {
  std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
  RunResult r =
      Run({"psql", "-X", "-q", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "amity", "-d",
           "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE " + name});
  if (r.exit_code != 0) {
    throw std::runtime_error("CREATE DATABASE " + name + " failed (psql exit " +
                             std::to_string(r.exit_code) + "):\n" + Tail(r.output));
  }
  return url_base_ + "/" + name;
}

RunResult PostgresCluster::Run(std::vector<std::string> args) {
  args[0] = (kBinDir / args[0]).string();
  fs::path output = dir_ / ("run-" + std::to_string(++counter_) + ".out");
  RunResult r = RunAs(user_, args, dir_, output);
  std::error_code ec;
  fs::remove(output, ec);
  return r;
}

}  // namespace amity::testing
