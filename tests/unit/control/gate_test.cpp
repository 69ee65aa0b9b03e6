// The carrier gate on this kernel (shim.md §3.3 steps 3, 6, 7; SH-4, SH-6 carrier part).
#include "tund/control/gate.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "tund/control/unique_fd.h"

namespace tund::control {
namespace {

struct Pair {
  UniqueFd app, tund;
  Pair() {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    app.reset(sv[0]);
    tund.reset(sv[1]);
  }
};

short ready(int fd) {
  pollfd p{fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  EXPECT_GE(::poll(&p, 1, 0), 0);
  return p.revents;
}

TEST(CarrierGate, ArmedGateShowsNothingReady) {  // SH-4 (carrier part)
  Pair p;
  auto filler = arm_gate(p.app.get());
  ASSERT_TRUE(filler) << filler.error().message();
  EXPECT_GT(*filler, 0u);
  EXPECT_EQ(ready(p.app.get()), 0);
  char c = 'x';
  EXPECT_EQ(::send(p.app.get(), &c, 1, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(::recv(p.app.get(), &c, 1, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
  int err = -1;
  socklen_t len = sizeof err;
  ASSERT_EQ(::getsockopt(p.app.get(), SOL_SOCKET, SO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, 0);
}

TEST(CarrierGate, OpeningMakesTheAppEndWritable) {  // SH-5 (carrier part)
  Pair p;
  auto filler = arm_gate(p.app.get());
  ASSERT_TRUE(filler);
  ASSERT_TRUE(open_gate(p.tund.get(), *filler));
  EXPECT_EQ(ready(p.app.get()), POLLOUT);
  // No filler byte is left for tund to mistake for application data.
  char c;
  EXPECT_EQ(::recv(p.tund.get(), &c, 1, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST(CarrierGate, FailureLooksLikeAFailedConnect) {  // SH-6 (carrier part)
  Pair p;
  ASSERT_TRUE(arm_gate(p.app.get()));
  p.tund.reset();  // failure: close without reading the filler
  short r = ready(p.app.get());
  EXPECT_TRUE(r & POLLERR) << r;
  EXPECT_TRUE(r & POLLHUP) << r;
  int err = 0;
  socklen_t len = sizeof err;
  ASSERT_EQ(::getsockopt(p.app.get(), SOL_SOCKET, SO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, ECONNRESET);
}

}  // namespace
}  // namespace tund::control
