// Hand-built packets for the proto/ip tests. Checksums were computed by an independent
// Python implementation (struct + RFC 1071 sum), not by the code under test.
#pragma once

namespace proto::ip::testpkt {

// IPv4 SYN 198.18.0.2:51000 -> 198.18.0.1:9090, seq 0x01020304, MSS 1460, TTL 64, DF.
// IP checksum aea4, TCP checksum 224d.
inline constexpr const char* kV4Syn =
    "4500002c000040004006aea4c6120002c6120001"
    "c738238201020304000000006002faf0224d0000020405b4";

// IPv6 SYN [fd00:18::2]:51000 -> [fd00:18::1]:9090, same TCP header. TCP checksum b440.
inline constexpr const char* kV6Syn =
    "6000000000180640fd000018000000000000000000000002fd000018000000000000000000000001"
    "c738238201020304000000006002faf0b4400000020405b4";

// IPv4 PSH|ACK 198.18.0.1:40001 -> 198.18.0.2:8080 carrying "hello" (odd TCP length).
// TCP checksum 28fb.
inline constexpr const char* kV4OddPayload =
    "4500002d000040004006aea3c6120001c6120002"
    "9c411f9000000007000000095018faf028fb000068656c6c6f";

}  // namespace proto::ip::testpkt
