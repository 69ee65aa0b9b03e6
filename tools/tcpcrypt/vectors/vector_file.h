// Reading and writing test-vector files in the format of spec/vectors.md §1.
// A file is {"format", "version", "description", "vectors": [...]}, a bare array of
// vectors, or a single vector object; all three are accepted on input.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vectors {

using Json = nlohmann::ordered_json;

struct LoadedFile {
  std::vector<Json> vectors;
};

// Throws nothing; on error returns false and fills `error` with a readable message.
bool load_vector_file(const std::string& path, LoadedFile& out, std::string& error);

// Writes {"format","version":1,"description","vectors"} with 2-space indentation.
bool write_vector_file(const std::string& path, const std::string& description,
                       const std::vector<Json>& vecs, std::string& error);

}  // namespace vectors
