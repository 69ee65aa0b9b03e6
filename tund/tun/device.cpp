#include "tund/tun/device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tund::tun {

namespace {

ifreq make_ifreq(const std::string& name) {
  ifreq ifr;
  std::memset(&ifr, 0, sizeof(ifr));
  std::memcpy(ifr.ifr_name, name.data(), name.size());  // length checked by the caller
  return ifr;
}

// Applies one TUNSET* ioctl whose argument is an integer.
SysStatus tun_ioctl(int fd, unsigned long request, unsigned long arg, const char* detail) {
  if (ioctl(fd, request, arg) < 0) return sys_fail(SysErrc::TunOpen, errno, detail);
  return {};
}

}  // namespace

SysResult<TunDevice> TunDevice::open(const TunOptions& options) {
  if (options.name.empty() || options.name.size() >= IFNAMSIZ)
    return sys_fail(SysErrc::InvalidConfig, 0, "TUN name empty or longer than IFNAMSIZ-1");
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return sys_fail(SysErrc::TunOpen, errno, "open /dev/net/tun");
  // From here the TunDevice owns fd and closes it on every error path.
  TunDevice dev(fd, options.name, 0);
  ifreq ifr = make_ifreq(options.name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) return sys_fail(SysErrc::TunOpen, errno, "TUNSETIFF");
  dev.name_ = ifr.ifr_name;  // the kernel may have expanded a %d pattern
  if (options.owner) {
    if (auto s = tun_ioctl(fd, TUNSETOWNER, *options.owner, "TUNSETOWNER"); !s) return tl::unexpected(s.error());
  }
  if (options.group) {
    if (auto s = tun_ioctl(fd, TUNSETGROUP, *options.group, "TUNSETGROUP"); !s) return tl::unexpected(s.error());
  }
  if (options.persist) {
    if (auto s = dev.set_persist(true); !s) return tl::unexpected(s.error());
  }
  ifreq idx = make_ifreq(dev.name_);
  if (auto s = dev.link_ioctl(SIOCGIFINDEX, &idx, "SIOCGIFINDEX"); !s) return tl::unexpected(s.error());
  dev.ifindex_ = idx.ifr_ifindex;
  return dev;
}

TunDevice::TunDevice(TunDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)), ifindex_(other.ifindex_) {}

TunDevice& TunDevice::operator=(TunDevice&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    ifindex_ = other.ifindex_;
  }
  return *this;
}

TunDevice::~TunDevice() {
  if (fd_ >= 0) ::close(fd_);
}

SysStatus TunDevice::link_ioctl(unsigned long request, void* ifr, const char* detail) const {
  // Interface ioctls need some socket; a datagram socket is the cheapest.
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return sys_fail(SysErrc::LinkConfig, errno, "socket for interface ioctl");
  int rc = ioctl(s, request, ifr);
  int saved = errno;
  ::close(s);
  if (rc < 0) return sys_fail(SysErrc::LinkConfig, saved, detail);
  return {};
}

SysStatus TunDevice::set_mtu(uint32_t mtu) {
  ifreq ifr = make_ifreq(name_);
  ifr.ifr_mtu = int(mtu);
  return link_ioctl(SIOCSIFMTU, &ifr, "SIOCSIFMTU");
}

SysStatus TunDevice::set_up(bool up) {
  ifreq ifr = make_ifreq(name_);
  if (auto s = link_ioctl(SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS"); !s) return s;
  ifr.ifr_flags = short(up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP));
  return link_ioctl(SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS");
}

SysStatus TunDevice::set_persist(bool persist) {
  return tun_ioctl(fd_, TUNSETPERSIST, persist ? 1 : 0, "TUNSETPERSIST");
}

SysResult<size_t> TunDevice::read(proto::MutByteView buf) {
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) return size_t(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return sys_fail(SysErrc::TunIo, errno, "read from TUN");
  }
}

SysStatus TunDevice::write(proto::ByteView packet) {
  for (;;) {
    ssize_t n = ::write(fd_, packet.data(), packet.size());
    if (n >= 0) {
      if (size_t(n) != packet.size()) return sys_fail(SysErrc::TunIo, EIO, "short write to TUN");
      return {};
    }
    if (errno != EINTR) return sys_fail(SysErrc::TunIo, errno, "write to TUN");
  }
}

SysResult<size_t> TunDevice::read_batch(std::span<const proto::MutByteView> bufs, std::span<size_t> sizes,
                                        size_t offset) {
  if (bufs.empty()) return 0;
  if (sizes.size() < bufs.size() || bufs[0].size() <= offset)
    return sys_fail(SysErrc::InvalidConfig, EINVAL, "read_batch: sizes too short or no room after offset");
  auto n = read(bufs[0].subspan(offset));
  if (!n) return tl::unexpected(n.error());
  if (*n == 0) return 0;
  sizes[0] = *n;
  return 1;
}

SysResult<size_t> TunDevice::write_batch(std::span<const proto::ByteView> bufs, size_t offset) {
  size_t written = 0;
  for (proto::ByteView b : bufs) {
    if (b.size() < offset) return sys_fail(SysErrc::InvalidConfig, EINVAL, "write_batch: offset beyond buffer");
    if (auto s = write(b.subspan(offset)); !s) {
      if (written == 0) return tl::unexpected(s.error());
      break;  // report the partial batch; the next call surfaces the error again
    }
    ++written;
  }
  return written;
}

}  // namespace tund::tun
