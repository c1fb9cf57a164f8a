// S3's XML answers: error bodies, ListObjectsV2 pages. A flat scan, enough for S3's documents,
// which nest no same-named tags. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arrowroot/byte_source/http/http_transport.h"

namespace arrowroot::byte_source {

/// Every <tag>value</tag> in an S3 XML document, unescaped, in order (flat scan).
std::vector<std::string> S3XmlValues(const std::string& xml, const std::string& tag);
/// The first of S3XmlValues, or "".
std::string S3XmlValue(const std::string& xml, const std::string& tag);
/// The raw content of every <tag>...</tag> (records such as <Contents>), in order.
std::vector<std::string> S3XmlBlocks(const std::string& xml, const std::string& tag);

/// "<Code>: <Message>" from an S3 XML error body, or "" if there is none.
std::string DescribeS3Error(const HttpResponse& response);

/// The ETag without quotes (S3 sends it quoted).
std::string UnquoteEtag(std::string etag);

struct S3ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  ///< unquoted
};

/// The <Contents> of a ListObjectsV2 page; *next_token gets NextContinuationToken ("" = last).
std::vector<S3ObjectInfo> ParseListObjects(const std::string& xml, std::string* next_token);

}  // namespace arrowroot::byte_source
