// tund control server + client library + `tcpcrypt nc` logic against a fake backend, over a
// real AF_UNIX socket in a temporary directory. Every wait is bounded.
#include "tund/control/server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <sstream>
#include <thread>

#include "proto/control/decoder.h"
#include "tests/unit/control/fake_backend.h"
#include "tools/control_client/control_client.h"
#include "tools/tcpcrypt/nc.h"
#include "tools/tcpcrypt/status_cmd.h"

namespace tund::control {
namespace {

namespace pc = proto::control;
using control_client::ControlClient;
using namespace std::chrono_literals;

constexpr auto kWait = 5s;
constexpr control_client::Timeout kClientTimeout{5000};

proto::ip::Endpoint ep(const char* a, uint16_t port) {
  return {*proto::ip::IpAddress::parse(a), port};
}

// Reads exactly n bytes or until EOF/error/timeout; returns what arrived.
std::string read_some_bytes(int fd, size_t n) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (r <= 0) break;
    out.append(buf, size_t(r));
  }
  return out;
}

// Result of the next read: 0 at EOF, -errno on error, -ETIME if nothing arrives in time.
ssize_t next_read(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return -ETIME;
  char c;
  ssize_t r = ::read(fd, &c, 1);
  return r < 0 ? -errno : r;
}

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tcpcrypt-control-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);
    config_.path = dir_ + "/run/control.sock";  // the server creates run/
  }

  void start_server() {
    server_ = std::make_unique<ControlServer>(io_, backend_, config_);
    auto st = server_->start();
    ASSERT_TRUE(st) << st.error().message();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  // Runs f on the io thread and returns its result (bounded wait).
  template <class F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto fut = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    EXPECT_EQ(fut.wait_for(kWait), std::future_status::ready);
    return fut.get();
  }

  void TearDown() override {
    if (io_thread_.joinable()) {
      on_io([this] { server_.reset(); });  // destroyed on its own thread
      work_.reset();
      io_.stop();
      io_thread_.join();
    }
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Polls pred on the io thread until it holds (bounded).
  template <class P>
  bool eventually(P pred) {
    auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (on_io(pred)) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  ControlClient open_client() {
    auto c = ControlClient::open(config_.path, kClientTimeout);
    EXPECT_TRUE(c) << std::strerror(c ? 0 : c.error());
    return std::move(*c);
  }

  // A raw client socket for sending arbitrary bytes.
  UniqueFd raw_client() {
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, config_.path.c_str(), sizeof(a.sun_path) - 1);
    EXPECT_EQ(::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return s;
  }

  // Reads frames from a raw socket until EOF (bounded); returns them.
  std::vector<pc::Frame> frames_until_eof(int fd) {
    pc::Decoder d;
    std::vector<pc::Frame> out;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) {
        ADD_FAILURE() << "server neither answered nor closed";
        return out;
      }
      uint8_t buf[4096];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return out;
      d.on_bytes(proto::ByteView(buf, size_t(n)));
      while (auto f = d.poll_frame()) {
        if (!*f) break;
        out.push_back(std::move(**f));
      }
    }
  }

  std::string dir_;
  ServerConfig config_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  testing::FakeBackend backend_{io_};
  std::unique_ptr<ControlServer> server_;
  std::thread io_thread_;
};

TEST_F(ControlServerTest, SocketFileAndDirectoryModes) {
  start_server();
  struct stat st {};
  ASSERT_EQ(::stat(config_.path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0666u);
  ASSERT_EQ(::stat((dir_ + "/run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
}

TEST_F(ControlServerTest, ReplacesStaleSocketRefusesLiveOne) {
  std::filesystem::create_directories(dir_ + "/run");
  {  // a stale socket file: bound, then its owner went away
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, config_.path.c_str(), sizeof(a.sun_path) - 1);
    ASSERT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  start_server();
  ControlServer second(io_, backend_, config_);
  auto st = second.start();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().err, EADDRINUSE);
  on_io([this] { backend_.attach(server_.get()); return 0; });  // `second` detached it
}

TEST_F(ControlServerTest, HelloReturnsTAddresses) {
  start_server();
  auto c = open_client();
  auto h = c.hello();
  ASSERT_TRUE(h);
  EXPECT_EQ(h->version, pc::kVersion);
  EXPECT_EQ(h->ephemeral_first, 40000);
  ASSERT_EQ(h->t_addresses.size(), 2u);
  EXPECT_EQ(h->t_addresses[1].to_string(), "fd00::1");
}

TEST_F(ControlServerTest, ConnectDataBothWaysAndHalfClose) {  // SH-36 (carrier half-close)
  start_server();
  auto c = open_client();
  pc::Connect req{ep("198.19.0.2", 80), std::nullopt, {}, false};
  auto conn = c.connect(req);
  ASSERT_TRUE(conn) << std::strerror(conn.error());
  EXPECT_EQ(conn->local, ep("198.18.0.1", uint16_t(40000 + conn->token)));
  auto result = c.wait_connect_result(conn->token, kClientTimeout);
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->error);
  EXPECT_TRUE(result->security.encrypted);
  int fd = conn->carrier.get();
  ASSERT_EQ(::write(fd, "hello", 5), 5);
  EXPECT_EQ(read_some_bytes(fd, 5), "hello");
  ASSERT_EQ(::shutdown(fd, SHUT_WR), 0);  // half-close: the echo side answers with EOF
  EXPECT_EQ(next_read(fd), 0);
}

TEST_F(ControlServerTest, PeerCredentialsReachTheBackend) {
  start_server();
  auto c = open_client();
  ASSERT_TRUE(c.connect(pc::Connect{ep("198.19.0.2", 80), std::nullopt, {}, false}));
  auto seen = on_io([this] { return backend_.clients_seen; });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].pid, ::getpid());
  EXPECT_EQ(seen[0].uid, ::getuid());
  EXPECT_EQ(seen[0].gid, ::getgid());
  EXPECT_EQ(seen[0].may_bind_privileged, ::getuid() == 0);
}

TEST_F(ControlServerTest, SynchronousAndAsynchronousErrorsMapToErrno) {  // SH-6 (errno part)
  start_server();
  auto c = open_client();
  auto unreachable = c.connect(pc::Connect{ep("198.19.0.2", testing::kUnreachablePort), {}, {}, false});
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error(), ENETUNREACH);
  auto conn = c.connect(pc::Connect{ep("198.19.0.2", testing::kRefusedPort), {}, {}, true});
  ASSERT_TRUE(conn);
  auto result = c.wait_connect_result(conn->token, kClientTimeout);
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->error);
  EXPECT_EQ(pc::to_errno(*result->error), ECONNREFUSED);
  EXPECT_FALSE(result->security.encrypted);
  // tund closed its end without reading the filler: like a failed kernel connect.
  EXPECT_EQ(next_read(conn->carrier.get()), -ECONNRESET);
}

TEST_F(ControlServerTest, ShutdownAndAbortReachTheBackend) {
  start_server();
  auto c = open_client();
  auto conn = c.connect(pc::Connect{ep("198.19.0.2", 80), {}, {}, false});
  ASSERT_TRUE(conn);
  EXPECT_TRUE(c.shutdown(conn->token, pc::ShutdownHow::Write));
  EXPECT_TRUE(c.abort(conn->token));
  auto unknown = c.shutdown(9999, pc::ShutdownHow::Read);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), ENOTCONN);
  auto sd = on_io([this] { return backend_.shutdowns; });
  ASSERT_EQ(sd.size(), 2u);
  EXPECT_EQ(sd[0].second, pc::ShutdownHow::Write);
  EXPECT_EQ(sd[1].second, pc::ShutdownHow::Both);
}

TEST_F(ControlServerTest, ListenAndAcceptedConnectionWithAddresses) {
  start_server();
  auto c = open_client();
  auto l = c.listen(pc::Listen{ep("0.0.0.0", 8080), 16, {}, false});
  ASSERT_TRUE(l) << std::strerror(l.error());
  EXPECT_EQ(l->local.port, 8080);
  EXPECT_FALSE(l->listener_carrier);
  on_io([&] { backend_.inject_accept(l->listener, ep("198.19.0.9", 51000)); return 0; });
  auto in = c.accept(l->listener, kClientTimeout);
  ASSERT_TRUE(in) << std::strerror(in.error());
  EXPECT_EQ(in->info.peer, ep("198.19.0.9", 51000));
  EXPECT_EQ(in->info.local, ep("198.18.0.1", 5000));
  EXPECT_TRUE(in->info.security.encrypted);
  ASSERT_EQ(::write(in->carrier.get(), "ping", 4), 4);
  EXPECT_EQ(read_some_bytes(in->carrier.get(), 4), "ping");
  EXPECT_TRUE(c.unlisten(l->listener));
  auto again = c.unlisten(l->listener);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), ENOTCONN);
}

TEST_F(ControlServerTest, ListenerCarrierTravelsAsFd) {
  start_server();
  auto c = open_client();
  auto l = c.listen(pc::Listen{ep("::", 0), 16, {}, true});
  ASSERT_TRUE(l);
  EXPECT_EQ(l->local.port, 5000);
  ASSERT_TRUE(l->listener_carrier);
  int type = 0;
  socklen_t len = sizeof type;
  ASSERT_EQ(::getsockopt(l->listener_carrier.get(), SOL_SOCKET, SO_TYPE, &type, &len), 0);
  EXPECT_EQ(type, SOCK_STREAM);
}

TEST_F(ControlServerTest, ClientDisconnectRemovesItsListeners) {
  start_server();
  uint64_t plain = 0, carried = 0;
  {
    auto c = open_client();
    auto a = c.listen(pc::Listen{ep("0.0.0.0", 8081), 16, {}, false});
    auto b = c.listen(pc::Listen{ep("0.0.0.0", 8082), 16, {}, true});
    ASSERT_TRUE(a && b);
    plain = a->listener;
    carried = b->listener;
  }  // client closes
  ASSERT_TRUE(eventually([&] { return backend_.unlistened.size() == 1; }));
  EXPECT_EQ(on_io([&] { return backend_.unlistened[0]; }), plain);
  // A listener with a listener carrier outlives the channel (fork/daemon/exec, shim.md §3.7).
  EXPECT_TRUE(on_io([&] { return backend_.listeners.count(carried) == 1; }));
  EXPECT_TRUE(eventually([&] { return server_->client_count() == 0; }));
}

TEST_F(ControlServerTest, PrivilegedPortNeedsPrivilege) {  // SH-32 (control part)
  start_server();
  if (::geteuid() != 0) {
    auto c = open_client();
    auto l = c.listen(pc::Listen{ep("0.0.0.0", 80), 16, {}, false});
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error(), EACCES);
    return;
  }
  auto c = open_client();
  EXPECT_TRUE(c.listen(pc::Listen{ep("0.0.0.0", 80), 16, {}, false}));  // root may
  // An unprivileged child (nobody, no capabilities) may not; port 0 and 1024 are fine.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    auto child = ControlClient::open(config_.path, kClientTimeout);
    if (!child) ::_exit(11);
    auto low = child->listen(pc::Listen{ep("0.0.0.0", 80), 16, {}, false});
    auto low_connect = child->connect(pc::Connect{ep("198.19.0.2", 80), ep("0.0.0.0", 22), {}, false});
    auto high = child->listen(pc::Listen{ep("0.0.0.0", 1024), 16, {}, false});
    auto any = child->listen(pc::Listen{ep("0.0.0.0", 0), 16, {}, false});
    bool ok = !low && low.error() == EACCES && !low_connect && low_connect.error() == EACCES &&
              high && any;
    ::_exit(ok ? 0 : 12);
  }
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (::waitpid(pid, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  if (std::chrono::steady_clock::now() >= deadline) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "unprivileged child did not finish";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ControlServerTest, MalformedMessageGetsErrorDisconnectAndCounter) {
  start_server();
  UniqueFd raw = raw_client();
  const char junk[] = "GET / HTTP/1.0\r\n\r\n";
  ASSERT_EQ(::write(raw.get(), junk, sizeof junk - 1), ssize_t(sizeof junk - 1));
  auto frames = frames_until_eof(raw.get());
  ASSERT_EQ(frames.size(), 1u);
  auto* err = std::get_if<pc::Error>(&frames[0].body);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->fault, pc::Fault::Malformed);
  EXPECT_EQ(on_io([this] { return server_->counters().bad_messages; }), 1u);
  // The server keeps serving others.
  auto c = open_client();
  EXPECT_TRUE(c.hello());
}

TEST_F(ControlServerTest, WrongVersionOversizedAndReplyTypes) {
  start_server();
  auto expect_fault = [&](proto::Bytes bytes, pc::Fault want) {
    UniqueFd raw = raw_client();
    ASSERT_EQ(::write(raw.get(), bytes.data(), bytes.size()), ssize_t(bytes.size()));
    auto frames = frames_until_eof(raw.get());
    ASSERT_EQ(frames.size(), 1u);
    auto* err = std::get_if<pc::Error>(&frames[0].body);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->fault, want);
  };
  proto::Bytes v = *pc::encode(pc::Frame{1, false, pc::Hello{}});
  v[2] = 2;
  expect_fault(v, pc::Fault::UnsupportedVersion);
  proto::Bytes big;  // a Hello header announcing a 1 GiB body
  proto::put_be16(big, pc::kMagic);
  proto::put_u8(big, pc::kVersion);
  proto::put_u8(big, uint8_t(pc::MessageType::Hello));
  proto::put_be16(big, 0);
  proto::put_be32(big, 1);
  proto::put_be32(big, 1u << 30);
  expect_fault(big, pc::Fault::TooLarge);
  expect_fault(*pc::encode(pc::Frame{1, false, pc::OpReply{}}), pc::Fault::UnexpectedMessage);
  expect_fault(*pc::encode(pc::Frame{1, false, pc::Hello{2, 3}}), pc::Fault::UnsupportedVersion);
  EXPECT_EQ(on_io([this] { return server_->counters().bad_messages; }), 4u);
}

TEST_F(ControlServerTest, FdWithoutFlagAndFlagWithoutFd) {
  start_server();
  auto send_raw = [&](const pc::Frame& f, int fd) {
    UniqueFd raw = raw_client();
    proto::Bytes b = *pc::encode(f);
    iovec iov{b.data(), b.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
      msg.msg_control = ctl;
      msg.msg_controllen = sizeof ctl;
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    EXPECT_EQ(::sendmsg(raw.get(), &msg, 0), ssize_t(b.size()));
    // Requests before the mismatch is noticed may be answered; the last frame is the Error.
    auto frames = frames_until_eof(raw.get());
    auto* err = frames.empty() ? nullptr : std::get_if<pc::Error>(&frames.back().body);
    return err ? err->fault : pc::Fault::Malformed;
  };
  UniqueFd spare(::dup(0));
  EXPECT_EQ(send_raw(pc::Frame{1, false, pc::Hello{}}, spare.get()), pc::Fault::FdMismatch);
  EXPECT_EQ(send_raw(pc::Frame{1, true, pc::Connect{ep("198.19.0.2", 80), {}, {}, false}}, -1),
            pc::Fault::FdMismatch);
  // A placeholder fd announced by the flag is accepted.
  auto c = open_client();
  UniqueFd placeholder(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(c.connect(pc::Connect{ep("198.19.0.2", 80), {}, {}, false}, placeholder.get()));
}

TEST_F(ControlServerTest, MaxClients) {
  config_.max_clients = 1;
  start_server();
  auto first = open_client();
  ASSERT_TRUE(first.hello());
  auto second = open_client();
  auto h = second.hello();
  ASSERT_FALSE(h);
  EXPECT_TRUE(h.error() == ECONNRESET || h.error() == EPIPE) << std::strerror(h.error());
  EXPECT_EQ(on_io([this] { return server_->counters().clients_refused; }), 1u);
}

TEST_F(ControlServerTest, StatusIsPaged) {
  config_.status_page = 50;
  start_server();
  on_io([this] { return backend_.extra_status_entries = 120; });
  auto c = open_client();
  ASSERT_TRUE(c.connect(pc::Connect{ep("198.19.0.2", 80), {}, {}, false}));
  auto all = c.status();
  ASSERT_TRUE(all) << std::strerror(all.error());
  ASSERT_EQ(all->size(), 121u);
  for (size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i - 1].token, (*all)[i].token);
  EXPECT_EQ((*all)[0].owner_pid, uint32_t(::getpid()));
}

// --- `tcpcrypt nc` logic against the fake tund ---

struct NcRun {
  int status = -1;
  std::string out, log;
};

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe2(fds_, O_CLOEXEC), 0); }
  ~Pipe() { close_read(), close_write(); }
  int r() const { return fds_[0]; }
  int w() const { return fds_[1]; }
  void close_read() { if (fds_[0] >= 0) ::close(std::exchange(fds_[0], -1)); }
  void close_write() { if (fds_[1] >= 0) ::close(std::exchange(fds_[1], -1)); }

 private:
  int fds_[2] = {-1, -1};
};

// Runs nc with `input` on its stdin; `while_running` runs meanwhile on the test thread.
template <class F>
NcRun run_nc(const tcpcrypt_cli::NcOptions& o, const std::string& input, F while_running) {
  Pipe in, out;
  EXPECT_EQ(::write(in.w(), input.data(), input.size()), ssize_t(input.size()));
  in.close_write();
  std::ostringstream log;
  auto fut = std::async(std::launch::async,
                        [&] { return tcpcrypt_cli::run_nc(o, in.r(), out.w(), log); });
  while_running();
  NcRun run;
  if (fut.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "nc did not finish";
    std::abort();  // a hung relay thread cannot be joined; fail loudly instead of hanging
  }
  run.status = fut.get();
  out.close_write();
  run.out = read_some_bytes(out.r(), 1 << 20);
  run.log = log.str();
  return run;
}

TEST_F(ControlServerTest, NcConnectEchoesAndHalfCloses) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.host = "198.19.0.2";
  o.port = 7;
  o.verbose = true;
  auto run = run_nc(o, "line one\nline two\n", [] {});
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_EQ(run.out, "line one\nline two\n");  // echoed, then EOF after our half-close
  EXPECT_NE(run.log.find("encrypted (TEP 0x23"), std::string::npos) << run.log;
}

TEST_F(ControlServerTest, NcReportsErrnoText) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.host = "198.19.0.2";
  o.port = testing::kRefusedPort;
  auto run = run_nc(o, "", [] {});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.log.find(std::strerror(ECONNREFUSED)), std::string::npos) << run.log;
  o.port = testing::kUnreachablePort;
  run = run_nc(o, "", [] {});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.log.find(std::strerror(ENETUNREACH)), std::string::npos) << run.log;
  o.control_path = dir_ + "/nothing.sock";
  run = run_nc(o, "", [] {});
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.log.find(std::strerror(ENOENT)), std::string::npos) << run.log;
}

TEST_F(ControlServerTest, NcListenAcceptsOneConnection) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.listen = true;
  o.port = 9000;
  auto run = run_nc(o, "pong", [&] {
    ASSERT_TRUE(eventually([&] { return !backend_.listeners.empty(); }));
    on_io([&] {
      backend_.inject_accept(backend_.listeners.begin()->first, ep("198.19.0.7", 5555));
      return 0;
    });
  });
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_EQ(run.out, "pong");
  EXPECT_NE(run.log.find("connection from 198.19.0.7:5555 to 198.18.0.1:5000, encrypted"),
            std::string::npos)
      << run.log;
}

// `nc --print-security` prints the outcome in the form scripts grep (status_format.h).
constexpr const char* kSampleSecurityLine =
    "security encrypted=1 tep=TCPCRYPT_ECDHE_Curve25519 aead=AEAD_CHACHA20_POLY1305 role=B "
    "sid=23abababababababababababababababababababababababababababababababab\n";

pc::EnoOptions sample_eno_options() {
  pc::EnoOptions eno;
  eno.mode = pc::Mode::Required;
  eno.teps = {0x21, 0x23};
  eno.aeads_offer = eno.aeads_prefer = {0x0002, 0x0001};
  eno.app_aware = true;
  eno.no_resumption = true;
  return eno;
}

TEST_F(ControlServerTest, NcConnectSendsEnoOptionsAndPrintsSecurity) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.host = "198.19.0.2";
  o.port = 7;
  o.print_security = true;
  o.eno = sample_eno_options();
  auto run = run_nc(o, "x", [] {});
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_NE(run.log.find(kSampleSecurityLine), std::string::npos) << run.log;
  auto seen = on_io([this] { return backend_.eno_options_seen; });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], sample_eno_options());
}

TEST_F(ControlServerTest, NcListenSendsEnoOptionsAndPrintsSecurity) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.listen = true;
  o.port = 9000;
  o.print_security = true;
  o.eno = sample_eno_options();
  auto run = run_nc(o, "", [&] {
    ASSERT_TRUE(eventually([&] { return !backend_.listeners.empty(); }));
    on_io([&] {
      backend_.inject_accept(backend_.listeners.begin()->first, ep("198.19.0.7", 5555));
      return 0;
    });
  });
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_NE(run.log.find(kSampleSecurityLine), std::string::npos) << run.log;
  auto seen = on_io([this] { return backend_.eno_options_seen; });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], sample_eno_options());
}

TEST_F(ControlServerTest, NcPrintsNoSecurityLineUnlessAsked) {
  start_server();
  tcpcrypt_cli::NcOptions o;
  o.control_path = config_.path;
  o.host = "198.19.0.2";
  o.port = 7;
  auto run = run_nc(o, "x", [] {});
  EXPECT_EQ(run.status, 0) << run.log;
  EXPECT_EQ(run.log.find("security "), std::string::npos) << run.log;
}

// `tcpcrypt status`: every page, one line per connection, or one JSON object.
TEST_F(ControlServerTest, StatusCommandListsEveryConnection) {
  config_.status_page = 2;
  start_server();
  on_io([this] { return backend_.extra_status_entries = 4; });
  std::ostringstream out, err;
  EXPECT_EQ(tcpcrypt_cli::run_status(config_.path, false, out, err), 0) << err.str();
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_EQ(text.rfind("token=1000000 state=connecting ", 0), 0u) << text;
  std::ostringstream json_out;
  EXPECT_EQ(tcpcrypt_cli::run_status(config_.path, true, json_out, err), 0) << err.str();
  auto j = nlohmann::json::parse(json_out.str());
  ASSERT_EQ(j["connections"].size(), 4u);
  EXPECT_EQ(j["connections"][3]["token"], 1000003);
  EXPECT_TRUE(err.str().empty()) << err.str();
}

TEST_F(ControlServerTest, StatusCommandFailsWithoutTund) {
  std::ostringstream out, err;
  EXPECT_EQ(tcpcrypt_cli::run_status(dir_ + "/nothing.sock", false, out, err), 1);
  EXPECT_TRUE(out.str().empty());
  EXPECT_NE(err.str().find(std::strerror(ENOENT)), std::string::npos) << err.str();
}

}  // namespace
}  // namespace tund::control
