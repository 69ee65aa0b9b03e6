#include "tund/routing/netlink.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tund::routing {

namespace {
constexpr size_t kSendBufLen = 4096;     // our messages are < 200 bytes
constexpr size_t kRecvBufLen = 65536;    // large enough that dump batches never truncate

struct CallbackCtx {
  const std::function<void(const nlmsghdr*)>* on_msg;
};

int on_data(const nlmsghdr* msg, void* data) {
  auto* ctx = static_cast<CallbackCtx*>(data);
  if (ctx->on_msg != nullptr) (*ctx->on_msg)(msg);
  return MNL_CB_OK;
}
}  // namespace

SysResult<RtNetlink> RtNetlink::open(int timeout_ms) {
  mnl_socket* sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (sock == nullptr) return sys_fail(SysErrc::Netlink, errno, "open NETLINK_ROUTE socket");
  RtNetlink nl(sock, 0);  // owns sock from here
  if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail(SysErrc::Netlink, errno, "bind netlink");
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  if (setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
    return sys_fail(SysErrc::Netlink, errno, "SO_RCVTIMEO on netlink");
  nl.portid_ = mnl_socket_get_portid(sock);
  nl.send_buf_.resize(kSendBufLen);
  nl.recv_buf_.resize(kRecvBufLen);
  return nl;
}

RtNetlink::RtNetlink(RtNetlink&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)),
      portid_(other.portid_),
      seq_(other.seq_),
      send_buf_(std::move(other.send_buf_)),
      recv_buf_(std::move(other.recv_buf_)) {}

RtNetlink& RtNetlink::operator=(RtNetlink&& other) noexcept {
  if (this != &other) {
    if (sock_ != nullptr) mnl_socket_close(sock_);
    sock_ = std::exchange(other.sock_, nullptr);
    portid_ = other.portid_;
    seq_ = other.seq_;
    send_buf_ = std::move(other.send_buf_);
    recv_buf_ = std::move(other.recv_buf_);
  }
  return *this;
}

RtNetlink::~RtNetlink() {
  if (sock_ != nullptr) mnl_socket_close(sock_);
}

nlmsghdr* RtNetlink::start(uint16_t type, uint16_t flags) {
  std::memset(send_buf_.data(), 0, send_buf_.size());
  nlmsghdr* msg = mnl_nlmsg_put_header(send_buf_.data());
  msg->nlmsg_type = type;
  msg->nlmsg_flags = uint16_t(NLM_F_REQUEST | flags);
  msg->nlmsg_seq = ++seq_;
  return msg;
}

SysStatus RtNetlink::send(nlmsghdr* msg, const char* detail) {
  if (mnl_socket_sendto(sock_, msg, msg->nlmsg_len) < 0) return sys_fail(SysErrc::Netlink, errno, detail);
  return {};
}

SysStatus RtNetlink::receive(uint32_t seq, const std::function<void(const nlmsghdr*)>* on_msg, SysErrc code,
                             const char* detail) {
  CallbackCtx ctx{on_msg};
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(sock_, recv_buf_.data(), recv_buf_.size());
    if (n < 0) return sys_fail(SysErrc::Netlink, errno, detail);  // EAGAIN: timed out
    int rc = mnl_cb_run(recv_buf_.data(), size_t(n), seq, portid_, on_data, &ctx);
    if (rc == MNL_CB_ERROR) {
      // libmnl sets errno from an NLMSG_ERROR reply (the kernel's refusal), or to
      // ESRCH/EPROTO for a reply that does not belong to us.
      return sys_fail(code, errno, detail);
    }
    if (rc == MNL_CB_STOP) return {};  // ack or NLMSG_DONE
  }
}

SysStatus RtNetlink::request(nlmsghdr* msg, SysErrc code, const char* detail) {
  msg->nlmsg_flags |= NLM_F_ACK;
  if (auto s = send(msg, detail); !s) return s;
  return receive(msg->nlmsg_seq, nullptr, code, detail);
}

SysStatus RtNetlink::dump(nlmsghdr* msg, const std::function<void(const nlmsghdr*)>& on_msg,
                          const char* detail) {
  msg->nlmsg_flags |= NLM_F_DUMP;
  if (auto s = send(msg, detail); !s) return s;
  return receive(msg->nlmsg_seq, &on_msg, SysErrc::Netlink, detail);
}

}  // namespace tund::routing
