// HDFS through WebHDFS, its REST interface over HTTP: no Hadoop client or JVM needed.
//
// `hdfs://namenode:port/path` and `webhdfs://namenode:port/path` (`swebhdfs://` for HTTPS)
// name a file; the port is the NameNode's HTTP port (9870 by default in Hadoop 3; for an
// hdfs:// URL whose port is the RPC port, set ARROWROOT_WEBHDFS_PORT to the HTTP port).
// Reads ask the NameNode with `noredirect=true`, which answers with the DataNode URL to read
// from; the source then reads there (a NameNode that redirects with 307 anyway is followed).
// Authentication is Hadoop's "simple" one: `user.name=` from $HADOOP_USER_NAME, else $USER.
//
// A client of http/ like s3/ is, not part of it: http/ knows no storage protocol.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/http/http_client.h"

namespace arrowroot::byte_source {

struct WebHdfsLocation {
  std::string base;  ///< "http://host:port/webhdfs/v1"
  std::string path;  ///< absolute, "/dir/file"
};

/// Parse an hdfs://, webhdfs:// or swebhdfs:// URL. InvalidArgument otherwise. `port_override`
/// (from ARROWROOT_WEBHDFS_PORT) replaces an hdfs:// URL's port when not empty.
Result<WebHdfsLocation> ParseWebHdfsUrl(const std::string& url, const std::string& port_override = {});

/// The REST URL of an operation on `loc` ("OPEN", "GETFILESTATUS", ...) with extra query
/// parameters (already encoded, "&offset=1"), the path percent-encoded and `user.name` added.
std::string WebHdfsOpUrl(const WebHdfsLocation& loc, const std::string& op,
                         const std::string& params, const std::string& user);

struct HdfsFileStatus {
  std::string path_suffix;  ///< the name in a listing ("" for GETFILESTATUS)
  uint64_t length = 0;
  bool is_directory = false;
};

/// A GETFILESTATUS answer ({"FileStatus":{...}}). Corruption if it is not one.
Result<HdfsFileStatus> ParseFileStatus(const std::string& json);
/// A LISTSTATUS answer ({"FileStatuses":{"FileStatus":[...]}}).
Result<std::vector<HdfsFileStatus>> ParseListStatus(const std::string& json);
/// The DataNode URL in a `noredirect=true` answer ({"Location":"http://..."}). Corruption if
/// there is none, InvalidArgument for a scheme other than http(s).
Result<std::string> ParseRedirectLocation(const std::string& json);
/// "<exception>: <message>" from a WebHDFS RemoteException body, or "".
std::string DescribeWebHdfsError(const HttpResponse& response);

/// Open an HDFS file for reading.
Result<std::shared_ptr<ByteSource>> OpenWebHdfsSource(const std::string& url, HttpOptions options = {});

/// Every file under `url` (itself if it is a file), recursively, as URLs of the same scheme
/// and authority, sorted, with sizes.
Result<std::vector<std::pair<std::string, uint64_t>>> ListWebHdfs(const std::string& url,
                                                                  HttpOptions options = {});

/// The user name for simple authentication.
std::string WebHdfsUser();

}  // namespace arrowroot::byte_source
