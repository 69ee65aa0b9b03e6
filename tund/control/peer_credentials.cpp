#include "tund/control/peer_credentials.h"

#include <sys/socket.h>

#include <fstream>
#include <string>

namespace tund::control {
namespace {

constexpr unsigned kCapNetBindService = 10;  // linux/capability.h

}  // namespace

std::optional<PeerCredentials> read_peer_credentials(int sock) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
  return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

bool may_bind_privileged(const PeerCredentials& peer) {
  if (peer.uid == 0) return true;
  std::ifstream status("/proc/" + std::to_string(peer.pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    try {
      unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
      return (caps >> kCapNetBindService) & 1;
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

}  // namespace tund::control
