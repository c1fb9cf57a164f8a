#include "transfer/source_options.h"

#include "arrowroot/api/storage_options.h"
#include "arrowroot/common/status.h"

namespace arrowroot::transfer {

Result<byte_source::SourceOptions> SourceOptionsFrom(const StorageOptions& options) {
  ASSIGN_OR_RETURN(api::ParsedStorageOptions parsed, api::ParseStorageOptions(options));
  return parsed.source;
}

}  // namespace arrowroot::transfer
