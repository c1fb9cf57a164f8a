// Reading streamed ROOT objects (TBufferFile layout) for the classes a TTree reader needs:
// TTree, TBranch*, TLeaf*, embedded TBasket, TObjArray, TList and TStreamerInfo records.
// Decoding only: bytes in, structs out, no I/O.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/members.h"
#include "arrowroot/root_format/model.h"

namespace arrowroot::root_format {

/// How ParseTree reads a tree record.
struct TreeParseOptions {
  /// The key's class: "TTree", or "TNtuple"/"TNtupleD" (a TNtuple header, the TTree, fNvar).
  std::string class_name = "TTree";
  /// The file's streamer infos: how the class versions arrowroot does not read by hand
  /// (TTree before v16, TBranch before v6, ...) are laid out. Without it those are Unsupported.
  StreamerInfoLookup streamers;
  /// Testing: read every class version the streamer infos describe through them, also those
  /// arrowroot reads by hand (the two readers must agree).
  bool prefer_streamers = false;
};

/// Parse a TTree from its (decompressed) key payload. `keylen` is the key's fKeylen: object
/// references inside the record count from the key start (TBufferFile kMapOffset).
Result<std::unique_ptr<Tree>> ParseTree(ByteView payload, int32_t keylen,
                                        const TreeParseOptions& options = {});

/// Parse the streamer-info TList (the key at fSeekInfo).
Result<std::vector<StreamerInfo>> ParseStreamerInfoList(ByteView payload, int32_t keylen);

}  // namespace arrowroot::root_format
