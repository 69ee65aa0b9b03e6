// Per-packet costs of proto/ip: every segment tund sends or receives pays these.
#include <benchmark/benchmark.h>

#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"

namespace {

using proto::Bytes;

void BM_TcpChecksum(benchmark::State& state) {
  Bytes seg(size_t(state.range(0)), 0x5a);
  auto src = *proto::ip::IpAddress::parse("198.18.0.1"), dst = *proto::ip::IpAddress::parse("198.18.0.2");
  for (auto _ : state) benchmark::DoNotOptimize(proto::ip::tcp_checksum(src.bytes(), dst.bytes(), seg));
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
}
BENCHMARK(BM_TcpChecksum)->Arg(20)->Arg(1460)->Arg(65535);

void BM_ParseAndEmit(benchmark::State& state) {
  auto src = *proto::ip::IpAddress::parse("fd00:18::1"), dst = *proto::ip::IpAddress::parse("fd00:18::2");
  Bytes pkt(40 + 1460, 0);
  (void)proto::ip::emit_tcp_header(pkt, src, dst, 1460);
  for (auto _ : state) {
    benchmark::DoNotOptimize(proto::ip::emit_tcp_header(pkt, src, dst, 1460));
    benchmark::DoNotOptimize(proto::ip::parse_tcp(pkt));
  }
}
BENCHMARK(BM_ParseAndEmit);

void BM_ParseIpv4(benchmark::State& state) {
  auto src = *proto::ip::IpAddress::parse("198.18.0.1"), dst = *proto::ip::IpAddress::parse("198.18.0.2");
  Bytes pkt(20 + 1460, 0);
  (void)proto::ip::emit_tcp_header(pkt, src, dst, 1460);
  for (auto _ : state) benchmark::DoNotOptimize(proto::ip::parse_tcp(pkt));
}
BENCHMARK(BM_ParseIpv4);

}  // namespace
