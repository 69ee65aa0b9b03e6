// The core assertion of the simulation: both sides send, both close, and each delivered
// byte stream equals what the other side sent, with clean FIN semantics.
#pragma once

#include <gtest/gtest.h>

#include "tests/sim/sim_util.h"

namespace sim {

struct ExchangeResult {
  Duration elapsed{};  // virtual time until both streams were delivered
};

// A sends n_ab bytes then closes; B sends n_ba bytes then closes. Checks exact streams,
// PeerFin on both sides, Closed(Normal) on both sides, the active closer passing through
// TIME-WAIT, and that every corrupted packet failed the checksum.
::testing::AssertionResult exchange(const PairOptions& opt, uint64_t seed, size_t n_ab,
                                    size_t n_ba, ExchangeResult* result = nullptr);

}  // namespace sim
