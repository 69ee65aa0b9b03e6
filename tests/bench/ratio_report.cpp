#include "tests/bench/ratio_report.h"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace bench {

namespace {

constexpr const char* kOurs = "/ours/";
constexpr const char* kRaw = "/raw/";

// The console table as usual (colour only on a terminal, so that piped output has one
// plain "ratio" line per pair), plus the CPU time per iteration of every benchmark: CPU
// rather than wall time, and the minimum over repetitions, so that other load on a shared
// machine skews the ratios less.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  RecordingReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs)
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
        auto [at, fresh] = times_.try_emplace(run.benchmark_name(), run.GetAdjustedCPUTime());
        if (!fresh) at->second = std::min(at->second, run.GetAdjustedCPUTime());
      }
  }

  void print_ratios() const {
    for (const auto& [name, ours] : times_) {
      const size_t at = name.find(kOurs);
      if (at == std::string::npos) continue;
      std::string raw_name = name;
      raw_name.replace(at, std::string(kOurs).size(), kRaw);
      auto raw = times_.find(raw_name);
      if (raw == times_.end() || ours <= 0 || raw->second <= 0) continue;
      std::string label = name;
      label.replace(at, std::string(kOurs).size(), "/");
      std::printf("ratio %s: cpu time ours/raw = %.3f  throughput ours/raw = %.3f\n", label.c_str(),
                  ours / raw->second, raw->second / ours);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

int run_with_ratios(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}

}  // namespace bench
