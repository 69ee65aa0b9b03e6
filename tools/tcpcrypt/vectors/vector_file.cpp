#include "tools/tcpcrypt/vectors/vector_file.h"

#include <fstream>
#include <sstream>

namespace vectors {

bool load_vector_file(const std::string& path, LoadedFile& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  Json doc = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = path + ": not valid JSON";
    return false;
  }
  out.vectors.clear();
  if (doc.is_array()) {
    for (auto& v : doc) out.vectors.push_back(v);
  } else if (doc.is_object() && doc.contains("vectors")) {
    if (!doc["vectors"].is_array()) {
      error = path + ": \"vectors\" is not an array";
      return false;
    }
    for (auto& v : doc["vectors"]) out.vectors.push_back(v);
  } else if (doc.is_object() && doc.contains("kind")) {
    out.vectors.push_back(doc);
  } else {
    error = path + ": neither a vector file, an array of vectors, nor a vector";
    return false;
  }
  return true;
}

bool write_vector_file(const std::string& path, const std::string& description,
                       const std::vector<Json>& vecs, std::string& error) {
  Json doc;
  doc["format"] = "tcpcrypt-test-vectors";
  doc["version"] = 1;
  doc["description"] = description;
  doc["vectors"] = vecs;
  std::ofstream out(path);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out << doc.dump(2) << "\n";
  if (!out) {
    error = "write failed: " + path;
    return false;
  }
  return true;
}

}  // namespace vectors
