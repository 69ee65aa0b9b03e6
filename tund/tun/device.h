// tund's TUN device: a layer-3 interface (IFF_TUN | IFF_NO_PI, no link header) through which
// tund reads and writes whole IP packets (packet-path §2, §12 step 1).
//
// Ownership: a TunDevice owns its fd and closes it on destruction; a non-persistent device
// then disappears together with its routes (the policy rules do not: see routing/).
// Threading: not thread-safe; one event loop owns it. The fd is non-blocking; register fd()
// with the loop and call read*/write* when it is ready.
//
// The batch interface follows wireguard-go's tun.Device: packets live at bufs[i][offset..]
// so that headroom in front of each packet is free for a virtio-net header. Today the batch
// size is 1 and offset is only headroom; the IFF_VNET_HDR / TUNSETOFFLOAD (GSO/TSO, partial
// checksums, packet-path §7) code will live in tund/tun/offload.* and raise it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "proto/common/bytes.h"
#include "tund/sys_error.h"

namespace tund::tun {

// Largest IP packet without offloads (the IPv4/IPv6 length fields are 16 bits).
constexpr size_t kMaxPacketLen = 65535;

struct TunOptions {
  std::string name = "tc0";          // at most IFNAMSIZ-1 characters
  bool persist = false;              // TUNSETPERSIST: outlive the fd (packet-path §5.4)
  std::optional<uid_t> owner;        // TUNSETOWNER: who may re-attach (packet-path §11)
  std::optional<gid_t> group;        // TUNSETGROUP
};

class TunDevice {
 public:
  // Creates the device or attaches to an existing persistent one of that name.
  // Errors: TunOpen with errno (EPERM without CAP_NET_ADMIN, EBUSY if attached elsewhere).
  static SysResult<TunDevice> open(const TunOptions& options);

  TunDevice(TunDevice&& other) noexcept;
  TunDevice& operator=(TunDevice&& other) noexcept;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;
  ~TunDevice();

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }

  // Sets the interface MTU (packet-path §8: at least the largest uplink MTU).
  SysStatus set_mtu(uint32_t mtu);
  // Sets or clears IFF_UP. Routes into the device can only be added while it is up.
  SysStatus set_up(bool up);
  // Clears TUNSETPERSIST so the device goes away when the fd closes.
  SysStatus set_persist(bool persist);

  // Reads one packet into buf (which should hold kMaxPacketLen bytes: the kernel truncates
  // silently). Returns its length, or 0 when no packet is waiting.
  SysResult<size_t> read(proto::MutByteView buf);
  // Writes one whole IP packet. EAGAIN (queue full) is returned as an error: the caller
  // drops the packet, as a full link would.
  SysStatus write(proto::ByteView packet);

  // How many packets one read_batch/write_batch call may move.
  size_t batch_size() const { return 1; }
  // Reads up to min(bufs.size(), batch_size()) packets; packet i goes to bufs[i][offset..]
  // and its length to sizes[i] (sizes.size() >= bufs.size()). Returns the count, 0 if none.
  SysResult<size_t> read_batch(std::span<const proto::MutByteView> bufs, std::span<size_t> sizes,
                               size_t offset);
  // Writes the packets bufs[i][offset..]; returns how many were written before an error.
  SysResult<size_t> write_batch(std::span<const proto::ByteView> bufs, size_t offset);

 private:
  TunDevice(int fd, std::string name, int ifindex) : fd_(fd), name_(std::move(name)), ifindex_(ifindex) {}
  SysStatus link_ioctl(unsigned long request, void* ifr, const char* detail) const;

  int fd_ = -1;
  std::string name_;
  int ifindex_ = 0;
};

}  // namespace tund::tun
