#include "tund/icmp/icmp_receiver.h"

#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "proto/ip/packet.h"

namespace tund::icmp {

namespace {

using proto::ip::Family;
using proto::ip::IcmpErrorKind;

constexpr uint32_t kMinMtuV4 = 68;    // RFC 791
constexpr uint32_t kMinMtuV6 = 1280;  // RFC 8200 §5

int open_v4() {
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0) return -1;
  icmp_filter blocked{~(uint32_t(1) << ICMP_DEST_UNREACH)};  // bit set = type dropped
  if (::setsockopt(fd, SOL_RAW, ICMP_FILTER, &blocked, sizeof(blocked)) < 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int open_v6() {
  int fd = ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return -1;
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
  ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
  if (::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

}  // namespace

const char* icmp_drop_name(IcmpDrop d) {
  switch (d) {
    case IcmpDrop::Malformed: return "malformed";
    case IcmpDrop::Ignored: return "ignored";
    case IcmpDrop::NotOurAddress: return "not_our_address";
    case IcmpDrop::NotOurPort: return "not_our_port";
    case IcmpDrop::BadMtu: return "bad_mtu";
    case IcmpDrop::Count: break;
  }
  return "?";
}

std::optional<IcmpDrop> check(const proto::ip::IcmpError& error, const IcmpFilter& filter) {
  const auto& addrs = filter.shared_addresses;
  if (std::find(addrs.begin(), addrs.end(), error.local.addr) == addrs.end()) return IcmpDrop::NotOurAddress;
  const uint16_t port = error.local.port;
  const bool ephemeral = port >= filter.ephemeral.first && port <= filter.ephemeral.last;
  if (!ephemeral && !(filter.listeners && filter.listeners->count(port))) return IcmpDrop::NotOurPort;
  if (error.kind == IcmpErrorKind::PacketTooBig) {
    // IPv4 0 means "not given" (RFC 1191 §5): the TCP layer picks a plateau value.
    const bool v4 = error.local.addr.is_v4();
    if (v4 ? (error.mtu != 0 && error.mtu < kMinMtuV4) : error.mtu < kMinMtuV6) return IcmpDrop::BadMtu;
  }
  return std::nullopt;
}

proto::Result<proto::ip::IcmpError> decode(Family family, proto::ByteView datagram) {
  if (family == Family::V6) return proto::ip::parse_icmpv6(datagram);
  auto outer = proto::ip::parse_ipv4(datagram);
  if (!outer) return tl::unexpected(outer.error());
  return proto::ip::parse_icmpv4(outer->payload);
}

SysResult<IcmpSockets> IcmpSockets::open(bool v4, bool v6) {
  int fd4 = -1;
  if (v4 && (fd4 = open_v4()) < 0) return sys_fail(SysErrc::IcmpSocket, errno, "raw ICMPv4 socket");
  int fd6 = -1;
  if (v6 && (fd6 = open_v6()) < 0) {
    int saved = errno;
    if (fd4 >= 0) ::close(fd4);
    return sys_fail(SysErrc::IcmpSocket, saved, "raw ICMPv6 socket");
  }
  return IcmpSockets(fd4, fd6);
}

IcmpSockets::IcmpSockets(IcmpSockets&& other) noexcept
    : fd4_(std::exchange(other.fd4_, -1)), fd6_(std::exchange(other.fd6_, -1)) {}

IcmpSockets::~IcmpSockets() {
  if (fd4_ >= 0) ::close(fd4_);
  if (fd6_ >= 0) ::close(fd6_);
}

SysResult<size_t> IcmpSockets::receive(Family family, proto::MutByteView buf) {
  const int fd = this->fd(family);
  if (fd < 0) return size_t{0};
  ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return size_t{0};
    return sys_fail(SysErrc::IcmpSocket, errno, "recv on raw ICMP socket");
  }
  // MSG_TRUNC reports the full length; a cut datagram is still parsed up to what we hold.
  return std::min(size_t(n), buf.size());
}

}  // namespace tund::icmp
