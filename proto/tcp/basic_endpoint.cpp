#include "proto/tcp/basic_endpoint.h"

namespace proto::tcp {

TupleKey tuple_key(const FourTuple& t) {
  TupleKey k{};
  size_t at = 0;
  for (const IpAddress* a : {&t.local_addr, &t.remote_addr}) {
    k[at++] = uint8_t(a->bytes().size());
    for (uint8_t b : a->bytes()) k[at++] = b;
    at += 16 - a->bytes().size();
  }
  store_be16(k, at, t.local_port);
  store_be16(k, at + 2, t.remote_port);
  return k;
}

}  // namespace proto::tcp
