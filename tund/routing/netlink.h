// A blocking rtnetlink request/response channel over libmnl, for tund's few routing
// changes (setup, teardown, one rule per listener). Every receive is bounded by a timeout.
//
// Why libmnl and not libnl-route-3: the set of messages is small (rules with the ipproto /
// dport / protocol selectors, one default route per family, rule dumps), libmnl builds the
// exact bytes packet-path §12 documents with no object cache or allocation per message, and
// the dump parsing stays visible in our code. libnl-route-3 would add a cache layer and a
// larger dependency surface for no gain here.
//
// Ownership/threading: owns the socket; not thread-safe; used from setup/teardown paths only.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tund/sys_error.h"

struct mnl_socket;
struct nlmsghdr;

namespace tund::routing {

class RtNetlink {
 public:
  // Opens and binds a NETLINK_ROUTE socket; each receive waits at most timeout_ms.
  static SysResult<RtNetlink> open(int timeout_ms = 2000);
  RtNetlink(RtNetlink&& other) noexcept;
  RtNetlink& operator=(RtNetlink&& other) noexcept;
  RtNetlink(const RtNetlink&) = delete;
  RtNetlink& operator=(const RtNetlink&) = delete;
  ~RtNetlink();

  // A message buffer: start() returns a zeroed header (type and flags set, seq assigned)
  // that libmnl's mnl_nlmsg_put_extra_header / mnl_attr_put* fill in.
  nlmsghdr* start(uint16_t type, uint16_t flags);

  // Sends the message from start() with NLM_F_ACK and waits for the ack. A kernel refusal
  // comes back as `code` with the kernel's errno; socket failures as Netlink.
  SysStatus request(nlmsghdr* msg, SysErrc code, const char* detail);

  // Sends the NLM_F_DUMP message from start() and calls on_msg for every reply message.
  SysStatus dump(nlmsghdr* msg, const std::function<void(const nlmsghdr*)>& on_msg, const char* detail);

 private:
  RtNetlink(mnl_socket* sock, uint32_t portid) : sock_(sock), portid_(portid) {}
  SysStatus send(nlmsghdr* msg, const char* detail);
  // Receives until the reply to `seq` is complete.
  SysStatus receive(uint32_t seq, const std::function<void(const nlmsghdr*)>* on_msg, SysErrc code,
                    const char* detail);

  mnl_socket* sock_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
  std::vector<char> send_buf_;
  std::vector<char> recv_buf_;
};

}  // namespace tund::routing
