// Reading streamed ROOT objects (TBufferFile layout) for the classes a TTree reader needs:
// TTree, TBranch*, TLeaf*, embedded TBasket, TObjArray, TList and TStreamerInfo records.
// Decoding only: bytes in, structs out, no I/O.
#pragma once

#include <memory>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// Parse a TTree from its (decompressed) key payload. `keylen` is the key's fKeylen: object
/// references inside the record count from the key start (TBufferFile kMapOffset).
Result<std::unique_ptr<Tree>> ParseTree(ByteView payload, int32_t keylen);

/// Parse the streamer-info TList (the key at fSeekInfo).
Result<std::vector<StreamerInfo>> ParseStreamerInfoList(ByteView payload, int32_t keylen);

}  // namespace arrowroot::root_format
