// The libcurl backend of HttpTransport. libcurl stays inside curl_transport.cc.
#pragma once

#include <memory>

#include "arrowroot/byte_source/http/http_transport.h"

namespace arrowroot::byte_source {

/// A transport over a pool of libcurl easy handles (kept-alive connections): each Perform
/// borrows one and gives it back unless the transfer failed or was damaged. Thread-safe.
/// Transfer errors name the cause and, where we know it, the fix (a private CA bundle, an
/// unreachable endpoint). No I/O until the first Perform.
std::shared_ptr<HttpTransport> MakeCurlTransport(HttpTransportOptions options);

}  // namespace arrowroot::byte_source
