// Test frames for the impair-link middlebox: Ethernet + IPv4/IPv6 + TCP built field by field,
// and a check that a frame still parses as a receiver would (lengths and checksums).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "proto/common/bytes.h"
#include "proto/tcp/segment.h"
#include "tools/impair_link/tamper.h"

namespace impair::test {

struct SegmentSpec {
  bool v6 = false;
  uint8_t flags = kAck;
  uint32_t seq = 1000;
  uint32_t ack = 7;
  uint16_t src_port = 40001;
  uint16_t dst_port = 8080;
  uint16_t urgent = 0;
  proto::Bytes ip_options;   // IPv4 only, a multiple of 4 bytes
  proto::Bytes tcp_options;  // a multiple of 4 bytes
  proto::Bytes payload;
  size_t eth_padding = 0;    // zero bytes after the IP datagram
  bool reverse = false;      // swap addresses and ports (the other direction)
};

// A valid frame (correct lengths and checksums) from 198.18.0.1 / fd00:18::1 to .2 / ::2.
Frame build_frame(const SegmentSpec& s);

// The segment as a receiver parses it: IPv4 header checksum, IP lengths, TCP checksum and
// options all verified (proto::ip::parse_tcp + proto::tcp::parse_segment). The returned
// repr borrows `frame`. Fails the test (ADD_FAILURE) and returns nullopt if anything is wrong.
std::optional<proto::tcp::SegmentRepr> receive(const Frame& frame);

// Names the instances of a test parameterised by "is IPv6".
std::string family_name(const ::testing::TestParamInfo<bool>& info);

// Option bytes of a TCP-ENO option with these contents (padded with NOPs to 4 bytes).
proto::Bytes eno_option(std::initializer_list<uint8_t> contents);

}  // namespace impair::test
