#include "tund/control/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tund/control/peer_credentials.h"
#include "tund/control/session.h"

namespace tund::control {

namespace pc = proto::control;
using boost::asio::local::stream_protocol;

namespace {

constexpr mode_t kDirMode = 0755;
constexpr mode_t kSocketMode = 0666;  // any local user may ask; SO_PEERCRED says who it is

// A socket file at `path` that nobody answers on is stale (a crashed tund) and may go.
SysStatus remove_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  if (!S_ISSOCK(st.st_mode))
    return sys_fail(SysErrc::ControlSocket, EEXIST, "control path exists and is not a socket");
  int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return sys_fail(SysErrc::ControlSocket, errno, "socket(AF_UNIX)");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool live = ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(probe);
  if (live) return sys_fail(SysErrc::ControlSocket, EADDRINUSE, "another tund answers there");
  if (::unlink(path.c_str()) != 0)
    return sys_fail(SysErrc::ControlSocket, errno, "removing stale control socket");
  return {};
}

}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, ControlBackend& backend,
                             ServerConfig config)
    : backend_(backend), config_(std::move(config)), acceptor_(io), retry_timer_(io) {
  backend_.attach(this);
}

ControlServer::~ControlServer() {
  backend_.attach(nullptr);
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  while (!sessions_.empty()) {
    auto s = sessions_.begin()->second;  // keep alive across close()
    s->close();
  }
  if (socket_created_) ::unlink(config_.path.c_str());
}

SysStatus ControlServer::start() {
  if (config_.path.empty() || config_.path.size() >= sizeof(sockaddr_un::sun_path))
    return sys_fail(SysErrc::InvalidConfig, ENAMETOOLONG, "control socket path empty or too long");
  std::filesystem::path dir = std::filesystem::path(config_.path).parent_path();
  std::error_code fs_ec;
  if (!dir.empty() && !std::filesystem::exists(dir, fs_ec)) {
    if (!std::filesystem::create_directories(dir, fs_ec))
      return sys_fail(SysErrc::ControlSocket, fs_ec.value(), "creating control socket directory");
    ::chmod(dir.c_str(), kDirMode);
  }
  if (auto st = remove_stale_socket(config_.path); !st) return st;

  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(config_.path), ec);
  if (ec) return sys_fail(SysErrc::ControlSocket, ec.value(), "binding control socket");
  socket_created_ = true;
  if (::chmod(config_.path.c_str(), kSocketMode) != 0)
    return sys_fail(SysErrc::ControlSocket, errno, "chmod control socket");
  acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return sys_fail(SysErrc::ControlSocket, ec.value(), "listen on control socket");
  spdlog::info("control: listening on {}", config_.path);
  accept_next();
  return {};
}

void ControlServer::accept_next() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, stream_protocol::socket s) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) {
      on_accepted(std::move(s));
      return accept_next();
    }
    // EMFILE and friends persist: pause instead of spinning on the failing accept.
    spdlog::warn("control: accept failed: {}; retrying in 100 ms", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec) accept_next();
    });
  });
}

void ControlServer::on_accepted(stream_protocol::socket sock) {
  auto peer = read_peer_credentials(sock.native_handle());
  if (!peer) {
    ++counters_.clients_refused;
    spdlog::warn("control: SO_PEERCRED failed ({}); client refused", std::strerror(errno));
    return;
  }
  if (sessions_.size() >= config_.max_clients) {
    ++counters_.clients_refused;
    spdlog::warn("control: {} clients already; refusing pid {} uid {}", sessions_.size(),
                 peer->pid, peer->uid);
    return;
  }
  ++counters_.clients_accepted;
  ClientContext client{next_id_++, peer->pid, peer->uid, peer->gid, may_bind_privileged(*peer)};
  auto session = std::make_shared<ControlSession>(*this, std::move(sock), client);
  sessions_.emplace(client.id, session);
  session->start();
}

void ControlServer::session_closed(ClientId id) { sessions_.erase(id); }

void ControlServer::connect_result(ClientId client, const pc::ConnectResult& result) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return;
  auto session = it->second;
  session->deliver_connect_result(result);
}

void ControlServer::accepted(ClientId client, const pc::Accepted& conn, UniqueFd carrier) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return;
  auto session = it->second;
  session->deliver_accepted(conn, std::move(carrier));
}

}  // namespace tund::control
