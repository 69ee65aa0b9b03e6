// One representative, non-default Frame of every control message type (shared by the
// codec and decoder tests).
#pragma once

#include <vector>

#include "proto/control/messages.h"

namespace proto::control::testing {

inline ip::Endpoint ep(const char* addr, uint16_t port) {
  return ip::Endpoint{*ip::IpAddress::parse(addr), port};
}

inline SecurityInfo encrypted_info() {
  SecurityInfo s;
  s.encrypted = true;
  s.role = Role::B;
  s.tep = 0x23;
  s.aead = 0x0010;
  s.self_gopt = 0x01;
  s.peer_gopt = 0x02;
  s.session_id = Bytes(33, 0xab);
  s.session_id[0] = 0x23;
  return s;
}

inline EnoOptions rich_options() {
  EnoOptions o;
  o.mode = Mode::Required;
  o.passive_role = true;
  o.app_aware = true;
  o.app_aware_mandatory = true;
  o.no_resumption = true;
  o.no_cache = true;
  o.teps = {0x21, 0x23, 0x24};
  o.aeads_offer = {0x0001, 0x0010};
  o.aeads_prefer = {0x0010, 0x0002, 0x0001};
  return o;
}

inline std::vector<Frame> sample_frames() {
  ConnectionStatus st;
  st.token = 7;
  st.state = ConnState::Established;
  st.local = ep("198.18.0.1", 40001);
  st.remote = ep("fd00::2", 443);
  st.mode = Mode::Required;
  st.security = encrypted_info();
  st.error = ConnError::Reset;
  st.owner_pid = 1234;
  st.owner_uid = 1000;
  st.counters = {1, 2, 3, 4, 5};
  return {
      {1, false, Hello{1, 3}},
      {1, false, HelloReply{1, 40000, 40999, {*ip::IpAddress::parse("198.18.0.1"),
                                              *ip::IpAddress::parse("fd00::1")}}},
      {2, true, Connect{ep("198.19.0.2", 80), ep("198.18.0.1", 8080), rich_options(), true}},
      {2, true, ConnectReply{std::nullopt, ep("198.18.0.1", 40001), 0x1122334455667788}},
      {2, false, ConnectReply{ConnError::NetUnreachable, {}, 0}},
      {2, false, ConnectResult{0x1122334455667788, std::nullopt, encrypted_info()}},
      {2, false, ConnectResult{9, ConnError::Refused, {}}},
      {3, false, Listen{ep("::", 8443), 128, rich_options(), true}},
      {3, true, ListenReply{std::nullopt, ep("::", 8443), 99}},
      {3, false, ListenReply{ConnError::PrivilegedPort, {}, 0}},
      {4, false, Unlisten{99}},
      {3, true, Accepted{99, 100, ep("198.19.0.9", 51000), ep("198.18.0.1", 8443), encrypted_info()}},
      {5, false, Shutdown{100, ShutdownHow::Both}},
      {6, false, Abort{100}},
      {6, false, OpReply{ConnError::UnknownConnection}},
      {7, false, StatusQuery{42}},
      {7, false, StatusReply{43, {st, st}}},
      {0, false, Error{Fault::FdMismatch, "file descriptor without fd flag"}},
  };
}

}  // namespace proto::control::testing
