// proto/control ConnError → errno: the one mapping tund, the shim and tools use
// (shim.md §5.2, api.md §9.3).
#include "proto/control/conn_error.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace proto::control {
namespace {

TEST(ConnErrorMap, KernelErrnoForEachError) {
  EXPECT_EQ(to_errno(ConnError::Refused), ECONNREFUSED);
  EXPECT_EQ(to_errno(ConnError::TimedOut), ETIMEDOUT);
  EXPECT_EQ(to_errno(ConnError::NetUnreachable), ENETUNREACH);
  EXPECT_EQ(to_errno(ConnError::HostUnreachable), EHOSTUNREACH);
  EXPECT_EQ(to_errno(ConnError::AddressInUse), EADDRINUSE);
  EXPECT_EQ(to_errno(ConnError::AddressNotAvailable), EADDRNOTAVAIL);
  EXPECT_EQ(to_errno(ConnError::PrivilegedPort), EACCES);
  EXPECT_EQ(to_errno(ConnError::PolicyDenied), EPERM);
  EXPECT_EQ(to_errno(ConnError::InvalidRequest), EINVAL);
  EXPECT_EQ(to_errno(ConnError::UnknownConnection), ENOTCONN);
  EXPECT_EQ(to_errno(ConnError::ResourceExhausted), ENOBUFS);
  // api.md §9.3 / API-7: ENO refused in mandatory mode looks like a refused connection.
  EXPECT_EQ(to_errno(ConnError::EnoRequired), ECONNREFUSED);
  // RFC 8547 §5, RFC 8548 §3.3, §3.6, §8: integrity failures are errors, never EOF.
  EXPECT_EQ(to_errno(ConnError::KeyExchangeFailed), ECONNRESET);
  EXPECT_EQ(to_errno(ConnError::IntegrityFailure), ECONNRESET);
  EXPECT_EQ(to_errno(ConnError::HandshakeTimeout), ETIMEDOUT);
  EXPECT_EQ(to_errno(ConnError::Reset), ECONNRESET);
  EXPECT_EQ(to_errno(ConnError::Aborted), ECONNABORTED);
  EXPECT_EQ(to_errno(ConnError::TundUnavailable), ENETDOWN);  // SH-47
}

TEST(ConnErrorMap, WireValues) {
  EXPECT_FALSE(conn_error_from_wire(0));
  EXPECT_FALSE(conn_error_from_wire(kConnErrorMax + 1));
  EXPECT_FALSE(conn_error_from_wire(255));
  for (unsigned v = 1; v <= kConnErrorMax; ++v) {
    auto e = conn_error_from_wire(uint8_t(v));
    ASSERT_TRUE(e) << v;
    EXPECT_STRNE(conn_error_name(*e), "unknown") << v;
    EXPECT_NE(to_errno(*e), EIO) << v;
  }
}

}  // namespace
}  // namespace proto::control
