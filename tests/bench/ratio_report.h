// A main() for benchmarks that measure our code beside the raw library primitive in the
// same run. Benchmarks named ".../ours/..." and ".../raw/..." (same name otherwise) form a
// pair; after the usual console table one line per pair is printed:
//   ratio frames/aes128gcm/16384: cpu time ours/raw = 1.04  throughput ours/raw = 0.96
// Not thread-safe; call once from main().
#pragma once

namespace bench {

// Runs every registered benchmark (command-line flags as for BENCHMARK_MAIN) and prints
// the ratio lines. Returns the process exit code.
int run_with_ratios(int argc, char** argv);

}  // namespace bench
