// Per-field comparison of expected (from a vector file) against computed outputs, as
// spec/vectors.md §6 asks: every present output field is compared, a missing required
// field is a failure, hex compares case-insensitively, lists entry by entry.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "tools/tcpcrypt/vectors/vector_file.h"

namespace vectors {

struct FieldResult {
  std::string field;  // e.g. "session_id", "k_ab[1]", "frames[2].frame"
  bool pass;
  std::string expected, computed;
};

class VectorReport {
 public:
  explicit VectorReport(std::string name) : name_(std::move(name)) {}

  // Compares expected[key] with computed[key] if expected has it; a required key
  // missing from `expected` fails. `prefix` names the enclosing entry ("frames[0].").
  void compare(const Json& expected, const Json& computed, const std::string& key,
               bool required, const std::string& prefix = "");
  // Records a failure that is not a single field (bad input, broken trace rule...).
  void fail(const std::string& what, const std::string& detail);

  bool passed() const;
  const std::string& name() const { return name_; }
  const std::vector<FieldResult>& fields() const { return fields_; }
  void print(std::ostream& os, bool verbose) const;

 private:
  void compare_values(const std::string& field, const Json& want, const Json& got);

  std::string name_;
  std::vector<FieldResult> fields_;
};

}  // namespace vectors
